/**
 * favicon.ico as browsers and Windows read it: the directory parsed back by hand (as the format
 * is specified, not by our code) and every entry decoded by the image library.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { packIco } from '../../src/core/ico';

async function png(size: number): Promise<Uint8Array> {
  return sharp({ create: { width: size, height: size, channels: 4, background: '#c0302080' } })
    .png()
    .toBuffer();
}

interface DirectoryEntry {
  width: number;
  height: number;
  planes: number;
  bitCount: number;
  bytes: number;
  offset: number;
}

function directoryOf(ico: Uint8Array): { type: number; entries: DirectoryEntry[] } {
  const view = new DataView(ico.buffer, ico.byteOffset, ico.byteLength);
  assert.equal(view.getUint16(0, true), 0, 'reserved');
  const count = view.getUint16(4, true);
  const entries = Array.from({ length: count }, (_, i) => {
    const at = 6 + 16 * i;
    return {
      width: view.getUint8(at) || 256,
      height: view.getUint8(at + 1) || 256,
      planes: view.getUint16(at + 4, true),
      bitCount: view.getUint16(at + 6, true),
      bytes: view.getUint32(at + 8, true),
      offset: view.getUint32(at + 12, true),
    };
  });
  return { type: view.getUint16(2, true), entries };
}

describe('favicon.ico', () => {
  it('holds every size as a PNG that an image decoder reads back at that size', async () => {
    const sizes = [16, 32, 48, 256];
    const ico = packIco(await Promise.all(sizes.map(async (size) => ({ size, bytes: await png(size) }))));
    const { type, entries } = directoryOf(ico);
    assert.equal(type, 1);
    assert.deepEqual(
      entries.map((e) => [e.width, e.height]),
      sizes.map((s) => [s, s]),
    );
    assert.equal(entries[entries.length - 1]!.offset + entries[entries.length - 1]!.bytes, ico.length);
    for (const [i, entry] of entries.entries()) {
      assert.deepEqual([entry.planes, entry.bitCount], [1, 32]);
      const meta = await sharp(ico.subarray(entry.offset, entry.offset + entry.bytes)).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height, meta.hasAlpha], ['png', sizes[i], sizes[i], true]);
    }
  });

  it('refuses sizes an icon cannot hold', async () => {
    assert.throws(() => packIco([]), RangeError);
    assert.throws(() => packIco([{ size: 512, bytes: new Uint8Array(8) }]), RangeError);
  });
});
