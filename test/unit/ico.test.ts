/** favicon.ico as browsers read it: a directory of PNG entries, each a real image of its size. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { packIco, readIcoEntries } from '../../src/core/ico';

const square = (size: number) =>
  sharp({ create: { width: size, height: size, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 0.5 } } })
    .png()
    .toBuffer();

describe('favicon.ico', () => {
  it('holds each PNG under its size, readable back, each entry decoding to that size', async () => {
    const pngs = await Promise.all(
      [16, 32, 48, 256].map(async (size) => ({ size, bytes: new Uint8Array(await square(size)) })),
    );
    const ico = packIco(pngs);
    const view = new DataView(ico.buffer);
    assert.deepEqual([view.getUint16(0, true), view.getUint16(2, true), view.getUint16(4, true)], [0, 1, 4]);
    assert.equal(ico[6 + 16 * 3], 0, '256 is written as 0');
    const entries = readIcoEntries(ico)!;
    assert.deepEqual(
      entries.map((e) => e.size),
      [16, 32, 48, 256],
    );
    for (const entry of entries) {
      const meta = await sharp(entry.bytes).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height, meta.hasAlpha], ['png', entry.size, entry.size, true]);
    }
  });

  it('refuses an entry larger than an icon can be', () => {
    assert.throws(() => packIco([{ size: 300, bytes: new Uint8Array(1) }]), /1 to 256 pixels/);
  });
});
