/**
 * How big a result image is, per model, so the extension's finishing (crop, resample, key-out)
 * meets the pixel sizes real models answer with (docs/protocol.md: `resolution` is a tier or an
 * exact `WxH`; `aspect_ratio` is honoured by GEM only).
 *
 * With real sizes:
 * - GEM honours `aspect_ratio` (square without one) and the tier as the long side: 720P 1280,
 *   1080P 1920, 2K 2560, 4K 3840; no tier: 1024 (its 1K default). An exact `WxH` is given as asked.
 * - Hunyuan takes no ratio and rounds every request to about one megapixel: a tier or nothing is
 *   1024×1024; an exact size is rescaled to about 1 MP keeping its shape, sides multiples of 16.
 * - Qwen takes no ratio: an exact size is given as asked; a tier or nothing is 1328×1328, the
 *   square it is documented to paint natively.
 * No side exceeds 4096 (a larger ask is scaled down keeping its shape), none is under 16.
 *
 * Without them (the default, so the many tests that fetch images stay fast): the shape of
 * `aspect_ratio` at a long side of 128 for any model, 64×64 without one.
 */
export interface PixelSize {
  width: number;
  height: number;
}

/** A square result, when the request named no aspect ratio (small images). */
export const SQUARE: PixelSize = { width: 64, height: 64 };

const TIER_LONG_SIDE: Readonly<Record<string, number>> = { '720P': 1280, '1080P': 1920, '2K': 2560, '4K': 3840 };
const GEM_DEFAULT_LONG_SIDE = 1024;
const HUNYUAN_PIXELS = 1024 * 1024;
const QWEN_SQUARE: PixelSize = { width: 1328, height: 1328 };
const MAX_SIDE = 4096;
const MIN_SIDE = 16;

function ratioOf(aspectRatio: unknown): { w: number; h: number } | undefined {
  const m = typeof aspectRatio === 'string' ? /^(\d{1,2}):(\d{1,2})$/.exec(aspectRatio) : null;
  const w = m ? Number(m[1]) : 0;
  const h = m ? Number(m[2]) : 0;
  return w && h ? { w, h } : undefined;
}

/** The shape of a small result for `aspect_ratio`: the longer side 128 pixels, 64×64 without a ratio. */
export function sizeForAspect(aspectRatio: unknown): PixelSize {
  const ratio = ratioOf(aspectRatio);
  if (!ratio) return SQUARE;
  const { w, h } = ratio;
  return w >= h ? { width: 128, height: Math.round((128 * h) / w) } : { width: Math.round((128 * w) / h), height: 128 };
}

function exactSize(resolution: unknown): PixelSize | undefined {
  const m = typeof resolution === 'string' ? /^\s*(\d{1,5})\s*[x×*]\s*(\d{1,5})\s*$/i.exec(resolution) : null;
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

function withinLimits(size: PixelSize): PixelSize {
  const down = Math.min(1, MAX_SIDE / Math.max(size.width, size.height));
  const clamp = (side: number) => Math.max(MIN_SIDE, Math.min(MAX_SIDE, Math.round(side * down)));
  return { width: clamp(size.width), height: clamp(size.height) };
}

function gemSize(output: Record<string, unknown>): PixelSize {
  const exact = exactSize(output.resolution);
  if (exact) return exact;
  const long = (typeof output.resolution === 'string' && TIER_LONG_SIDE[output.resolution]) || GEM_DEFAULT_LONG_SIDE;
  const { w, h } = ratioOf(output.aspect_ratio) ?? { w: 1, h: 1 };
  return w >= h
    ? { width: long, height: Math.round((long * h) / w) }
    : { width: Math.round((long * w) / h), height: long };
}

function hunyuanSize(output: Record<string, unknown>): PixelSize {
  const exact = exactSize(output.resolution);
  if (!exact) return { width: 1024, height: 1024 };
  const scale = Math.sqrt(HUNYUAN_PIXELS / (exact.width * exact.height));
  const to16 = (side: number) => Math.max(16, Math.round((side * scale) / 16) * 16);
  return { width: to16(exact.width), height: to16(exact.height) };
}

function qwenSize(output: Record<string, unknown>): PixelSize {
  return exactSize(output.resolution) ?? QWEN_SQUARE;
}

/** The pixel size of a result for a create body's model and `output_config`. */
export function resultSize(modelName: unknown, output: Record<string, unknown>, realSizes: boolean): PixelSize {
  if (!realSizes) return sizeForAspect(output.aspect_ratio);
  switch (modelName) {
    case 'Hunyuan':
      return withinLimits(hunyuanSize(output));
    case 'Qwen':
      return withinLimits(qwenSize(output));
    default:
      return withinLimits(gemSize(output));
  }
}
