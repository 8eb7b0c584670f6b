/**
 * Several images from one request ("variations"): how many a request may ask for, and what each
 * of its tasks sends. Each image is its own task with its own create, because the durable
 * lifecycle (journal, collection after a reload, landing) is per task. Pure: the Studio's
 * webview, the host and the agent tool check a count the same way.
 */
import { SESSION_ID_MAX } from '../core/models';
import type { FieldIssue } from '../core/request';

export const MAX_VARIATIONS = 8;

/** Core message templates (translated by the host like the request's own). */
export const BATCH_MESSAGES = {
  range: `must be a whole number from 1 to ${MAX_VARIATIONS}`,
  target: 'must be 1 when the image is saved at a fixed file name',
} as const;

/** What is wrong with a count, on the field `count`; none for absent (one image). */
export function countIssues(count: number | undefined, hasTarget: boolean): FieldIssue[] {
  if (count === undefined) return [];
  if (!Number.isInteger(count) || count < 1 || count > MAX_VARIATIONS)
    return [{ field: 'count', message: BATCH_MESSAGES.range }];
  // A fixed file name names one file: the others would land under other names nobody asked for.
  if (count > 1 && hasTarget) return [{ field: 'count', message: BATCH_MESSAGES.target }];
  return [];
}

/**
 * The request each task of a batch sends. The gateway refuses a `session_id` it has seen in the
 * last three days (docs/protocol.md), so a session id the user gave is numbered per task
 * ("shoot-1", "shoot-2", …, cut to fit 50 characters); without one, each task draws its own.
 */
export function batchRequests<T extends Record<string, unknown>>(request: T, count: number): T[] {
  const given = typeof request.session_id === 'string' && request.session_id !== '' ? request.session_id : undefined;
  return Array.from({ length: count }, (_, index) => {
    if (!given || count === 1) return request;
    const suffix = `-${index + 1}`;
    return { ...request, session_id: `${given.slice(0, SESSION_ID_MAX - suffix.length)}${suffix}` };
  });
}
