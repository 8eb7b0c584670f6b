/**
 * Discarding a result from the Studio moves what was saved to the trash and nothing else: a file
 * edited since it was saved stops the discard, and without a trash nothing is deleted for good.
 * On a real file system, with a trash folder standing in for the user's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type SavedFile, discardResult } from '../../src/host/studio/resultDiscard';

let dir = '';
let trashDir = '';
const moveToTrash = async (file: string) => rename(file, path.join(trashDir, path.basename(file)));
const noTrash = () => Promise.reject(new Error('this file system has no trash'));

/** An image with its sidecar, as the landing writes them; returns what the gallery would name. */
async function saved(name: string, bytes = `pixels of ${name}`): Promise<SavedFile> {
  const image = path.join(dir, name);
  await writeFile(image, bytes);
  await writeFile(`${image}.json`, '{}');
  return { image, sha256: createHash('sha256').update(bytes).digest('hex') };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'discard-'));
  trashDir = path.join(dir, '.trash');
  await mkdir(trashDir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('discarding a result', () => {
  it('moves the finished file, the original and both sidecars to the trash', async () => {
    const finished = await saved('fox-1200x630.jpg');
    const original = await saved('fox.png');
    assert.equal(await discardResult([finished, original], { trash: moveToTrash }), 'trashed');
    assert.deepEqual((await readdir(dir)).sort(), ['.trash']);
    assert.deepEqual((await readdir(trashDir)).sort(), [
      'fox-1200x630.jpg',
      'fox-1200x630.jpg.json',
      'fox.png',
      'fox.png.json',
    ]);
  });

  it('leaves every file of the result in place when one was edited since it was saved', async () => {
    const finished = await saved('fox-1200x630.jpg');
    const original = await saved('fox.png');
    await writeFile(original.image, 'painted over by hand');
    assert.equal(await discardResult([finished, original], { trash: moveToTrash }), 'changed');
    assert.deepEqual(await readdir(trashDir), []);
    assert.ok(existsSync(finished.image) && existsSync(original.image));
  });

  it('leaves a file whose sidecar records no hash in place', async () => {
    const original = await saved('fox.png');
    assert.equal(
      await discardResult([{ image: original.image, sha256: undefined }], { trash: moveToTrash }),
      'changed',
    );
    assert.ok(existsSync(original.image));
  });

  it('deletes nothing for good where there is no trash', async () => {
    const original = await saved('fox.png');
    assert.equal(await discardResult([original], { trash: noTrash }), 'noTrash');
    assert.ok(existsSync(original.image) && existsSync(`${original.image}.json`));
  });

  it('still clears the sidecar of an image someone already deleted', async () => {
    const original = await saved('fox.png');
    await rm(original.image);
    assert.equal(await discardResult([original], { trash: moveToTrash }), 'trashed');
    assert.deepEqual(await readdir(trashDir), ['fox.png.json']);
  });
});
