/**
 * The Studio panel's messages, webview <-> host, as zod schemas with inferred types,
 * plus the pure mapping from the form to a create request that both sides validate
 * with the core schema. No `vscode` import: the webview bundle includes this file.
 */
import * as z from 'zod/mini';
import { TASK_ACTIONS, TASK_STATUSES } from '../core/lifecycle';
import { IMAGE_FILE_NAME, parseModelKey } from '../core/models';
import { type FieldIssue, type ValidationResult, validateRequest } from '../core/request';

export const STUDIO_VIEW_TYPE = 'aigcImage.studio';

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

export const GALLERY_ACTIONS = ['open', 'reveal', 'copyLink', 'insert', 'useAsReference', 'reuseSettings', 'variation'] as const;
export type GalleryAction = (typeof GALLERY_ACTIONS)[number];

export const HOST_COMMANDS = ['setApiKey', 'openSettings', 'showLog'] as const;

/** How generations started from the panel end, as `generateDone` reports them (GenerationStatus of the host). */
export const GENERATION_STATUSES = ['landed', 'refused', 'invalid', 'notStarted', 'background', 'uncertain', 'blocked', 'discarded'] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

// Bounds here only keep absurd payloads out; the request schema gives the real limits and messages.
const shortText = z.string().check(z.maxLength(4096));
const longText = z.string().check(z.maxLength(100_000));
const id = z.string().check(z.minLength(1), z.maxLength(200));

// --- shared shapes ---------------------------------------------------------

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
export const targetPathSchema = z.string().check(z.minLength(1), z.maxLength(TARGET_PATH_MAX), z.regex(IMAGE_FILE_NAME));

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
});
export type FormValues = z.infer<typeof formValuesSchema>;

export const fieldIssueSchema = z.object({ field: z.string(), message: z.string() });

/** A task as the panel shows it: its state in the one task vocabulary, its status line, and what can be done with it. */
export const taskRowSchema = z.object({
  id,
  prompt: z.string(),
  model: z.string(),
  phase: z.enum(TASK_STATUSES),
  position: z.optional(z.number()),
  progress: z.optional(z.number()),
  startedAt: z.number(),
  /** The status line of the notification (localized), or the one line of why it ended. */
  status: z.string(),
  actions: z.array(z.enum(TASK_ACTIONS)),
  files: z.optional(z.array(z.string())),
});
export type TaskRow = z.infer<typeof taskRowSchema>;

/** One saved generation, from its sidecar. */
export const galleryItemSchema = z.object({
  /** The sidecar's URI: how actions name the item. */
  id,
  /** Absolute path of the image. */
  file: z.string(),
  /** Workspace-relative path, for display. */
  relPath: z.string(),
  thumb: z.string(),
  prompt: z.string(),
  negativePrompt: z.optional(z.string()),
  /** `"GEM 2.5"` */
  model: z.string(),
  /** Milliseconds since the epoch. */
  createdAt: z.number(),
  references: z.number(),
  kind: z.optional(z.enum(['generate', 'restyle'])),
});
export type GalleryItem = z.infer<typeof galleryItemSchema>;

/** Workspace images for the picker, per folder: relative paths keep 10 000 entries small. */
export const imageFolderSchema = z.object({
  name: z.string(),
  /** The folder's URI; a file's URI is this plus `/` and its encoded relative path. */
  uri: z.string(),
  /** `asWebviewUri` of the folder; a thumbnail is this plus the encoded relative path. */
  thumbBase: z.string(),
  files: z.array(z.string()),
  /** The output folder, relative to this folder (`aigcImage.outputFolder`): the picker marks what is in it. */
  outputFolder: z.optional(z.string()),
});
export type ImageFolder = z.infer<typeof imageFolderSchema>;

// --- webview -> host -------------------------------------------------------

export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** The webview has loaded and listens; the host answers with `init` and then flushes its queue. */
  z.object({ type: z.literal('ready') }),
  /** Start a generation with the form as it is; answered by `generateResult`, later `generateDone`. */
  z.object({ type: z.literal('generate'), requestId: id, form: formValuesSchema }),
  /** Do one of the things a task row offers (cancel, stop waiting, collect now, discard, submit again, choose a folder). */
  z.object({ type: z.literal('taskAction'), taskId: id, action: z.enum(TASK_ACTIONS) }),
  /** Check local images (picked, dropped, restored) and return thumbnails and problems; answered by `inspected`. */
  z.object({ type: z.literal('inspect'), requestId: id, uris: z.array(shortText).check(z.maxLength(100)) }),
  /** Send the workspace images for the picker; answered by `images`. */
  z.object({ type: z.literal('listImages') }),
  /** Choose images with the system dialog and attach them. */
  z.object({ type: z.literal('browse') }),
  /** Do something with a saved result (`item` is a gallery item id). */
  z.object({ type: z.literal('galleryAction'), item: id, action: z.enum(GALLERY_ACTIONS) }),
  /** Read the sidecars on disk again. */
  z.object({ type: z.literal('refreshGallery') }),
  /** The attached references changed: local paths, in order (the host's view of the form). */
  z.object({ type: z.literal('references'), paths: z.array(shortText).check(z.maxLength(100)) }),
  /** Run one of the extension's set-up commands. */
  z.object({ type: z.literal('runCommand'), command: z.enum(HOST_COMMANDS) }),
  /** The form after the host filled it, or after the user removed its fixed target: the prompt and target it shows (the host's view of them). */
  z.object({ type: z.literal('formShown'), prompt: longText, target: z.optional(targetPathSchema) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

// --- host -> webview -------------------------------------------------------

export const hostMessageSchema = z.discriminatedUnion('type', [
  /** Everything the panel needs to draw itself: strings, defaults, tasks, results. */
  z.object({
    type: z.literal('init'),
    /** `vscode.env.language`, for dates and numbers. */
    lang: z.string(),
    /** Every UI string, localized by the host. */
    strings: z.record(z.string(), z.string()),
    /** English templates of core messages and their translations (see `localizeMessage`). */
    messages: z.array(z.tuple([z.string(), z.string()])),
    /** The form as the settings and the last used model make it. */
    defaults: formValuesSchema,
    history: z.array(z.string()),
    tasks: z.array(taskRowSchema),
    gallery: z.array(galleryItemSchema),
    galleryTotal: z.number(),
    hasWorkspace: z.boolean(),
  }),
  /** Workspace images for the picker (also pushed when images are added or deleted). */
  z.object({ type: z.literal('images'), folders: z.array(imageFolderSchema), truncated: z.boolean() }),
  /** Answer to `inspect`: the files that can be attached (possibly with a problem) and the names refused. */
  z.object({
    type: z.literal('inspected'),
    requestId: id,
    items: z.array(referenceEntrySchema),
    rejected: z.array(z.string()),
  }),
  /** Attach these references (restyle, use as reference, browse). */
  z.object({ type: z.literal('attach'), items: z.array(referenceEntrySchema) }),
  /** Replace the form with these values (reuse settings; a quick fix's prompt, aspect ratio and target). */
  z.object({ type: z.literal('fillForm'), form: formValuesSchema }),
  /** Answer to `generate`: started, or the issues that stopped it before anything was sent. */
  z.object({
    type: z.literal('generateResult'),
    requestId: id,
    ok: z.boolean(),
    issues: z.array(fieldIssueSchema),
  }),
  /** A generation started from the panel has left the foreground: how, its files, its error line. */
  z.object({
    type: z.literal('generateDone'),
    requestId: id,
    status: z.enum(GENERATION_STATUSES),
    files: z.array(z.string()),
    error: z.optional(z.string()),
  }),
  /** The tasks changed (progress, phase, a new or finished task). */
  z.object({ type: z.literal('tasks'), tasks: z.array(taskRowSchema) }),
  /** The results on disk changed. */
  z.object({ type: z.literal('gallery'), items: z.array(galleryItemSchema), total: z.number(), highlight: z.optional(z.array(z.string())) }),
  /** The prompt history changed. */
  z.object({ type: z.literal('history'), prompts: z.array(z.string()) }),
  /** Put the keyboard focus in the prompt (after a command revealed the panel). */
  z.object({ type: z.literal('focusPrompt') }),
  /** A one-line message to show in the panel. */
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning', 'error']), message: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

// --- the form as a request ---------------------------------------------------

/** Stands in for a local file's bytes when the webview validates (the host reads the file). */
export const PLACEHOLDER_DATA_URL = 'data:image/png;base64,';

const blank = (value: string | undefined) => (value && value.trim() ? value : undefined);

/** `"5"` -> 5; anything else is passed on for the schema to name. */
function priority(value: string | undefined): number | string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/**
 * The create body the form stands for, without `file_infos`. Options the chosen model
 * does not support are left out (the form keeps them for when the model changes back).
 */
export function requestFromForm(form: FormValues): Record<string, unknown> {
  const model = parseModelKey(form.model);
  const [name = '', version = ''] = form.model.trim().split(/\s+/, 2);
  const o = form.options;
  return {
    model_name: model?.name ?? name,
    model_version: model?.version ?? version,
    prompt: form.prompt,
    negative_prompt: blank(form.negativePrompt),
    enhance_prompt: blank(o.enhance_prompt),
    output_config: {
      storage_mode: blank(o.storage_mode),
      resolution: blank(o.resolution),
      aspect_ratio: model && !model.supportsAspectRatio ? undefined : blank(o.aspect_ratio),
      person_generation: blank(o.person_generation),
      input_compliance_check: blank(o.input_compliance_check),
      output_compliance_check: blank(o.output_compliance_check),
    },
    tasks_priority: priority(o.tasks_priority),
    session_id: blank(o.session_id),
    session_context: blank(o.session_context),
  };
}

/** A reference's description, when the model honours descriptions. */
export function referenceText(form: FormValues, entry: ReferenceEntry): string | undefined {
  const model = parseModelKey(form.model);
  return model?.supportsImageText ? blank(entry.text)?.trim() : undefined;
}

/** `file_infos` as the request would carry them, with a placeholder for local bytes. */
export function previewFileInfos(form: FormValues): Record<string, unknown>[] {
  return form.references.map((entry) => {
    const text = referenceText(form, entry);
    switch (entry.kind) {
      case 'file':
        return { type: 'Url', url: PLACEHOLDER_DATA_URL, text };
      case 'url':
        return { type: 'Url', url: entry.url.trim(), text };
      case 'fileId':
        return { type: 'File', file_id: entry.fileId.trim(), text };
    }
  });
}

/**
 * The form checked with the core schema, as the webview shows it while typing and the
 * host checks it again; plus a problem found on a local reference file.
 */
export function validateForm(form: FormValues): ValidationResult {
  const result = validateRequest({ ...requestFromForm(form), file_infos: previewFileInfos(form) });
  const fileIssues: FieldIssue[] = form.references.flatMap((entry, index) =>
    entry.kind === 'file' && entry.problem ? [{ field: `file_infos[${index}]`, message: entry.problem }] : [],
  );
  if (fileIssues.length === 0) return result;
  return { ok: false, issues: [...(result.ok ? [] : result.issues), ...fileIssues] };
}

/** The form a saved request stands for (reuse settings). The session id is left out: a repeat would be refused. */
export function formFromRequest(request: Record<string, unknown>, references: ReferenceEntry[]): FormValues {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const output = (typeof request.output_config === 'object' && request.output_config !== null ? request.output_config : {}) as Record<string, unknown>;
  const priorityValue = request.tasks_priority;
  return {
    prompt: text(request.prompt) ?? '',
    negativePrompt: text(request.negative_prompt) ?? '',
    model: `${text(request.model_name) ?? ''} ${text(request.model_version) ?? ''}`.trim(),
    options: {
      aspect_ratio: text(output.aspect_ratio),
      resolution: text(output.resolution),
      storage_mode: text(output.storage_mode),
      person_generation: text(output.person_generation),
      input_compliance_check: text(output.input_compliance_check),
      output_compliance_check: text(output.output_compliance_check),
      enhance_prompt: text(request.enhance_prompt),
      tasks_priority: typeof priorityValue === 'number' ? String(priorityValue) : text(priorityValue),
      session_context: text(request.session_context),
    },
    references,
  };
}

// --- localized core messages -------------------------------------------------

/**
 * The English templates behind the core's field messages (request.ts, references.ts),
 * most specific first; the host pairs each with the line the panel shows instead.
 */
export const CORE_MESSAGE_TEMPLATES = [
  'must be one of: {0} for {1}',
  'must be one of: {0}',
  'is required when type is "File"',
  'is required when type is "Url"',
  'must be empty when type is "File"',
  'must be empty when type is "Url"',
  'is required',
  'must not be empty',
  'must be at most {0} characters',
  '{0} takes at most 1 reference image',
  '{0} takes at most {1} reference images',
  '{0} is {1}, not the aspect ratio {2}',
  'must be a whole number from {0} to {1}',
  '(image description) is only supported by {0}',
  'is only supported by {0}',
  'must be a png, jpeg or webp image',
  'must be an http(s) URL or a data: URL of an image',
  'unknown field(s): {0}',
  'cannot be read',
  'is not a PNG, JPEG or WebP image',
  'is {0} MB; the limit is {1} MB',
] as const;
export type CoreMessageTemplate = (typeof CORE_MESSAGE_TEMPLATES)[number];

const TEMPLATE_CACHE = new Map<string, RegExp>();

function templatePattern(template: string): RegExp {
  let pattern = TEMPLATE_CACHE.get(template);
  if (!pattern) {
    const parts = template.split(/\{\d+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(`^${parts.join('(.+?)')}$`, 's');
    TEMPLATE_CACHE.set(template, pattern);
  }
  return pattern;
}

/**
 * Core messages are English templates filled in (`must be at most 50 characters`);
 * this finds the template a message came from and fills its translation with the same
 * values. A message no template matches is returned as it is.
 */
export function localizeMessage(message: string, table: readonly (readonly [string, string])[]): string {
  for (const [english, localized] of table) {
    const match = templatePattern(english).exec(message);
    if (!match) continue;
    const order = [...english.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
    return localized.replace(/\{(\d+)\}/g, (whole, index: string) => {
      const at = order.indexOf(Number(index));
      return at >= 0 ? (match[at + 1] ?? whole) : whole;
    });
  }
  return message;
}

// --- UI strings ------------------------------------------------------------------

/** Every string the webview shows; the host fills them with `vscode.l10n.t`. */
export const STRING_KEYS = [
  'studio.title',
  'form.heading',
  'form.prompt',
  'form.promptPlaceholder',
  'form.promptHint',
  'form.history',
  'form.historyEmpty',
  'form.negativePrompt',
  'form.negativePromptPlaceholder',
  'form.model',
  'form.options',
  'form.advanced',
  'form.default',
  'form.resolutionTiers',
  'form.resolutionSizes',
  'form.resetOptions',
  'form.generate',
  'form.generating',
  'form.fixFields',
  'form.started',
  'form.showTasks',
  'form.landed',
  'form.showResult',
  'form.notStarted',
  'form.background',
  'form.target',
  'form.targetRemove',
  'option.aspect_ratio',
  'option.resolution',
  'option.storage_mode',
  'option.person_generation',
  'option.input_compliance_check',
  'option.output_compliance_check',
  'option.enhance_prompt',
  'option.tasks_priority',
  'option.session_id',
  'option.session_context',
  'hint.tasks_priority',
  'hint.session_id',
  'hint.session_context',
  'hint.aspectUnused',
  'hint.aspectUnusedKept',
  'hint.resolutionTier',
  'hint.resolutionExact',
  'hint.storageTemporary',
  'hint.storagePermanent',
  'hint.serviceDefault',
  'value.Temporary',
  'value.Permanent',
  'value.AllowAdult',
  'value.Disallowed',
  'value.Enabled',
  'value.Disabled',
  'refs.heading',
  'refs.count',
  'refs.dropHint',
  'refs.dropHere',
  'refs.empty',
  'refs.description',
  'refs.descriptionUnsupported',
  'refs.remove',
  'refs.moveLeft',
  'refs.moveRight',
  'refs.itemHint',
  'refs.url',
  'refs.urlPlaceholder',
  'refs.addUrl',
  'refs.fileId',
  'refs.fileIdPlaceholder',
  'refs.fileIdHint',
  'refs.addFileId',
  'refs.browse',
  'refs.fromUrl',
  'refs.fromFileId',
  'refs.limitDroppedOne',
  'refs.limitDropped',
  'refs.rejected',
  'refs.checking',
  'refs.outside',
  'refs.duplicate',
  'picker.heading',
  'picker.search',
  'picker.count',
  'picker.countFiltered',
  'picker.noMatch',
  'picker.none',
  'picker.noFolder',
  'picker.loading',
  'picker.truncated',
  'picker.toggle',
  'picker.generated',
  'picker.generatedFirst',
  'tasks.heading',
  'tasks.cancel',
  'tasks.stopWaiting',
  'tasks.collectNow',
  'tasks.discard',
  'tasks.resubmit',
  'tasks.chooseFolder',
  'tasks.dismiss',
  'tasks.clearEnded',
  'gallery.heading',
  'gallery.filter',
  'gallery.refresh',
  'gallery.empty',
  'gallery.noMatch',
  'gallery.more',
  'gallery.showing',
  'gallery.references',
  'gallery.open',
  'gallery.reveal',
  'gallery.copyLink',
  'gallery.insert',
  'gallery.useAsReference',
  'gallery.reuseSettings',
  'gallery.variation',
  'command.setApiKey',
  'command.openSettings',
  'command.showLog',
] as const;
export type StringKey = (typeof STRING_KEYS)[number];
export type StudioStrings = Record<StringKey, string>;
