import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { placeWithoutOverwrite } from '../../src/core/download';
import { GenerationError } from '../../src/core/errors';
import {
  dateFolder,
  legacySidecarPathFor,
  resolveOutputDir,
  resultBaseName,
  shortTaskId,
  sidecarPathFor,
  slugify,
} from '../../src/core/naming';
import { isOmittedInlineImage, withoutInlineImages } from '../../src/core/references';
import { buildSidecar, parseSidecar } from '../../src/core/sidecar';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'aigc-naming-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('slugs are safe file names everywhere', () => {
  const cases: [string, string][] = [
    ['A tiny robot watering plants', 'a-tiny-robot-watering-plants'],
    ['../../x', 'x'],
    ['..\\..\\Windows\\System32', 'windows-system32'],
    ['CON', 'image-con'],
    ['lpt1', 'image-lpt1'],
    ['一只在雪地里的红狐狸', '一只在雪地里的红狐狸'],
    ['Café: “quoted” / slashed? *star* <tag> |pipe|', 'café-quoted-slashed-star-tag-pipe'],
    ['   ', 'image'],
    ['🙂🙂🙂', 'image'],
    ['trailing dots...', 'trailing-dots'],
    ['ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
  ];
  for (const [prompt, slug] of cases) {
    it(`${JSON.stringify(prompt)} -> ${slug}`, () => {
      assert.equal(slugify(prompt), slug);
    });
  }
  it('long prompts are cut at a word boundary, at most 48 characters', () => {
    const slug = slugify('a very long prompt about a lighthouse standing on a cliff above a stormy sea at night');
    assert.ok(slug.length <= 48, slug);
    assert.ok(!slug.endsWith('-'));
    assert.equal(slug, 'a-very-long-prompt-about-a-lighthouse-standing');
  });
  it('never contains characters a file system refuses', () => {
    for (const prompt of ['a/b\\c:d*e?f"g<h>i|j', '\u0000nul\u001fctl', 'a. ', 'x'.repeat(500)]) {
      const slug = slugify(prompt);
      // eslint-disable-next-line no-control-regex -- control characters are what a file name must not hold
      assert.doesNotMatch(slug, /[/\\:*?"<>|\u0000-\u001f]|[. ]$/);
      assert.ok(slug.length > 0 && slug.length <= 48);
    }
  });
});

describe('result names', () => {
  it('uses the last 8 letters and digits of the task id', () => {
    assert.equal(shortTaskId('251007502-AigcImage-0a1b2c3d4e5f'), '2c3d4e5f');
    assert.equal(resultBaseName('A tiny robot', '251007502-AigcImage-0a1b2c3d4e5f'), 'a-tiny-robot-2c3d4e5f');
    assert.equal(resultBaseName('A tiny robot', 'id-12345678', 1, 2), 'a-tiny-robot-12345678-2');
  });
  it('dates folders by the local calendar day', () => {
    assert.equal(dateFolder(new Date(2026, 0, 5, 23, 59)), '2026-01-05');
  });
  it('pairs each image with a sidecar named after its whole name, so it never takes a configuration file’s name', () => {
    assert.equal(sidecarPathFor(path.join('a', 'b-1.png')), path.join('a', 'b-1.png.json'));
    assert.equal(sidecarPathFor(path.join('.vscode', 'settings.png')), path.join('.vscode', 'settings.png.json'));
    assert.equal(legacySidecarPathFor(path.join('a', 'b-1.png')), path.join('a', 'b-1.json'));
  });
});

describe('output folder', () => {
  it('is inside the workspace, dated', async () => {
    const dir = await resolveOutputDir(root, 'generated-images', new Date(2026, 10, 26));
    assert.equal(dir, path.join(root, 'generated-images', '2026-11-26'));
  });
  for (const folder of ['../outside', '/etc', '..', 'a/../../b']) {
    it(`refuses ${folder}`, async () => {
      await assert.rejects(
        resolveOutputDir(root, folder, new Date()),
        (e: unknown) => e instanceof GenerationError && e.kind === 'fileSystem' && e.field === 'aigcImage.outputFolder',
      );
    });
  }
  it('refuses a symlink inside the workspace that points outside', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'aigc-outside-'));
    await symlink(outside, path.join(root, 'sneaky'));
    await assert.rejects(resolveOutputDir(root, 'sneaky', new Date()), /outside the workspace/);
    await rm(outside, { recursive: true, force: true });
  });
});

describe('never overwrite', () => {
  it('adds a suffix when the name (or its sidecar) is taken, and leaves existing bytes alone', async () => {
    const dir = path.join(root, 'collide');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'pic.png'), 'original');
    await writeFile(path.join(dir, 'pic-2.png.json'), '{}');
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const temp = path.join(dir, `.tmp${i}.part`);
      await writeFile(temp, `new ${i}`);
      placed.push(path.basename(await placeWithoutOverwrite(temp, dir, 'pic', 'png')));
    }
    assert.deepEqual(placed, ['pic-3.png', 'pic-4.png', 'pic-5.png']);
    assert.equal(await readFile(path.join(dir, 'pic.png'), 'utf8'), 'original');
    assert.ok(!(await readdir(dir)).some((n) => n.endsWith('.part')), 'temp files are gone');
  });
  it('many concurrent saves of one name all get distinct files', async () => {
    const dir = path.join(root, 'race');
    await mkdir(dir, { recursive: true });
    const temps = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const temp = path.join(dir, `.r${i}.part`);
        await writeFile(temp, String(i));
        return temp;
      }),
    );
    const placed = await Promise.all(temps.map((t) => placeWithoutOverwrite(t, dir, 'same', 'png')));
    assert.equal(new Set(placed).size, 20);
    const contents = await Promise.all(placed.map((p) => readFile(p, 'utf8')));
    assert.deepEqual(
      contents.sort((a, b) => Number(a) - Number(b)),
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });
});

describe('sidecar', () => {
  const body = {
    model_name: 'GEM',
    model_version: '2.5',
    prompt: 'fox',
    file_infos: [
      { type: 'Url' as const, url: `data:image/png;base64,${'A'.repeat(4000)}` },
      { type: 'File' as const, file_id: '5285' },
    ],
  };
  it('keeps the request but not the inline image bytes', () => {
    const stripped = withoutInlineImages(body);
    assert.equal(stripped.file_infos![0]!.url, 'data:image/png;omitted (3000 bytes)');
    assert.deepEqual(stripped.file_infos![1], { type: 'File', file_id: '5285' });
  });
  it('knows its own note, so a resumed task reads the file again', () => {
    const stripped = withoutInlineImages(body);
    assert.equal(isOmittedInlineImage(stripped.file_infos![0]!.url), true);
    assert.equal(isOmittedInlineImage(body.file_infos[0]!.url), false);
    assert.equal(isOmittedInlineImage('https://example.com/a.png'), false);
  });
  it('round-trips through parseSidecar and rejects other JSON', () => {
    const sidecar = buildSidecar({
      taskId: 't-1',
      requestId: 'r-1',
      body,
      references: [{ path: 'img/a.png', sha256: 'ab' }],
      images: [{ file: 'fox-t1.png', url: 'https://cdn.example/x.png', format: 'png', bytes: 10, sha256: 'cd' }],
      apiOrigin: 'https://api.example',
      submittedAt: new Date(1000),
      savedAt: new Date(5000),
      extensionVersion: '0.1.0',
    });
    const parsed = parseSidecar(JSON.stringify(sidecar));
    assert.equal(parsed?.taskId, 't-1');
    assert.equal(parsed?.timings.durationMs, 4000);
    assert.equal(parseSidecar('{"name":"package"}'), undefined);
    assert.equal(parseSidecar('not json'), undefined);
  });
});
