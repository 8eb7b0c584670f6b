/**
 * Turns an error into the note a task record keeps (its problem or its outcome). The record is
 * journalled and read back by another window, perhaps in another language, so it keeps the
 * template and its arguments, and the host translates them when it shows the note.
 */
import type { GenerationError } from './errors';
import type { Note } from './lifecycle';

/** A note for the user from an error: its template and arguments (the host translates them). */
export function noteFrom(error: GenerationError, now: number): Note {
  return {
    kind: error.kind,
    template: error.template,
    ...(error.args.length ? { args: [...error.args] } : {}),
    ...(error.code ? { code: error.code } : {}),
    at: now,
  };
}
