/**
 * The create-task body and its validation. Everything the gateway would refuse
 * is refused here first, with a message that names the field and what it allows.
 */
import * as z from 'zod/mini';
import { GenerationError } from './errors';
import {
  ASPECT_RATIOS,
  MODEL_NAMES,
  MODELS,
  PERSON_GENERATION,
  PRIORITY_MAX,
  PRIORITY_MIN,
  RESOLUTIONS,
  SESSION_CONTEXT_MAX,
  SESSION_ID_MAX,
  STORAGE_MODES,
  SWITCH_VALUES,
  aspectOfSize,
  findModel,
  modelKey,
  versionsOf,
} from './models';

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: () => `must be one of: ${values.join(', ')}` });
}

const DATA_URL_IMAGE = /^data:image\/(png|jpeg|webp);base64,/i;

const fileInfoSchema = z
  .object({
    type: z.enum(['File', 'Url'], { error: () => 'must be "File" (a VOD file id) or "Url"' }),
    file_id: z.optional(z.string()),
    url: z.optional(z.string()),
    text: z.optional(z.string().check(z.maxLength(1000, 'must be at most 1000 characters'))),
  })
  .check(
    z.superRefine((info, ctx) => {
      if (info.type === 'File') {
        if (!info.file_id?.trim())
          ctx.addIssue({ code: 'custom', path: ['file_id'], message: 'is required when type is "File"' });
        if (info.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be empty when type is "File"' });
        return;
      }
      const url = info.url?.trim() ?? '';
      if (!url) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required when type is "Url"' });
      } else if (url.startsWith('data:')) {
        if (!DATA_URL_IMAGE.test(url)) {
          ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be a png, jpeg or webp image' });
        }
      } else if (!/^https?:\/\/[^\s/]+/i.test(url)) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an http(s) URL or a data: URL of an image' });
      }
      if (info.file_id)
        ctx.addIssue({ code: 'custom', path: ['file_id'], message: 'must be empty when type is "Url"' });
    }),
  );

const outputConfigSchema = z.object({
  storage_mode: z.optional(oneOf(STORAGE_MODES)),
  resolution: z.optional(oneOf(RESOLUTIONS)),
  aspect_ratio: z.optional(oneOf(ASPECT_RATIOS)),
  person_generation: z.optional(oneOf(PERSON_GENERATION)),
  input_compliance_check: z.optional(oneOf(SWITCH_VALUES)),
  output_compliance_check: z.optional(oneOf(SWITCH_VALUES)),
});

export const createTaskSchema = z
  .strictObject({
    model_name: oneOf(MODEL_NAMES as unknown as readonly [string, ...string[]]),
    model_version: z.string({ error: () => 'is required' }),
    prompt: z.string({ error: () => 'is required' }).check(
      z.refine((s) => s.trim().length > 0, 'must not be empty'),
      z.maxLength(10000, 'must be at most 10000 characters'),
    ),
    negative_prompt: z.optional(z.string().check(z.maxLength(10000, 'must be at most 10000 characters'))),
    enhance_prompt: z.optional(oneOf(SWITCH_VALUES)),
    // The limit depends on the model: checked below, so the message can name both.
    file_infos: z.optional(z.array(fileInfoSchema)),
    output_config: z.optional(outputConfigSchema),
    session_id: z.optional(
      z.string().check(z.maxLength(SESSION_ID_MAX, `must be at most ${SESSION_ID_MAX} characters`)),
    ),
    session_context: z.optional(
      z.string().check(z.maxLength(SESSION_CONTEXT_MAX, `must be at most ${SESSION_CONTEXT_MAX} characters`)),
    ),
    tasks_priority: z.optional(
      z
        .int({ error: () => `must be a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}` })
        .check(
          z.gte(PRIORITY_MIN, `must be a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}`),
          z.lte(PRIORITY_MAX, `must be a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}`),
        ),
    ),
    ext_info: z.optional(z.string()),
  })
  .check(
    z.superRefine((body, ctx) => {
      const model = findModel(body.model_name, body.model_version);
      if (!model) {
        const versions = versionsOf(body.model_name);
        if (versions.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['model_version'],
            message: `must be one of: ${versions.join(', ')} for ${body.model_name}`,
          });
        }
        return;
      }
      const references = body.file_infos?.length ?? 0;
      if (references > model.maxReferences) {
        ctx.addIssue({
          code: 'custom',
          path: ['file_infos'],
          message: referenceLimitMessage(modelKey(model), model.maxReferences),
        });
      }
      const aspect = body.output_config?.aspect_ratio;
      const resolution = body.output_config?.resolution;
      const sizeAspect = resolution ? aspectOfSize(resolution) : undefined;
      if (aspect && model.supportsAspectRatio && resolution && sizeAspect !== undefined && sizeAspect !== aspect) {
        ctx.addIssue({
          code: 'custom',
          path: ['output_config', 'resolution'],
          message: `${resolution} is ${sizeAspect}, not the aspect ratio ${aspect}`,
        });
      }
      if (body.output_config?.aspect_ratio && !model.supportsAspectRatio) {
        ctx.addIssue({
          code: 'custom',
          path: ['output_config', 'aspect_ratio'],
          message: `is only supported by ${MODELS.filter((m) => m.supportsAspectRatio)
            .map((m) => `${m.name} ${m.version}`)
            .join(', ')}`,
        });
      }
      body.file_infos?.forEach((info, index) => {
        if (info.text && !model.supportsImageText) {
          ctx.addIssue({
            code: 'custom',
            path: ['file_infos', index, 'text'],
            message: `(image description) is only supported by ${MODELS.filter((m) => m.supportsImageText)
              .map((m) => `${m.name} ${m.version}`)
              .join(', ')}`,
          });
        }
      });
    }),
  );

/** "Qwen 0925 takes at most 1 reference image": the upstream limit, named before anything is sent. */
export function referenceLimitMessage(model: string, limit: number): string {
  return limit === 1 ? `${model} takes at most 1 reference image` : `${model} takes at most ${limit} reference images`;
}

export type CreateTaskBody = z.infer<typeof createTaskSchema>;
export type FileInfo = NonNullable<CreateTaskBody['file_infos']>[number];
export type OutputConfig = NonNullable<CreateTaskBody['output_config']>;

export interface FieldIssue {
  /** e.g. `output_config.aspect_ratio`, `file_infos[0].url` */
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; body: CreateTaskBody } | { ok: false; issues: FieldIssue[] };

/**
 * Drops empty optional fields ('' / undefined / null / [] / {}) so the JSON
 * carries only what the user chose. Required fields are kept to be reported.
 */
export function omitEmpty(input: unknown): unknown {
  if (Array.isArray(input)) {
    return input.map(omitEmpty);
  }
  if (input === null || typeof input !== 'object') return input;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
    const value = omitEmpty(raw);
    const required = key === 'prompt' || key === 'model_name' || key === 'model_version';
    const empty =
      value === undefined ||
      value === null ||
      (typeof value === 'string' && value.trim() === '') ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
    if (empty && !required) continue;
    out[key] = value;
  }
  return out;
}

export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(request)';
}

/** Validates without throwing: what the Studio form shows inline. */
export function validateRequest(input: unknown): ValidationResult {
  const result = createTaskSchema.safeParse(omitEmpty(input));
  if (result.success) return { ok: true, body: result.data };
  const issues = result.error.issues.map((issue) => ({
    field: fieldName(issue.path),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  return { ok: false, issues };
}

/** Validates and returns the JSON-ready body, or throws a `validation` GenerationError naming the field. */
export function buildRequestBody(input: unknown): CreateTaskBody {
  const result = validateRequest(input);
  if (result.ok) return result.body;
  const [first] = result.issues;
  const more = result.issues.length > 1 ? ` (+${result.issues.length - 1} more)` : '';
  return failValidation(first!.field, `${first!.message}${more}`, result.issues);
}

function failValidation(field: string, message: string, issues: FieldIssue[]): never {
  throw new GenerationError({
    kind: 'validation',
    template: 'Invalid {0}: {1}',
    args: [field, message],
    field,
    details: issues.map((i) => `${i.field}: ${i.message}`).join('\n'),
  });
}
