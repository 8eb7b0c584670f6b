/**
 * Making a finished file from an original with sharp: decode (refusing damaged input), take the
 * key colour out, trim, crop, resample with Lanczos3 to the exact size, encode, and write to a
 * path that must not exist yet. Runs inside the worker thread; the maths of the key-out is
 * core/keyOut.ts, on the raw pixels sharp hands over.
 */
import { rm, stat, writeFile } from 'node:fs/promises';
import {
  type CropBox,
  DEFAULT_QUALITY,
  KEY_COLOURS,
  type FinishReport,
  type FinishSpec,
  type ImageFacts,
  MAX_FINISHED_SIDE,
  type OutputFormat,
  RESAMPLE_FILTER,
  centredCrop,
  cropFits,
  finishedFormat,
  upscaleOf,
} from '../core/finish';
import { type RgbaImage, keyOut, transparencyCheck, trimBounds } from '../core/keyOut';
import { corruptImage, cropOutside } from './imagingErrors';
import type { Sharp } from './loadSharp';

type Pipeline = ReturnType<Sharp>;

/**
 * The most pixels an original may have: the largest finished side squared (67 MP, 256 MB as
 * RGBA). Beyond the largest model output (16.5 MP), below sharp's 268 MP: a hostile file claiming
 * more is refused before it is decoded.
 */
export const MAX_INPUT_PIXELS = MAX_FINISHED_SIDE * MAX_FINISHED_SIDE;

/** Any sharp failure on an input means the input is unusable, never a partial result. */
async function decoding<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw corruptImage(file, error instanceof Error ? error.message : String(error));
  }
}

/** An original, read in full (`failOn: 'warning'`: a truncated or damaged file is refused, not half-decoded). */
function open(sharp: Sharp, input: string | Buffer, raw?: { width: number; height: number }): Pipeline {
  if (raw) return sharp(input, { raw: { ...raw, channels: 4 }, limitInputPixels: MAX_INPUT_PIXELS });
  return sharp(input, { failOn: 'warning', limitInputPixels: MAX_INPUT_PIXELS }).autoOrient();
}

export async function probeImage(sharp: Sharp, input: string): Promise<ImageFacts> {
  await stat(input);
  return decoding(input, async () => {
    const meta = await open(sharp, input).metadata();
    if (!meta.width || !meta.height || !meta.format) throw new Error('no size or format');
    return { width: meta.width, height: meta.height, format: meta.format, hasAlpha: meta.hasAlpha };
  });
}

/** libvips names AVIF files 'heif'; the finished file's format table does not. */
const formatOf = (facts: ImageFacts) => (facts.format === 'heif' ? 'avif' : facts.format);

interface Frame {
  /** What to crop from: the original, or its keyed pixels. */
  source: () => Pipeline;
  width: number;
  height: number;
  /** The subject's box when trimming was asked for. */
  trimmed?: CropBox;
  keyed?: { key: string };
  keyIgnored?: boolean;
}

/** The key-out: raw RGBA out of sharp, through keyOut.ts, and back into sharp. */
async function keyedFrame(sharp: Sharp, input: string, spec: FinishSpec): Promise<Frame> {
  const transparent = spec.transparent!;
  const { data, info } = await decoding(input, () =>
    open(sharp, input).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
  );
  const image: RgbaImage = { data, width: info.width, height: info.height };
  // The request carries the key it asked for; a spec made without one keys on the default (green).
  const result = keyOut(image, transparent.key ?? KEY_COLOURS[0].hex);
  if (result.verdict === 'keyIgnored') {
    return { source: () => open(sharp, input), width: info.width, height: info.height, keyIgnored: true };
  }
  const trimmed = transparent.trimPadding === undefined ? undefined : trimBounds(image, transparent.trimPadding);
  const raw = { width: info.width, height: info.height };
  return { source: () => open(sharp, data, raw), ...raw, trimmed, keyed: { key: result.key } };
}

/** The crop: the user's, else the centred one of the size's shape inside the (trimmed) frame. */
function cropOf(frame: Frame, spec: FinishSpec): CropBox {
  const whole = { width: frame.width, height: frame.height };
  if (spec.crop) {
    if (!cropFits(spec.crop, whole)) {
      const c = spec.crop;
      throw cropOutside(`${c.width}×${c.height}+${c.left}+${c.top}`, frame.width, frame.height);
    }
    return spec.crop;
  }
  const area = frame.trimmed ?? { left: 0, top: 0, ...whole };
  if (!spec.size) return area;
  const box = centredCrop(area, spec.size);
  return { ...box, left: box.left + area.left, top: box.top + area.top };
}

function encode(pipeline: Pipeline, format: OutputFormat, quality: number | undefined): Pipeline {
  switch (format) {
    case 'png':
      return pipeline.png({ compressionLevel: 9, adaptiveFiltering: false });
    case 'jpeg':
      // JPEG has no alpha: a keyed image asked for as JPEG lands on white, not on black.
      return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality });
    case 'webp':
      return pipeline.webp({ quality });
    case 'avif':
      return pipeline.avif({ quality });
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

/** Writes `bytes` to a path that must not exist; a half-written file of ours is removed. */
async function writeNew(output: string, bytes: Buffer): Promise<void> {
  try {
    await writeFile(output, bytes, { flag: 'wx' });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') await rm(output, { force: true });
    throw error;
  }
}

/**
 * Makes `spec` of `input` into `output`. sharp's defaults already convert an embedded ICC profile
 * to sRGB and strip all metadata (EXIF, XMP, location) from what it writes.
 */
export async function finishImage(
  sharp: Sharp,
  input: string,
  spec: FinishSpec,
  output: string,
): Promise<FinishReport> {
  const facts = await probeImage(sharp, input);
  const frame: Frame = spec.transparent
    ? await keyedFrame(sharp, input, spec)
    : { source: () => open(sharp, input), width: facts.width, height: facts.height };
  const crop = cropOf(frame, spec);
  const format = finishedFormat(spec, formatOf(facts));
  const quality = format === 'png' ? undefined : (spec.quality ?? DEFAULT_QUALITY[format]);
  let pipeline = frame.source().extract(crop);
  // Kept opaque means no alpha channel at all: hasAlpha must not claim what the background is not.
  if (frame.keyIgnored) pipeline = pipeline.removeAlpha();
  if (spec.size)
    pipeline = pipeline.resize(spec.size.width, spec.size.height, { kernel: RESAMPLE_FILTER, fit: 'fill' });
  const { data, info } = await decoding(input, () =>
    encode(pipeline, format, quality).toBuffer({ resolveWithObject: true }),
  );
  const upscale = spec.size ? upscaleOf(crop, spec.size) : 1;
  const transparency = frame.keyed ? await measureKeyed(sharp, data, frame.keyed.key) : undefined;
  await writeNew(output, data);
  return {
    width: info.width,
    height: info.height,
    format,
    hasAlpha: info.channels === 4,
    bytes: data.length,
    crop,
    ...(quality === undefined ? {} : { quality }),
    ...(upscale > 1 ? { upscale } : {}),
    ...(transparency ? { transparency } : {}),
    ...(frame.keyIgnored ? { keyIgnored: true } : {}),
  };
}

/** The transparency check on the file as written (after resampling and encoding), not on the keyed frame. */
async function measureKeyed(sharp: Sharp, encoded: Buffer, key: string) {
  const { data, info } = await sharp(encoded).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return transparencyCheck({ data, width: info.width, height: info.height }, key);
}
