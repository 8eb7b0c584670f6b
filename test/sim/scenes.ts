/**
 * What a simulated model paints: a shaded subject (see shapes.ts) on a sky-and-ground scene with
 * a soft shadow, or, when the prompt asked for one, on a flat key colour. The subject's true
 * coverage of every pixel is returned with the pixels, so tests of transparency can compare what
 * the extension keyed out with what was painted.
 *
 * Everything follows from the parameters (no clock, no Math.random): the same task always shows
 * the same image, so a repeated or resumed download gets the same bytes.
 */
import * as zlib from 'node:zlib';
import { type Canvas, clampByte, hsl, paintCheckerboard, paintKey, paintScenery, sceneryFor } from './backdrops';
import type { Rgb } from './images';
import { type Placement, SUBJECT_KINDS, type SubjectKind, distanceTo } from './shapes';

/**
 * Behind the subject: a scene (`scenery`), the flat key colour it was asked for (`key`, with
 * `noise` levels of per-pixel jitter as real models sometimes add), or a drawn grey-and-white
 * checkerboard (`checkerboard`), which real models paint when asked for transparency.
 */
export type Backdrop = { kind: 'scenery' } | { kind: 'key'; colour: string; noise?: number } | { kind: 'checkerboard' };

export interface SceneParams {
  width: number;
  height: number;
  /** Chooses the subject's kind (unless given), place, colour and the scenery. */
  seed: string;
  subject?: SubjectKind;
  backdrop: Backdrop;
}

export interface Scene {
  /** Opaque RGBA, row by row. */
  rgba: Uint8Array;
  width: number;
  height: number;
  /** The subject's coverage of each pixel, 0 (backdrop only) to 1 (subject only). */
  mask: Float32Array;
  subject: SubjectKind;
  /** The subject's colour before shading. */
  colour: Rgb;
}

/** Subject colours keep at least this far (RGB distance) from the key colour, even shaded. */
export const KEY_DISTANCE = 140;

/** A small deterministic generator (mulberry32), seeded from the seed text. */
function randomFrom(seed: string): () => number {
  let state = zlib.crc32(Buffer.from(seed, 'utf8')) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hexToRgb(hex: string): Rgb {
  const n = parseInt(hex.replace(/^#/, ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const scaled = (c: Rgb, k: number): Rgb => [c[0] * k, c[1] * k, c[2] * k];
const towardWhite = (c: Rgb, k: number): Rgb => [
  c[0] + (255 - c[0]) * k,
  c[1] + (255 - c[1]) * k,
  c[2] + (255 - c[2]) * k,
];

/** The range shading takes a subject colour through: every light level with every strength of highlight. */
function shadesOf(colour: Rgb): Rgb[] {
  const shades: Rgb[] = [];
  for (let light = 0; light <= 8; light++) {
    const lit = scaled(colour, DARKEST + ((BRIGHTEST - DARKEST) * light) / 8);
    for (let spot = 0; spot <= 4; spot++)
      shades.push(towardWhite(lit, (HIGHLIGHT * spot) / 4).map((v) => Math.min(255, v)) as unknown as Rgb);
  }
  return shades;
}

/** A saturated colour whose every shade stays far from the key (any hue when there is none). */
function subjectColour(random: () => number, key: Rgb | undefined): Rgb {
  const start = random() * 360;
  for (let step = 0; step < 12; step++) {
    const colour = hsl((start + step * 30) % 360, 0.75, 0.5);
    if (!key || shadesOf(colour).every((shade) => distance(shade, key) >= KEY_DISTANCE)) return colour;
  }
  // No hue is far from a mid grey key; a very dark subject is.
  return [24, 24, 24];
}

const DARKEST = 0.45;
const BRIGHTEST = 1.05;
const HIGHLIGHT = 0.55;

function placementFor(random: () => number, width: number, height: number): Placement {
  const short = Math.min(width, height);
  return {
    cx: width * (0.5 + (random() - 0.5) * 0.12),
    cy: height * (0.47 + (random() - 0.5) * 0.1),
    r: short * (0.27 + random() * 0.06),
    turn: random() * Math.PI * 2,
  };
}

/** Writes the subject's shaded colour at a pixel into `out`: lit from the top left, darker towards its rim. */
function shade(colour: Rgb, p: Placement, x: number, y: number, inside: number, out: number[]): void {
  const nx = (x - p.cx) / p.r;
  const ny = (y - p.cy) / p.r;
  const slope = Math.max(0, Math.min(1, (nx + ny) * 0.35 + 0.5));
  const rim = 0.8 + 0.2 * Math.max(0, Math.min(1, inside / (0.25 * p.r)));
  const light = (BRIGHTEST - (BRIGHTEST - DARKEST / 0.8) * slope) * rim;
  const q = ((nx + 0.35) ** 2 + (ny + 0.4) ** 2) / 0.05;
  // Past e^-12 the highlight is below a millionth: skip the exp on most of the subject.
  const spot = q < 12 ? Math.exp(-q) * HIGHLIGHT : 0;
  for (let c = 0; c < 3; c++) {
    const lit = colour[c]! * light;
    out[c] = lit + (255 - lit) * spot;
  }
}

/** Paints the subject over the backdrop, blending edge pixels by their coverage, and records that coverage. */
function paintSubject(canvas: Canvas & { mask: Float32Array }, subject: SubjectKind, p: Placement, colour: Rgb): void {
  const { rgba, mask, width, height } = canvas;
  const distanceAt = distanceTo(subject, p);
  // Every kind fits within 1.05 r of its centre; beyond that (plus the edge pixel) nothing is covered.
  const reach = p.r * 1.05 + 1;
  const x0 = Math.max(0, Math.floor(p.cx - reach));
  const x1 = Math.min(width - 1, Math.ceil(p.cx + reach));
  const y0 = Math.max(0, Math.floor(p.cy - reach));
  const y1 = Math.min(height - 1, Math.ceil(p.cy + reach));
  const front = [0, 0, 0];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = distanceAt(x + 0.5, y + 0.5);
      if (d >= 0.5) continue;
      // A pixel's coverage by an edge through it, from the edge's distance to its centre.
      const cover = d <= -0.5 ? 1 : 0.5 - d;
      const i = y * width + x;
      mask[i] = cover;
      shade(colour, p, x + 0.5, y + 0.5, -d, front);
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = clampByte(rgba[i * 4 + c]! * (1 - cover) + front[c]! * cover);
    }
  }
}

export function renderScene(params: SceneParams): Scene {
  const { width, height, backdrop } = params;
  const random = randomFrom(params.seed);
  const kindPick = random();
  const subject = params.subject ?? SUBJECT_KINDS[Math.floor(kindPick * SUBJECT_KINDS.length)]!;
  const placement = placementFor(random, width, height);
  const colour = subjectColour(random, backdrop.kind === 'key' ? hexToRgb(backdrop.colour) : undefined);
  const canvas = { rgba: new Uint8Array(width * height * 4), mask: new Float32Array(width * height), width, height };
  switch (backdrop.kind) {
    case 'key':
      paintKey(canvas, hexToRgb(backdrop.colour), Math.max(0, backdrop.noise ?? 0));
      break;
    case 'checkerboard':
      paintCheckerboard(canvas);
      break;
    case 'scenery':
      paintScenery(canvas, sceneryFor(random, placement, height), placement);
      break;
  }
  paintSubject(canvas, subject, placement, colour);
  return { ...canvas, subject, colour };
}
