/**
 * What crosses the thread between ImageWorker and its worker, checked with zod on both sides:
 * a job the worker cannot parse is refused, and a reply the host cannot parse is a bug reported
 * as such, never a half-read report written into a sidecar.
 */
import * as z from 'zod/mini';
import { cropBoxSchema, finishSpecSchema, outputFormatSchema, qualitySchema } from '../core/finishSchema';
import { PROCESSING_CODES } from './imagingErrors';

export const SHARP_BUILDS = ['native', 'wasm32'] as const;
export type SharpBuild = (typeof SHARP_BUILDS)[number];

/** What the worker is told when it starts: which sharp build to load ('auto': the platform's choice). */
export const workerOptionsSchema = z.object({ build: z.enum(['auto', ...SHARP_BUILDS]) });
export type WorkerOptions = z.infer<typeof workerOptionsSchema>;

export const jobSchema = z.discriminatedUnion('job', [
  z.object({ id: z.int(), job: z.literal('finish'), input: z.string(), spec: finishSpecSchema, output: z.string() }),
  z.object({ id: z.int(), job: z.literal('probe'), input: z.string() }),
  z.object({ id: z.int(), job: z.literal('library') }),
]);
export type Job = z.infer<typeof jobSchema>;

/** A file-system error's fields, so the host can name the file the way every other error does. */
const fileErrorSchema = z.object({ errno: z.string(), syscall: z.string(), path: z.optional(z.string()) });

export const replySchema = z.discriminatedUnion('ok', [
  z.object({ id: z.int(), ok: z.literal(true), value: z.unknown() }),
  z.object({
    id: z.int(),
    ok: z.literal(false),
    code: z.enum([...PROCESSING_CODES, 'fileSystem', 'unexpected']),
    args: z.array(z.union([z.string(), z.number()])),
    message: z.string(),
    file: z.optional(fileErrorSchema),
  }),
]);
export type Reply = z.infer<typeof replySchema>;

const side = z.int().check(z.gte(1));
const share = z.number().check(z.gte(0), z.lte(1));

export const finishReportSchema = z.object({
  width: side,
  height: side,
  format: outputFormatSchema,
  hasAlpha: z.boolean(),
  bytes: z.int().check(z.gte(0)),
  crop: cropBoxSchema,
  quality: z.optional(qualitySchema),
  upscale: z.optional(z.number().check(z.gt(1))),
  transparency: z.optional(z.object({ transparentShare: share, edgeKeyShare: share })),
  keyIgnored: z.optional(z.boolean()),
});

export const imageFactsSchema = z.object({ width: side, height: side, format: z.string(), hasAlpha: z.boolean() });

export const libraryFactsSchema = z.object({ build: z.enum(SHARP_BUILDS), vips: z.string() });
export type LibraryFacts = z.infer<typeof libraryFactsSchema>;
