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
 *   so an estimated finish time. While the finish is more than 2 s away the next
 *   look comes after 0.6 of the remaining time (400 ms – 10 s), so a rate measured
 *   early (on two samples a second apart) is corrected as the task goes on; close
 *   to the finish the look is aimed just after it, by a margin of 0.5 % of the
 *   estimated duration (at least 30 ms). A miss falls back to a short 250 ms
 *   interval that grows again. Reported progress is an integer rounded down, so a
 *   reading of p is counted as p + 0.5. Measured against the simulator (see
 *   BENCHMARKS.md) this detects a finish within about 70 ms (median) with about six
 *   requests per task, where a fixed 500 ms poller needs 35 for ~180 ms.
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
/** The aimed look comes this fraction of the estimated duration after the estimated finish… */
export const AIM_MARGIN_FRACTION = 0.005;
/** …but at least this long after it. */
export const MIN_AIM_MARGIN_MS = 30;
/** Further than this from the estimated finish, approach it in steps instead of aiming. */
export const APPROACH_THRESHOLD_MS = 2000;
export const APPROACH_FRACTION = 0.6;
export const MIN_APPROACH_MS = 400;
export const MAX_AIMED_SLEEP_MS = 10_000;
export const MISSED_AIM_DELAY_MS = 250;

/** Gateways report whole percents rounded down: the true value is on average half a percent higher. */
function midpoint(progress: number): number {
  return progress > 0 && progress < 100 ? progress + 0.5 : progress;
}

export interface FinishEstimate {
  /** Epoch ms at which progress reaches 100. */
  at: number;
  /** Estimated whole running time in ms (100 % at the measured rate). */
  durationMs: number;
}

/** Estimated finish from the rising progress samples (oldest lower sample to the latest, for a steadier rate). */
export function estimateFinish(samples: readonly Sample[]): FinishEstimate | undefined {
  if (samples.length < 2) return undefined;
  const last = samples[samples.length - 1]!;
  const first = samples.find((s) => s.progress < last.progress);
  if (!first || last.at <= first.at) return undefined;
  const rate = (midpoint(last.progress) - midpoint(first.progress)) / (last.at - first.at);
  if (rate <= 0) return undefined;
  return { at: last.at + (100 - midpoint(last.progress)) / rate, durationMs: 100 / rate };
}

/** Milliseconds to wait before the next look-up. Pure, so tests and benchmarks can inspect it. */
export function nextDelay(state: ScheduleState): number {
  if (state.attempt === 0) return FIRST_DELAY_MS;
  if (state.missedAim) return MISSED_AIM_DELAY_MS;
  const grown = Math.min(MAX_DELAY_MS, Math.max(FIRST_DELAY_MS, Math.round(state.previousDelay * GROWTH)));
  const finish = estimateFinish(state.samples);
  if (finish === undefined) return grown;
  const remaining = finish.at - state.now;
  if (remaining > APPROACH_THRESHOLD_MS) {
    return Math.round(Math.min(MAX_AIMED_SLEEP_MS, Math.max(MIN_APPROACH_MS, remaining * APPROACH_FRACTION)));
  }
  const margin = Math.max(MIN_AIM_MARGIN_MS, finish.durationMs * AIM_MARGIN_FRACTION);
  return Math.round(Math.max(MIN_AIM_MARGIN_MS, Math.min(MAX_AIMED_SLEEP_MS, remaining + margin)));
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
    const finish = estimateFinish(samples)?.at;
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
