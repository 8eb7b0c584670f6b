/**
 * Waiting for a task to finish.
 *
 * The schedule (see `nextDelay`), and why:
 * - Start fast: the first look is 500 ms after submit, the next 750 ms later, so
 *   an instantly refused task (content policy, bad reference image) is reported
 *   within about a second.
 * - Then settle: each interval is 1.5× the previous, capped at 2.5 s. Real tasks
 *   take 10–30 s, so polling faster than every few seconds in the middle of a
 *   task only spends requests (the upstream limit is 20 creates/s per account,
 *   shared with every other client of the key).
 * - Aim when the gateway reports progress: two progress samples give a rate and
 *   so an estimated finish time; the next look is scheduled just after it
 *   (+150 ms), re-estimated at least every 10 s. A miss falls back to a short
 *   400 ms interval that grows again. This gives near-immediate detection with a
 *   handful of requests per task.
 * - Retry-After from a 429 always wins; transient errors (network, 5xx, 429)
 *   are retried with the same growth up to `maxConsecutiveErrors` in a row.
 */
import { StudioError, toStudioError } from './errors';
import { type GatewayClient, type TaskRef, sleep } from './gateway';
import { type TaskState, isFinal } from './taskState';

export interface PollOptions {
  signal?: AbortSignal;
  /** Give up waiting after this long since `startedAt` (the task keeps running upstream). */
  deadlineMs?: number;
  /** When the task was submitted (epoch ms); resumed tasks pass their original time. */
  startedAt?: number;
  /** Look at once instead of after the first delay: a resumed task may have finished while we were away. */
  lookNow?: boolean;
  onState?: (state: TaskState) => void;
  /** Called when a look-up fails but waiting goes on. */
  onRetry?: (error: StudioError, delayMs: number) => void;
  maxConsecutiveErrors?: number;
  now?: () => number;
}

interface Sample {
  at: number;
  progress: number;
}

export interface ScheduleState {
  /** Number of look-ups so far. */
  attempt: number;
  previousDelay: number;
  now: number;
  samples: readonly Sample[];
  /** The previous look was the one aimed at the estimated finish, and missed. */
  missedAim: boolean;
}

export const FIRST_DELAY_MS = 500;
export const GROWTH = 1.5;
export const MAX_DELAY_MS = 2500;
export const AIM_MARGIN_MS = 150;
export const MAX_AIMED_SLEEP_MS = 10_000;
export const MISSED_AIM_DELAY_MS = 400;

/** Estimated epoch ms at which progress reaches 100, from the last two rising samples. */
export function estimateFinish(samples: readonly Sample[]): number | undefined {
  if (samples.length < 2) return undefined;
  const last = samples[samples.length - 1]!;
  // Use the oldest sample with lower progress for a steadier rate.
  const first = samples.find((s) => s.progress < last.progress);
  if (!first || last.at <= first.at) return undefined;
  const rate = (last.progress - first.progress) / (last.at - first.at);
  if (rate <= 0) return undefined;
  return last.at + (100 - last.progress) / rate;
}

/** Milliseconds to wait before the next look-up. Pure, so tests and benchmarks can inspect it. */
export function nextDelay(state: ScheduleState): number {
  if (state.attempt === 0) return FIRST_DELAY_MS;
  if (state.missedAim) return MISSED_AIM_DELAY_MS;
  const grown = Math.min(MAX_DELAY_MS, Math.max(FIRST_DELAY_MS, Math.round(state.previousDelay * GROWTH)));
  const finish = estimateFinish(state.samples);
  if (finish === undefined) return grown;
  const untilFinish = finish - state.now + AIM_MARGIN_MS;
  return Math.max(MISSED_AIM_DELAY_MS / 2, Math.min(MAX_AIMED_SLEEP_MS, untilFinish));
}

/**
 * Looks the task up until it is final, the deadline passes or the signal aborts.
 * Returns the final state (succeeded, failed or cancelled); throws a StudioError
 * for `aborted`, `timeout` and non-transient look-up failures.
 */
export async function pollUntilDone(
  client: Pick<GatewayClient, 'query'>,
  task: TaskRef,
  options: PollOptions = {},
): Promise<TaskState> {
  const now = options.now ?? Date.now;
  const startedAt = options.startedAt ?? now();
  const deadline = startedAt + (options.deadlineMs ?? 10 * 60_000);
  const maxErrors = options.maxConsecutiveErrors ?? 6;
  const samples: Sample[] = [];
  let attempt = 0;
  let delay = 0;
  let errors = 0;
  let aimedAt: number | undefined;
  let missedAim = false;

  for (;;) {
    delay = nextDelay({ attempt, previousDelay: delay, now: now(), samples, missedAim });
    if (attempt === 0 && options.lookNow) delay = 0;
    const wake = now() + delay;
    if (wake > deadline) {
      await sleep(Math.max(0, deadline - now()), options.signal).catch(rethrowAbort);
      throw timeoutError(task.taskId, deadline - startedAt);
    }
    const finish = estimateFinish(samples);
    aimedAt = finish !== undefined && wake >= finish ? finish : undefined;
    await sleep(delay, options.signal).catch(rethrowAbort);
    attempt++;

    let state: TaskState;
    try {
      state = await client.query(task, options.signal);
      errors = 0;
    } catch (error) {
      const e = toStudioError(error);
      if (e.kind === 'aborted' || options.signal?.aborted) throw abortedError();
      const early = e.kind === 'notFound' && now() - startedAt < 5_000;
      errors++;
      if (!(e.transient || early || e.kind === 'invalidResponse') || errors > maxErrors) throw e;
      const wait = Math.max(e.retryAfterMs ?? 0, Math.min(MAX_DELAY_MS * 4, FIRST_DELAY_MS * 2 ** errors));
      options.onRetry?.(e, wait);
      if (now() + wait > deadline) throw timeoutError(task.taskId, deadline - startedAt);
      await sleep(wait, options.signal).catch(rethrowAbort);
      delay = wait;
      continue;
    }

    options.onState?.(state);
    if (isFinal(state)) return state;
    if (state.status === 'running' && state.progress !== undefined) {
      samples.push({ at: now(), progress: state.progress });
      if (samples.length > 8) samples.shift();
    }
    missedAim = aimedAt !== undefined;
  }
}

function abortedError(): StudioError {
  return new StudioError({ kind: 'aborted', template: 'Stopped waiting for the task.' });
}

function rethrowAbort(): never {
  throw abortedError();
}

function timeoutError(taskId: string, waitedMs: number): StudioError {
  return new StudioError({
    kind: 'timeout',
    template:
      'Task {0} has not finished after {1} minutes. It may still finish on the service; it is kept and will be collected later.',
    args: [taskId, Math.round(waitedMs / 60_000)],
  });
}
