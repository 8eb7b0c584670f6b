// Offline model of the waiting schedule (not part of `npm run bench`; runs in about a second).
// A task runs [0, D) on the server, which reports whole-percent progress truncated (as the
// simulator and Tencent's Progress do); the client sees answers RTT ms after asking. Replays the
// loop of pollUntilDone with the compiled `nextDelay`/`estimateFinish` of src/core/poll.ts, next to
// a fixed 500 ms poller (what @fal-ai/client does) and the schedule proposed in BENCHMARKS.md.
//
// Usage: node test/bench/scheduleModel.mjs [D ms ...]   (with durations: one line per task)
import { compiled, quantile } from './lib.mjs';

const poll = compiled('src/core/poll.js');
const RTT = 4;

/** The loop of pollUntilDone, on a model clock. */
function replay(nextDelay, estimate, D) {
  let now = 0;
  let attempt = 0;
  let delay = 0;
  let missedAim = false;
  const samples = [];
  for (;;) {
    delay = nextDelay({ attempt, previousDelay: delay, now, samples, missedAim });
    const wake = now + delay;
    const finish = estimate(samples);
    const aimedAt = finish !== undefined && wake >= finish ? finish : undefined;
    now = wake + RTT;
    attempt++;
    const serverAt = wake + RTT / 2;
    if (serverAt >= D) return { latency: now - D, requests: attempt };
    samples.push({ at: now, progress: Math.floor((serverAt / D) * 100) });
    if (samples.length > 8) samples.shift();
    missedAim = aimedAt !== undefined;
  }
}

function fixed500(D) {
  let now = 0;
  for (let n = 1; ; n++) {
    const serverAt = now + RTT / 2;
    now += RTT;
    if (serverAt >= D) return { latency: now - D, requests: n };
    now += 500;
  }
}

// ---- the proposal (BENCHMARKS.md, "What would make detection reliably faster") ----
/** Like estimateFinish, but a truncated whole percent p counts as p + 0.5; also returns the duration. */
function estimateMid(samples) {
  if (samples.length < 2) return undefined;
  const mid = (p) => (p > 0 && p < 100 ? p + 0.5 : p);
  const last = samples[samples.length - 1];
  const first = samples.find((s) => s.progress < last.progress);
  if (!first || last.at <= first.at) return undefined;
  const rate = (mid(last.progress) - mid(first.progress)) / (last.at - first.at);
  if (!(rate > 0)) return undefined;
  return { finish: last.at + (100 - mid(last.progress)) / rate, duration: 100 / rate };
}
const AIM_WITHIN_MS = 2000;
const REFINE_FRACTION = 0.6;
const MISSED_AIM_DELAY_MS = 250;
function proposedDelay(state) {
  if (state.attempt === 0) return 500;
  if (state.missedAim) return MISSED_AIM_DELAY_MS;
  const grown = Math.min(2500, Math.max(500, Math.round(state.previousDelay * 1.5)));
  const e = estimateMid(state.samples);
  if (!e) return grown;
  const until = e.finish - state.now;
  // Far from the end: look again at 60 % of the way, for a longer baseline and a better rate.
  if (until > AIM_WITHIN_MS) return Math.max(400, Math.min(10_000, until * REFINE_FRACTION));
  // Close: aim half a progress step (0.5 % of the duration) after the estimate.
  return Math.max(MISSED_AIM_DELAY_MS / 2, Math.min(10_000, until + Math.max(30, 0.005 * e.duration)));
}

const schedules = {
  'fixed 500 ms (peer)': fixed500,
  'current poll.ts': (D) => replay(poll.nextDelay, (s) => poll.estimateFinish(s)?.at, D),
  proposed: (D) => replay(proposedDelay, (s) => estimateMid(s)?.finish, D),
};

const durations = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
if (durations.length > 0) {
  for (const D of durations) {
    console.log(
      `${D} ms: ${Object.entries(schedules)
        .map(([name, fn]) => `${name} ${JSON.stringify(fn(D))}`)
        .join('; ')}`,
    );
  }
} else {
  const groups = {
    '5 s ±0.25': [4750, 5250],
    '15 s ±0.25': [14750, 15250],
    '30 s ±0.25': [29750, 30250],
    '10–30 s': [10_000, 30_000],
  };
  for (const [name, fn] of Object.entries(schedules)) {
    const all = { l: [], r: [] };
    const parts = Object.entries(groups).map(([g, [a, b]]) => {
      const l = [];
      const r = [];
      for (let i = 0; i < 400; i++) {
        const x = fn(a + ((b - a) * (i + 0.5)) / 400);
        l.push(x.latency);
        r.push(x.requests);
      }
      all.l.push(...l);
      all.r.push(...r);
      return `${g}: p50 ${Math.round(quantile(l, 0.5))} p90 ${Math.round(quantile(l, 0.9))} max ${Math.round(Math.max(...l))} ms, ${(r.reduce((x, y) => x + y) / r.length).toFixed(1)} req`;
    });
    const meanReq = (all.r.reduce((x, y) => x + y) / all.r.length).toFixed(1);
    console.log(
      `${name}\n  all: p50 ${Math.round(quantile(all.l, 0.5))} p90 ${Math.round(quantile(all.l, 0.9))} ms, ${meanReq} req\n  ${parts.join('\n  ')}`,
    );
  }
}
