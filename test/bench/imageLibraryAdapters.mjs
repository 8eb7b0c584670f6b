// The same finished-asset jobs written once per candidate image library, each with that library's
// own decoders, resamplers and encoders, so test/bench/imageLibraries.mjs can time them side by
// side. Only the key-out's per-pixel alpha maths is plain JavaScript, and only for the Squoosh
// codecs (@jsquash/*), which offer no pixel operations; the ICO container is packed here for all.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The generated images' key colour and the key-out's soft edge (fraction of the key's chroma). */
export const KEY = { rgb: [0, 177, 64], softLow: 0.2, softHigh: 0.8 };
export const FAVICON_SIZES = [16, 32, 48];
export const THUMB = { width: 512, height: 512, quality: 80 };
export const COVER = { width: 1200, height: 630, jpegQuality: 82, avifQuality: 50 };

/**
 * The key-out as a colour projection, so a linear operation (libvips recomb) can compute it:
 * s = how much of the key's chroma a pixel carries (1 on the key, 0 on greys, < 0 away from it).
 * alpha falls from 1 to 0 as s goes from softLow to softHigh; despill removes s⁺ × the key's chroma.
 */
export function keyMaths() {
  const [r, g, b] = KEY.rgb;
  const mean = (r + g + b) / 3;
  const chroma = [r - mean, g - mean, b - mean];
  const norm = r * chroma[0] + g * chroma[1] + b * chroma[2];
  const span = KEY.softHigh - KEY.softLow;
  return {
    chroma,
    /** s × 255 = dot(pixel, toS255). */
    toS255: chroma.map((c) => (255 * c) / norm),
    /** alpha = alphaScale × (s × 255) + alphaOffset, both in 0…255. */
    alphaScale: -1 / span,
    alphaOffset: (255 * KEY.softHigh) / span,
  };
}

/**
 * What a key-out made of RGBA pixels, for comparing libraries: the transparent share, and over the
 * soft edge (0 < alpha < 255) the pixel count, mean alpha and the green left in it (despill).
 */
export function keyStats({ data, channels }) {
  const n = data.length / channels;
  let clear = 0;
  let edge = 0;
  let edgeAlpha = 0;
  let edgeGreen = 0;
  for (let i = 0; i < data.length; i += channels) {
    const a = data[i + 3];
    if (a === 0) clear++;
    else if (a < 255) {
      edge++;
      edgeAlpha += a;
      edgeGreen += data[i + 1] - (data[i] + data[i + 2]) / 2;
    }
  }
  return { clear: clear / n, edge, edgeAlpha: edgeAlpha / edge, edgeGreen: edgeGreen / edge };
}

/**
 * ICO with PNG entries (Windows Vista and later, every browser): a 6-byte header, a 16-byte
 * directory entry per image, then the PNG files as they are. A container, not a codec.
 */
export function packIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

// ---- sharp (native libvips, or its WebAssembly build) -------------------------------------

/** Makes sharp take the path it takes on a platform with no native build: @img/sharp-wasm32. */
function hideNativeSharp() {
  const Module = require('node:module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (/^@img\/sharp-(?!wasm32)[^/]+\/sharp\.node$/.test(request)) {
      throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
    }
    return resolve.call(this, request, ...rest);
  };
}

function sharpAdapter(sharp) {
  // Every run must do the work, not find it in libvips' operation cache.
  sharp.cache(false);
  const m = keyMaths();
  const rawOf = ({ data, info }) => ({ data, width: info.width, height: info.height, channels: info.channels });
  const keyPixels = async ({ data, width, height, channels }) => {
    const raw = { raw: { width, height, channels } };
    const s = await sharp(data, raw).recomb([m.toS255, m.toS255, m.toS255]).extractChannel(0).raw().toBuffer();
    const [cr, cg, cb] = m.chroma.map((c) => -c / 255);
    return rawOf(
      await sharp(data, raw)
        .joinChannel(s, { raw: { width, height, channels: 1 } })
        .recomb([
          [1, 0, 0, cr],
          [0, 1, 0, cg],
          [0, 0, 1, cb],
          [0, 0, 0, m.alphaScale],
        ])
        .linear([1, 1, 1, 1], [0, 0, 0, m.alphaOffset])
        .raw()
        .toBuffer({ resolveWithObject: true }),
    );
  };
  return {
    version: sharp.versions.sharp,
    vips: sharp.versions.vips,
    threads: sharp.concurrency(),
    decodeRaw: async (png) => rawOf(await sharp(png).raw().toBuffer({ resolveWithObject: true })),
    webpThumb: (png) =>
      sharp(png).resize(THUMB.width, THUMB.height, { kernel: 'lanczos3' }).webp({ quality: THUMB.quality }).toBuffer(),
    jpegCover: (png) =>
      sharp(png)
        .resize(COVER.width, COVER.height, { fit: 'cover', kernel: 'lanczos3' })
        .jpeg({ quality: COVER.jpegQuality })
        .toBuffer(),
    avifCover: (png) =>
      sharp(png)
        .resize(COVER.width, COVER.height, { fit: 'cover', kernel: 'lanczos3' })
        .avif({ quality: COVER.avifQuality, effort: 4 })
        .toBuffer(),
    keyPixels,
    async keyFile(png) {
      const out = await keyPixels(rawOf(await sharp(png).raw().toBuffer({ resolveWithObject: true })));
      return sharp(out.data, { raw: { width: out.width, height: out.height, channels: out.channels } })
        .png()
        .toBuffer();
    },
    async favicon(png) {
      const source = sharp(png);
      return Promise.all(
        FAVICON_SIZES.map(async (size) => ({
          size,
          png: await source.clone().resize(size, size, { kernel: 'lanczos3' }).png().toBuffer(),
        })),
      );
    },
  };
}

// ---- wasm-vips (libvips in WebAssembly) --------------------------------------------------------

function wasmVipsAdapter(vips) {
  vips.Cache.max(0);
  const m = keyMaths();
  /** Embind objects live in the WebAssembly heap until deleted: free every image a job made. */
  const scoped =
    (job) =>
    (...args) => {
      const made = [];
      const keep = (image) => (made.push(image), image);
      try {
        return job(keep, ...args);
      } finally {
        for (const image of made) image.delete();
      }
    };
  const load = (keep, png) => keep(vips.Image.newFromBuffer(png));
  const rawOut = (image) => ({
    data: image.writeToMemory(),
    width: image.width,
    height: image.height,
    channels: image.bands,
  });
  const cover = (keep, png) => {
    const image = load(keep, png);
    const scale = Math.max(COVER.width / image.width, COVER.height / image.height);
    const resized = keep(image.resize(scale, { kernel: 'lanczos3' }));
    return keep(
      resized.crop(
        Math.floor((resized.width - COVER.width) / 2),
        Math.floor((resized.height - COVER.height) / 2),
        COVER.width,
        COVER.height,
      ),
    );
  };
  const key = (keep, image) => {
    const s = keep(keep(image.recomb([m.toS255])).cast('uchar'));
    const joined = keep(image.bandjoin(s));
    const [cr, cg, cb] = m.chroma.map((c) => -c / 255);
    const mixed = keep(
      joined.recomb([
        [1, 0, 0, cr],
        [0, 1, 0, cg],
        [0, 0, 1, cb],
        [0, 0, 0, m.alphaScale],
      ]),
    );
    return keep(keep(mixed.linear([1, 1, 1, 1], [0, 0, 0, m.alphaOffset])).cast('uchar'));
  };
  return {
    version: vips.version(),
    vips: vips.version(),
    threads: vips.concurrency(),
    decodeRaw: scoped((keep, png) => rawOut(load(keep, png))),
    webpThumb: scoped((keep, png) => {
      const image = load(keep, png);
      const resized = keep(
        image.resize(THUMB.width / image.width, { kernel: 'lanczos3', vscale: THUMB.height / image.height }),
      );
      return resized.writeToBuffer('.webp', { Q: THUMB.quality });
    }),
    jpegCover: scoped((keep, png) => cover(keep, png).writeToBuffer('.jpg', { Q: COVER.jpegQuality })),
    avifCover: scoped((keep, png) => cover(keep, png).writeToBuffer('.avif', { Q: COVER.avifQuality, effort: 4 })),
    keyPixels: scoped((keep, { data, width, height, channels }) =>
      rawOut(key(keep, keep(vips.Image.newFromMemory(data, width, height, channels, 'uchar')))),
    ),
    keyFile: scoped((keep, png) => key(keep, load(keep, png)).writeToBuffer('.png')),
    // thumbnail: libvips' own premultiply → shrink → lanczos3 → unpremultiply for images with alpha.
    favicon: scoped((keep, png) => {
      const source = load(keep, png);
      return FAVICON_SIZES.map((size) => ({
        size,
        png: Buffer.from(keep(source.thumbnailImage(size, { height: size })).writeToBuffer('.png')),
      }));
    }),
  };
}

// ---- Squoosh codecs (@jsquash/*) -----------------------------------------------------------

const jsquashFile = (relative) => readFile(require.resolve(`@jsquash/${relative}`));
const wasmModule = async (relative) => WebAssembly.compile(await jsquashFile(relative));

async function jsquashAdapter() {
  const [pngDecoder, pngEncoder, jpeg, webp, avif, resizer, features] = await Promise.all([
    import('@jsquash/png/decode.js'),
    import('@jsquash/png/encode.js'),
    import('@jsquash/jpeg/encode.js'),
    import('@jsquash/webp/encode.js'),
    import('@jsquash/avif/encode.js'),
    import('@jsquash/resize'),
    import('wasm-feature-detect'),
  ]);
  // In Node the codecs cannot fetch their .wasm from a file: URL, so they are handed compiled
  // modules: the ones each codec's own init would pick (SIMD WebP where supported, one-thread AVIF).
  const pngWasm = await wasmModule('png/codec/pkg/squoosh_png_bg.wasm');
  const webpFile = (await features.simd()) ? 'webp_enc_simd' : 'webp_enc';
  await Promise.all([
    pngDecoder.init(pngWasm),
    pngEncoder.init(pngWasm),
    jpeg.init(await wasmModule('jpeg/codec/enc/mozjpeg_enc.wasm')),
    webp.init(await wasmModule(`webp/codec/enc/${webpFile}.wasm`)),
    avif.init(await wasmModule('avif/codec/enc/avif_enc.wasm')),
    resizer.initResize(await wasmModule('resize/lib/resize/pkg/squoosh_resize_bg.wasm')),
  ]);
  const png = { decode: pngDecoder.default, encode: pngEncoder.default };
  const m = keyMaths();
  const lanczos = (image, width, height, fitMethod = 'stretch') =>
    resizer.default(image, { width, height, method: 'lanczos3', fitMethod, premultiply: true, linearRGB: false });
  const keyPixels = ({ data, width, height, channels }) => {
    const out = new Uint8ClampedArray(width * height * 4);
    const [sr, sg, sb] = m.toS255;
    const [cr, cg, cb] = m.chroma.map((c) => c / 255);
    for (let i = 0, o = 0; o < out.length; i += channels, o += 4) {
      const r = data[i];
      const g = data[i + 1];
      const b = data[i + 2];
      const s = Math.min(255, Math.max(0, Math.round(r * sr + g * sg + b * sb)));
      out[o] = r - cr * s;
      out[o + 1] = g - cg * s;
      out[o + 2] = b - cb * s;
      out[o + 3] = m.alphaScale * s + m.alphaOffset;
    }
    return { data: out, width, height, channels: 4 };
  };
  // The Squoosh codecs take the browser's ImageData, which their own modules provide in Node.
  const toImageData = ({ data, width, height }) => new globalThis.ImageData(data, width, height);
  return {
    version: `png ${pkgVersion('png')}, jpeg ${pkgVersion('jpeg')}, webp ${pkgVersion('webp')}, avif ${pkgVersion('avif')}, resize ${pkgVersion('resize')}`,
    vips: '–',
    threads: 1,
    async decodeRaw(bytes) {
      const image = await png.decode(bytes);
      return { data: image.data, width: image.width, height: image.height, channels: 4 };
    },
    webpThumb: async (bytes) =>
      webp.default(await lanczos(await png.decode(bytes), THUMB.width, THUMB.height), { quality: THUMB.quality }),
    jpegCover: async (bytes) =>
      jpeg.default(await lanczos(await png.decode(bytes), COVER.width, COVER.height, 'contain'), {
        quality: COVER.jpegQuality,
      }),
    avifCover: async (bytes) =>
      avif.default(await lanczos(await png.decode(bytes), COVER.width, COVER.height, 'contain'), {
        quality: COVER.avifQuality,
        speed: 5,
      }),
    keyPixels: async (pixels) => keyPixels(pixels),
    async keyFile(bytes) {
      const image = await png.decode(bytes);
      return png.encode(
        toImageData(keyPixels({ data: image.data, width: image.width, height: image.height, channels: 4 })),
      );
    },
    async favicon(bytes) {
      const source = await png.decode(bytes);
      const out = [];
      for (const size of FAVICON_SIZES)
        out.push({ size, png: Buffer.from(await png.encode(await lanczos(source, size, size))) });
      return out;
    },
  };
}

const pkgVersion = (name) => require(`@jsquash/${name}/package.json`).version;

/** Library name → a loader that returns the jobs, ready to run (codecs compiled, threads started). */
export const LIBRARIES = {
  sharp: async () => sharpAdapter(require('sharp')),
  'sharp-wasm32': async () => {
    hideNativeSharp();
    return sharpAdapter(require('sharp'));
  },
  'wasm-vips': async () => {
    const Vips = require('wasm-vips');
    // AVIF comes from libheif, a side module; JPEG XL (the default's other one) is not needed.
    return wasmVipsAdapter(await Vips({ dynamicLibraries: ['vips-heif.wasm'] }));
  },
  jsquash: jsquashAdapter,
};
