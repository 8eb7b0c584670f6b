/**
 * The finish spec and the finished file checked at the boundaries that read them back: the
 * journal (a record edited on disk must not make the worker read or write elsewhere), and the
 * webview's and the agent's messages. Browser-safe, like finish.ts.
 */
import * as z from 'zod/mini';
import { type FinishSpec, type FinishedFile, MAX_FINISHED_SIDE, OUTPUT_FORMATS, RESAMPLE_FILTER } from './finish';

type ShapeOf<T> = Record<keyof T, z.ZodMiniType>;

const side = z
  .int()
  .check(z.gte(1, 'must be at least 1 pixel'), z.lte(MAX_FINISHED_SIDE, `must be at most ${MAX_FINISHED_SIDE} pixels`));
const offset = z.int().check(z.gte(0, 'must not be negative'));
const share = z.number().check(z.gte(0), z.lte(1));

export const pixelSizeSchema = z.object({ width: side, height: side });
export const cropBoxSchema = z.object({ left: offset, top: offset, width: side, height: side });
export const outputFormatSchema = z.enum(OUTPUT_FORMATS, {
  error: () => `must be one of: ${OUTPUT_FORMATS.join(', ')}`,
});
export const qualitySchema = z
  .int({ error: () => 'must be a whole number from 1 to 100' })
  .check(z.gte(1, 'must be a whole number from 1 to 100'), z.lte(100, 'must be a whole number from 1 to 100'));
export const keyColourSchema = z.string().check(z.regex(/^#[0-9a-f]{6}$/i, 'must be a colour like #00ff00'));

export const finishSpecSchema = z.looseObject({
  size: z.optional(pixelSizeSchema),
  format: z.optional(outputFormatSchema),
  quality: z.optional(qualitySchema),
  transparent: z.optional(
    z.object({ key: z.optional(keyColourSchema), trimPadding: z.optional(z.int().check(z.gte(0), z.lte(1024))) }),
  ),
  crop: z.optional(cropBoxSchema),
  path: z.optional(z.string()),
} satisfies ShapeOf<FinishSpec>);

export const finishedFileSchema = z.looseObject({
  path: z.string(),
  sidecar: z.optional(z.string()),
  bytes: offset,
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex')),
  format: outputFormatSchema,
  width: side,
  height: side,
  hasAlpha: z.boolean(),
  crop: cropBoxSchema,
  filter: z.literal(RESAMPLE_FILTER),
  quality: z.optional(qualitySchema),
  upscale: z.optional(z.number().check(z.gt(0))),
  transparency: z.optional(z.object({ transparentShare: share, edgeKeyShare: share })),
  keyIgnored: z.optional(z.boolean()),
} satisfies ShapeOf<FinishedFile>);
