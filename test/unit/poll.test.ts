import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { StudioError } from '../../src/core/errors';
import { GatewayClient } from '../../src/core/gateway';
import { FIRST_DELAY_MS, MAX_DELAY_MS, estimateFinish, nextDelay, pollUntilDone } from '../../src/core/poll';
import type { TaskState } from '../../src/core/taskState';
import { type Simulator, startSimulator } from '../sim/simulator';

const body = { model_name: 'GEM', model_version: '2.5', prompt: 'waiting' } as const;
let sim: Simulator;
let client: GatewayClient;

const queries = (taskId: string) => sim.requests.filter((r) => r.server === 'api' && r.method === 'GET' && r.path.includes(taskId));

before(async () => {
  sim = await startSimulator({ quiet: true });
});
after(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  sim.configure({ quiet: true, taskDurationMs: 1500 });
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
    assert.ok(delays.every((d, i) => i === 0 || d >= delays[i - 1]!), 'never speeds up without reason');
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
    assert.ok(nextDelay({ attempt: 2, previousDelay: 2500, now: 10_000, samples: longTask, missedAim: false }) <= 10_000, 're-estimates at least every 10 s');
  });
});

describe('pollUntilDone against the simulator', () => {
  it('reports the queue position (queue-style gateways), then the result', async () => {
    sim.configure({ mode: 'queue', queueMs: 800, taskDurationMs: 1500 });
    const submitted = await client.submit(body);
    const states: TaskState[] = [];
    const final = await pollUntilDone(client, submitted, { onState: (s) => states.push(s) });
    assert.equal(final.status, 'succeeded');
    assert.ok(states.some((s) => s.status === 'queued' && typeof s.position === 'number'), 'saw a queue position');
  });

  it('reports rising progress (Tencent-native answers), then the result', async () => {
    sim.configure({ queueMs: 800, taskDurationMs: 2500 });
    const submitted = await client.submit(body);
    const states: TaskState[] = [];
    const final = await pollUntilDone(client, submitted, { onState: (s) => states.push(s) });
    assert.equal(final.status, 'succeeded');
    assert.ok(states.some((s) => s.status === 'queued'), 'saw the task waiting');
    const progress = states.flatMap((s) => (s.status === 'running' && s.progress !== undefined ? [s.progress] : []));
    assert.ok(progress.length >= 1, 'saw progress');
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress never goes back');
  });

  it('uses few requests for a long task by aiming at its finish', async () => {
    sim.configure({ taskDurationMs: 6000 });
    const submitted = await client.submit(body);
    await pollUntilDone(client, submitted);
    const naive = Math.ceil(6000 / 500);
    assert.ok(queries(submitted.taskId).length <= naive / 2, `${queries(submitted.taskId).length} look-ups vs ${naive} at 500 ms`);
  });

  it('stops at once when aborted and sends nothing more', async () => {
    sim.configure({ taskDurationMs: 20_000 });
    const submitted = await client.submit(body);
    const abort = new AbortController();
    const waiting = pollUntilDone(client, submitted, {
      signal: abort.signal,
      onState: () => abort.abort(),
    });
    await assert.rejects(waiting, (e: unknown) => e instanceof StudioError && e.kind === 'aborted');
    const count = queries(submitted.taskId).length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(queries(submitted.taskId).length, count, 'no look-ups after the abort');
  });

  it('gives up at the deadline with a message that the task is kept', async () => {
    sim.configure({ taskDurationMs: 60_000 });
    const submitted = await client.submit(body);
    await assert.rejects(pollUntilDone(client, submitted, { deadlineMs: 1200 }), (e: unknown) => {
      assert.ok(e instanceof StudioError && e.kind === 'timeout');
      assert.match(e.message, /kept/);
      return true;
    });
    assert.ok(queries(submitted.taskId).length <= 4);
  });

  it('retries transient look-up failures and honours Retry-After', async () => {
    const submitted = await client.submit(body);
    sim.fault({ route: 'query', fault: { kind: 'http', status: 429, retryAfterSeconds: 1 }, times: 1 });
    sim.fault({ route: 'query', fault: { kind: 'http', status: 502 }, times: 1 });
    const retries: StudioError[] = [];
    const final = await pollUntilDone(client, submitted, { onRetry: (e) => retries.push(e) });
    assert.equal(final.status, 'succeeded');
    assert.deepEqual(retries.map((e) => e.kind), ['rateLimited', 'server']);
    const [first, second] = queries(submitted.taskId);
    assert.ok(second!.at - first!.at >= 1000, 'waited at least the Retry-After');
  });

  it('does not retry an auth failure', async () => {
    const submitted = await client.submit(body);
    sim.fault({ route: 'query', fault: { kind: 'http', status: 401 }, times: 1 });
    await assert.rejects(pollUntilDone(client, submitted), (e: unknown) => e instanceof StudioError && e.kind === 'auth');
  });

  it('looks at once for a resumed task', async () => {
    const submitted = await client.submit(body);
    await new Promise((r) => setTimeout(r, 1700));
    const states: string[] = [];
    const final = await pollUntilDone(client, submitted, { lookNow: true, startedAt: Date.now() - 1700, onState: (s) => states.push(s.status) });
    assert.equal(final.status, 'succeeded');
    assert.deepEqual(states, ['succeeded'], 'one look was enough');
  });
});
