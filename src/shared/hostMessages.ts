/**
 * Every message the host sends the Studio webview, as one zod schema: the webview parses each
 * one before it draws anything (media/studio/host.ts). Replies to the webview's requests are
 * declared with the requests, in studioRequests.ts.
 */
import * as z from 'zod/mini';
import { formValuesSchema, referenceEntrySchema } from './formValues';
import { galleryItemSchema } from './galleryItem';
import { imageFolderSchema } from './imageFolder';
import { itemId } from './payloadBounds';
import { spendingEstimateSchema } from './spendingEstimate';
import { stylesMessageSchema } from './styleEntry';
import { replySchema, requestFailedSchema } from './studioRequests';
import { taskRowSchema } from './taskRow';

/** How generations started from the panel end, as `generateDone` reports them (GenerationStatus of the host). */
export const GENERATION_STATUSES = [
  'landed',
  'refused',
  'invalid',
  'notStarted',
  'background',
  'uncertain',
  'blocked',
  'discarded',
] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

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
  /** The answer to one of the webview's requests. */
  replySchema,
  /** A request the host could not answer. */
  requestFailedSchema,
  /** Attach these references (restyle, use as reference, browse). */
  z.object({ type: z.literal('attach'), items: z.array(referenceEntrySchema) }),
  /**
   * Replace the form with these values (reuse settings, more like this; a quick fix's prompt, aspect
   * ratio and target). `focus`: where the focus goes after, the prompt when absent.
   */
  z.object({ type: z.literal('fillForm'), form: formValuesSchema, focus: z.optional(z.literal('generate')) }),
  /** A generation started from the panel has left the foreground: how, its files, its error line (`requestId`: its `generate` request). */
  z.object({
    type: z.literal('generateDone'),
    requestId: itemId,
    status: z.enum(GENERATION_STATUSES),
    files: z.array(z.string()),
    error: z.optional(z.string()),
  }),
  /** The tasks changed (progress, phase, a new or finished task). */
  z.object({ type: z.literal('tasks'), tasks: z.array(taskRowSchema) }),
  /** The results on disk changed. */
  z.object({
    type: z.literal('gallery'),
    items: z.array(galleryItemSchema),
    total: z.number(),
    highlight: z.optional(z.array(z.string())),
  }),
  /** The prompt history changed. */
  z.object({ type: z.literal('history'), prompts: z.array(z.string()) }),
  /** Put the keyboard focus in the prompt (after a command revealed the panel). */
  z.object({ type: z.literal('focusPrompt') }),
  /** Today's paid images, the daily cap and the prices: the webview computes the line beside Generate. */
  spendingEstimateSchema,
  /** The project's styles for the picker (sent when the panel is ready and whenever the file changes). */
  stylesMessageSchema,
  /** A one-line message to show in the panel. */
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning', 'error']), message: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;
