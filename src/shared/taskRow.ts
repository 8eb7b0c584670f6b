/** A task as the Studio lists it, in the one task vocabulary of the core: what the host sends, what the webview draws. */
import * as z from 'zod/mini';
import { TASK_ACTIONS, TASK_STATUSES } from '../core/lifecycle';
import { itemId } from './payloadBounds';

/** A task as the panel shows it: its status, its status line, and what can be done with it. */
export const taskRowSchema = z.object({
  id: itemId,
  prompt: z.string(),
  model: z.string(),
  status: z.enum(TASK_STATUSES),
  position: z.optional(z.number()),
  progress: z.optional(z.number()),
  startedAt: z.number(),
  /** The status line of the notification (localized), or the one line of why it ended. */
  statusLine: z.string(),
  actions: z.array(z.enum(TASK_ACTIONS)),
  files: z.optional(z.array(z.string())),
});
export type TaskRow = z.infer<typeof taskRowSchema>;
