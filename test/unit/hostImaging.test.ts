/**
 * How the host reaches the image engine: one engine for the whole extension, whose code is not
 * even loaded until the first image is made (activation must not pay for sharp).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { GenerationError } from '../../src/core/errors';
import { disposeImageFinisher, imageFinisher } from '../../src/host/imaging';

let extensionPath: string;
const engineLoaded = () => Object.keys(require.cache).some((file) => /[\\/]imaging[\\/]imageWorker\.js$/.test(file));

before(async () => {
  // An installed extension's layout: dist/imageWorker.js beside the host's bundle.
  extensionPath = await mkdtemp(path.join(tmpdir(), 'aigc-extension-'));
  await mkdir(path.join(extensionPath, 'dist'));
  const compiled = path.join(__dirname, '..', '..', 'src', 'imaging', 'worker.js');
  await writeFile(path.join(extensionPath, 'dist', 'imageWorker.js'), `require(${JSON.stringify(compiled)});\n`);
});

after(async () => {
  await disposeImageFinisher();
  await rm(extensionPath, { recursive: true, force: true });
});

describe('the extension’s image engine', () => {
  it('loads nothing of the engine until the first image is made', async () => {
    const finisher = imageFinisher(extensionPath);
    assert.equal(engineLoaded(), false, 'the engine was loaded when it was asked for');
    const input = path.join(extensionPath, 'in.png');
    await sharp({ create: { width: 64, height: 32, channels: 3, background: '#336699' } })
      .png()
      .toFile(input);
    assert.deepEqual(await finisher.probe(input), { width: 64, height: 32, format: 'png', hasAlpha: false });
    assert.equal(engineLoaded(), true);
  });

  it('gives every caller the same engine', () => {
    assert.equal(imageFinisher(extensionPath), imageFinisher({ fsPath: extensionPath }));
  });

  it('stops the engine with the extension, and a later caller gets a fresh one', async () => {
    const before = imageFinisher(extensionPath);
    await disposeImageFinisher();
    await assert.rejects(before.probe(path.join(extensionPath, 'in.png')), (error: unknown) => {
      assert.ok(error instanceof GenerationError);
      assert.equal(error.code, 'workerStopped');
      return true;
    });
    const after = imageFinisher(extensionPath);
    assert.notEqual(after, before);
    assert.equal((await after.probe(path.join(extensionPath, 'in.png'))).width, 64);
  });
});
