/**
 * The poll schedule on a model clock: tasks whose durations come from per-model distributions,
 * gateways that give no useful progress (none, 0 until the end, stuck at 99, jumps, a constant),
 * TaskNotExist after create, outages. Deterministic (a seeded generator, a clock that moves only
 * when the schedule sleeps), so request counts and detection latencies are exact, and compared
 * with a fixed 500 ms poller (what @fal-ai/client does) on the same tasks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DurationBook, durationKey } from '../../src/core/durationBook';
import { GenerationError } from '../../src/core/errors';
import { pollUntilDone } from '../../src/core/poll';
import {
  COLD_INTERVAL_MS,
  blindDelay,
  durationModel,
  learn,
  progressLooksLinear,
  quantile,
  recentSamples,
} from '../../src/core/schedule';
import type { GatewayAnswer } from '../../src/core/gatewayAnswer';
import { type DurationModel, MODEL_DURATIONS, drawDurations as durations } from '../support/durations';

type Shape = 'linear' | 'none' | 'zero' | 'stuck99' | 'jumps' | 'constant50';
const PROGRESS: Record<Shape, (f: number) => number | undefined> = {
  linear: (f) => Math.floor(f * 100),
  none: () => undefined,
  zero: () => 0,
  stuck99: (f) => (f < 0.25 ? 0 : 99),
  jumps: (f) => (f < 0.2 ? 0 : f < 0.6 ? 30 : 80),
  constant50: () => 50,
};

interface Task {
  durationMs: number;
  shape?: Shape;
  /** The gateway answers TaskNotExist until this time. */
  visibleAt?: number;
  /** Every look fails between these times. */
  outage?: [number, number];
}

interface Run {
  looks: number;
  latency: number;
  /** Times of the looks (ms since submit). */
  at: number[];
}

async function model(task: Task, options: { history?: number[]; interval?: number } = {}): Promise<Run> {
  let now = 0;
  const at: number[] = [];
  const client = {
    async query(): Promise<GatewayAnswer> {
      at.push(now);
      if (task.visibleAt !== undefined && now < task.visibleAt)
        throw new GenerationError({ kind: 'notFound', template: 'TaskNotExist' });
      if (task.outage && now >= task.outage[0] && now < task.outage[1])
        throw new GenerationError({ kind: 'server', template: '503', httpStatus: 503 });
      if (now >= task.durationMs) return { taskId: 't', status: 'succeeded', images: [{ url: 'https://cdn/x.png' }] };
      const progress = PROGRESS[task.shape ?? 'none'](now / task.durationMs);
      return { taskId: 't', status: 'running', ...(progress === undefined ? {} : { progress }) };
    },
  };
  const sleep = async (ms: number) => {
    now += ms;
    await new Promise((r) => setImmediate(r));
  };
  if (options.interval) {
    // The peer: a fixed interval, as @fal-ai/client's polling mode (500 ms) does.
    for (;;) {
      await sleep(options.interval);
      const state = await client.query().catch(() => undefined);
      if (state?.status === 'succeeded') return { looks: at.length, latency: now - task.durationMs, at };
    }
  }
  await pollUntilDone(client, { taskId: 't' }, { now: () => now, sleep, durations: options.history });
  return { looks: at.length, latency: now - task.durationMs, at };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function compare(shape: Shape, history: 'cold' | 'warm', seed = 7) {
  const ours: Run[] = [];
  const peer: Run[] = [];
  for (const [i, name] of (Object.keys(MODEL_DURATIONS) as DurationModel[]).entries()) {
    const learned = durations(name, 20, seed * 100 + i);
    for (const durationMs of durations(name, 25, seed * 1000 + i)) {
      ours.push(await model({ durationMs, shape }, { history: history === 'warm' ? learned : undefined }));
      peer.push(await model({ durationMs, shape }, { interval: 500 }));
    }
  }
  return {
    p50: percentile(
      ours.map((r) => r.latency),
      50,
    ),
    p90: percentile(
      ours.map((r) => r.latency),
      90,
    ),
    looks: mean(ours.map((r) => r.looks)),
    peerP50: percentile(
      peer.map((r) => r.latency),
      50,
    ),
    peerLooks: mean(peer.map((r) => r.looks)),
  };
}

describe('learning durations', () => {
  it('the duration book survives a restart, per gateway and model, and ignores a damaged file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aigc-book-'));
    try {
      const file = path.join(dir, 'durations.json');
      const book = new DurationBook(file);
      const key = durationKey('https://gw.example', 'GEM', '2.5');
      for (const ms of [12_000, 12_400, 11_900]) await book.record(key, ms);
      await book.record(durationKey('https://gw.example', 'Qwen', '0925'), 15_000);
      const again = new DurationBook(file);
      assert.deepEqual(await again.durations(key), [12_000, 12_400, 11_900]);
      assert.ok(statSync(file).size < 400, `${statSync(file).size} bytes`);
      writeFileSync(file, '{"version": 1, "durations": 7}');
      assert.deepEqual(await new DurationBook(file).durations(key), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the newest 30 of the last 30 days, rounded to 10 ms', () => {
    let samples = learn([], 12_345, 0);
    assert.deepEqual(samples, [[12_350, 0]]);
    for (let i = 0; i < 40; i++) samples = learn(samples, 10_000 + i, i);
    assert.equal(samples.length, 30);
    assert.equal(recentSamples(samples, 31 * 24 * 3600_000).length, 0, 'a month later nothing is left');
  });

  it('a distribution needs five durations; its quantiles follow them', () => {
    assert.equal(durationModel([12_000, 12_500, 13_000, 11_800]), undefined);
    const m = durationModel(durations('GEM 2.5', 20, 3))!;
    assert.ok(Math.abs(quantile(m, 0.5) - 12_000) < 800, `median ${quantile(m, 0.5)}`);
    assert.ok(quantile(m, 0.01) > 8_000 && quantile(m, 0.99) < 16_000);
  });

  it('sleeps to just before the likely window, never longer than 10 s, then looks densely', () => {
    const m = durationModel(durations('Hunyuan 3.0', 20, 5))!;
    assert.equal(blindDelay({ attempt: 0, elapsed: 0, model: m }), 500);
    assert.equal(blindDelay({ attempt: 1, elapsed: 500, model: m }), 750);
    assert.equal(blindDelay({ attempt: 2, elapsed: 1250, model: m }), 10_000, 'far from the window: the longest sleep');
    const inWindow = blindDelay({ attempt: 9, elapsed: quantile(m, 0.5), model: m });
    assert.ok(inWindow >= 200 && inWindow < 1000, `dense at the median (${inWindow} ms)`);
    assert.equal(
      blindDelay({ attempt: 30, elapsed: 60_000, model: m }),
      COLD_INTERVAL_MS,
      'past the window: the cold pace',
    );
    assert.equal(blindDelay({ attempt: 5, elapsed: 5000 }), COLD_INTERVAL_MS, 'cold');
  });

  it('believes progress only when it rises like a clock', () => {
    const at = (progress: number[]) => progress.map((p, i) => ({ at: i * 1000, progress: p }));
    assert.ok(progressLooksLinear(at([10, 20, 30, 40])));
    assert.ok(!progressLooksLinear(at([0, 0, 0, 0])), 'zero');
    assert.ok(!progressLooksLinear(at([50, 50, 50])), 'constant');
    assert.ok(!progressLooksLinear(at([0, 99, 99, 99])), 'stuck at 99');
    assert.ok(!progressLooksLinear(at([0, 30, 30, 30, 80, 80])), 'jumps');
    assert.ok(!progressLooksLinear(at([10, 20])), 'too few');
  });
});

describe('detection without a progress signal (vs a 500 ms poller on the same tasks)', () => {
  it('warm (20 tasks of the model seen): median latency no worse than the poller, with at most a third of its requests', async () => {
    const r = await compare('none', 'warm');
    assert.ok(r.p50 <= r.peerP50, `p50 ${r.p50} ms vs ${r.peerP50} ms`);
    assert.ok(r.looks <= r.peerLooks / 3, `${r.looks.toFixed(1)} looks vs ${r.peerLooks.toFixed(1)}`);
  });

  it('cold (nothing learned): median latency at most twice the poller’s, with fewer requests', async () => {
    const r = await compare('none', 'cold');
    assert.ok(r.p50 <= 2 * r.peerP50, `p50 ${r.p50} ms vs ${r.peerP50} ms`);
    assert.ok(r.looks < r.peerLooks, `${r.looks.toFixed(1)} looks vs ${r.peerLooks.toFixed(1)}`);
  });

  for (const shape of ['zero', 'stuck99', 'jumps', 'constant50'] as const) {
    it(`progress "${shape}" is never worse than no progress at all (warm and cold)`, async () => {
      for (const history of ['warm', 'cold'] as const) {
        const none = await compare('none', history);
        const misleading = await compare(shape, history);
        assert.ok(misleading.p50 <= none.p50 + 50, `${history}: p50 ${misleading.p50} vs ${none.p50} ms`);
        assert.ok(misleading.p90 <= none.p90 + 100, `${history}: p90 ${misleading.p90} vs ${none.p90} ms`);
        assert.ok(
          misleading.looks <= none.looks + 3,
          `${history}: ${misleading.looks.toFixed(1)} vs ${none.looks.toFixed(1)} looks`,
        );
      }
    });
  }

  it('linear progress is still aimed at: fewer looks than without it, found within 1 % of the duration', async () => {
    const linear = await compare('linear', 'cold');
    const none = await compare('none', 'cold');
    assert.ok(linear.looks < none.looks / 2, `${linear.looks.toFixed(1)} vs ${none.looks.toFixed(1)} looks`);
    assert.ok(linear.p50 <= 200, `p50 ${linear.p50} ms`);
  });
});

describe('a gateway that is not there yet, or not there for a while', () => {
  it('TaskNotExist right after create: the first successful look comes within 1.5 s of the task becoming visible', async () => {
    for (const visibleAt of [800, 2_000, 5_500, 20_000]) {
      const run = await model({ durationMs: 25_000, visibleAt }, { history: durations('Hunyuan 3.0', 20, 1) });
      const firstGood = run.at.find((t) => t >= visibleAt)!;
      assert.ok(firstGood - visibleAt <= 1500, `visible at ${visibleAt}, first good look at ${firstGood}`);
    }
  });

  it('after a 45 s query outage the finish is seen within 2 s of the outage’s end', async () => {
    for (const [start, durationMs] of [
      [3_000, 20_000],
      [15_000, 55_000],
      [8_000, 60_000],
    ] as const) {
      const end = start + 45_000;
      const run = await model({ durationMs, outage: [start, end] }, { history: durations('GEM 3.0', 20, 2) });
      const detectedAt = durationMs + run.latency;
      if (durationMs <= end)
        assert.ok(detectedAt - end <= 2000, `finished during the outage: seen ${detectedAt - end} ms after it ended`);
      else assert.ok(run.latency <= 2000, `finished after the outage: seen ${run.latency} ms late`);
      const gaps = run.at.slice(1).map((t, i) => t - run.at[i]!);
      const during = gaps.filter((_, i) => run.at[i]! >= start && run.at[i]! < end);
      assert.ok(
        during.every((g) => g <= 2000),
        `no gap over 2 s while it lasts: ${run.at.join(' ')}`,
      );
    }
  });
});
