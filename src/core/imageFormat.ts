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
  if (at(0) === 0x89 && ascii(1, 'PNG') && at(4) === 0x0d && at(5) === 0x0a && at(6) === 0x1a && at(7) === 0x0a) return FORMATS.png;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return FORMATS.jpeg;
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return FORMATS.webp;
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return FORMATS.gif;
  return undefined;
}

export function formatInfo(format: ImageFormat): FormatInfo {
  return FORMATS[format];
}
