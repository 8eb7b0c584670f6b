/**
 * Real, decodable images for the simulator's CDN, so the extension's download,
 * format sniffing and saving code is exercised on genuine bytes.
 *
 * PNG is generated (any size and colour, proper CRCs). JPEG and WebP are tiny
 * genuine files produced by Chromium's canvas encoder (16×16 gradient), with the
 * ICC profile removed to keep them small; both were checked by decoding them back
 * in Chromium and with `file`.
 *
 * The images a task shows are scenes (scenes.ts, encoded by sceneImages.ts); these plain ones
 * remain for tests that need bytes without a simulator.
 *
 * `paddedImage` grows an image to a requested size with chunks every decoder must
 * skip, and streams it: a 50 MB download test must not cost 50 MB of memory here.
 */
import * as zlib from 'node:zlib';
import { type PixelSize, SQUARE } from './sizes';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export const CONTENT_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** File extension used in result URLs (the CDN writes `.jpg`, not `.jpeg`). */
export const EXTENSIONS: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

export function formatFromExtension(ext: string): ImageFormat | undefined {
  switch (ext.toLowerCase()) {
    case 'png':
      return 'png';
    case 'jpg':
    case 'jpeg':
      return 'jpeg';
    case 'webp':
      return 'webp';
    default:
      return undefined;
  }
}

export type Rgb = readonly [number, number, number];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Baseline JFIF, 16×16, 3 components (Chromium canvas, quality 0.8, APP2/ICC removed). */
export const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABQAD/8QAFxABAAMAAAAAAAAAAAAAAAAABAAhMf/EABUBAQEAAAAAAAAAAAAAAAAAAAIE/8QAGBEAAgMAAAAAAAAAAAAAAAAAAAQFITH/2gAMAwEAAhEDEQA/ANSHyoyU+VIp8qMFPlSOWltsSSWUf//Z',
  'base64',
);

/** Simple-format lossy WebP ("VP8 " chunk only), 16×16 (Chromium canvas, quality 0.8). */
export const TINY_WEBP = Buffer.from(
  'UklGRkIAAABXRUJQVlA4IDYAAADwAQCdASoQABAAAUAmJbACdADdrbfduMAA+4+texQ9C+yt+bxf1tudbmD1afn9RrjOxGgp4AA=',
  'base64',
);

export function crc32(data: Uint8Array, previous = 0): number {
  return zlib.crc32(data, previous) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** A solid-colour 8-bit RGB PNG. */
export function pngBytes(width: number, height: number, rgb: Rgb = [58, 123, 213]): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`PNG size must be positive integers, got ${width}x${height}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  // bytes 10-12: compression, filter, interlace — all 0
  const row = Buffer.alloc(1 + width * 3); // leading 0 = filter "None"
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A stable colour per name, so different tasks give visibly different results. */
export function colourFor(name: string): Rgb {
  const h = crc32(Buffer.from(name, 'utf8'));
  return [64 + (h & 0x7f), 64 + ((h >>> 8) & 0x7f), 64 + ((h >>> 16) & 0x7f)];
}

/** A plain image without a scene: a solid PNG of `size`, or the tiny 16×16 JPEG and WebP. */
export function imageBytes(format: ImageFormat, rgb?: Rgb, size: PixelSize = SQUARE): Buffer {
  switch (format) {
    case 'png':
      return pngBytes(size.width, size.height, rgb);
    case 'jpeg':
      return TINY_JPEG;
    case 'webp':
      return TINY_WEBP;
  }
}

/** Which image format bytes start with, by magic number. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

export interface ImageStream {
  /** Exact number of bytes `chunks()` yields (sent as Content-Length). */
  size: number;
  /** The bytes, in pieces of at most about 1 MiB; may be iterated more than once. */
  chunks(): Iterable<Buffer>;
}

/** Never written to: every padding piece is a view of it. */
const ZEROS = Buffer.alloc(1024 * 1024);

/** Splits `total` bytes into segments of `overhead + data`, data ≤ maxData, none left too short to hold its header. */
function* segmentSizes(total: number, overhead: number, maxData: number): Generator<number> {
  let left = total;
  while (left > 0) {
    let data = Math.min(maxData, left - overhead);
    const rest = left - overhead - data;
    // A remainder shorter than a segment header cannot be expressed; move it into its own segment.
    if (rest > 0 && rest < overhead) data -= overhead;
    yield data;
    left -= overhead + data;
  }
}

function* zeroPieces(length: number): Generator<Buffer> {
  for (let sent = 0; sent < length; sent += ZEROS.length)
    yield ZEROS.subarray(0, Math.min(ZEROS.length, length - sent));
}

function pngPadding(total: number): Iterable<Buffer> {
  const crcs = new Map<number, number>();
  // Ancillary, private, safe-to-copy: decoders skip it (PNG spec 5.4).
  const type = Buffer.from('paDd', 'latin1');
  const typeCrc = crc32(type);
  return {
    *[Symbol.iterator]() {
      for (const length of segmentSizes(total, 12, ZEROS.length)) {
        let crc = crcs.get(length);
        if (crc === undefined) {
          crc = crc32(ZEROS.subarray(0, length), typeCrc);
          crcs.set(length, crc);
        }
        const head = Buffer.alloc(8);
        head.writeUInt32BE(length, 0);
        type.copy(head, 4);
        yield head;
        yield* zeroPieces(length);
        const tail = Buffer.alloc(4);
        tail.writeUInt32BE(crc, 0);
        yield tail;
      }
    },
  };
}

function jpegPadding(total: number): Iterable<Buffer> {
  return {
    *[Symbol.iterator]() {
      // COM segments: the length field counts itself, so at most 65533 bytes of data each.
      for (const length of segmentSizes(total, 4, 0xffff - 2)) {
        const head = Buffer.from([0xff, 0xfe, 0, 0]);
        head.writeUInt16BE(length + 2, 2);
        yield head;
        yield* zeroPieces(length);
      }
    },
  };
}

/** `base` (an image of `format`) padded to `totalBytes`; smaller than the image (or too small a gap) gives it plain. */
export function paddedImage(format: ImageFormat, totalBytes: number, base: Buffer = imageBytes(format)): ImageStream {
  const plain: ImageStream = { size: base.length, chunks: () => [base] };
  const gap = Math.floor(totalBytes) - base.length;
  switch (format) {
    case 'png': {
      if (gap < 12) return plain;
      const iend = base.length - 12; // IEND is the last 12 bytes; padding goes just before it
      return {
        size: base.length + gap,
        *chunks() {
          yield base.subarray(0, iend);
          yield* pngPadding(gap);
          yield base.subarray(iend);
        },
      };
    }
    case 'jpeg': {
      if (gap < 4) return plain;
      // JFIF wants APP0 straight after SOI, so the comments go after APP0 when there is one.
      const afterApp0 = base.readUInt16BE(2) === 0xffe0 ? 4 + base.readUInt16BE(4) : 2;
      return {
        size: base.length + gap,
        *chunks() {
          yield base.subarray(0, afterApp0);
          yield* jpegPadding(gap);
          yield base.subarray(afterApp0);
        },
      };
    }
    case 'webp':
      return paddedWebp(base, totalBytes) ?? plain;
  }
}

/**
 * Unknown chunks are only allowed in the extended format, so the simple file is
 * rewritten as RIFF + VP8X + "VP8 " + a padding chunk (WebP container spec).
 */
function paddedWebp(base: Buffer, totalBytes: number): ImageStream | undefined {
  const vp8 = base.subarray(12);
  if (vp8.toString('latin1', 0, 4) !== 'VP8 ') return undefined;
  // VP8 key frame: 3-byte frame tag, 3-byte start code, then 14-bit width and height.
  const width = vp8.readUInt16LE(8 + 6) & 0x3fff;
  const height = vp8.readUInt16LE(8 + 8) & 0x3fff;
  const vp8x = Buffer.alloc(18);
  vp8x.write('VP8X', 0, 'latin1');
  vp8x.writeUInt32LE(10, 4);
  vp8x.writeUIntLE(width - 1, 12, 3);
  vp8x.writeUIntLE(height - 1, 15, 3);
  const fixed = 12 + vp8x.length + vp8.length;
  let data = Math.floor(totalBytes) - fixed - 8;
  data -= data % 2; // RIFF chunks are even-sized
  if (data < 0 || fixed + 8 + data > 0xfffffffe) return undefined;
  const size = fixed + 8 + data;
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(size - 8, 4);
  riff.write('WEBP', 8, 'latin1');
  const padHead = Buffer.alloc(8);
  padHead.write('PADD', 0, 'latin1');
  padHead.writeUInt32LE(data, 4);
  return {
    size,
    *chunks() {
      yield riff;
      yield vp8x;
      yield vp8;
      yield padHead;
      yield* zeroPieces(data);
    },
  };
}
