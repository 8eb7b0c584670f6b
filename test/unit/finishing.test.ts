/**
 * The finishing step of a landing, on a real file system with the real image worker: the
 * finished file at its exact path and size, its sidecar naming the original, the original never
 * touched, a resume that finishes into its own file instead of making a second, and every way
 * finishing can fail leaving the original as it was.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { FinishSpec } from '../../src/core/finish';
import { type FinishingDeps, finishImages } from '../../src/core/finishing';
import { type LifecycleEvent, type TaskRecord, advance } from '../../src/core/lifecycle';
import { parseSidecar } from '../../src/core/sidecar';
import { ImageWorker } from '../../src/imaging/imageWorker';
import { renderScene } from '../sim/scenes';
import { T0, landingWith } from './helpers/records';

const WORKER = path.join(__dirname, '..', '..', 'src', 'imaging', 'worker.js');
let engine: ImageWorker;
let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'aigc-finishing-'));
  engine = new ImageWorker({ script: WORKER });
});

after(async () => {
  await engine.dispose();
  await rm(root, { recursive: true, force: true });
});

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A folder of its own with an original landed in `generated-images/`, as the landing leaves it. */
async function landedTask(
  name: string,
  spec: Omit<FinishSpec, 'path'> & { path?: string },
  original?: Buffer,
): Promise<{ record: TaskRecord; dir: string; originalPath: string; originalBytes: Buffer }> {
  const dir = path.join(root, name);
  const out = path.join(dir, 'generated-images');
  await mkdir(out, { recursive: true });
  const bytes =
    original ??
    (await sharp(
      Buffer.from(renderScene({ width: 640, height: 360, seed: name, backdrop: { kind: 'scenery' } }).rgba),
      {
        raw: { width: 640, height: 360, channels: 4 },
      },
    )
      .png()
      .toBuffer());
  const originalPath = path.join(out, 'a-fox.png');
  await writeFile(originalPath, bytes);
  const landing = landingWith(['https://cdn.example/a.png']);
  const start: TaskRecord = {
    ...landing,
    target: { ...landing.target, workspaceRoot: dir, finish: { ...spec, ...(spec.path ? { path: spec.path } : {}) } },
  };
  const record = advance(
    start,
    {
      type: 'imageLanded',
      index: 0,
      file: { path: originalPath, bytes: bytes.length, format: 'png', sha256: sha(bytes) },
    },
    T0 + 10,
  );
  return { record, dir, originalPath, originalBytes: bytes };
}

function depsFor(
  record: TaskRecord,
  finisher: FinishingDeps['finisher'] = engine,
): FinishingDeps & { events: LifecycleEvent[] } {
  let current = record;
  const events: LifecycleEvent[] = [];
  return {
    events,
    apply: async (event) => {
      events.push(event);
      current = advance(current, event, T0 + 20 + events.length);
      return current;
    },
    apiOrigin: 'https://gw.example',
    extensionVersion: '0.0.0-test',
    stillOurs: async () => true,
    finisher,
  };
}

describe('finishing a landed image', () => {
  it('writes a 1200×630 JPEG at the exact path, with a sidecar naming its original, and leaves the original as it was', async () => {
    const { record, dir, originalPath, originalBytes } = await landedTask('exact', {
      size: { width: 1200, height: 630 },
      format: 'jpeg',
      quality: 85,
      path: '',
    });
    const target = path.join(dir, 'img', 'og.jpg');
    const withPath = { ...record, target: { ...record.target, finish: { ...record.target.finish!, path: target } } };
    const done = await finishImages(withPath, depsFor(withPath));

    assert.equal(done.phase, 'landed');
    const bytes = await readFile(target);
    const meta = await sharp(bytes).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1200, 630]);
    assert.equal(done.images?.[0]?.finished?.path, target);
    assert.equal(done.images?.[0]?.finished?.upscale, 1.88, 'a 640×360 original is enlarged to 1200×630, and says so');
    assert.deepEqual(await readFile(originalPath), originalBytes);
    const sidecar = parseSidecar(await readFile(`${target}.json`, 'utf8'));
    assert.deepEqual(sidecar?.derivedFrom, { file: '../generated-images/a-fox.png', sha256: sha(originalBytes) });
    assert.deepEqual(sidecar?.finish?.size, { width: 1200, height: 630 });
    assert.deepEqual(sidecar?.finish?.crop, { left: 0, top: 12, width: 640, height: 336 });
    assert.equal(sidecar?.finish?.filter, 'lanczos3');
    assert.equal(sidecar?.images[0]?.sha256, sha(bytes));
    assert.deepEqual(
      (await readdir(path.join(dir, 'img'))).sort(),
      ['og.jpg', 'og.jpg.json'],
      'no temporary file is left',
    );
  });

  it('puts the finished file beside its original when no path is given, never over a file already there', async () => {
    const { record, dir } = await landedTask('beside', { size: { width: 64, height: 64 }, format: 'webp' });
    const out = path.join(dir, 'generated-images');
    await writeFile(path.join(out, 'a-fox-64x64.webp'), 'mine');
    const done = await finishImages(record, depsFor(record));
    assert.equal(done.images?.[0]?.finished?.path, path.join(out, 'a-fox-64x64-2.webp'));
    assert.equal(await readFile(path.join(out, 'a-fox-64x64.webp'), 'utf8'), 'mine');
    assert.equal((await sharp(path.join(out, 'a-fox-64x64-2.webp')).metadata()).format, 'webp');
  });

  it('after a crash between placing the file and journalling it, finishes into the same file instead of making a second', async () => {
    const { record, dir } = await landedTask('resume', { size: { width: 96, height: 96 } });
    await finishImages(record, depsFor(record));
    const out = path.join(dir, 'generated-images');
    const before = (await readdir(out)).sort();
    // The journal still says "landed, not finished": the resume runs the step again.
    const again = await finishImages(record, depsFor(record));
    assert.equal(again.phase, 'landed');
    assert.deepEqual((await readdir(out)).sort(), before);
    assert.equal(again.images?.[0]?.finished?.path, path.join(out, 'a-fox-96x96.png'));
  });

  it('a corrupt original is saved as the model made it, said once, and no finished file is left', async () => {
    const broken = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    const { record, dir, originalPath } = await landedTask('corrupt', { size: { width: 64, height: 64 } }, broken);
    const deps = depsFor(record);
    const done = await finishImages(record, deps);
    assert.equal(done.phase, 'landed');
    assert.equal(done.images?.[0]?.finished, undefined);
    assert.equal(done.images?.[0]?.unfinished?.kind, 'processing');
    assert.deepEqual(await readFile(originalPath), broken);
    assert.deepEqual(await readdir(path.join(dir, 'generated-images')), ['a-fox.png']);
    assert.deepEqual(
      deps.events.map((e) => e.type),
      ['imageUnfinished'],
    );
  });

  it('without an image library the original stays, and the task ends saying so', async () => {
    const { record } = await landedTask('nolibrary', { size: { width: 64, height: 64 } });
    const { finisher: _none, ...withoutLibrary } = depsFor(record);
    const done = await finishImages(record, withoutLibrary);
    assert.equal(done.phase, 'landed');
    assert.equal(done.images?.[0]?.unfinished?.template.startsWith('The image library could not be loaded'), true);
  });

  it('a target whose folder is a link out of the workspace is not written through', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'aigc-outside-'));
    const { record, dir } = await landedTask('escape', { size: { width: 64, height: 64 } });
    await symlink(outside, path.join(dir, 'assets'));
    const target = path.join(dir, 'assets', 'logo.png');
    const withPath = { ...record, target: { ...record.target, finish: { ...record.target.finish!, path: target } } };
    const done = await finishImages(withPath, depsFor(withPath));
    assert.equal(done.images?.[0]?.unfinished?.code, 'outsideWorkspace');
    assert.deepEqual(await readdir(outside), []);
    await rm(outside, { recursive: true, force: true });
  });

  it('a keyed scene becomes a PNG with real alpha; a scene the model painted instead stays opaque and says so', async () => {
    const scene = (backdrop: Parameters<typeof renderScene>[0]['backdrop'], seed: string) =>
      sharp(Buffer.from(renderScene({ width: 320, height: 320, seed, backdrop }).rgba), {
        raw: { width: 320, height: 320, channels: 4 },
      })
        .png()
        .toBuffer();
    const keyed = await landedTask(
      'keyed',
      { transparent: { key: '#00ff00' } },
      await scene({ kind: 'key', colour: '#00ff00' }, 'k'),
    );
    const keyedDone = await finishImages(keyed.record, depsFor(keyed.record));
    const file = keyedDone.images?.[0]?.finished;
    assert.equal(file?.hasAlpha, true);
    assert.ok((file?.transparency?.transparentShare ?? 0) > 0.3);
    assert.equal((await sharp(file.path).metadata()).hasAlpha, true);

    const ignored = await landedTask(
      'ignored',
      { transparent: { key: '#00ff00' } },
      await scene({ kind: 'checkerboard' }, 'c'),
    );
    const ignoredDone = await finishImages(ignored.record, depsFor(ignored.record));
    assert.equal(ignoredDone.images?.[0]?.finished?.keyIgnored, true);
    assert.equal(ignoredDone.images?.[0]?.finished?.hasAlpha, false);
    assert.equal((await sharp(ignoredDone.images[0].finished.path).stats()).isOpaque, true);
  });
});
