/**
 * A task record as the journal reads it back. The journal's folder is outside the workspace, but
 * it is still a file anyone can edit, a crash can leave behind, or another version of the
 * extension can write: a record is acted on (submitted again, fetched, placed) only once every
 * field it holds has the type the lifecycle gives it (src/core/lifecycle.ts).
 *
 * Objects are loose: a field a newer version adds is kept when this one writes the record back.
 */
import * as path from 'node:path';
import * as z from 'zod/mini';
import { finishSpecSchema, finishedFileSchema } from './finishSchema';
import { appliedStyleSchema } from './sidecar';
import {
  TASK_PHASES,
  type LandedFile,
  type LandingImage,
  type LifecycleEvent,
  type Note,
  RECORD_VERSION,
  type TaskRecord,
  type TaskTarget,
} from './lifecycle';
import {
  ASPECT_RATIOS,
  MODEL_NAMES,
  type ModelName,
  PERSON_GENERATION,
  PRIORITY_MAX,
  PRIORITY_MIN,
  RESOLUTIONS,
  SESSION_CONTEXT_MAX,
  SESSION_ID_MAX,
  STORAGE_MODES,
  SWITCH_VALUES,
} from './models';

/** A task id that can name files: letters, digits, `-` and `_`. */
export const TASK_ID = /^[A-Za-z0-9_-]{1,80}$/;

const time = z.number().check(z.refine(Number.isFinite, 'must be a time'));
const count = z.int().check(z.gte(0));
const absolutePath = z.string().check(z.refine((p) => path.isAbsolute(p), 'must be an absolute path'));

/** A shape that names every field of `T`, no more: `satisfies` fails the build when the two drift apart. */
type ShapeOf<T> = Record<keyof T, z.ZodMiniType>;

const note = z.looseObject({
  kind: z.string(),
  template: z.string(),
  args: z.optional(z.array(z.union([z.string(), z.number()]))),
  code: z.optional(z.string()),
  at: time,
} satisfies ShapeOf<Note>);

const landedFile = z.looseObject({
  path: absolutePath,
  sidecar: z.optional(absolutePath),
  bytes: count,
  format: z.string(),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex')),
} satisfies ShapeOf<LandedFile>);

const landingImage = z.looseObject({
  url: z.string(),
  fileId: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
  storageMode: z.optional(z.string()),
  landed: z.optional(landedFile),
  placing: z.optional(landedFile),
  notImage: z.optional(count),
  unusable: z.optional(count),
  leftOut: z.optional(z.boolean()),
  finished: z.optional(finishedFileSchema),
  unfinished: z.optional(note),
} satisfies ShapeOf<LandingImage>);

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values);
}

/**
 * The request as sent, inline images replaced by a note (so not the create schema, which wants
 * their bytes). What the gateway would refuse is refused here too: a resubmit sends this body.
 */
const body = z.looseObject({
  model_name: oneOf(MODEL_NAMES as readonly [ModelName, ...ModelName[]]),
  model_version: z.string(),
  prompt: z.string(),
  negative_prompt: z.optional(z.string()),
  enhance_prompt: z.optional(oneOf(SWITCH_VALUES)),
  file_infos: z.optional(
    z.array(
      z.looseObject({
        type: z.enum(['File', 'Url']),
        file_id: z.optional(z.string()),
        url: z.optional(z.string()),
        text: z.optional(z.string()),
      }),
    ),
  ),
  output_config: z.optional(
    z.looseObject({
      storage_mode: z.optional(oneOf(STORAGE_MODES)),
      resolution: z.optional(oneOf(RESOLUTIONS)),
      aspect_ratio: z.optional(oneOf(ASPECT_RATIOS)),
      person_generation: z.optional(oneOf(PERSON_GENERATION)),
      input_compliance_check: z.optional(oneOf(SWITCH_VALUES)),
      output_compliance_check: z.optional(oneOf(SWITCH_VALUES)),
    }),
  ),
  session_id: z.optional(z.string().check(z.maxLength(SESSION_ID_MAX))),
  session_context: z.optional(z.string().check(z.maxLength(SESSION_CONTEXT_MAX))),
  tasks_priority: z.optional(z.int().check(z.gte(PRIORITY_MIN), z.lte(PRIORITY_MAX))),
  ext_info: z.optional(z.string()),
});

const target = z.looseObject({
  workspaceRoot: z.optional(absolutePath),
  outputFolder: z.string(),
  targetDir: z.optional(absolutePath),
  chosen: z.optional(z.boolean()),
  exactPath: z.optional(absolutePath),
  reference: z.optional(z.looseObject({ document: absolutePath, start: count, end: count, written: z.string() })),
  writeSidecar: z.boolean(),
  finish: z.optional(finishSpecSchema),
} satisfies ShapeOf<TaskTarget>);

const recordShape = {
  version: z.literal(RECORD_VERSION),
  id: z.string().check(z.regex(TASK_ID, 'must be letters, digits, - and _')),
  kind: z.enum(['generate', 'restyle']),
  phase: z.enum(TASK_PHASES),
  body,
  references: z.array(z.looseObject({ path: z.optional(absolutePath), sha256: z.optional(z.string()) })),
  apiOrigin: z.string(),
  target,
  style: z.optional(appliedStyleSchema),
  createdAt: time,
  submittedAt: z.optional(time),
  ref: z.optional(
    z.looseObject({
      taskId: z.string(),
      statusUrl: z.optional(z.string()),
      responseUrl: z.optional(z.string()),
      cancelUrl: z.optional(z.string()),
    }),
  ),
  requestId: z.optional(z.string()),
  upstream: z.optional(
    z.looseObject({
      status: z.enum(['queued', 'running']),
      position: z.optional(z.number()),
      progress: z.optional(z.number()),
      at: time,
    }),
  ),
  images: z.optional(z.array(landingImage)),
  imagesLeftOut: z.optional(count),
  finishedAt: z.optional(z.string()),
  cancelRequested: z.optional(z.boolean()),
  cancelWhenSubmitted: z.optional(z.boolean()),
  problem: z.optional(note),
  outcome: z.optional(note),
  endedAt: z.optional(time),
  updatedAt: time,
} satisfies ShapeOf<TaskRecord>;

const recordSchema = z.looseObject(recordShape);

/** One image step appended to a record (see journalSteps.ts), with the time it was taken. */
const imageStep = z.union([
  z.object({ type: z.literal('placing'), index: count, file: landedFile, at: time }),
  z.object({ type: z.literal('imageLanded'), index: count, file: landedFile, at: time }),
  z.object({ type: z.literal('imageLeftOut'), index: count, note, at: time }),
  z.object({ type: z.literal('imageFinished'), index: count, file: finishedFileSchema, at: time }),
  z.object({ type: z.literal('imageUnfinished'), index: count, note, at: time }),
]);

export type ImageStep = Extract<
  LifecycleEvent,
  { type: 'placing' | 'imageLanded' | 'imageLeftOut' | 'imageFinished' | 'imageUnfinished' }
> & { at: number };

export function readImageStep(raw: unknown): { ok: true; step: ImageStep } | { ok: false; reason: string } {
  const parsed = imageStep.safeParse(raw);
  return parsed.success
    ? { ok: true, step: parsed.data }
    : { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'step'}: ${i.message}`).join('; ') };
}

export type RecordReading = { ok: true; record: TaskRecord } | { ok: false; reason: string };

/** A record read back from the journal, or why it cannot be trusted. */
export function readTaskRecord(raw: unknown): RecordReading {
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; '),
    };
  return { ok: true, record: parsed.data };
}

/** A record of a later version than this one: not ours to judge, nor to set aside. */
export function isNewerRecord(raw: unknown): boolean {
  const version = (raw as { version?: unknown } | null)?.version;
  return typeof version === 'number' && version > RECORD_VERSION;
}
