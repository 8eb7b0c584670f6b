// Shared helpers for the benchmark scripts: where the compiled code is, the simulator
// host (a child process, so the measured client never shares its event loop with the
// server), small statistics and the table printer.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(benchDir, '..', '..');
/** The tsc output to load core and simulator from: `out` (what `npm run bench` compiles) or AIGC_OUT_DIR. */
export const outDir = path.resolve(root, process.env.AIGC_OUT_DIR || 'out');
export const resultsDir = path.join(outDir, 'results');
export const require = createRequire(import.meta.url);

export function compiled(relative) {
  return require(path.join(outDir, relative));
}

// ---- simulator host ---------------------------------------------------------

/**
 * Starts test/bench/simHost.mjs and returns a small RPC handle. Each named simulator
 * there is a full `startSimulator` instance (API + CDN + third origin).
 */
export async function startSimHost() {
  const child = fork(path.join(benchDir, 'simHost.mjs'), [], {
    env: { ...process.env, AIGC_OUT_DIR: outDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let next = 0;
  child.on('message', (message) => {
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.error) entry.reject(new Error(`sim host: ${message.error}`));
    else entry.resolve(message.result);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('exit', (code) => {
    for (const entry of pending.values()) entry.reject(new Error(`sim host exited (${code})`));
    pending.clear();
  });
  const call = (op, args = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      child.send({ id, op, ...args });
    });
  return {
    pid: child.pid,
    /** Starts a simulator named `name`; returns {apiOrigin, cdnOrigin, apiKey}. */
    start: (name, options) => call('start', { name, options }),
    configure: (name, patch) => call('configure', { name, patch }),
    /** Task records: {id, createdAt, startAt, doneAt, statusRequests, allRequests}. */
    tasks: (name) => call('tasks', { name }),
    reset: (name) => call('reset', { name }),
    fault: (name, fault) => call('fault', { name, fault }),
    async close() {
      await call('close').catch(() => undefined);
      child.disconnect?.();
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One-at-a-time section, so "configure the task duration, then create" cannot interleave. */
export function createLock() {
  let tail = Promise.resolve();
  return function acquire() {
    let release;
    const held = new Promise((resolve) => (release = resolve));
    const ready = tail.then(() => release);
    tail = tail.then(() => held);
    return ready;
  };
}

/**
 * `withDuration(sim, ms, create)`: holds the simulator's lock from "set this task's duration"
 * until the create answer is back (`create` gets a `release` to call as soon as it has an id).
 */
export function durationSetter(host, names) {
  const locks = Object.fromEntries(names.map((name) => [name, createLock()]));
  return async function withDuration(sim, durationMs, create) {
    const release = await locks[sim]();
    let released = false;
    const done = () => {
      if (!released) release();
      released = true;
    };
    try {
      await host.configure(sim, { taskDurationMs: durationMs });
      return await create(done);
    } finally {
      done();
    }
  };
}

/** @fal-ai/client pointed at a queue-shaped simulator through fal's documented request middleware. */
export function falClientFor(queue) {
  const { createFalClient } = require('@fal-ai/client');
  return createFalClient({
    credentials: undefined,
    requestMiddleware: async (request) => {
      if (!request.url.startsWith('https://queue.fal.run/')) throw new Error(`unexpected fal URL ${request.url}`);
      return {
        ...request,
        url: queue.apiOrigin + request.url.slice('https://queue.fal.run'.length),
        // The simulator checks a Bearer key; fal would send "Key …" from `credentials`.
        headers: { ...request.headers, Authorization: `Bearer ${queue.apiKey}` },
      };
    },
  });
}

/** One task through fal.subscribe (polling mode), with the moment fal reported it complete. */
export async function falTask(fal, endpoint, input, withDuration, durationMs) {
  let taskId;
  let seenAt;
  const result = await withDuration('queue', durationMs, (release) =>
    fal.subscribe(endpoint, {
      input,
      mode: 'polling',
      onEnqueue: (requestId) => {
        taskId = requestId;
        release();
      },
      onQueueUpdate: (update) => {
        if (update.status === 'COMPLETED' && seenAt === undefined) seenAt = Date.now();
      },
    }),
  );
  return {
    taskId,
    seenAt,
    status: result?.data?.Response?.AigcImageTask?.Status === 'FINISH' ? 'succeeded' : 'unexpected',
  };
}

/** `--name value` from the command line, or `fallback`. */
export function cliArg(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

// ---- statistics -----------------------------------------------------------------

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);
export const mean = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);

export function summary(values) {
  return {
    n: values.length,
    p50: median(values),
    p90: quantile(values, 0.9),
    max: values.length ? Math.max(...values) : NaN,
    min: values.length ? Math.min(...values) : NaN,
    mean: mean(values),
  };
}

/** Deterministic PRNG (mulberry32), so every run and every client gets the same "random" durations. */
export const { prng } = compiled('test/support/durations.js');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- formatting -----------------------------------------------------------------

export const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '–');
export const mb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : '–');
export const kb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : '–');
export const num = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** Aligned plain-text table; `rows` may contain `null` for a separator line. */
export function formatTable(headers, rows) {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.filter(Boolean).map((r) => String(r[i] ?? '').length)),
  );
  const line = (cells) =>
    cells
      .map((c, i) => String(c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map((r) => (r ? line(r) : rule))].join('\n');
}

/** The same table as GitHub markdown. */
export function formatMarkdownTable(headers, rows) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|');
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.filter(Boolean).map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** Section scripts print their result as the last line, prefixed so stray output cannot be mistaken for it. */
export const RESULT_PREFIX = '@@bench-result ';

export function emitResult(result) {
  process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}
