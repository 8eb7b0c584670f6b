import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { GenerationError } from '../../src/core/errors';
import { GatewayClient } from '../../src/core/gateway';
import type { TaskRef } from '../../src/core/gateway';
import {
  BACKGROUND_FIRST_DELAY_MS,
  BACKGROUND_MAX_DELAY_MS,
  FIRST_DELAY_MS,
  MAX_DELAY_MS,
  MAX_RETRY_AFTER_MS,
  MAX_RETRY_DELAY_MS,
  NEEDS_USER_DELAY_MS,
  estimateFinish,
  nextDelay,
  pollUntilDone,
} from '../../src/core/poll';
import type { GatewayAnswer } from '../../src/core/gatewayAnswer';
import { useSimulator } from './helpers/simulator';

const body = { model_name: 'GEM', model_version: '2.5', prompt: 'waiting' } as const;
const sim = useSimulator({ taskDurationMs: 1500 });
let client: GatewayClient;

const queries = (taskId: string) =>
  sim.requests.filter((r) => r.server === 'api' && r.method === 'GET' && r.path.includes(taskId));

beforeEach(() => {
  client = new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey });
});

describe('the schedule', () => {
  it('starts fast and settles at the cap without progress', () => {
    let delay = 0;
    const delays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      delay = nextDelay({ attempt, previousDelay: delay, now: 0, samples: [], missedAim: false });
      delays.push(delay);
    }
    assert.equal(delays[0], FIRST_DELAY_MS);
    assert.ok(
      delays.every((d, i) => i === 0 || d >= delays[i - 1]!),
      'never speeds up without reason',
    );
    assert.equal(delays.at(-1), MAX_DELAY_MS);
  });

  it('estimates the finish from progress, reading a whole percent p as p + 0.5', () => {
    const samples = [
      { at: 1000, progress: 10 },
      { at: 2000, progress: 20 },
    ];
    assert.deepEqual(estimateFinish(samples), { at: 9950, durationMs: 10_000 });
    assert.equal(estimateFinish(samples.slice(0, 1)), undefined);
  });

  it('approaches a far finish in steps, then aims just after it', () => {
    const samples = [
      { at: 1000, progress: 10 },
      { at: 2000, progress: 20 },
    ];
    const far = nextDelay({ attempt: 2, previousDelay: 750, now: 2000, samples, missedAim: false });
    assert.equal(far, Math.round((9950 - 2000) * 0.6), 'looks again at 60 % of the remaining time');
    assert.ok(far > MAX_DELAY_MS, 'sleeps longer than the cap when the finish is far away');
    const near = nextDelay({ attempt: 3, previousDelay: far, now: 9000, samples, missedAim: false });
    assert.equal(near, 950 + 50, 'aims 0.5 % of the duration after the estimate');
    const missed = nextDelay({ attempt: 4, previousDelay: near, now: 10_000, samples, missedAim: true });
    assert.ok(missed < FIRST_DELAY_MS, `a missed aim is retried soon (got ${missed})`);
    const longTask = [
      { at: 0, progress: 1 },
      { at: 10_000, progress: 5 },
    ];
    assert.ok(
      nextDelay({ attempt: 2, previousDelay: 2500, now: 10_000, samples: longTask, missedAim: false }) <= 10_000,
      're-estimates at least every 10 s',
    );
  });
});

describe('pollUntilDone against the simulator', () => {
  it('reports the queue position (queue-style gateways), then the result', async () => {
    sim.configure({ mode: 'queue', queueMs: 800, taskDurationMs: 1500 });
    const submitted = await client.submit(body);
    const states: GatewayAnswer[] = [];
    const final = await pollUntilDone(client, submitted, { onState: (s) => states.push(s) });
    assert.equal(final.status, 'succeeded');
    assert.ok(
      states.some((s) => s.status === 'queued' && typeof s.position === 'number'),
      'saw a queue position',
    );
  });

  it('reports rising progress (Tencent-native answers), then the result', async () => {
    sim.configure({ queueMs: 800, taskDurationMs: 2500 });
    const submitted = await client.submit(body);
    const states: GatewayAnswer[] = [];
    const final = await pollUntilDone(client, submitted, { onState: (s) => states.push(s) });
    assert.equal(final.status, 'succeeded');
    assert.ok(
      states.some((s) => s.status === 'queued'),
      'saw the task waiting',
    );
    const progress = states.flatMap((s) => (s.status === 'running' && s.progress !== undefined ? [s.progress] : []));
    assert.ok(progress.length >= 1, 'saw progress');
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
      'progress never goes back',
    );
  });

  it('stops at once when aborted and sends nothing more', async () => {
    sim.configure({ taskDurationMs: 20_000 });
    const submitted = await client.submit(body);
    const abort = new AbortController();
    const waiting = pollUntilDone(client, submitted, {
      signal: abort.signal,
      onState: () => abort.abort(),
    });
    await assert.rejects(waiting, (e: unknown) => e instanceof GenerationError && e.kind === 'aborted');
    const count = queries(submitted.taskId).length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(queries(submitted.taskId).length, count, 'no look-ups after the abort');
  });

  it('looks at once for a resumed task', async () => {
    const submitted = await client.submit(body);
    await new Promise((r) => setTimeout(r, 1700));
    const states: string[] = [];
    const final = await pollUntilDone(client, submitted, { lookNow: true, onState: (s) => states.push(s.status) });
    assert.equal(final.status, 'succeeded');
    assert.deepEqual(states, ['succeeded'], 'one look was enough');
  });

  it('TaskNotExist right after create (HTTP 200 with Response.Error) is looked for again soon', async () => {
    sim.configure({ invisibleMs: 1000, taskDurationMs: 300 });
    const submitted = await client.submit(body);
    const retries: string[] = [];
    const final = await pollUntilDone(client, submitted, { onRetry: (e) => retries.push(e.kind) });
    assert.equal(final.status, 'succeeded');
    assert.ok(retries.length >= 1 && retries.every((k) => k === 'notFound'), retries.join());
  });
});

/**
 * The schedule on a model clock: `sleep` moves time on at once, the task's answer depends on the
 * clock. Deterministic, so request counts and the time from the finish to its detection are exact.
 */
function modelRun(task: {
  durationMs: number;
  progress?: (fraction: number) => number | undefined;
  fail?: (look: number, at: number) => GenerationError | undefined;
}) {
  let now = 0;
  let looks = 0;
  const delays: number[] = [];
  const ref: TaskRef = { taskId: 'model' };
  const modelClient = {
    async query(): Promise<GatewayAnswer> {
      looks++;
      const failure = task.fail?.(looks, now);
      if (failure) throw failure;
      if (now >= task.durationMs)
        return { taskId: 'model', status: 'succeeded', images: [{ url: 'https://cdn/x.png' }] };
      const progress = task.progress?.(now / task.durationMs);
      return { taskId: 'model', status: 'running', ...(progress === undefined ? {} : { progress }) };
    },
  };
  const sleep = async (ms: number) => {
    delays.push(ms);
    now += ms;
    await new Promise((r) => setImmediate(r));
  };
  return {
    delays,
    get looks() {
      return looks;
    },
    async run(options: Parameters<typeof pollUntilDone>[2] = {}) {
      await pollUntilDone(modelClient, ref, { now: () => now, sleep, ...options });
      return { looks, latency: now - task.durationMs };
    },
  };
}

describe('the schedule on a model clock', () => {
  it('aims at the finish when progress is linear: found within 1 % of the duration, in few looks', async () => {
    const run = modelRun({ durationMs: 20_000, progress: (f) => Math.floor(f * 100) });
    const { looks, latency } = await run.run();
    assert.ok(latency <= 200, `found ${latency} ms after the finish`);
    assert.ok(looks <= 8, `${looks} looks`);
    // Without aiming the cap decides: up to MAX_DELAY_MS late and a look every 2.5 s.
    const blind = modelRun({ durationMs: 20_000 });
    const unaimed = await blind.run();
    assert.ok(unaimed.looks > looks, `aiming saves looks (${looks} vs ${unaimed.looks})`);
  });

  it('honours Retry-After (a value the back-off never produces), and caps an absurd one', async () => {
    const run = modelRun({
      durationMs: 5000,
      fail: (look) =>
        look === 1
          ? new GenerationError({ kind: 'rateLimited', template: 'slow down', retryAfterMs: 7000 })
          : look === 2
            ? new GenerationError({ kind: 'rateLimited', template: 'slow down', retryAfterMs: 365 * 24 * 3600_000 })
            : undefined,
    });
    await run.run();
    assert.equal(run.delays[1], 7000, 'the first Retry-After is waited exactly');
    assert.equal(run.delays[2], MAX_RETRY_AFTER_MS, 'a year is not believed');
  });

  it('never gives up on a failed look: 20 server errors in a row, then the task is found', async () => {
    const run = modelRun({
      durationMs: 1000,
      fail: (look) =>
        look <= 20 ? new GenerationError({ kind: 'server', template: '503', httpStatus: 503 }) : undefined,
    });
    const { looks } = await run.run();
    assert.equal(looks, 21);
    assert.ok(Math.max(...run.delays) <= MAX_RETRY_DELAY_MS, 'the back-off is capped at 2 s in the foreground');
  });

  it('an error only the user can fix (a refused key) is looked at again every minute, not given up', async () => {
    const run = modelRun({
      durationMs: 1000,
      fail: (look) =>
        look === 1 ? new GenerationError({ kind: 'auth', template: '401', httpStatus: 401 }) : undefined,
    });
    await run.run();
    assert.equal(run.delays[1], NEEDS_USER_DELAY_MS);
  });

  it('in the background (past the deadline) looks come every 5 to 30 s', async () => {
    const run = modelRun({ durationMs: 10 * 60_000 });
    await run.run({ backgroundAfter: 60_000 });
    let at = 0;
    const after = run.delays.filter((d) => {
      at += d;
      return at > 60_000 + BACKGROUND_MAX_DELAY_MS;
    });
    assert.ok(after.length > 5);
    assert.ok(
      after.every((d) => d >= BACKGROUND_FIRST_DELAY_MS && d <= BACKGROUND_MAX_DELAY_MS),
      after.join(),
    );
    assert.ok(after.length <= 30, `${after.length} looks in the 9 background minutes`);
  });
});
