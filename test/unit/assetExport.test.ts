/**
 * Asset sets made from an image on disk, on real pixels and a real file system: what a user finds
 * beside the image afterwards, read back from the files' own bytes.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { exportSizes, exportWebIcons } from '../../src/core/assetExport';
import type { CropBox, PixelSize } from '../../src/core/finish';
import { readIcoEntries } from '../support/icoEntries';
import { imageSize } from '../../src/core/imageFormat';
import { sha256Of } from '../../src/core/landing';
import { buildSidecar, parseSidecar, sidecarText } from '../../src/core/sidecar';
import { SharpFinisher } from './helpers/sharpFinisher';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'aigc-assets-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A folder of its own per test, holding one image of the given size and format. */
async function imageIn(name: string, width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<string> {
  const dir = await mkdtemp(path.join(root, 'case-'));
  const file = path.join(dir, name);
  const picture = sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } });
  await writeFile(file, await (format === 'png' ? picture.png() : picture.jpeg()).toBuffer());
  return file;
}

const deps = (finisher = new SharpFinisher(), extra = {}) => ({ finisher, extensionVersion: '0.0.0-test', ...extra });
const sizeOf = async (file: string) => imageSize(new Uint8Array(await readFile(file)));
/** The parts of a derived sidecar these tests read. */
interface DerivedSidecar {
  derivedFrom: { file: string; sha256: string };
  finish: { size: PixelSize; filter: string; crop: CropBox; entries?: number[] };
  images: { url: string; width: number; height: number; format: string }[];
}
const sidecarOf = async (file: string) => JSON.parse(await readFile(`${file}.json`, 'utf8')) as DerivedSidecar;

describe('Export as Web Icons', () => {
  it('writes favicon.ico (16, 32, 48), the touch icon, the 192 and 512 icons and the manifest in a new folder', async () => {
    const source = await imageIn('hero.png', 600, 600);
    const result = await exportWebIcons(source, deps());
    assert.equal(result.folder, path.join(path.dirname(source), 'hero-icons'));
    const folder = result.folder;
    const entries = readIcoEntries(new Uint8Array(await readFile(path.join(folder, 'favicon.ico'))))!;
    assert.deepEqual(
      entries.map((e) => [e.size, imageSize(e.bytes)?.width, imageSize(e.bytes)?.height]),
      [
        [16, 16, 16],
        [32, 32, 32],
        [48, 48, 48],
      ],
    );
    for (const [file, side] of [
      ['apple-touch-icon.png', 180],
      ['icon-192.png', 192],
      ['icon-512.png', 512],
    ] as const)
      assert.deepEqual(await sizeOf(path.join(folder, file)), { width: side, height: side }, file);
    const manifest = JSON.parse(await readFile(path.join(folder, 'site.webmanifest'), 'utf8')) as { icons: unknown[] };
    assert.equal(manifest.icons.length, 2);
    assert.equal(result.squareCropped, false);
    assert.equal(result.stopped, false);
  });

  it('gives every image a sidecar naming its source and how it was made; the favicon’s lists its entries', async () => {
    const source = await imageIn('logo.png', 400, 400);
    const folder = (await exportWebIcons(source, deps())).folder!;
    const touch = await sidecarOf(path.join(folder, 'apple-touch-icon.png'));
    assert.deepEqual(touch.derivedFrom, { file: '../logo.png', sha256: await sha256Of(source) });
    assert.deepEqual(touch.finish.size, { width: 180, height: 180 });
    assert.equal(touch.finish.filter, 'lanczos3');
    assert.deepEqual([touch.images[0]!.width, touch.images[0]!.height, touch.images[0]!.format], [180, 180, 'png']);
    const ico = await sidecarOf(path.join(folder, 'favicon.ico'));
    assert.deepEqual(ico.finish.entries, [16, 32, 48]);
    assert.equal(ico.images[0]!.url, '../logo.png', 'where it came from: its source');
    assert.equal((await readdir(folder)).filter((n) => n.startsWith('.')).length, 0, 'no temporary file is left');
  });

  it('never merges into an existing folder: the set goes into hero-icons-2, the old one untouched', async () => {
    const source = await imageIn('hero.png', 64, 64);
    const taken = path.join(path.dirname(source), 'hero-icons');
    await mkdir(taken);
    await writeFile(path.join(taken, 'favicon.ico'), 'mine');
    const result = await exportWebIcons(source, deps());
    assert.equal(result.folder, `${taken}-2`);
    assert.deepEqual(await readdir(taken), ['favicon.ico']);
    assert.equal(await readFile(path.join(taken, 'favicon.ico'), 'utf8'), 'mine');
  });

  it('a wide image gives its centre, said as a square crop, and a small one is said to be enlarged', async () => {
    const source = await imageIn('banner.png', 300, 100);
    const result = await exportWebIcons(source, deps());
    assert.equal(result.squareCropped, true);
    const icon512 = result.files.find((f) => f.path.endsWith('icon-512.png'))!;
    assert.equal(icon512.upscale, 5.12);
    assert.deepEqual((await sidecarOf(icon512.path)).finish.crop, { left: 100, top: 0, width: 100, height: 100 });
  });

  it('a damaged image stops the export before anything is written, the image untouched', async () => {
    const source = await imageIn('broken.png', 10, 10);
    await writeFile(source, Buffer.from('\x89PNG\r\n\x1a\nnot really'));
    const before = await readFile(source);
    const finisher = new SharpFinisher();
    await assert.rejects(exportWebIcons(source, deps(finisher)), /cannot be read/);
    assert.deepEqual(await readdir(path.dirname(source)), ['broken.png']);
    assert.deepEqual(await readFile(source), before);
    assert.equal(finisher.finishes, 0);
  });

  it('stopping between files keeps what was made and starts nothing more', async () => {
    const source = await imageIn('stop.png', 200, 200);
    const abort = new AbortController();
    const result = await exportWebIcons(
      source,
      deps(new SharpFinisher(), {
        signal: abort.signal,
        onFile: (_: string, done: number) => done === 1 && abort.abort(),
      }),
    );
    assert.equal(result.stopped, true);
    assert.deepEqual((await readdir(result.folder!)).sort(), [
      'apple-touch-icon.png',
      'apple-touch-icon.png.json',
      'favicon.ico',
      'favicon.ico.json',
    ]);
  });
});

describe('Export Assets at sizes', () => {
  it('writes each size beside the source in its format, a taken name getting -2', async () => {
    const source = await imageIn('photo.jpg', 1600, 900, 'jpeg');
    const dir = path.dirname(source);
    await writeFile(path.join(dir, 'photo-1200x630.jpg'), 'taken');
    const result = await exportSizes(
      source,
      [
        { width: 1200, height: 630 },
        { width: 64, height: 64 },
      ],
      deps(),
    );
    assert.deepEqual(
      result.files.map((f) => path.basename(f.path)),
      ['photo-1200x630-2.jpg', 'photo-64x64.jpg'],
    );
    assert.equal(await readFile(path.join(dir, 'photo-1200x630.jpg'), 'utf8'), 'taken');
    const card = new Uint8Array(await readFile(path.join(dir, 'photo-1200x630-2.jpg')));
    assert.deepEqual(imageSize(card), { width: 1200, height: 630 });
    assert.equal(card[0], 0xff, 'a JPEG, like its source');
    assert.equal((await sidecarOf(path.join(dir, 'photo-64x64.jpg'))).derivedFrom.file, 'photo.jpg');
  });

  it('a generated image hands its prompt and model down to the copy, whose sidecar reads as one', async () => {
    const source = await imageIn('fox.png', 300, 200);
    const body = { model_name: 'GEM', model_version: '2.5', prompt: 'a red fox in snow' };
    const original = buildSidecar({
      taskId: 'task-1',
      body,
      references: [],
      images: [
        { file: 'fox.png', url: 'https://cdn.example/fox.png', format: 'png', bytes: 1, sha256: '0'.repeat(64) },
      ],
      apiOrigin: 'https://api.example',
      submittedAt: new Date(0),
      savedAt: new Date(1000),
      extensionVersion: '0.0.0-test',
    });
    await writeFile(`${source}.json`, sidecarText(original));
    const [copy] = (await exportSizes(source, [{ width: 64, height: 64 }], deps())).files;
    const read = parseSidecar(await readFile(`${copy!.path}.json`, 'utf8'));
    assert.equal(read?.prompt, 'a red fox in snow');
    assert.equal(read?.taskId, 'task-1');
    assert.deepEqual(read?.derivedFrom, { file: 'fox.png', sha256: await sha256Of(source) });
  });
});
