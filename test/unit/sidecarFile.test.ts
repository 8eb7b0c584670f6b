/**
 * The one way sidecars are read from disk (landing and the Studio's gallery): whatever a cloned
 * repository put at a sidecar's name — a link, a pipe, a huge file, some other JSON — is skipped
 * with a reason and read no further than a sidecar's worth. On a real file system.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildSidecar, type Sidecar } from '../../src/core/sidecar';
import { MAX_SIDECAR_BYTES, describedImage, onePerImage, readSidecarFile } from '../../src/core/sidecarFile';
import { bytesReadByThisProcess, canCountReads } from '../support/processIo';

const POSIX = process.platform !== 'win32';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aigc-sidecar-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sidecarOf(file: string, prompt = 'a fox'): Sidecar {
  return buildSidecar({
    taskId: 't-1',
    body: { model_name: 'GEM', model_version: '2.5', prompt },
    references: [],
    images: [{ file, url: 'https://cdn.example/x.png', format: 'png', bytes: 10, sha256: 'cd' }],
    apiOrigin: 'https://api.example',
    submittedAt: new Date(1000),
    savedAt: new Date(5000),
    extensionVersion: '0.1.0',
  });
}

async function place(name: string, content: string | Sidecar): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('reading a sidecar', () => {
  it('reads an ordinary sidecar whole and says how many bytes that took', async () => {
    const file = await place('fox.png.json', sidecarOf('fox.png'));
    const read = await readSidecarFile(file);
    assert.ok('sidecar' in read, JSON.stringify(read));
    assert.equal(read.sidecar.prompt, 'a fox');
    assert.equal(read.bytesRead, JSON.stringify(sidecarOf('fox.png')).length);
  });

  it('takes other JSON (package.json) and missing files for what they are, not for sidecars', async () => {
    assert.deepEqual(await readSidecarFile(await place('package.json', '{"name":"x"}')), {
      skipped: 'notASidecar',
      bytesRead: 12,
    });
    assert.deepEqual(await readSidecarFile(path.join(dir, 'absent.json')), { skipped: 'missing', bytesRead: 0 });
  });

  it('skips a link to /dev/zero without reading a byte through it', { skip: !POSIX || !canCountReads() }, async () => {
    const link = path.join(dir, 'hero.json');
    await symlink('/dev/zero', link);
    const before = await bytesReadByThisProcess();
    assert.deepEqual(await readSidecarFile(link), { skipped: 'link', bytesRead: 0 });
    assert.ok((await bytesReadByThisProcess()) - before < 64 * 1024, 'nothing but the counter itself was read');
  });

  it('skips a link to a real sidecar elsewhere: a committed link never reaches outside', async () => {
    const elsewhere = await place('elsewhere.json', sidecarOf('hero.png'));
    await symlink(elsewhere, path.join(dir, 'hero.png.json'));
    assert.deepEqual(await readSidecarFile(path.join(dir, 'hero.png.json')), { skipped: 'link', bytesRead: 0 });
  });

  it('skips a named pipe instead of waiting for a writer that never comes', { skip: !POSIX }, async () => {
    const pipe = path.join(dir, 'hero.png.json');
    execFileSync('mkfifo', [pipe]);
    assert.deepEqual(await readSidecarFile(pipe), { skipped: 'notAFile', bytesRead: 0 });
    assert.deepEqual(await readSidecarFile(dir), { skipped: 'notAFile', bytesRead: 0 }, 'nor a folder');
  });

  it('skips a file larger than a sidecar can be, reading none of it', async () => {
    const big = JSON.stringify(sidecarOf('fox.png', 'x'.repeat(MAX_SIDECAR_BYTES)));
    assert.deepEqual(await readSidecarFile(await place('fox.png.json', big)), { skipped: 'tooLarge', bytesRead: 0 });
  });

  it('honours a smaller cap given by its caller', async () => {
    const file = await place('fox.png.json', sidecarOf('fox.png'));
    assert.deepEqual(await readSidecarFile(file, 100), { skipped: 'tooLarge', bytesRead: 0 });
  });
});

describe('which image a sidecar describes', () => {
  const cases: [string, string[], ReturnType<typeof describedImage>][] = [
    ['hero.png.json', ['hero.png'], { file: 'hero.png', legacy: false }],
    ['hero.json', ['hero.png'], { file: 'hero.png', legacy: true }],
    ['settings.png.json', ['settings.png'], { file: 'settings.png', legacy: false }],
    ['hero.png.json', ['other.png'], undefined],
    ['hero.json', ['../hero.png'], undefined],
    ['hero.json', ['x\\hero.png'], undefined],
    ['..json', ['..'], undefined],
  ];
  for (const [name, files, expected] of cases) {
    it(`${name} naming ${files.join(', ')} → ${expected ? `${expected.file}${expected.legacy ? ' (an earlier version’s name)' : ''}` : 'no image'}`, () => {
      const sidecar = sidecarOf(files[0]!);
      assert.deepEqual(describedImage(path.join(dir, name), sidecar), expected);
    });
  }
});

describe('one result per image', () => {
  it('an earlier version’s hero.json left beside hero.png.json is not shown a second time', () => {
    const entries = [
      { id: 'hero.json', image: 'hero.png', legacy: true },
      { id: 'hero.png.json', image: 'hero.png' },
      { id: 'old.json', image: 'old.png', legacy: true },
    ];
    assert.deepEqual(
      onePerImage(entries).map((e) => e.id),
      ['hero.png.json', 'old.json'],
    );
  });
});
