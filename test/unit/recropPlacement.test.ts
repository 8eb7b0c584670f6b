/**
 * Adjust crop saves a new finished file: it replaces the earlier one only while that is still the
 * file we wrote (to the trash, never deleted), and never writes over anyone's file. On a real file
 * system; the trash is a real folder the files are moved into.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FinishReport } from '../../src/core/finish';
import { placeRecropped } from '../../src/host/studio/recropPlacement';

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

interface WrittenSidecar {
  finish: { crop: unknown; upscale?: number };
  images: { file: string; sha256: string }[];
  derivedFrom: { file: string };
  timings: { savedAt: string };
}

const sidecarAt = async (file: string) => JSON.parse(await readFile(`${file}.json`, 'utf8')) as WrittenSidecar;

const REPORT: FinishReport = {
  width: 1200,
  height: 630,
  format: 'jpeg',
  hasAlpha: false,
  bytes: 9,
  crop: { left: 300, top: 45, width: 1200, height: 630 },
  quality: 85,
};

describe('saving an adjusted crop', () => {
  let dir: string;
  let trash: string;
  const deps = () => ({
    trash: async (file: string) => rename(file, path.join(trash, path.basename(file))),
    now: () => new Date('2026-12-03T12:00:00Z'),
  });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'recrop-'));
    trash = path.join(dir, '.trash');
    await mkdir(trash);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function setUp(finishedBytes: string, recorded: string) {
    const finished = path.join(dir, 'fox-1200x630.jpg');
    await writeFile(finished, finishedBytes);
    const sidecar = {
      kind: 'aigc-image-studio/result',
      derivedFrom: { file: 'fox.png', sha256: 'c'.repeat(64) },
      finish: {
        crop: { left: 0, top: 45, width: 1200, height: 630 },
        filter: 'lanczos3',
        format: 'jpeg',
        upscale: 1.2,
      },
      images: [{ file: 'fox-1200x630.jpg', sha256: sha(recorded), width: 1200, height: 630, hasAlpha: false }],
      timings: { savedAt: '2026-12-01T00:00:00Z' },
    };
    await writeFile(`${finished}.json`, JSON.stringify(sidecar));
    const made = path.join(dir, '.recrop-1.jpg');
    await writeFile(made, 'new bytes');
    return { finished, made, replaced: { file: finished, sidecar, sha256: sha(recorded) } };
  }

  it('moves the earlier finished file to the trash and gives its name to the new one', async () => {
    const { finished, made, replaced } = await setUp('old bytes', 'old bytes');
    const file = await placeRecropped(made, REPORT, replaced, deps());
    assert.equal(file, finished);
    assert.equal(await readFile(finished, 'utf8'), 'new bytes');
    assert.deepEqual((await readdir(trash)).sort(), ['fox-1200x630.jpg', 'fox-1200x630.jpg.json']);
    assert.equal(await readFile(path.join(trash, 'fox-1200x630.jpg'), 'utf8'), 'old bytes');
    const sidecar = await sidecarAt(finished);
    assert.deepEqual(sidecar.finish.crop, REPORT.crop);
    assert.equal(sidecar.finish.upscale, undefined, 'the earlier upscale no longer applies');
    assert.equal(sidecar.images[0]?.sha256, sha('new bytes'));
    assert.equal(sidecar.derivedFrom.file, 'fox.png');
    assert.equal(sidecar.timings.savedAt, '2026-12-03T12:00:00.000Z');
  });

  it('leaves a finished file someone edited since alone and saves the new one under a free name', async () => {
    const { finished, made, replaced } = await setUp('edited by hand', 'old bytes');
    const file = await placeRecropped(made, REPORT, replaced, deps());
    assert.equal(file, path.join(dir, 'fox-1200x630-2.jpg'));
    assert.equal(await readFile(finished, 'utf8'), 'edited by hand');
    assert.deepEqual(await readdir(trash), []);
    assert.equal(await readFile(file, 'utf8'), 'new bytes');
    assert.equal((await sidecarAt(file)).images[0]?.file, 'fox-1200x630-2.jpg');
  });

  it('where there is no trash (a remote file system), keeps the earlier file and saves the new one beside it', async () => {
    const { finished, made, replaced } = await setUp('old bytes', 'old bytes');
    const noTrash = {
      ...deps(),
      trash: () => Promise.reject(new Error('Unable to delete file via trash because provider does not support it')),
    };
    const file = await placeRecropped(made, REPORT, replaced, noTrash);
    assert.equal(file, path.join(dir, 'fox-1200x630-2.jpg'));
    assert.equal(await readFile(finished, 'utf8'), 'old bytes');
    assert.equal(await readFile(file, 'utf8'), 'new bytes');
    assert.equal((await sidecarAt(file)).images[0]?.file, 'fox-1200x630-2.jpg');
  });

  it('leaves no temporary file behind', async () => {
    const { made, replaced } = await setUp('old bytes', 'old bytes');
    await placeRecropped(made, REPORT, replaced, deps());
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.startsWith('.recrop')),
      [],
    );
  });
});
