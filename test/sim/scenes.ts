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

/** Per-pixel noise in [0, 1), the same for the same pixel and channel. */
function grain(x: number, y: number, channel: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(channel + 1, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

export function hexToRgb(hex: string): Rgb {
  const n = parseInt(hex.replace(/^#/, ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hsl(hue: number, s: number, l: number): Rgb {
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const scaled = (c: Rgb, k: number): Rgb => [c[0] * k, c[1] * k, c[2] * k];
const towardWhite = (c: Rgb, k: number): Rgb => [
  c[0] + (255 - c[0]) * k,
  c[1] + (255 - c[1]) * k,
  c[2] + (255 - c[2]) * k,
];

/** Darkest, plain and highlighted: the range shading takes a subject colour through. */
function shadesOf(colour: Rgb): Rgb[] {
  return [scaled(colour, DARKEST), scaled(colour, BRIGHTEST), towardWhite(scaled(colour, BRIGHTEST), HIGHLIGHT)];
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

/** The subject's shaded colour at a pixel: lit from the top left, darker towards its rim. */
function shade(colour: Rgb, p: Placement, x: number, y: number, inside: number): Rgb {
  const nx = (x - p.cx) / p.r;
  const ny = (y - p.cy) / p.r;
  const slope = Math.max(0, Math.min(1, (nx + ny) * 0.35 + 0.5));
  const rim = 0.8 + 0.2 * Math.max(0, Math.min(1, inside / (0.25 * p.r)));
  const lit = scaled(colour, (BRIGHTEST - (BRIGHTEST - DARKEST / 0.8) * slope) * rim);
  const spot = Math.exp(-((nx + 0.35) ** 2 + (ny + 0.4) ** 2) / 0.05) * HIGHLIGHT;
  return towardWhite(lit, spot);
}

interface Scenery {
  top: Rgb;
  horizon: Rgb;
  ground: Rgb;
  groundY: number;
  phase: number;
}

function sceneryFor(random: () => number, p: Placement, height: number): Scenery {
  const hue = random() * 360;
  return {
    top: hsl(hue, 0.55, 0.35),
    horizon: hsl((hue + 25) % 360, 0.5, 0.75),
    ground: hsl((hue + 160 + random() * 40) % 360, 0.35, 0.4),
    groundY: Math.min(height - 1, p.cy + p.r * 0.95),
    phase: random() * Math.PI * 2,
  };
}

/** Sky above the ground line, ground below, soft clouds and grain, and the subject's shadow. */
function sceneryAt(s: Scenery, p: Placement, x: number, y: number, height: number, out: number[]): void {
  const sky = y < s.groundY;
  const t = sky ? y / Math.max(1, s.groundY) : 1;
  const base = sky
    ? [0, 1, 2].map((c) => s.top[c]! + (s.horizon[c]! - s.top[c]!) * t)
    : [0, 1, 2].map((c) => s.ground[c]! * (0.85 + 0.15 * ((y - s.groundY) / Math.max(1, height - s.groundY))));
  const cloud = sky ? 10 * Math.sin(x / (p.r * 0.9) + s.phase) * Math.sin(y / (p.r * 0.5) + s.phase * 2) : 0;
  const sx = (x - (p.cx + p.r * 0.2)) / (p.r * 1.05);
  const sy = (y - s.groundY) / (p.r * 0.22);
  const shadow = 1 - 0.5 * Math.exp(-2 * (sx * sx + sy * sy));
  for (let c = 0; c < 3; c++) out[c] = (base[c]! + cloud + (grain(x, y, c) - 0.5) * 8) * shadow;
}

function keyAt(key: Rgb, noise: number, x: number, y: number, out: number[]): void {
  for (let c = 0; c < 3; c++) out[c] = noise > 0 ? key[c]! + Math.round((grain(x, y, c) * 2 - 1) * noise) : key[c]!;
}

function checkerAt(cell: number, x: number, y: number, out: number[]): void {
  const light = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0;
  out[0] = out[1] = out[2] = light ? 255 : 204;
}

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

export function renderScene(params: SceneParams): Scene {
  const { width, height, backdrop } = params;
  const random = randomFrom(params.seed);
  const kindPick = random();
  const subject = params.subject ?? SUBJECT_KINDS[Math.floor(kindPick * SUBJECT_KINDS.length)]!;
  const placement = placementFor(random, width, height);
  const key = backdrop.kind === 'key' ? hexToRgb(backdrop.colour) : undefined;
  const colour = subjectColour(random, key);
  const scenery = sceneryFor(random, placement, height);
  const cell = Math.max(4, Math.round(Math.max(width, height) / 40));
  const noise = backdrop.kind === 'key' ? Math.max(0, backdrop.noise ?? 0) : 0;
  const distanceAt = distanceTo(subject, placement);
  // Every kind fits within 1.05 r of its centre; beyond that (plus the edge pixel) nothing is covered.
  const reach = placement.r * 1.05 + 1;

  const rgba = new Uint8Array(width * height * 4);
  const mask = new Float32Array(width * height);
  const back = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    const py = y + 0.5;
    const rowNear = Math.abs(py - placement.cy) <= reach;
    for (let x = 0; x < width; x++) {
      const px = x + 0.5;
      const i = y * width + x;
      if (backdrop.kind === 'key') keyAt(key!, noise, x, y, back);
      else if (backdrop.kind === 'checkerboard') checkerAt(cell, x, y, back);
      else sceneryAt(scenery, placement, px, py, height, back);
      const d = rowNear && Math.abs(px - placement.cx) <= reach ? distanceAt(px, py) : Infinity;
      // A pixel's coverage by an edge through it, from the edge's distance to its centre.
      const cover = d >= 0.5 ? 0 : d <= -0.5 ? 1 : 0.5 - d;
      mask[i] = cover;
      const front = cover > 0 ? shade(colour, placement, px, py, -d) : undefined;
      for (let c = 0; c < 3; c++) {
        const value = front ? back[c]! * (1 - cover) + front[c]! * cover : back[c]!;
        rgba[i * 4 + c] = clampByte(value);
      }
      rgba[i * 4 + 3] = 255;
    }
  }
  return { rgba, width, height, mask, subject, colour };
}
