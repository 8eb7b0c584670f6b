/**
 * The entries of a favicon.ico read back from its bytes, as the format is specified (6-byte
 * header, 16-byte directory entries), for tests that check what an export wrote.
 */
export interface IcoEntryRead {
  size: number;
  bytes: Uint8Array;
}

export function readIcoEntries(bytes: Uint8Array): IcoEntryRead[] | undefined {
  if (bytes.length < 6) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0, true) !== 0 || view.getUint16(2, true) !== 1) return undefined;
  const count = view.getUint16(4, true);
  if (bytes.length < 6 + 16 * count) return undefined;
  const entries: IcoEntryRead[] = [];
  for (let index = 0; index < count; index++) {
    const at = 6 + 16 * index;
    const length = view.getUint32(at + 8, true);
    const offset = view.getUint32(at + 12, true);
    if (offset + length > bytes.length) return undefined;
    // One byte per side: 0 stands for 256.
    entries.push({ size: view.getUint8(at) || 256, bytes: bytes.subarray(offset, offset + length) });
  }
  return entries;
}
