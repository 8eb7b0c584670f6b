/**
 * Every message the Studio webview sends the host, as one zod schema: the host parses each one
 * before it acts (src/host/studio/messageRouter.ts), so a webview can ask for nothing else.
 * The requests among them, which the host answers, are declared in studioRequests.ts.
 */
import * as z from 'zod/mini';
import { TASK_ACTIONS } from '../core/lifecycle';
import { formValuesSchema, targetPathSchema } from './formValues';
import { GALLERY_ACTIONS } from './galleryItem';
import { itemId, longText, shortText } from './payloadBounds';
import { GENERATE_REQUEST, INSPECT_REQUEST, RECROP_REQUEST } from './studioRequests';

/** The extension's set-up commands the panel's status line links to. */
export const HOST_COMMANDS = ['setApiKey', 'openSettings', 'showLog'] as const;
export type HostCommand = (typeof HOST_COMMANDS)[number];

export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** The webview has loaded and listens; the host answers with `init` and then flushes its queue. */
  z.object({ type: z.literal('ready') }),
  /** A request: answered by a `reply` (started, or the issues), later `generateDone`. */
  GENERATE_REQUEST.message,
  /** Do one of the things a task row offers (cancel, stop waiting, collect now, discard, submit again, choose a folder). */
  z.object({ type: z.literal('taskAction'), taskId: itemId, action: z.enum(TASK_ACTIONS) }),
  /** A request: answered by a `reply` with thumbnails and problems. */
  INSPECT_REQUEST.message,
  /** Send the workspace images for the picker; answered by `images`. */
  z.object({ type: z.literal('listImages') }),
  /** Choose images with the system dialog and attach them. */
  z.object({ type: z.literal('browse') }),
  /** Do something with a saved result (`item` is a gallery item id). */
  z.object({ type: z.literal('galleryAction'), item: itemId, action: z.enum(GALLERY_ACTIONS) }),
  /** Read the sidecars on disk again. */
  z.object({ type: z.literal('refreshGallery') }),
  /** The attached references changed: local paths, in order (the host's view of the form). */
  z.object({ type: z.literal('references'), paths: z.array(shortText).check(z.maxLength(100)) }),
  /** Run one of the extension's set-up commands. */
  z.object({ type: z.literal('runCommand'), command: z.enum(HOST_COMMANDS) }),
  /** The form after the host filled it, or after the user removed its fixed target: the prompt and target it shows (the host's view of them). */
  z.object({ type: z.literal('formShown'), prompt: longText, target: z.optional(targetPathSchema) }),
  /** Save the form as a project style (the host asks for its name). */
  z.object({ type: z.literal('saveStyle'), form: formValuesSchema }),
  /** A request: make a result's finished file again with another crop box; answered by a `reply`. */
  RECROP_REQUEST.message,
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;
