/**
 * When to look at a task that gives no useful progress: learned from how long this model took on
 * this gateway before. Pure (no clock, no I/O), so the schedule is tested on a model clock.
 *
 * - **Cold** (fewer than MIN_SAMPLES durations known): the first look after 0.5 s (an instant
 *   refusal shows at once), the next 0.75 s later, then every 0.9 s: detection is at most 0.9 s
 *   late, 0.45 s on average.
 * - **Warm**: the durations seen are smoothed into a distribution (a Gaussian kernel per sample).
 *   After the two early looks, the schedule sleeps until just before the earliest likely finish
 *   (never longer than MAX_SLEEP_MS at a time), then looks so that each look covers the same
 *   probability mass, MASS_PER_LOOK: dense where tasks usually finish, sparse in the tails. Past
 *   the latest likely finish it falls back to the cold pace.
 */

export const MIN_SAMPLES = 5;
/** Durations kept per model and gateway; older ones drop out. */
export const MAX_SAMPLES = 30;
/** Durations older than this are forgotten (a gateway's speed changes). */
export const SAMPLE_MAX_AGE_MS = 30 * 24 * 3600_000;
export const EARLY_DELAYS_MS = [500, 750] as const;
export const COLD_INTERVAL_MS = 900;
/** The longest single sleep: also the most a wrong history can delay a look. */
export const MAX_SLEEP_MS = 10_000;
/** Probability mass of finish times one look covers in the likely window. */
export const MASS_PER_LOOK = 0.075;
/** No two looks closer than this in the likely window… */
export const MIN_DENSE_MS = 200;
/** …nor further apart than this. */
export const MAX_DENSE_MS = 2000;
/** The likely window: these quantiles of the learned distribution, widened by one bandwidth. */
const LOW_QUANTILE = 0.01;
const HIGH_QUANTILE = 0.99;
const MIN_BANDWIDTH_MS = 150;

/** A learned duration (ms) and when it was seen (epoch ms). */
export type DurationSample = readonly [durationMs: number, at: number];

export interface DurationModel {
  samples: readonly number[];
  /** Kernel bandwidth (ms). */
  bandwidth: number;
}

/** The samples worth learning from: recent ones, newest last, at most MAX_SAMPLES. */
export function recentSamples(samples: readonly DurationSample[], now: number): DurationSample[] {
  return samples
    .filter(([ms, at]) => ms > 0 && Number.isFinite(ms) && now - at <= SAMPLE_MAX_AGE_MS)
    .slice(-MAX_SAMPLES);
}

/** Adds a finished task's duration. */
export function learn(samples: readonly DurationSample[], durationMs: number, now: number): DurationSample[] {
  return recentSamples([...samples, [Math.round(durationMs / 10) * 10, now]], now);
}

/** A smoothed distribution of durations, or undefined while too few are known. */
export function durationModel(durations: readonly number[]): DurationModel | undefined {
  if (durations.length < MIN_SAMPLES) return undefined;
  const sorted = [...durations].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const iqr = quantileOfSorted(sorted, 0.75) - quantileOfSorted(sorted, 0.25);
  // Silverman's rule of thumb, with a floor: a handful of identical durations is not certainty.
  const spread = Math.min(sd, iqr > 0 ? iqr / 1.34 : sd) || sd;
  const bandwidth = Math.max(MIN_BANDWIDTH_MS, 0.9 * spread * n ** -0.2);
  return { samples: sorted, bandwidth };
}

function quantileOfSorted(sorted: readonly number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
function phi(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** P(duration ≤ t) under the model. */
export function cdf(model: DurationModel, t: number): number {
  let sum = 0;
  for (const s of model.samples) sum += phi((t - s) / model.bandwidth);
  return sum / model.samples.length;
}

/** The time at which the model's CDF reaches q (bisection). */
export function quantile(model: DurationModel, q: number): number {
  let lo = model.samples[0]! - 6 * model.bandwidth;
  let hi = model.samples[model.samples.length - 1]! + 6 * model.bandwidth;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(model, mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface BlindState {
  /** Looks so far in this wait. */
  attempt: number;
  /** Time since the task was submitted (ms) at the moment the next delay is chosen. */
  elapsed: number;
  model?: DurationModel;
}

/** Milliseconds until the next look, from the elapsed time and what is known of durations. */
export function blindDelay(state: BlindState): number {
  const early = EARLY_DELAYS_MS[state.attempt];
  if (early !== undefined) return early;
  const model = state.model;
  if (!model) return COLD_INTERVAL_MS;
  const low = quantile(model, LOW_QUANTILE) - model.bandwidth;
  const high = quantile(model, HIGH_QUANTILE) + model.bandwidth;
  const t = state.elapsed;
  if (t < low) return Math.round(Math.max(MIN_DENSE_MS, Math.min(MAX_SLEEP_MS, low - t)));
  if (t > high) return COLD_INTERVAL_MS;
  // Equal mass per look: the step after which MASS_PER_LOOK more of the finishes have happened.
  const target = Math.min(1, cdf(model, t) + MASS_PER_LOOK);
  let lo = MIN_DENSE_MS;
  let hi = MAX_DENSE_MS;
  if (cdf(model, t + lo) >= target) return lo;
  if (cdf(model, t + hi) < target) return hi;
  for (let i = 0; i < 20; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(model, t + mid) < target) lo = mid;
    else hi = mid;
  }
  return Math.round(hi);
}

/**
 * Whether reported progress can be aimed at: at least three readings that rise together with the
 * clock (a straight line through them explains them well). Progress that sits at 0, at a constant,
 * jumps in steps, or stops short (99 for a long time) is not a clock and is not believed.
 */
export function progressLooksLinear(samples: readonly { at: number; progress: number }[]): boolean {
  const rising = samples.filter((s) => s.progress > 0 && s.progress < 100);
  if (rising.length < 3) return false;
  const distinct = new Set(rising.map((s) => s.progress)).size;
  if (distinct < 3) return false;
  const n = rising.length;
  const mx = rising.reduce((a, s) => a + s.at, 0) / n;
  const my = rising.reduce((a, s) => a + s.progress, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const s of rising) {
    sxy += (s.at - mx) * (s.progress - my);
    sxx += (s.at - mx) ** 2;
    syy += (s.progress - my) ** 2;
  }
  if (sxx === 0 || syy === 0 || sxy <= 0) return false;
  const r2 = (sxy * sxy) / (sxx * syy);
  return r2 >= 0.97;
}
