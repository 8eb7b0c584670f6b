/**
 * What the Studio's form holds — prompt, model, options, reference images, a fixed target — as
 * zod schemas with inferred types. Both directions of the panel's messages carry a form, and the
 * webview persists one, so the shape lives here once. No `vscode` import: the webview bundles it.
 */
import * as z from 'zod/mini';
import { IMAGE_FILE_NAME } from '../core/models';
import { formFinishSchema } from './finishFields';
import { longText, shortText } from './payloadBounds';

/** Form controls that map onto request options, named after the request field. */
export const OPTION_FIELDS = [
  'aspect_ratio',
  'resolution',
  'storage_mode',
  'person_generation',
  'input_compliance_check',
  'output_compliance_check',
  'enhance_prompt',
  'tasks_priority',
  'session_id',
  'session_context',
] as const;
export type OptionField = (typeof OPTION_FIELDS)[number];

/** A reference image in the form: a local file (by URI), an http(s) URL, or a VOD file id. Display fields come from the host. */
export const referenceEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    /** `file:` URI as a string. */
    uri: shortText,
    text: z.optional(longText),
    path: z.optional(shortText),
    name: z.optional(shortText),
    /** A webview-loadable thumbnail: a webview resource URI or a small data: URL. */
    thumb: z.optional(z.string()),
    bytes: z.optional(z.number()),
    format: z.optional(shortText),
    /** Why it cannot be sent (localized one line); absent when it can. */
    problem: z.optional(shortText),
  }),
  z.object({ kind: z.literal('url'), url: longText, text: z.optional(longText) }),
  z.object({ kind: z.literal('fileId'), fileId: shortText, text: z.optional(longText) }),
]);
export type ReferenceEntry = z.infer<typeof referenceEntrySchema>;
export type FileReferenceEntry = Extract<ReferenceEntry, { kind: 'file' }>;

export const formOptionsSchema = z.object({
  aspect_ratio: z.optional(shortText),
  resolution: z.optional(shortText),
  storage_mode: z.optional(shortText),
  person_generation: z.optional(shortText),
  input_compliance_check: z.optional(shortText),
  output_compliance_check: z.optional(shortText),
  enhance_prompt: z.optional(shortText),
  tasks_priority: z.optional(shortText),
  session_id: z.optional(shortText),
  session_context: z.optional(longText),
});
export type FormOptions = z.infer<typeof formOptionsSchema>;

export const TARGET_PATH_MAX = 1024;
/**
 * A fixed file to save at, workspace-relative ("assets/hero.png"; "folder/…" in a multi-root
 * workspace): the image a document refers to. The host resolves and checks it again on `generate`.
 */
export const targetPathSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(TARGET_PATH_MAX), z.regex(IMAGE_FILE_NAME));

/** Everything the form holds. */
export const formValuesSchema = z.object({
  prompt: longText,
  negativePrompt: longText,
  /** `"GEM 2.5"`: a model key from the catalogue. */
  model: shortText,
  options: formOptionsSchema,
  references: z.array(referenceEntrySchema).check(z.maxLength(100)),
  /** Save exactly here instead of the output folder (a quick fix's missing image); absent: the output folder. */
  target: z.optional(targetPathSchema),
  /** What to make of the image once it has landed (exact size, format, transparency); absent: the model's output only. */
  finish: z.optional(formFinishSchema),
  /** How many images this request makes, each its own task (1–8, checked by validateForm); absent: one. */
  count: z.optional(z.number()),
  /** A project style by name; '' or absent: none. The host looks it up again. */
  style: z.optional(shortText),
});
export type FormValues = z.infer<typeof formValuesSchema>;
