import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODELS, modelKey } from '../../src/core/models';
import { validateRequest } from '../../src/core/request';
import { CORE_MESSAGE_TEMPLATES, localizeMessage } from '../../src/shared/coreMessages';
import { formFromRequest, previewFileInfos, requestFromForm, validateForm } from '../../src/shared/formRequest';
import { type FormValues, TARGET_PATH_MAX } from '../../src/shared/formValues';
import { GALLERY_ACTIONS } from '../../src/shared/galleryItem';
import { hostMessageSchema } from '../../src/shared/hostMessages';
import { STRING_KEYS } from '../../src/shared/studioStrings';
import { webviewMessageSchema } from '../../src/shared/webviewMessages';
import { FINISHED_BUTTONS, GALLERY_BUTTONS as EVERY_RESULT } from '../../media/studio/galleryButtons';

function form(patch: Partial<FormValues> = {}, options: FormValues['options'] = {}): FormValues {
  return { prompt: 'a lighthouse at dusk', negativePrompt: '', model: 'GEM 2.5', options, references: [], ...patch };
}

function issueFields(values: FormValues): string[] {
  const result = validateForm(values);
  return result.ok ? [] : result.issues.map((i) => i.field);
}

describe('webview -> host messages', () => {
  const valid: unknown[] = [
    { type: 'ready' },
    { type: 'generate', requestId: 'g1', form: form() },
    { type: 'taskAction', taskId: 'b1d6c3a0', action: 'cancel' },
    { type: 'taskAction', taskId: 'b1d6c3a0', action: 'resubmit' },
    { type: 'inspect', requestId: 'i1', uris: ['file:///home/user/cat.png'] },
    { type: 'listImages' },
    { type: 'browse' },
    { type: 'galleryAction', item: 'file:///home/user/generated-images/a.json', action: 'variation' },
    { type: 'refreshGallery' },
    { type: 'references', paths: ['/home/user/cat.png'] },
    { type: 'runCommand', command: 'setApiKey' },
    { type: 'formShown', prompt: 'A red fox in the snow', target: 'assets/fox.png' },
    { type: 'formShown', prompt: '' },
  ];

  it('accepts every message the webview sends', () => {
    for (const message of valid) {
      const parsed = webviewMessageSchema.safeParse(message);
      assert.ok(
        parsed.success,
        `${JSON.stringify(message)}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`,
      );
    }
  });

  it('the gallery offers a button for exactly the actions the protocol carries, each with its own label', () => {
    const GALLERY_BUTTONS = [...EVERY_RESULT, ...FINISHED_BUTTONS];
    assert.deepEqual(GALLERY_BUTTONS.map((b) => b.action).sort(), [...GALLERY_ACTIONS].sort());
    assert.equal(
      new Set(GALLERY_BUTTONS.map((b) => b.label)).size,
      GALLERY_BUTTONS.length,
      'no two buttons share a label',
    );
    assert.equal(new Set(GALLERY_BUTTONS.map((b) => b.testId)).size, GALLERY_BUTTONS.length);
    for (const { label } of GALLERY_BUTTONS) assert.ok((STRING_KEYS as readonly string[]).includes(label), label);
  });

  it('refuses unknown types, missing ids, unknown actions and commands, and oversized payloads', () => {
    const invalid: unknown[] = [
      null,
      'ready',
      { type: 'evaluate', code: 'process.exit()' },
      { type: 'generate', form: form() },
      { type: 'generate', requestId: '', form: form() },
      { type: 'generate', requestId: 'g', form: { ...form(), references: [{ kind: 'disk', path: '/etc/passwd' }] } },
      { type: 'galleryAction', item: 'x', action: 'delete' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'inspect', requestId: 'i', uris: Array.from({ length: 101 }, (_, i) => `file:///${i}.png`) },
      { type: 'generate', requestId: 'g', form: { ...form(), prompt: 'x'.repeat(100_001) } },
      { type: 'taskAction', taskId: 'x' },
      { type: 'taskAction', taskId: 'x', action: 'delete' },
    ];
    for (const message of invalid) {
      assert.equal(webviewMessageSchema.safeParse(message).success, false, JSON.stringify(message)?.slice(0, 120));
    }
  });
});

describe("the form's fixed target", () => {
  const generate = (target: unknown) => ({ type: 'generate', requestId: 'g', form: { ...form(), target } });
  const fill = (target: unknown) => ({ type: 'fillForm', form: { ...form(), target } });

  it('carries a workspace-relative image path in generate, fillForm and formShown, and may be left out', () => {
    const accepted = [
      'assets/hero.png',
      'hero.PNG',
      'docs/team photo.jpeg',
      'site/img/a.jpg',
      'web/b.webp',
      `a/${'x'.repeat(TARGET_PATH_MAX - 6)}.png`,
    ];
    for (const target of accepted) {
      assert.equal(target.length <= TARGET_PATH_MAX, true);
      assert.ok(webviewMessageSchema.safeParse(generate(target)).success, target);
      assert.ok(hostMessageSchema.safeParse(fill(target)).success, target);
      assert.ok(webviewMessageSchema.safeParse({ type: 'formShown', prompt: 'p', target }).success, target);
    }
    assert.ok(
      webviewMessageSchema.safeParse({ type: 'generate', requestId: 'g', form: form() }).success,
      'no target: the output folder',
    );
  });

  it('refuses an empty, oversized or non-image target, and one that is not a string', () => {
    const refused: unknown[] = [
      '',
      `a/${'x'.repeat(TARGET_PATH_MAX - 5)}.png`,
      'assets/hero.svg',
      'assets/hero.png.exe',
      'notes.md',
      'assets/hero',
      42,
      null,
      ['a.png'],
    ];
    for (const target of refused) {
      assert.equal(
        webviewMessageSchema.safeParse(generate(target)).success,
        false,
        JSON.stringify(target)?.slice(0, 40),
      );
      assert.equal(hostMessageSchema.safeParse(fill(target)).success, false, JSON.stringify(target)?.slice(0, 40));
      assert.equal(
        webviewMessageSchema.safeParse({ type: 'formShown', prompt: 'p', target }).success,
        false,
        JSON.stringify(target)?.slice(0, 40),
      );
    }
  });

  it('is not part of the request: the host turns it into where the file is saved', () => {
    assert.deepEqual(requestFromForm({ ...form(), target: 'assets/hero.png' }), requestFromForm(form()));
    assert.ok(validateForm({ ...form(), target: 'assets/hero.png' }).ok);
  });
});

describe('host -> webview messages', () => {
  it('parses an init with strings, defaults, tasks and results', () => {
    const parsed = hostMessageSchema.safeParse({
      type: 'init',
      lang: 'zh-cn',
      strings: { 'form.prompt': '提示词' },
      messages: [['is required', '必填。']],
      defaults: form({ prompt: '' }),
      history: ['a fox'],
      tasks: [
        {
          id: 't1',
          prompt: 'a fox',
          model: 'GEM 2.5',
          status: 'queued',
          position: 3,
          startedAt: 1,
          statusLine: 'Queued (position 3) · 4s',
          actions: ['stopWaiting'],
        },
      ],
      gallery: [
        {
          id: 'file:///w/a.json',
          file: '/w/a.png',
          relPath: 'a.png',
          thumb: 'https://x/a.png',
          prompt: 'a fox',
          model: 'GEM 2.5',
          createdAt: 2,
          references: 0,
        },
      ],
      galleryTotal: 1,
      hasWorkspace: true,
    });
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
  });

  it('refuses a task in a status the runner does not have', () => {
    const parsed = hostMessageSchema.safeParse({
      type: 'tasks',
      tasks: [
        { id: 't1', prompt: 'p', model: 'GEM 2.5', status: 'exploded', startedAt: 1, statusLine: '', actions: [] },
      ],
    });
    assert.equal(parsed.success, false);
  });
});

describe('the form as a request', () => {
  it('turns the form into the body the core schema accepts, leaving out empty options', () => {
    const request = requestFromForm(
      form(
        { negativePrompt: ' ' },
        { resolution: '2K', aspect_ratio: '16:9', storage_mode: 'Permanent', tasks_priority: ' -3 ', session_id: '' },
      ),
    );
    const result = validateRequest(request);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.body, {
      model_name: 'GEM',
      model_version: '2.5',
      prompt: 'a lighthouse at dusk',
      output_config: { storage_mode: 'Permanent', resolution: '2K', aspect_ratio: '16:9' },
      tasks_priority: -3,
    });
  });

  it('does not send an aspect ratio or image descriptions to a model that does not take them', () => {
    const values = form(
      { model: 'Qwen 0925', references: [{ kind: 'url', url: 'https://example.com/a.png', text: 'the cat' }] },
      { aspect_ratio: '16:9' },
    );
    assert.equal((requestFromForm(values).output_config as Record<string, unknown>).aspect_ratio, undefined);
    assert.deepEqual(previewFileInfos(values), [{ type: 'Url', url: 'https://example.com/a.png', text: undefined }]);
    assert.deepEqual(issueFields(values), []);
    // Back on GEM the same values are sent.
    const gem = { ...values, model: 'GEM 3.0' };
    assert.equal((requestFromForm(gem).output_config as Record<string, unknown>).aspect_ratio, '16:9');
    assert.equal(previewFileInfos(gem)[0]!.text, 'the cat');
  });

  it('names the field of each problem, as the panel shows it inline', () => {
    assert.deepEqual(issueFields(form({ prompt: '   ' })), ['prompt']);
    assert.deepEqual(issueFields(form({ prompt: 'x'.repeat(10_001) })), ['prompt']);
    assert.deepEqual(issueFields(form({ model: 'GEM 9.9' })), ['model_version']);
    assert.deepEqual(issueFields(form({}, { tasks_priority: '11' })), ['tasks_priority']);
    assert.deepEqual(issueFields(form({}, { tasks_priority: '1.5' })), ['tasks_priority']);
    assert.deepEqual(issueFields(form({}, { session_id: 's'.repeat(51) })), ['session_id']);
    assert.deepEqual(issueFields(form({}, { resolution: '8K' })), ['output_config.resolution']);
    assert.deepEqual(issueFields(form({ references: [{ kind: 'url', url: 'ftp://example.com/a.png' }] })), [
      'file_infos[0].url',
    ]);
    assert.deepEqual(issueFields(form({ references: [{ kind: 'fileId', fileId: ' ' }] })), ['file_infos[0].file_id']);
    assert.deepEqual(
      issueFields(form({ references: [{ kind: 'url', url: 'https://e.com/a.png', text: 't'.repeat(1001) }] })),
      ['file_infos[0].text'],
    );
  });

  it('counts local files as images (bytes are read by the host) and reports their problems', () => {
    const file = { kind: 'file' as const, uri: 'file:///w/a.png' };
    assert.deepEqual(issueFields(form({ references: [file] })), []);
    assert.deepEqual(
      issueFields(form({ references: [{ ...file, problem: 'Too large: 9.0 MB (the limit is 7.0 MB).' }] })),
      ['file_infos[0]'],
    );
    const eleven = Array.from({ length: 11 }, (_, i) => ({ kind: 'file' as const, uri: `file:///w/${i}.png` }));
    assert.deepEqual(issueFields(form({ references: eleven })), ['file_infos']);
  });

  it('holds the chosen model to its own reference limit (GEM 2.5: 3, Qwen 0925: 1)', () => {
    const three = Array.from({ length: 3 }, (_, i) => ({ kind: 'file' as const, uri: `file:///w/${i}.png` }));
    assert.deepEqual(issueFields(form({ references: three })), []);
    assert.deepEqual(issueFields(form({ model: 'Qwen 0925', references: three })), ['file_infos']);
    assert.deepEqual(issueFields(form({ model: 'GEM 3.0', references: [...three, ...three, ...three, ...three] })), []);
  });

  it('says when the aspect ratio and the exact size contradict, but not for a model that takes no aspect ratio', () => {
    assert.deepEqual(issueFields(form({}, { aspect_ratio: '16:9', resolution: '1024x1024' })), [
      'output_config.resolution',
    ]);
    assert.deepEqual(
      issueFields(form({ model: 'Hunyuan 3.0' }, { aspect_ratio: '16:9', resolution: '1024x1024' })),
      [],
    );
  });

  it('every model of the catalogue validates with its defaults', () => {
    for (const model of MODELS) {
      assert.deepEqual(
        issueFields(form({ model: modelKey(model) }, { resolution: model.resolutions[0] })),
        [],
        modelKey(model),
      );
    }
  });

  it('reuse settings: a saved request fills the form that makes the same request again, without its session id', () => {
    const saved = {
      model_name: 'GEM',
      model_version: '3.0',
      prompt: 'paper boat',
      negative_prompt: 'text',
      enhance_prompt: 'Enabled',
      output_config: {
        storage_mode: 'Temporary',
        aspect_ratio: '3:2',
        person_generation: 'Disallowed',
        output_compliance_check: 'Enabled',
      },
      tasks_priority: 2,
      session_id: 'aigc-7f3c',
      session_context: 'campaign',
    };
    const filled = formFromRequest(saved, []);
    assert.equal(filled.model, 'GEM 3.0');
    assert.equal(filled.options.session_id, undefined);
    const again = validateRequest(requestFromForm(filled));
    assert.ok(again.ok);
    const { session_id: _dropped, ...expected } = saved;
    assert.deepEqual(again.body, expected);
  });
});

describe('localized core messages', () => {
  const table: [string, string][] = [
    ['must be one of: {0} for {1}', '{1} 只能选择 {0}。'],
    ['must be one of: {0}', '请选择以下之一：{0}。'],
    ['is required', '必填。'],
    ['must be at most {0} characters', '最多 {0} 个字符。'],
    ['is {0} MB; the limit is {1} MB', '文件过大：{0} MB（上限 {1} MB）。'],
    ['must be an http(s) URL or a data: URL of an image', '请输入 http(s) URL。'],
  ];

  it('fills the translation with the values of the English message, in the translation’s order', () => {
    assert.equal(localizeMessage('must be at most 50 characters', table), '最多 50 个字符。');
    assert.equal(localizeMessage('must be one of: 2.5, 3.0 for GEM', table), 'GEM 只能选择 2.5, 3.0。');
    assert.equal(localizeMessage('is 9.1 MB; the limit is 7.0 MB', table), '文件过大：9.1 MB（上限 7.0 MB）。');
    assert.equal(localizeMessage('must be an http(s) URL or a data: URL of an image', table), '请输入 http(s) URL。');
  });

  it('prefers the more specific template and leaves unknown messages as they are', () => {
    assert.equal(localizeMessage('must be one of: 720P, 1080P', table), '请选择以下之一：720P, 1080P。');
    assert.equal(localizeMessage('is required when type is "File"', table), 'is required when type is "File"');
    assert.equal(localizeMessage('something new', table), 'something new');
  });

  it('has a template for every message the form can produce', () => {
    const forms = [
      form({ prompt: '' }),
      form({ prompt: 'x'.repeat(10_001) }),
      form({ model: 'GEM 9.9' }),
      form({ model: 'Dall-E 3' }),
      form({}, { tasks_priority: '99' }),
      form({}, { tasks_priority: 'high' }),
      form({}, { session_id: 's'.repeat(60) }),
      form({}, { session_context: 'c'.repeat(1001) }),
      form({}, { resolution: '8K', storage_mode: 'Forever', enhance_prompt: 'Maybe' }),
      form({
        references: [
          { kind: 'url', url: 'ftp://x' },
          { kind: 'url', url: 'data:image/gif;base64,AA' },
          { kind: 'fileId', fileId: '' },
        ],
      }),
      form({
        references: Array.from({ length: 11 }, (_, i) => ({ kind: 'url' as const, url: `https://e.com/${i}.png` })),
      }),
      form({ references: [{ kind: 'url', url: 'https://e.com/a.png', text: 't'.repeat(1001) }] }),
      form({
        model: 'Qwen 0925',
        references: [
          { kind: 'url', url: 'https://e.com/a.png' },
          { kind: 'url', url: 'https://e.com/b.png' },
        ],
      }),
      form({
        references: Array.from({ length: 4 }, (_, i) => ({ kind: 'url' as const, url: `https://e.com/${i}.png` })),
      }),
      form({}, { aspect_ratio: '16:9', resolution: '1024x1024' }),
    ];
    const identity = CORE_MESSAGE_TEMPLATES.map((t) => [t, `«${t}»`] as [string, string]);
    for (const values of forms) {
      const result = validateForm(values);
      assert.equal(result.ok, false);
      for (const issue of result.ok ? [] : result.issues) {
        assert.notEqual(
          localizeMessage(issue.message, identity),
          issue.message,
          `no template for "${issue.message}" (${issue.field})`,
        );
      }
    }
    for (const problem of ['cannot be read', 'is not a PNG, JPEG or WebP image', 'is 7.5 MB; the limit is 7.0 MB']) {
      assert.notEqual(localizeMessage(problem, identity), problem, problem);
    }
  });
});

describe('UI strings', () => {
  it('are named once each', () => {
    assert.equal(new Set(STRING_KEYS).size, STRING_KEYS.length);
  });
});
