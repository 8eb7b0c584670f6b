/**
 * Waiting for a task to finish.
 *
 * The schedule, and why:
 * - Without a progress signal worth believing, the looks follow `blindDelay` (schedule.ts): two
 *   early looks (0.5 s, then 0.75 s later) catch an instant refusal; then, once this model's
 *   durations on this gateway are known, the looks are aimed at where such tasks usually end
 *   (sparse before, dense where finishes are likely); before that, one every 0.9 s.
 * - Aim when the gateway reports progress that behaves like a clock (`progressLooksLinear`:
 *   three or more readings on a straight line): the samples give a rate and so an estimated
 *   finish. While it is more than 2 s away the next look comes after 0.6 of the remaining time
 *   (400 ms – 10 s); close to it the look is aimed just after it, by 0.5 % of the estimated
 *   duration (at least 30 ms); a miss is retried after 250 ms. A reading of p is counted as
 *   p + 0.5 (gateways round down). Progress that sits at 0 or at a constant, jumps in steps, or
 *   misses its aim twice (99 long before the end) is dropped for the rest of the wait, and even
 *   trusted progress never sleeps past where the learned durations say the task likely ends, so
 *   a misleading signal never makes detection worse than no signal.
 * - Failed looks never end the wait (the task is billed): transient errors (network, 5xx, 429,
 *   a malformed answer) back off from 1 s to 2 s (a finish is seen within 2 s of an outage's
 *   end), a Retry-After is honoured up to 5 minutes, a task the gateway does not know yet is
 *   looked for every 0.7 s for its first minute, and errors that need the user (a refused key)
 *   are retried every minute.
 * - In the background (past the foreground deadline) looks slow down to every 5–30 s.
 */
import { GenerationError, toGenerationError } from './errors';
import { type GatewayClient, type TaskRef, sleep } from './gateway';
import { blindDelay, durationModel, progressLooksLinear } from './schedule';
import { type GatewayAnswer, isFinal } from './gatewayAnswer';

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

/** Once a wait is in the background (past the foreground deadline), looks come at most this often… */
export const BACKGROUND_FIRST_DELAY_MS = 5_000;
/** …and at least this often. */
export const BACKGROUND_MAX_DELAY_MS = 30_000;
/** A Retry-After longer than this is not believed (a hostile or broken gateway could say a year). */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** Errors that need the user (a refused key, a wrong query path) are retried this rarely. */
export const NEEDS_USER_DELAY_MS = 60_000;
/** A task the gateway does not know yet, this soon after the wait began, is looked at this often. */
export const NOT_VISIBLE_DELAY_MS = 700;
/** In the foreground, failed looks are retried at least this often: a finish is seen within 2 s of an outage's end. */
export const MAX_RETRY_DELAY_MS = 2000;
const NOT_VISIBLE_WINDOW_MS = 60_000;

/** Delay before the next look after a failed one; every failure is retried, only the pace differs. */
export function retryDelay(
  error: GenerationError,
  errorsInRow: number,
  sinceStartMs: number,
  background: boolean,
): number {
  if (error.kind === 'notFound' && sinceStartMs < NOT_VISIBLE_WINDOW_MS) return NOT_VISIBLE_DELAY_MS;
  const retryable = error.transient || error.kind === 'invalidResponse' || error.kind === 'notFound';
  if (!retryable) return NEEDS_USER_DELAY_MS;
  const cap = background ? BACKGROUND_MAX_DELAY_MS : MAX_RETRY_DELAY_MS;
  const grown = Math.min(cap, 1000 * 2 ** Math.max(0, errorsInRow - 1));
  const asked = error.retryAfterMs === undefined ? 0 : Math.min(MAX_RETRY_AFTER_MS, error.retryAfterMs);
  return Math.max(grown, asked);
}

/** The next delay of a background wait: grows from BACKGROUND_FIRST_DELAY_MS to the cap. */
export function backgroundDelay(previousDelay: number): number {
  return Math.min(BACKGROUND_MAX_DELAY_MS, Math.max(BACKGROUND_FIRST_DELAY_MS, Math.round(previousDelay * GROWTH)));
}

export interface PollOptions {
  signal?: AbortSignal;
  /**
   * Epoch ms from which the wait is in the background: the foreground deadline passed, or the
   * user stopped watching. Looks then come less often (capped back-off). Default: never.
   */
  backgroundAfter?: number | (() => number);
  /** Look at once instead of after the first delay: a resumed task may have finished while we were away. */
  lookNow?: boolean;
  onState?: (state: GatewayAnswer) => void;
  /** Called when a look-up fails; waiting always goes on. */
  onRetry?: (error: GenerationError, delayMs: number) => void;
  now?: () => number;
  /** How to wait: injected for a deterministic clock, or to wake early ("collect now"). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Durations (ms) this model took on this gateway before: the schedule aims its looks with them. */
  durations?: readonly number[];
  /** When the task was submitted (epoch ms), for a resumed wait; default: now. */
  submittedAt?: number;
}

/**
 * Looks the task up until it is final or the signal aborts. Returns the final state (succeeded,
 * failed or cancelled); throws only an `aborted` GenerationError. No failure to look ends the wait:
 * a task that was submitted is billed, so it is looked for until the caller stops.
 */
export async function pollUntilDone(
  client: Pick<GatewayClient, 'query'>,
  task: TaskRef,
  options: PollOptions = {},
): Promise<GatewayAnswer> {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const startedAt = now();
  const backgroundAfter = () => {
    const value = options.backgroundAfter;
    return typeof value === 'function' ? value() : (value ?? Infinity);
  };
  const submittedAt = options.submittedAt ?? startedAt;
  const model = durationModel(options.durations ?? []);
  const samples: Sample[] = [];
  let attempt = 0;
  let delay = options.lookNow ? 0 : blindDelay({ attempt: 0, elapsed: startedAt - submittedAt, model });
  let previousDelay = 0;
  let errors = 0;
  let missedAim = false;
  let misses = 0;
  let trusted = false;

  for (;;) {
    const finish = trusted ? estimateFinish(samples)?.at : undefined;
    const aimed = finish !== undefined && now() + delay >= finish;
    await wait(delay, options.signal).catch(rethrowAbort);
    if (options.signal?.aborted) throw abortedError();
    attempt++;
    previousDelay = delay;

    let state: GatewayAnswer;
    try {
      state = await client.query(task, options.signal);
      errors = 0;
    } catch (error) {
      const e = toGenerationError(error);
      if (e.kind === 'aborted' || options.signal?.aborted) throw abortedError();
      errors++;
      delay = retryDelay(e, errors, now() - startedAt, now() >= backgroundAfter());
      options.onRetry?.(e, delay);
      continue;
    }

    options.onState?.(state);
    if (isFinal(state)) return state;
    if (state.status === 'running' && state.progress !== undefined) {
      samples.push({ at: now(), progress: state.progress });
      if (samples.length > 8) samples.shift();
    }
    missedAim = aimed;
    if (aimed) misses++;
    // Progress is aimed at only while it behaves like a clock; twice past its finish and it is dropped.
    trusted = misses < 2 && progressLooksLinear(samples);
    const blind = blindDelay({ attempt, elapsed: now() - submittedAt, model });
    if (now() >= backgroundAfter()) delay = backgroundDelay(previousDelay);
    else if (!trusted) delay = blind;
    else {
      // Never sleep past where the learned durations say the task is likely to end.
      const aimedDelay = nextDelay({ attempt, previousDelay, now: now(), samples, missedAim });
      delay = model ? Math.min(aimedDelay, blind) : aimedDelay;
    }
  }
}

function abortedError(): GenerationError {
  return new GenerationError({ kind: 'aborted', template: 'Stopped waiting for the task.' });
}

function rethrowAbort(): never {
  throw abortedError();
}
