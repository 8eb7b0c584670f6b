/**
 * What a simulated model paints behind its subject, straight into the pixels: a scene (sky,
 * ground, soft clouds, grain and the subject's shadow), a flat key colour, or a drawn
 * checkerboard. Painted row by row with what each row and column shares worked out once: a 4K
 * scene is eight million pixels, and the tests and the demo wait for it.
 */
import type { Rgb } from './images';
import type { Placement } from './shapes';

export interface Canvas {
  rgba: Uint8Array;
  width: number;
  height: number;
}

export interface Scenery {
  top: Rgb;
  horizon: Rgb;
  ground: Rgb;
  /** Where the subject stands: sky above, ground below, its shadow on it. */
  groundY: number;
  phase: number;
}

export const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Per-pixel noise: three values in [0, 1), one per channel, the same for the same pixel. */
function grain(x: number, y: number, out: number[]): void {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  out[0] = (h & 255) / 256;
  out[1] = ((h >>> 8) & 255) / 256;
  out[2] = ((h >>> 16) & 255) / 256;
}

/** The flat key colour, jittered by up to `noise` levels per channel when asked. */
export function paintKey(canvas: Canvas, key: Rgb, noise: number): void {
  const { rgba, width, height } = canvas;
  if (noise <= 0) {
    // One colour everywhere: a byte order independent fill of whole pixels.
    const pixel = Uint8Array.of(key[0], key[1], key[2], 255);
    const word = new Uint32Array(pixel.buffer)[0]!;
    new Uint32Array(rgba.buffer, rgba.byteOffset, width * height).fill(word);
    return;
  }
  const jitter = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      grain(x, y, jitter);
      for (let c = 0; c < 3; c++) rgba[i + c] = clampByte(key[c]! + Math.round((jitter[c]! * 2 - 1) * noise));
      rgba[i + 3] = 255;
    }
  }
}

/** White and light grey squares, about 40 across the long side, as models draw "transparency". */
export function paintCheckerboard(canvas: Canvas): void {
  const { rgba, width, height } = canvas;
  const cell = Math.max(4, Math.round(Math.max(width, height) / 40));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const grey = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? 255 : 204;
      rgba[i] = rgba[i + 1] = rgba[i + 2] = grey;
      rgba[i + 3] = 255;
    }
  }
}

export function hsl(hue: number, s: number, l: number): Rgb {
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

export function sceneryFor(random: () => number, p: Placement, height: number): Scenery {
  const hue = random() * 360;
  return {
    top: hsl(hue, 0.55, 0.35),
    horizon: hsl((hue + 25) % 360, 0.5, 0.75),
    ground: hsl((hue + 160 + random() * 40) % 360, 0.35, 0.4),
    groundY: Math.min(height - 1, p.cy + p.r * 0.95),
    phase: random() * Math.PI * 2,
  };
}

/** The colour of one row before clouds, grain and shadow: the sky's gradient, or the ground darkening towards the viewer. */
function rowColour(s: Scenery, y: number, height: number, out: number[]): void {
  if (y < s.groundY) {
    const t = y / Math.max(1, s.groundY);
    for (let c = 0; c < 3; c++) out[c] = s.top[c]! + (s.horizon[c]! - s.top[c]!) * t;
  } else {
    const t = 0.85 + 0.15 * ((y - s.groundY) / Math.max(1, height - s.groundY));
    for (let c = 0; c < 3; c++) out[c] = s.ground[c]! * t;
  }
}

/** Sky above the ground line, ground below, soft clouds and grain, and the subject's soft shadow. */
export function paintScenery(canvas: Canvas, s: Scenery, p: Placement): void {
  const { rgba, width, height } = canvas;
  const cloudX = Float64Array.from({ length: width }, (_, x) => Math.sin((x + 0.5) / (p.r * 0.9) + s.phase));
  const shadowCx = p.cx + p.r * 0.2;
  const shadowRx = p.r * 1.05;
  const shadowRy = p.r * 0.22;
  const base = [0, 0, 0];
  const noise = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    const py = y + 0.5;
    rowColour(s, py, height, base);
    const cloudY = py < s.groundY ? 10 * Math.sin(py / (p.r * 0.5) + s.phase * 2) : 0;
    const sy = (py - s.groundY) / shadowRy;
    // Beyond three radii the shadow's darkening is under a thousandth: not worth an exp per pixel.
    const shadowRow = Math.abs(sy) < 3;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const sx = (x + 0.5 - shadowCx) / shadowRx;
      const shadow = shadowRow && Math.abs(sx) < 3 ? 1 - 0.5 * Math.exp(-2 * (sx * sx + sy * sy)) : 1;
      const cloud = cloudY * cloudX[x]!;
      grain(x, y, noise);
      for (let c = 0; c < 3; c++) rgba[i + c] = clampByte((base[c]! + cloud + (noise[c]! - 0.5) * 8) * shadow);
      rgba[i + 3] = 255;
    }
  }
}
