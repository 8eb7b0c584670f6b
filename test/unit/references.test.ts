import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GenerationError } from '../../src/core/errors';
import { sniffImageFormat } from '../../src/core/imageFormat';
import { MAX_REFERENCE_BYTES } from '../../src/core/models';
import { dataUrlStrategy, inspectReferenceFile } from '../../src/core/references';
import { validateRequest } from '../../src/core/request';
import { imageBytes, pngBytes } from '../sim/images';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aigc-refs-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, bytes);
  return target;
}

describe('image formats by magic bytes', () => {
  it('recognises png, jpeg, webp, gif and nothing else', () => {
    assert.equal(sniffImageFormat(pngBytes(2, 2, [255, 0, 0]))?.format, 'png');
    assert.equal(sniffImageFormat(imageBytes('jpeg'))?.format, 'jpeg');
    assert.equal(sniffImageFormat(imageBytes('webp'))?.format, 'webp');
    assert.equal(sniffImageFormat(Buffer.from('GIF89a\u0001\u0000\u0001\u0000'))?.format, 'gif');
    assert.equal(sniffImageFormat(Buffer.from('<!doctype html>')), undefined);
    assert.equal(sniffImageFormat(new Uint8Array(0)), undefined);
  });
});

describe('local reference images become data: URLs', () => {
  for (const [name, bytes, mime] of [
    ['a.png', pngBytes(4, 4, [0, 128, 255]), 'image/png'],
    ['b.jpg', imageBytes('jpeg'), 'image/jpeg'],
    ['c.webp', imageBytes('webp'), 'image/webp'],
  ] as const) {
    it(`${name} travels inline as ${mime} and passes the request schema`, async () => {
      const info = await dataUrlStrategy.toFileInfo({
        kind: 'file',
        path: await file(name, bytes),
        text: ' the subject ',
      });
      assert.equal(info.type, 'Url');
      assert.ok(info.url!.startsWith(`data:${mime};base64,`));
      assert.deepEqual(Buffer.from(info.url!.split(',')[1]!, 'base64'), Buffer.from(bytes));
      assert.equal(info.text, 'the subject');
      const checked = validateRequest({ model_name: 'GEM', model_version: '3.0', prompt: 'x', file_infos: [info] });
      assert.ok(checked.ok, JSON.stringify(checked));
    });
  }
  it('trusts the bytes, not the extension: a PNG named .jpg is sent as PNG', async () => {
    const info = await dataUrlStrategy.toFileInfo({
      kind: 'file',
      path: await file('liar.jpg', pngBytes(1, 1, [1, 2, 3])),
    });
    assert.ok(info.url!.startsWith('data:image/png;base64,'));
  });
  it('refuses a text file named .png, naming the file', async () => {
    const target = await file('fake.png', 'hello, not an image');
    await assert.rejects(dataUrlStrategy.toFileInfo({ kind: 'file', path: target }), (e: unknown) => {
      assert.ok(e instanceof GenerationError && e.kind === 'referenceImage');
      assert.match(e.message, /fake\.png is not a PNG, JPEG or WebP image/);
      return true;
    });
    assert.match((await inspectReferenceFile(target)).problem!, /not a PNG/);
  });
  it('refuses a GIF (the API takes png, jpeg, webp)', async () => {
    const target = await file('anim.gif', Buffer.from('GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000'));
    await assert.rejects(dataUrlStrategy.toFileInfo({ kind: 'file', path: target }), /anim\.gif is not a PNG/);
  });
  it('refuses an image over 7 MB with its size', async () => {
    const big = Buffer.alloc(MAX_REFERENCE_BYTES + 1);
    Buffer.from(pngBytes(1, 1, [0, 0, 0])).copy(big);
    const target = await file('huge.png', big);
    await assert.rejects(
      dataUrlStrategy.toFileInfo({ kind: 'file', path: target }),
      /huge\.png is 7\.0 MB; the limit is 7\.0 MB/,
    );
    assert.equal((await inspectReferenceFile(target)).format?.format, 'png');
  });
  it('a missing file is a clear problem, not a crash', async () => {
    assert.equal(
      (await inspectReferenceFile(path.join(dir, 'gone.png'))).problem,
      'Reference image gone.png cannot be read.',
    );
  });
});

describe('URLs and VOD file ids pass through', () => {
  it('url', async () => {
    assert.deepEqual(await dataUrlStrategy.toFileInfo({ kind: 'url', url: ' https://example.com/a.png ' }), {
      type: 'Url',
      url: 'https://example.com/a.png',
    });
  });
  it('file id', async () => {
    assert.deepEqual(await dataUrlStrategy.toFileInfo({ kind: 'fileId', fileId: '528589', text: 'logo' }), {
      type: 'File',
      file_id: '528589',
      text: 'logo',
    });
  });
});
