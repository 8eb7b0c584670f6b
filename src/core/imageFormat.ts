/**
 * Image formats recognised by their first bytes. File extensions and Content-Type
 * headers lie (CDNs serve `application/octet-stream`, users rename files); magic bytes do not.
 */

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

export interface FormatInfo {
  format: ImageFormat;
  extension: string;
  mime: string;
}

const FORMATS: Record<ImageFormat, FormatInfo> = {
  png: { format: 'png', extension: 'png', mime: 'image/png' },
  jpeg: { format: 'jpeg', extension: 'jpg', mime: 'image/jpeg' },
  webp: { format: 'webp', extension: 'webp', mime: 'image/webp' },
  gif: { format: 'gif', extension: 'gif', mime: 'image/gif' },
};

/** Bytes needed by `sniffImageFormat` to decide. */
export const SNIFF_BYTES = 12;

export function sniffImageFormat(head: Uint8Array): FormatInfo | undefined {
  const at = (i: number): number => head[i] ?? -1;
  const ascii = (from: number, text: string): boolean => [...text].every((c, i) => at(from + i) === c.charCodeAt(0));
  if (at(0) === 0x89 && ascii(1, 'PNG') && at(4) === 0x0d && at(5) === 0x0a && at(6) === 0x1a && at(7) === 0x0a)
    return FORMATS.png;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return FORMATS.jpeg;
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return FORMATS.webp;
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return FORMATS.gif;
  return undefined;
}

export function formatInfo(format: ImageFormat): FormatInfo {
  return FORMATS[format];
}

/**
 * Width and height from an image's first bytes (PNG IHDR, GIF screen, WebP VP8/VP8L/VP8X, JPEG
 * start-of-frame), or undefined when they are not in `head` (64 KB covers every JPEG seen).
 */
export function imageSize(head: Uint8Array): { width: number; height: number } | undefined {
  const format = sniffImageFormat(head);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const fits = (end: number) => end <= head.byteLength;
  switch (format?.format) {
    case 'png':
      return fits(24) ? { width: view.getUint32(16), height: view.getUint32(20) } : undefined;
    case 'gif':
      return fits(10) ? { width: view.getUint16(6, true), height: view.getUint16(8, true) } : undefined;
    case 'webp': {
      if (!fits(30)) return undefined;
      const chunk = String.fromCharCode(head[12]!, head[13]!, head[14]!, head[15]!);
      if (chunk === 'VP8 ')
        return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
      if (chunk === 'VP8L') {
        const bits = view.getUint32(21, true);
        return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
      }
      if (chunk === 'VP8X') {
        const w = head[24]! | (head[25]! << 8) | (head[26]! << 16);
        const h = head[27]! | (head[28]! << 8) | (head[29]! << 16);
        return { width: w + 1, height: h + 1 };
      }
      return undefined;
    }
    case 'jpeg': {
      let offset = 2;
      while (fits(offset + 9)) {
        if (head[offset] !== 0xff) return undefined;
        const marker = head[offset + 1]!;
        const length = view.getUint16(offset + 2);
        // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return { width: view.getUint16(offset + 7), height: view.getUint16(offset + 5) };
        }
        offset += 2 + length;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
