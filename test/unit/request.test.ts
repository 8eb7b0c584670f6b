import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GenerationError } from '../../src/core/errors';
import { MODELS, aspectOfSize, findModel, maxReferencesOf, parseModelKey } from '../../src/core/models';
import { buildRequestBody, validateRequest } from '../../src/core/request';

const base = { model_name: 'GEM', model_version: '2.5', prompt: 'a red fox in snow' };

function issuesOf(input: unknown): { field: string; message: string }[] {
  const result = validateRequest(input);
  assert.equal(result.ok, false, 'expected the request to be refused');
  return result.ok ? [] : result.issues;
}

function refusedField(input: unknown): string {
  try {
    buildRequestBody(input);
  } catch (error) {
    assert.ok(error instanceof GenerationError);
    assert.equal(error.kind, 'validation');
    assert.ok(error.message.includes(error.field!), `message "${error.message}" names the field`);
    return error.field!;
  }
  assert.fail('expected a validation error');
}

describe('model catalogue', () => {
  it('lists the four model/version pairs of the protocol', () => {
    assert.deepEqual(
      MODELS.map((m) => `${m.name} ${m.version}`),
      ['GEM 2.5', 'GEM 3.0', 'Qwen 0925', 'Hunyuan 3.0'],
    );
  });
  it('knows that only GEM takes an aspect ratio and image descriptions', () => {
    assert.equal(findModel('GEM', '3.0')?.supportsAspectRatio, true);
    assert.equal(findModel('Qwen', '0925')?.supportsAspectRatio, false);
    assert.equal(findModel('Hunyuan', '3.0')?.supportsImageText, false);
    assert.equal(parseModelKey('Hunyuan 3.0')?.name, 'Hunyuan');
    assert.equal(parseModelKey('GEM 9'), undefined);
  });
  it('knows how many reference images each model takes (the upstream maxima)', () => {
    assert.deepEqual(Object.fromEntries(MODELS.map((m) => [`${m.name} ${m.version}`, m.maxReferences])), {
      'GEM 2.5': 3,
      'GEM 3.0': 14,
      'Qwen 0925': 1,
      'Hunyuan 3.0': 3,
    });
    assert.equal(maxReferencesOf('Qwen 0925'), 1);
    assert.equal(maxReferencesOf('Unknown 1'), 14, 'an unknown model is bounded by the largest limit');
  });
  it('gives the aspect ratio of every exact size, and none for a tier', () => {
    const sizes = MODELS[0]!.resolutions.filter((r) => r.includes('x'));
    assert.deepEqual(Object.fromEntries(sizes.map((s) => [s, aspectOfSize(s)])), {
      '1024x1024': '1:1',
      '2048x2048': '1:1',
      '2304x1728': '4:3',
      '2496x1664': '3:2',
      '2560x1440': '16:9',
      '3024x1296': '21:9',
      '4096x4096': '1:1',
      '4694x3520': '4:3',
      '4992x3328': '3:2',
      '5404x3040': '16:9',
      '6198x2656': '21:9',
    });
    assert.equal(aspectOfSize('2K'), undefined);
    assert.equal(aspectOfSize('1000x123'), undefined);
  });
});

describe('per-model reference limits', () => {
  const image = (n: number) => ({ type: 'Url', url: `https://cdn.example.com/${n}.png` });
  const images = (count: number) => Array.from({ length: count }, (_, i) => image(i));
  const request = (model: string, count: number) => {
    const [name, version] = model.split(' ');
    return { ...base, model_name: name, model_version: version, file_infos: images(count) };
  };

  it('accepts each model up to its limit and refuses one more, naming the model and the limit', () => {
    for (const [model, limit] of [
      ['GEM 2.5', 3],
      ['GEM 3.0', 14],
      ['Qwen 0925', 1],
      ['Hunyuan 3.0', 3],
    ] as const) {
      assert.ok(validateRequest(request(model, limit)).ok, `${model} takes ${limit}`);
      const issues = issuesOf(request(model, limit + 1));
      assert.deepEqual(issues, [
        { field: 'file_infos', message: `${model} takes at most ${limit} reference image${limit === 1 ? '' : 's'}` },
      ]);
    }
  });

  it('refuses a Qwen restyle of two images with one line that names the limit', () => {
    assert.throws(
      () => buildRequestBody(request('Qwen 0925', 2)),
      (e: unknown) =>
        e instanceof GenerationError &&
        e.kind === 'validation' &&
        e.field === 'file_infos' &&
        e.message === 'Invalid file_infos: Qwen 0925 takes at most 1 reference image',
    );
  });

  it('lets GEM 3.0 take more than the old flat cap of 10', () => {
    assert.ok(validateRequest(request('GEM 3.0', 12)).ok);
  });
});

describe('aspect ratio and exact size', () => {
  it('refuses an exact size whose shape contradicts the aspect ratio, on the resolution field', () => {
    const [issue] = issuesOf({ ...base, output_config: { aspect_ratio: '16:9', resolution: '1024x1024' } });
    assert.deepEqual(issue, {
      field: 'output_config.resolution',
      message: '1024x1024 is 1:1, not the aspect ratio 16:9',
    });
  });

  it('accepts a matching size, a tier with any ratio, and a size alone', () => {
    assert.ok(validateRequest({ ...base, output_config: { aspect_ratio: '16:9', resolution: '2560x1440' } }).ok);
    assert.ok(validateRequest({ ...base, output_config: { aspect_ratio: '21:9', resolution: '6198x2656' } }).ok);
    assert.ok(validateRequest({ ...base, output_config: { aspect_ratio: '9:16', resolution: '2K' } }).ok);
    assert.ok(
      validateRequest({
        ...base,
        model_name: 'Qwen',
        model_version: '0925',
        output_config: { resolution: '2560x1440' },
      }).ok,
    );
  });
});

describe('request validation', () => {
  it('accepts a minimal request and returns exactly its fields', () => {
    assert.deepEqual(buildRequestBody(base), base);
  });

  it('omits empty optional fields from the JSON', () => {
    const body = buildRequestBody({
      ...base,
      negative_prompt: '',
      enhance_prompt: undefined,
      file_infos: [],
      output_config: { resolution: '', aspect_ratio: undefined },
      session_id: '',
      ext_info: '',
    });
    assert.deepEqual(body, base);
    assert.equal(JSON.stringify(body), JSON.stringify(base));
  });

  it('keeps every valid field of the create body', () => {
    const full = {
      ...base,
      negative_prompt: 'blurry',
      enhance_prompt: 'Enabled',
      file_infos: [
        { type: 'Url', url: 'https://cdn.example.com/a.png', text: 'the fox' },
        { type: 'File', file_id: '5285890781234' },
        { type: 'Url', url: 'data:image/webp;base64,UklGRg==' },
      ],
      output_config: {
        storage_mode: 'Permanent',
        resolution: '2K',
        aspect_ratio: '16:9',
        person_generation: 'Disallowed',
        input_compliance_check: 'Enabled',
        output_compliance_check: 'Disabled',
      },
      session_id: 'abc',
      session_context: 'ctx',
      tasks_priority: -10,
      ext_info: 'x',
    };
    assert.deepEqual(buildRequestBody(full), full);
  });

  it('requires a non-empty prompt', () => {
    assert.equal(refusedField({ ...base, prompt: '   ' }), 'prompt');
    assert.equal(refusedField({ model_name: 'GEM', model_version: '2.5' }), 'prompt');
  });

  it('refuses unknown models and versions, naming the allowed values', () => {
    const [nameIssue] = issuesOf({ ...base, model_name: 'DALL-E' });
    assert.equal(nameIssue!.field, 'model_name');
    assert.match(nameIssue!.message, /GEM, Qwen, Hunyuan/);
    const [versionIssue] = issuesOf({ ...base, model_name: 'Qwen', model_version: '2.5' });
    assert.equal(versionIssue!.field, 'model_version');
    assert.match(versionIssue!.message, /0925/);
  });

  it('allows the aspect ratio only for GEM', () => {
    assert.ok(
      validateRequest({ ...base, model_name: 'GEM', model_version: '3.0', output_config: { aspect_ratio: '21:9' } }).ok,
    );
    for (const [name, version] of [
      ['Qwen', '0925'],
      ['Hunyuan', '3.0'],
    ]) {
      const [issue] = issuesOf({
        ...base,
        model_name: name,
        model_version: version,
        output_config: { aspect_ratio: '1:1' },
      });
      assert.equal(issue!.field, 'output_config.aspect_ratio');
      assert.match(issue!.message, /GEM 2\.5, GEM 3\.0/);
    }
  });

  it('refuses values outside each enum, listing the allowed ones', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ output_config: { aspect_ratio: '7:3' } }, 'output_config.aspect_ratio', /1:1, 3:2/],
      [{ output_config: { resolution: '8K' } }, 'output_config.resolution', /720P, 1080P, 2K, 4K/],
      [{ output_config: { storage_mode: 'Forever' } }, 'output_config.storage_mode', /Temporary, Permanent/],
      [{ output_config: { person_generation: 'All' } }, 'output_config.person_generation', /AllowAdult, Disallowed/],
      [
        { output_config: { input_compliance_check: 'on' } },
        'output_config.input_compliance_check',
        /Enabled, Disabled/,
      ],
      [
        { output_config: { output_compliance_check: true } },
        'output_config.output_compliance_check',
        /Enabled, Disabled/,
      ],
      [{ enhance_prompt: 'yes' }, 'enhance_prompt', /Enabled, Disabled/],
    ];
    for (const [extra, field, allowed] of cases) {
      const [issue] = issuesOf({ ...base, ...extra });
      assert.equal(issue!.field, field);
      assert.match(issue!.message, allowed);
    }
  });

  it('takes the priority as a whole number from -10 to 10', () => {
    assert.ok(validateRequest({ ...base, tasks_priority: 10 }).ok);
    assert.ok(validateRequest({ ...base, tasks_priority: 0 }).ok);
    for (const bad of [11, -11, 1.5, '3']) {
      assert.equal(refusedField({ ...base, tasks_priority: bad }), 'tasks_priority');
    }
  });

  it('limits session_id to 50 and session_context to 1000 characters', () => {
    assert.ok(validateRequest({ ...base, session_id: 'x'.repeat(50), session_context: 'y'.repeat(1000) }).ok);
    assert.equal(refusedField({ ...base, session_id: 'x'.repeat(51) }), 'session_id');
    assert.equal(refusedField({ ...base, session_context: 'y'.repeat(1001) }), 'session_context');
  });

  it('checks reference images: type, url or file id, image formats', () => {
    const field = (info: unknown) => issuesOf({ ...base, file_infos: [info] })[0]!.field;
    assert.equal(field({ type: 'file', file_id: 'x' }), 'file_infos[0].type');
    assert.equal(field({ type: 'File' }), 'file_infos[0].file_id');
    assert.equal(field({ type: 'Url' }), 'file_infos[0].url');
    assert.equal(field({ type: 'Url', url: 'ftp://x/y.png' }), 'file_infos[0].url');
    assert.equal(field({ type: 'Url', url: 'data:image/gif;base64,R0lG' }), 'file_infos[0].url');
    assert.equal(field({ type: 'Url', url: 'data:text/plain;base64,aGk=' }), 'file_infos[0].url');
  });

  it('allows an image description only for models that honour it', () => {
    const info = { type: 'Url', url: 'https://cdn.example.com/a.png', text: 'keep the colours' };
    assert.ok(validateRequest({ ...base, file_infos: [info] }).ok);
    const [issue] = issuesOf({ ...base, model_name: 'Qwen', model_version: '0925', file_infos: [info] });
    assert.equal(issue!.field, 'file_infos[0].text');
  });

  it('refuses unknown fields, which the gateway would not expect', () => {
    const [issue] = issuesOf({ ...base, promt: 'typo' });
    assert.match(issue!.message, /promt/);
  });

  it('reports how many more problems there are', () => {
    assert.throws(
      () => buildRequestBody({ ...base, prompt: '', tasks_priority: 99 }),
      (e: unknown) => e instanceof GenerationError && /\(\+1 more\)/.test(e.message),
    );
  });
});
