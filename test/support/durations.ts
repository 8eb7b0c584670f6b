/**
 * Task durations like real ones, for the schedule's model-clock tests and the detection bench
 * alike: each model has its own mean and spread (normal, clipped to 10–30 s), drawn from a seeded
 * generator so every run, and every client in a run, gets the same tasks.
 */

/** Mean and standard deviation of a task's duration per model, in ms. */
export const MODEL_DURATIONS = {
  'GEM 2.5': [12_000, 1000],
  'GEM 3.0': [20_000, 1500],
  'Qwen 0925': [15_000, 1000],
  'Hunyuan 3.0': [26_000, 2000],
} as const;

export type DurationModel = keyof typeof MODEL_DURATIONS;

/** Mulberry32: a small seeded generator of numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` durations of `model`'s tasks (Box–Muller normal, clipped to 10–30 s), from `seed`. */
export function drawDurations(model: DurationModel, count: number, seed: number): number[] {
  const random = prng(seed);
  const [mean, sd] = MODEL_DURATIONS[model];
  return Array.from({ length: count }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.round(Math.min(30_000, Math.max(10_000, mean + sd * z)));
  });
}
