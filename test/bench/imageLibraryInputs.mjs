// The images the image-library bench works on, drawn from raw pixels (deterministic, no files
// in the repository) and written as PNG, the format the gateway returns. Photo-like content
// (gradients, detail, a little noise) so the encoders do a real image's work, and a subject on a
// flat key-colour background with anti-aliased edges for the key-out and the favicon.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { KEY } from './imageLibraryAdapters.mjs';

const require = createRequire(import.meta.url);

/** A cheap integer hash: noise that is the same on every run. */
function noise(x, y) {
  let h = (x * 374761393 + y * 668265263) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) & 255) / 255 - 0.5;
}

const clamp8 = (v) => (v < 0 ? 0 : v > 255 ? 255 : v);

function photo(width, height) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      const wave = Math.sin(x / 97 + y / 53) * 50 + Math.sin((x + 2 * y) / 211) * 40;
      const detail = Math.sin(x / 5.3) * Math.sin(y / 4.1) * 8;
      const n = noise(x, y) * 6;
      data[i] = clamp8(128 + wave + detail + n);
      data[i + 1] = clamp8(110 + (Math.cos(y / 71) * 60 - wave / 3) + n);
      data[i + 2] = clamp8(140 + Math.sin((x - y) / 131) * 70 + detail / 2 + n);
    }
  }
  return { data, width, height, channels: 3 };
}

/** How much of the pixel at (x, y) the subject covers: a disc with a hole, edges one pixel soft. */
function coverage(x, y, size) {
  const cx = size / 2;
  const cy = size / 2;
  const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
  const outer = Math.min(1, Math.max(0, size * 0.31 - d + 0.5));
  const hole = Math.min(1, Math.max(0, size * 0.08 - Math.hypot(x + 0.5 - cx * 1.1, y + 0.5 - cy * 0.9) + 0.5));
  return outer * (1 - hole);
}

function subjectColour(x, y, size) {
  const t = y / size;
  const detail = Math.sin(x / 7) * Math.sin(y / 9) * 20;
  return [clamp8(235 - 90 * t + detail), clamp8(130 - 60 * t + detail / 2), clamp8(40 + 110 * t)];
}

/** The subject over the flat key colour (RGB), or over nothing (RGBA). */
function subject(size, keyed) {
  const channels = keyed ? 3 : 4;
  const data = Buffer.alloc(size * size * channels);
  for (let y = 0, i = 0; y < size; y++) {
    for (let x = 0; x < size; x++, i += channels) {
      const a = coverage(x, y, size);
      const c = subjectColour(x, y, size);
      for (let k = 0; k < 3; k++) data[i + k] = keyed ? Math.round(a * c[k] + (1 - a) * KEY.rgb[k]) : c[k];
      if (!keyed) data[i + 3] = Math.round(255 * a);
    }
  }
  return { data, width: size, height: size, channels };
}

/** Writes the four inputs into `dir`; returns their names, sizes and bytes. */
export async function makeInputs(dir) {
  const sharp = require('sharp');
  const images = {
    'photo4096.png': photo(4096, 4096),
    'photo2752x1536.png': photo(2752, 1536),
    'green2048.png': subject(2048, true),
    'icon1024.png': subject(1024, false),
  };
  const written = {};
  for (const [name, { data, width, height, channels }] of Object.entries(images)) {
    const png = await sharp(data, { raw: { width, height, channels } }).png().toBuffer();
    await writeFile(path.join(dir, name), png);
    written[name] = { width, height, channels, bytes: png.length };
  }
  return written;
}
