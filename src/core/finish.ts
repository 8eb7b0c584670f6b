/**
 * Finished assets: what a task is asked to make of the model's raw output (an exact pixel size,
 * the format its target names, a transparent background) and what was made. Pure data and
 * arithmetic, shared by the host, the image worker and the Studio (browser-safe: no Node).
 *
 * The paid original always lands first, untouched, with its sidecar; the finished file is derived
 * from it locally and records how (crop box, filter, format, quality), so it can be made again
 * without paying.
 */
import type { AspectRatio, ModelSpec, Resolution } from './models';
import { ASPECT_RATIOS } from './models';

export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Formats that can carry an alpha channel. */
export const ALPHA_FORMATS: readonly OutputFormat[] = ['png', 'webp', 'avif'];

/** The extension a new file of a format gets (a target's own spelling is kept). */
export const OUTPUT_EXTENSIONS: Record<OutputFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', avif: 'avif' };

/** Quality settings' defaults (1–100): sharp's scale; each is the usual "visually lossless for photos" point. */
export const DEFAULT_QUALITY: Record<Exclude<OutputFormat, 'png'>, number> = { jpeg: 85, webp: 82, avif: 55 };

/** Largest side a finished file may have: beyond the largest size any model makes (6198 px). */
export const MAX_FINISHED_SIDE = 8192;

/** The resampling filter: Lanczos with three lobes, sharp's (libvips') default for reductions. */
export const RESAMPLE_FILTER = 'lanczos3';

/** The format a file name asks for, by its extension; undefined for anything else. */
export function formatOfPath(file: string): OutputFormat | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  switch (extension) {
    case 'png':
      return 'png';
    case 'jpg':
    case 'jpeg':
      return 'jpeg';
    case 'webp':
      return 'webp';
    case 'avif':
      return 'avif';
    default:
      return undefined;
  }
}

export interface PixelSize {
  width: number;
  height: number;
}

/** A rectangle of the original's pixels. */
export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** How the background is taken out: the key colour the model was asked to paint it. */
export interface TransparencySpec {
  /** `#rrggbb`; absent, it is chosen from the prompt before the request is sent (keyColourFor). */
  key?: string;
  /** Trim to the subject with this many pixels of padding (before resizing); absent: keep the frame. */
  trimPadding?: number;
}

/** What a task (or a command) asks to be made of an image. Every field is optional; none: no finished file. */
export interface FinishSpec {
  /** Exactly this many pixels. */
  size?: PixelSize;
  /** Absent: the original's format (PNG when made transparent and the original cannot carry alpha). */
  format?: OutputFormat;
  /** 1–100 for JPEG, WebP and AVIF. */
  quality?: number;
  transparent?: TransparencySpec;
  /** The part of the original to keep, chosen by the user; absent: the centred crop of the size's shape. */
  crop?: CropBox;
  /** Save under exactly this path (a document's or the agent's target); absent: beside the original. */
  path?: string;
}

/** How the key-out went, measured on the result. */
export interface TransparencyCheck {
  /** Share of pixels with alpha < 128. */
  transparentShare: number;
  /** Share of the subject's edge pixels still close to the key colour (fringe). */
  edgeKeyShare: number;
}

/** A finished file as the record keeps it and its sidecar describes it. */
export interface FinishedFile {
  path: string;
  sidecar?: string;
  bytes: number;
  sha256: string;
  format: OutputFormat;
  width: number;
  height: number;
  hasAlpha: boolean;
  /** The part of the original used. */
  crop: CropBox;
  filter: typeof RESAMPLE_FILTER;
  quality?: number;
  /** > 1 when the crop was enlarged to reach the size (said to the user, never silent). */
  upscale?: number;
  transparency?: TransparencyCheck;
  /** Transparency was asked for but the model did not paint a flat background: kept opaque. */
  keyIgnored?: boolean;
}

/** The largest box of the shape `size` inside `source`, centred. */
export function centredCrop(source: PixelSize, size: PixelSize): CropBox {
  const scale = Math.min(source.width / size.width, source.height / size.height);
  const width = Math.min(source.width, Math.max(1, Math.round(size.width * scale)));
  const height = Math.min(source.height, Math.max(1, Math.round(size.height * scale)));
  return {
    left: Math.floor((source.width - width) / 2),
    top: Math.floor((source.height - height) / 2),
    width,
    height,
  };
}

/** `box` moved by (dx, dy) pixels, kept inside `source`. */
export function movedCrop(box: CropBox, dx: number, dy: number, source: PixelSize): CropBox {
  const clamp = (value: number, max: number) => Math.min(Math.max(0, Math.round(value)), Math.max(0, max));
  return {
    ...box,
    left: clamp(box.left + dx, source.width - box.width),
    top: clamp(box.top + dy, source.height - box.height),
  };
}

/** Whether `box` lies inside `source` with a positive area. */
export function cropFits(box: CropBox, source: PixelSize): boolean {
  return (
    [box.left, box.top, box.width, box.height].every(Number.isInteger) &&
    box.left >= 0 &&
    box.top >= 0 &&
    box.width > 0 &&
    box.height > 0 &&
    box.left + box.width <= source.width &&
    box.top + box.height <= source.height
  );
}

/** How much the crop is enlarged to reach `size` (1 or less: no upscale), to two decimals. */
export function upscaleOf(crop: CropBox, size: PixelSize): number {
  return Math.round(Math.max(size.width / crop.width, size.height / crop.height) * 100) / 100;
}

/** The listed aspect ratio closest to a size's shape (by the ratio of ratios, so 2:1 is as far from 1:1 as 1:2). */
export function nearestAspect(size: PixelSize): AspectRatio {
  const want = Math.log(size.width / size.height);
  let best: AspectRatio = '1:1';
  let distance = Infinity;
  for (const aspect of ASPECT_RATIOS) {
    const [w, h] = aspect.split(':').map(Number) as [number, number];
    const d = Math.abs(Math.log(w / h) - want);
    if (d < distance) {
      best = aspect;
      distance = d;
    }
  }
  return best;
}

/**
 * The long side of each tier's images, as the service documents the tiers (720P, 1080P, 2K,
 * 4K: the long side of a 16:9 frame). A model may round; the finished file is resampled anyway.
 */
export const TIER_LONG_SIDE: Record<'720P' | '1080P' | '2K' | '4K', number> = {
  '720P': 1280,
  '1080P': 1920,
  '2K': 2560,
  '4K': 3840,
};

/**
 * What to ask the model for so that its image covers `size` with the least waste: for a model
 * that takes an aspect ratio (GEM), the nearest ratio and the smallest tier whose images are
 * large enough; for one that does not (Qwen, Hunyuan), the listed exact size of the nearest
 * shape that is large enough (the largest of that shape when none is).
 */
export function requestShapeFor(
  model: Pick<ModelSpec, 'supportsAspectRatio' | 'resolutions'>,
  size: PixelSize,
): { aspect_ratio?: AspectRatio; resolution?: Resolution } {
  if (model.supportsAspectRatio) {
    const aspect = nearestAspect(size);
    const [w, h] = aspect.split(':').map(Number) as [number, number];
    const longNeeded = Math.max(size.width * (Math.max(w, h) / w), size.height * (Math.max(w, h) / h));
    const tiers = (Object.keys(TIER_LONG_SIDE) as (keyof typeof TIER_LONG_SIDE)[]).filter((tier) =>
      model.resolutions.includes(tier),
    );
    const tier = tiers.find((t) => TIER_LONG_SIDE[t] >= longNeeded) ?? tiers[tiers.length - 1];
    return { aspect_ratio: aspect, ...(tier ? { resolution: tier } : {}) };
  }
  const exact = model.resolutions.flatMap((resolution) => {
    const m = /^(\d+)x(\d+)$/.exec(resolution);
    return m ? [{ resolution, width: Number(m[1]), height: Number(m[2]) }] : [];
  });
  if (exact.length === 0) return {};
  const want = Math.log(size.width / size.height);
  const shapeDistance = (s: PixelSize) => Math.abs(Math.log(s.width / s.height) - want);
  const nearest = Math.min(...exact.map(shapeDistance));
  const sameShape = exact.filter((s) => shapeDistance(s) - nearest < 0.02).sort((a, b) => a.width - b.width);
  const covering = sameShape.find((s) => s.width >= size.width && s.height >= size.height);
  return { resolution: (covering ?? sameShape[sameShape.length - 1]!).resolution };
}

/**
 * Flat colours a background can be keyed on, in order of preference: pure green, magenta and
 * blue are far from skin, sky and most brand colours; the first the prompt does not name is used.
 */
export const KEY_COLOURS = [
  { hex: '#00ff00', names: ['green', 'lime', 'emerald', 'jade', 'mint', 'olive', 'forest', '绿', '翠'] },
  { hex: '#ff00ff', names: ['magenta', 'pink', 'purple', 'violet', 'fuchsia', 'lilac', 'orchid', '粉', '紫', '品红'] },
  { hex: '#0000ff', names: ['blue', 'navy', 'azure', 'cobalt', 'sapphire', 'indigo', 'cyan', 'teal', '蓝', '青'] },
] as const;

/** The key colour for a prompt: the first of KEY_COLOURS whose colour words the prompt does not use. */
export function keyColourFor(prompt: string): string {
  const text = prompt.toLowerCase();
  const free = KEY_COLOURS.find((key) => !key.names.some((name) => text.includes(name)));
  return (free ?? KEY_COLOURS[0]).hex;
}

/**
 * The sentence added to the prompt when transparency is asked for. Models cannot paint alpha;
 * they can paint one flat colour, which is then removed locally.
 */
export function keyInstruction(key: string): string {
  return `Paint the subject on a perfectly flat, uniform solid ${key} background that fills the whole frame edge to edge: no gradient, no texture, no shadow on the background, no checkerboard pattern, and do not use ${key} anywhere in the subject.`;
}

/** A finished file's default name beside its original: `cat-1a2b.png` → `cat-1a2b-1200x630.webp`. */
export function finishedNameFor(original: string, spec: FinishSpec, format: OutputFormat): string {
  const base = original.replace(/\.[^./\\]+$/, '');
  const parts = [spec.size ? `${spec.size.width}x${spec.size.height}` : '', spec.transparent ? 'transparent' : ''];
  const suffix = parts.filter(Boolean).join('-') || 'finished';
  return `${base}-${suffix}.${OUTPUT_EXTENSIONS[format]}`;
}

/** The format the finished file has: the asked one, else the original's (PNG when alpha is needed and it has none). */
export function finishedFormat(spec: FinishSpec, original: string): OutputFormat {
  if (spec.format) return spec.format;
  const known = (OUTPUT_FORMATS as readonly string[]).includes(original) ? (original as OutputFormat) : 'png';
  if (spec.transparent && !ALPHA_FORMATS.includes(known)) return 'png';
  return known;
}

/** Common sizes offered in the Studio: name (an l10n key) and pixels. */
export const SIZE_PRESETS: readonly { label: string; width: number; height: number }[] = [
  { label: 'Social card (Open Graph)', width: 1200, height: 630 },
  { label: 'README banner', width: 1280, height: 640 },
  { label: 'Full HD', width: 1920, height: 1080 },
  { label: 'Square icon', width: 512, height: 512 },
  { label: 'App icon', width: 1024, height: 1024 },
  { label: 'Phone portrait', width: 1080, height: 1920 },
];

/** What the image worker reports of a file it made. */
export interface FinishReport {
  width: number;
  height: number;
  format: OutputFormat;
  hasAlpha: boolean;
  bytes: number;
  crop: CropBox;
  quality?: number;
  upscale?: number;
  transparency?: TransparencyCheck;
  keyIgnored?: boolean;
}

/** What an image file is, read from its bytes. */
export interface ImageFacts {
  width: number;
  height: number;
  /** The format as libvips names it (`png`, `jpeg`, `webp`, `avif`/`heif`, `gif`, …). */
  format: string;
  hasAlpha: boolean;
}

/**
 * The image library behind the finished files (sharp, in a worker thread, loaded on first use).
 * Core code depends on this interface only, so it stays free of native modules and tests can
 * run it against the real worker.
 */
export interface ImageFinisher {
  /** Makes `spec` of the image at `input` and writes it to `output`, a path that must not exist yet. */
  finish(input: string, spec: FinishSpec, output: string): Promise<FinishReport>;
  /** Size, format and alpha of the image at `input`. */
  probe(input: string): Promise<ImageFacts>;
}

/**
 * The prompt as the user wrote it: without the key-colour sentence a transparent background adds
 * (it is part of what was sent, and of the sidecar, but not of a file name or a task's title).
 */
export function userPromptOf(prompt: string): string {
  const at = prompt.indexOf('\n\nPaint the subject on a perfectly flat, uniform solid #');
  return at < 0 ? prompt : prompt.slice(0, at);
}
