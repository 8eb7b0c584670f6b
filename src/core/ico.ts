/**
 * favicon.ico as a container of PNG files. Every browser and Windows since Vista read PNG entries,
 * so no BMP encoder is needed: the PNGs come from the image library, and this file only writes the
 * 6-byte header and one 16-byte directory entry per image in front of them (little-endian).
 * A container, not a codec: it never looks at the pixels.
 */

export interface IcoEntry {
  /** Width and height in pixels (icons are square), 1–256. */
  size: number;
  /** A complete PNG file. */
  bytes: Uint8Array;
}

const HEADER_BYTES = 6;
const ENTRY_BYTES = 16;

/** The ICO file holding `pngs`, in the order given. */
export function packIco(pngs: readonly IcoEntry[]): Uint8Array {
  if (pngs.length === 0 || pngs.length > 0xffff) throw new RangeError('an icon holds 1 to 65535 images');
  const directoryEnd = HEADER_BYTES + ENTRY_BYTES * pngs.length;
  const total = pngs.reduce((sum, png) => sum + png.bytes.length, directoryEnd);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(2, 1, true); // type 1: icon (2 would be a cursor)
  view.setUint16(4, pngs.length, true);
  let offset = directoryEnd;
  pngs.forEach((png, index) => {
    if (!Number.isInteger(png.size) || png.size < 1 || png.size > 256) {
      throw new RangeError(`an icon image is 1 to 256 pixels wide, not ${png.size}`);
    }
    const entry = HEADER_BYTES + ENTRY_BYTES * index;
    // One byte per side: 256 is written as 0.
    view.setUint8(entry, png.size % 256);
    view.setUint8(entry + 1, png.size % 256);
    view.setUint16(entry + 4, 1, true); // colour planes
    view.setUint16(entry + 6, 32, true); // bits per pixel
    view.setUint32(entry + 8, png.bytes.length, true);
    view.setUint32(entry + 12, offset, true);
    out.set(png.bytes, offset);
    offset += png.bytes.length;
  });
  return out;
}
