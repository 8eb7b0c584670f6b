/**
 * Taking a flat key-colour background out of an image, as arithmetic on raw RGBA pixels. Models
 * cannot paint alpha; asked for a flat colour they paint one close to it (#05f80a for #00ff00),
 * or ignore the request. So the background is measured on the frame's border first, and only a
 * border that really is one flat colour near the key is keyed out: anything else stays opaque.
 *
 * Distances are taken in YCbCr with the luma weighted down, so a shadowed or lit part of the
 * background is still background, while the subject's own colours (far in chroma) stay whole.
 * No Node, no image library: the worker decodes and encodes; this file only does the maths.
 */
import type { CropBox, TransparencyCheck } from './finish';

/** Raw pixels, four bytes (R, G, B, A) each, row by row. */
export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

type Rgb = readonly [number, number, number];

/** How much luma counts against chroma: light and shade on the backdrop are not the subject. */
const LUMA_WEIGHT = 0.35;
/** How dark (a shadow) or light the backdrop's key may be and still be the backdrop: 60 %–110 % of the key. */
const SHADE = { min: 0.6, max: 1.1 };
/** A pixel this close to the shaded key is the backdrop in shade. */
const SHADED_KEY = 28;
/** Border pixels this close to the border's median count as the same flat colour. */
const FLAT_DISTANCE = 18;
/** The share of border pixels that must be that colour. */
const FLAT_SHARE = 0.9;
/** How far the painted background may be from the asked key and still be it. */
const KEY_DISTANCE = 60;
/** Alpha is 0 within INNER of the key (the painted background's own noise). */
const INNER = 14;
/** A pixel this far from the key is subject, whatever its neighbours: a speck of noise is not. */
const MIN_SUBJECT = 40;
/** How far (pixels) an edge pixel looks for the subject colour it is blended from. */
const NEIGHBOURHOOD = 2;
/** An edge pixel "still carries the key" when a quarter of the key's chroma is in it. */
const FRINGE_CAST = 0.25;

export function parseKey(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new RangeError(`not a colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
const cb = (r: number, g: number, b: number) => -0.168736 * r - 0.331264 * g + 0.5 * b;
const cr = (r: number, g: number, b: number) => 0.5 * r - 0.418688 * g - 0.081312 * b;

/** The distance in the chroma-aware space between a pixel and a colour. */
function distance(r: number, g: number, b: number, to: Rgb): number {
  const dy = (luma(r, g, b) - luma(...to)) * LUMA_WEIGHT;
  const dcb = cb(r, g, b) - cb(...to);
  const dcr = cr(r, g, b) - cr(...to);
  return Math.sqrt(dy * dy + dcb * dcb + dcr * dcr);
}

/** Offsets (in pixels) of every pixel on the frame's border, each once. */
function borderPixels(width: number, height: number): number[] {
  const at: number[] = [];
  for (let x = 0; x < width; x++) at.push(x, (height - 1) * width + x);
  for (let y = 1; y < height - 1; y++) at.push(y * width, y * width + width - 1);
  return height === 1 ? at.slice(0, width) : at;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export interface BorderVerdict {
  flat: boolean;
  /** The border's median colour, `#rrggbb`: the colour the model really painted. */
  measured: string;
  /** Share of border pixels within FLAT_DISTANCE of the median. */
  flatShare: number;
  /** Distance of the median from the asked key. */
  keyDistance: number;
}

const hexOf = (c: Rgb) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** Whether the frame's border is one flat colour near `key` (every border pixel is looked at). */
export function checkBorder(image: RgbaImage, key: string): BorderVerdict {
  const { data } = image;
  const at = borderPixels(image.width, image.height);
  const channel = (c: number) => median(at.map((p) => data[p * 4 + c]!));
  const measured: Rgb = [channel(0), channel(1), channel(2)];
  const near = at.filter((p) => distance(data[p * 4]!, data[p * 4 + 1]!, data[p * 4 + 2]!, measured) <= FLAT_DISTANCE);
  const flatShare = near.length / Math.max(1, at.length);
  const keyDistance = distance(...measured, parseKey(key));
  return {
    flat: flatShare >= FLAT_SHARE && keyDistance <= KEY_DISTANCE,
    measured: hexOf(measured),
    flatShare,
    keyDistance,
  };
}

/** Distances are kept as fixed-point 16-bit numbers: a 4096² image's take 32 MB, not 64. */
const FIXED = 128;

/**
 * Each pixel's distance to the key as the backdrop can show it: the key itself, or the key in
 * shade or light (a model casts a soft shadow on the flat colour). The key is scaled by the
 * pixel's own projection on it, held to SHADE, so a darker green is still the green backdrop
 * while black, or a colour of another hue, is not.
 */
function distances(image: RgbaImage, key: Rgb): Uint16Array {
  const { data } = image;
  const out = new Uint16Array(image.width * image.height);
  // The hot loop of the key-out: the key's coordinates are taken once, the pixel's inline.
  const [ky, kcb, kcr] = [luma(...key), cb(...key), cr(...key)];
  const [kr, kg, kb] = key;
  const norm = kr * kr + kg * kg + kb * kb || 1;
  for (let p = 0, i = 0; p < out.length; p++, i += 4) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    const pcb = -0.168736 * r - 0.331264 * g + 0.5 * b;
    const pcr = 0.5 * r - 0.418688 * g - 0.081312 * b;
    const t = Math.min(SHADE.max, Math.max(SHADE.min, (r * kr + g * kg + b * kb) / norm));
    const shaded = Math.hypot((y - t * ky) * LUMA_WEIGHT, pcb - t * kcb, pcr - t * kcr);
    // Only a pixel that is the key in shade is measured against the shaded key: a blend of the
    // subject and the key is off that line and keeps its plain distance, so its alpha stays true.
    out[p] = (shaded < SHADED_KEY ? shaded : Math.hypot((y - ky) * LUMA_WEIGHT, pcb - kcb, pcr - kcr)) * FIXED + 0.5;
  }
  return out;
}

/** The largest value within a (2·radius+1)² square around each pixel (a separable max filter, row by row for the cache). */
function localMax(values: Uint16Array, width: number, height: number, radius: number): Uint16Array {
  const rows = new Uint16Array(values.length);
  for (let y = 0; y < height; y++) {
    const start = y * width;
    for (let x = 0; x < width; x++) {
      let max = 0;
      for (let j = Math.max(0, x - radius); j <= Math.min(width - 1, x + radius); j++) {
        const v = values[start + j]!;
        if (v > max) max = v;
      }
      rows[start + x] = max;
    }
  }
  const out = new Uint16Array(values.length);
  for (let y = 0; y < height; y++) {
    const start = y * width;
    for (let k = Math.max(0, y - radius); k <= Math.min(height - 1, y + radius); k++) {
      const from = k * width;
      for (let x = 0; x < width; x++) {
        const v = rows[from + x]!;
        if (v > out[start + x]!) out[start + x] = v;
      }
    }
  }
  return out;
}

/**
 * Soft alpha from the distance to the key. An edge pixel is a blend a·subject + (1−a)·key, and
 * the distance is linear in that blend, so a ≈ its distance over the distance of the most
 * subject-like pixel near it (within NEIGHBOURHOOD): anti-aliased edges get their true partial alpha.
 */
function keyAlpha(image: RgbaImage, key: Rgb): void {
  const { data, width, height } = image;
  const near = distances(image, key);
  const subject = localMax(near, width, height, NEIGHBOURHOOD);
  const inner = INNER * FIXED;
  for (let p = 0; p < near.length; p++) {
    const d = near[p]!;
    const reference = Math.max(subject[p]!, MIN_SUBJECT * FIXED);
    const a = d <= inner ? 0 : Math.min(255, Math.round(((d - inner) / (reference - inner)) * 255));
    data[p * 4 + 3] = Math.round((a * data[p * 4 + 3]!) / 255);
  }
}

/** True when a pixel is opaque-ish and touches a transparent-ish one (4-neighbours). */
function isSubjectEdge(data: RgbaImage['data'], width: number, height: number, p: number): boolean {
  if (data[p * 4 + 3]! < 128) return false;
  const x = p % width;
  const y = (p - x) / width;
  const clear = (q: number) => data[q * 4 + 3]! < 128;
  return (
    (x > 0 && clear(p - 1)) ||
    (x < width - 1 && clear(p + 1)) ||
    (y > 0 && clear(p - width)) ||
    (y < height - 1 && clear(p + width))
  );
}

/** How much of the key's chroma a pixel carries (0: none, 1: as much as the key itself). */
function keyCast(r: number, g: number, b: number, key: Rgb): number {
  const kb = cb(...key);
  const kr = cr(...key);
  const norm = kb * kb + kr * kr;
  return norm === 0 ? 0 : (cb(r, g, b) * kb + cr(r, g, b) * kr) / norm;
}

/**
 * Removes the key's colour from a pixel: first unmixes the blend (an edge pixel is
 * a·subject + (1−a)·key), then takes out any key chroma left, keeping the luma.
 */
function despillPixel(data: RgbaImage['data'], i: number, key: Rgb, keyGrey: number): void {
  const a = data[i + 3]! / 255;
  if (a <= 0) return;
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  let r = clamp((data[i]! - (1 - a) * key[0]) / a);
  let g = clamp((data[i + 1]! - (1 - a) * key[1]) / a);
  let b = clamp((data[i + 2]! - (1 - a) * key[2]) / a);
  const cast = keyCast(r, g, b, key);
  if (cast > 0) {
    // Subtracting the key's chroma with its luma put back leaves the pixel's own brightness.
    r -= cast * (key[0] - keyGrey);
    g -= cast * (key[1] - keyGrey);
    b -= cast * (key[2] - keyGrey);
  }
  data[i] = clamp(Math.round(r));
  data[i + 1] = clamp(Math.round(g));
  data[i + 2] = clamp(Math.round(b));
}

/** Despills every partly transparent pixel and every subject-edge pixel. */
function despill(image: RgbaImage, key: Rgb): void {
  const { data, width, height } = image;
  const grey = luma(...key);
  for (let p = 0; p < width * height; p++) {
    const alpha = data[p * 4 + 3]!;
    if ((alpha > 0 && alpha < 255) || isSubjectEdge(data, width, height, p)) despillPixel(data, p * 4, key, grey);
  }
}

/** transparentShare and edgeKeyShare of a keyed image (see TransparencyCheck). */
export function transparencyCheck(image: RgbaImage, key: string): TransparencyCheck {
  const { data, width, height } = image;
  const rgb = parseKey(key);
  let clear = 0;
  let edges = 0;
  let fringed = 0;
  for (let p = 0; p < width * height; p++) {
    if (data[p * 4 + 3]! < 128) clear++;
    else if (isSubjectEdge(data, width, height, p)) {
      edges++;
      if (keyCast(data[p * 4]!, data[p * 4 + 1]!, data[p * 4 + 2]!, rgb) > FRINGE_CAST) fringed++;
    }
  }
  return { transparentShare: clear / Math.max(1, width * height), edgeKeyShare: edges === 0 ? 0 : fringed / edges };
}

export type KeyOutResult =
  { verdict: 'keyed'; key: string; check: TransparencyCheck } | { verdict: 'keyIgnored'; border: BorderVerdict };

/**
 * Keys `image` out in place (its alpha and edge colours change) when its border is the flat key
 * colour; otherwise leaves it untouched and says the key was ignored.
 */
export function keyOut(image: RgbaImage, key: string): KeyOutResult {
  const border = checkBorder(image, key);
  if (!border.flat) return { verdict: 'keyIgnored', border };
  const measured = parseKey(border.measured);
  keyAlpha(image, measured);
  despill(image, measured);
  return { verdict: 'keyed', key: border.measured, check: transparencyCheck(image, border.measured) };
}

/** The box around every pixel with alpha > 0, grown by `padding` and kept inside the frame; undefined when none. */
export function trimBounds(image: RgbaImage, padding: number): CropBox | undefined {
  const { data, width, height } = image;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4 + 3] === 0) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return undefined;
  const x0 = Math.max(0, left - padding);
  const y0 = Math.max(0, top - padding);
  return {
    left: x0,
    top: y0,
    width: Math.min(width, right + padding + 1) - x0,
    height: Math.min(height, bottom + padding + 1) - y0,
  };
}

/**
 * The naive key-out, kept as the baseline the benchmark compares against: a pixel within
 * `threshold` (RGB distance) of the asked key is transparent, every other one opaque; no border
 * check, no soft edges, no despill.
 */
export function plainThreshold(image: RgbaImage, key: string, threshold = 100): void {
  const [kr, kg, kb] = parseKey(key);
  const { data } = image;
  for (let i = 0; i < data.length; i += 4) {
    const d = Math.hypot(data[i]! - kr, data[i + 1]! - kg, data[i + 2]! - kb);
    data[i + 3] = d < threshold ? 0 : 255;
  }
}
