/** Reading HTTP bodies without letting a hostile or broken server fill memory. */

/** Error pages are read up to this many bytes (a hostile host must not fill memory). */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Reads at most `max` bytes of a body as text and drops the rest of the stream. */
export async function readCapped(response: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  // A fetch body's chunks are bytes; Node's fetch types leave them as `any`.
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.length > max) {
        chunks.push(value.subarray(0, max - size));
        size = max;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.length;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}
