/**
 * `favicon.ico` as a container of PNG images: a 6-byte header and a 16-byte directory entry per
 * image in front of the PNG files, which every browser and Windows since Vista reads. The pixels
 * come from the image library; this only packs them (see docs/image-library.md for why no ICO
 * package is used). Pure and browser-safe.
 */

export interface IcoEntry {
  /** Width and height in pixels (square), 1–256. */
  size: number;
  /** A PNG file of that size. */
  bytes: Uint8Array;
}

const HEADER = 6;
const ENTRY = 16;

export function packIco(entries: readonly IcoEntry[]): Uint8Array {
  const total = HEADER + ENTRY * entries.length + entries.reduce((sum, e) => sum + e.bytes.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(2, 1, true); // type 1: icon
  view.setUint16(4, entries.length, true);
  let offset = HEADER + ENTRY * entries.length;
  entries.forEach((entry, index) => {
    if (!Number.isInteger(entry.size) || entry.size < 1 || entry.size > 256)
      throw new RangeError(`an icon entry must be 1 to 256 pixels, not ${entry.size}`);
    const at = HEADER + ENTRY * index;
    // 0 stands for 256 in the one-byte width and height.
    view.setUint8(at, entry.size % 256);
    view.setUint8(at + 1, entry.size % 256);
    view.setUint16(at + 4, 1, true); // colour planes
    view.setUint16(at + 6, 32, true); // bits per pixel
    view.setUint32(at + 8, entry.bytes.length, true);
    view.setUint32(at + 12, offset, true);
    out.set(entry.bytes, offset);
    offset += entry.bytes.length;
  });
  return out;
}

/** The directory of an ICO file: each entry's size and its bytes (for checks and the sidecar). */
export function readIcoEntries(bytes: Uint8Array): IcoEntry[] | undefined {
  if (bytes.length < HEADER) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0, true) !== 0 || view.getUint16(2, true) !== 1) return undefined;
  const count = view.getUint16(4, true);
  if (bytes.length < HEADER + ENTRY * count) return undefined;
  const entries: IcoEntry[] = [];
  for (let index = 0; index < count; index++) {
    const at = HEADER + ENTRY * index;
    const length = view.getUint32(at + 8, true);
    const offset = view.getUint32(at + 12, true);
    if (offset + length > bytes.length) return undefined;
    entries.push({ size: view.getUint8(at) || 256, bytes: bytes.subarray(offset, offset + length) });
  }
  return entries;
}
