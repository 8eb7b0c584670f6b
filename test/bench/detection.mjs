// §1b Detection when the gateway gives no useful progress. For each shape — none, stuck at 99,
// jumps, TaskNotExist for 2 s after create, a 20 s query outage — the same tasks run at the same
// time through:
//   ours cold   GatewayClient + pollUntilDone, nothing learned yet
//   ours warm   the same, having seen 20 tasks of each model on this gateway (their durations
//               drawn from the model's distribution, as the duration book would hold them)
//   fal         @fal-ai/client fal.subscribe (polling, its default 500 ms) on the queue shape
//   naive       GatewayClient.query every 500 ms
// Durations per model (10–30 s; mean ± sd, normal, clipped): GEM 2.5 12 ± 1 s, GEM 3.0 20 ± 1.5 s,
// Qwen 15 ± 1 s, Hunyuan 26 ± 2 s; TASKS per model per client. The simulators run in another
// process (simHost.mjs), so their work is not counted as the clients'.
//
// Usage: node test/bench/detection.mjs [--tasks N] [--shapes none,stuck99,jumps,notExist,outage]
import {
  cliArg,
  compiled,
  durationSetter,
  emitResult,
  falClientFor,
  falTask,
  sleep,
  startSimHost,
  summary,
} from './lib.mjs';

const { GatewayClient } = compiled('src/core/gateway.js');
const { pollUntilDone } = compiled('src/core/poll.js');
const { isFinal } = compiled('src/core/gatewayAnswer.js');

const TASKS = Number(cliArg('tasks', process.env.AIGC_BENCH_DETECTION_TASKS ?? 10));
const SHAPES = String(cliArg('shapes', 'none,stuck99,jumps,notExist,outage')).split(',');
const STAGGER_MS = 2000;
const FAL_ENDPOINT = 'tencent-vod/v1/aigc-image';
const BODY = { model_name: 'GEM', model_version: '2.5', prompt: 'detection benchmark' };
const { MODEL_DURATIONS: MODELS, drawDurations: draw } = compiled('test/support/durations.js');
const CLIENTS = ['ours cold', 'ours warm', 'fal', 'naive'];

/** What each shape does to the simulators (sim options, and a fault started with the tasks). */
function shapeSetup(shape) {
  switch (shape) {
    case 'none':
      return { native: { progress: 'none' } };
    case 'stuck99':
      return { native: { progress: 'stuck99' } };
    case 'jumps':
      return { native: { progress: 'jumps' } };
    case 'notExist':
      return { native: { progress: 'none', invisibleMs: 2000 }, queue: { invisibleMs: 2000 } };
    case 'outage':
      return { native: { progress: 'none' }, outage: { afterMs: 6000, forMs: 20_000 } };
    default:
      throw new Error(`unknown shape ${shape}`);
  }
}

async function main() {
  const host = await startSimHost();
  try {
    const native = await host.start('native', { mode: 'native', queueMs: 0 });
    const queue = await host.start('queue', { mode: 'queue', queueMs: 0 });
    const ours = new GatewayClient({ baseUrl: native.apiOrigin, apiKey: native.apiKey });
    const fal = falClientFor(queue);
    // What the duration book would hold after 20 tasks of each model.
    const learned = Object.fromEntries(Object.keys(MODELS).map((m, i) => [m, draw(m, 20, 4242 + i)]));

    const withDuration = durationSetter(host, ['native', 'queue']);

    const ourRun = (history) => async (durationMs, model) => {
      const ref = await withDuration('native', durationMs, () => ours.submit(BODY));
      const state = await pollUntilDone(ours, ref, { durations: history ? learned[model] : undefined });
      return { taskId: ref.taskId, seenAt: Date.now(), status: state.status };
    };
    const runners = {
      'ours cold': ourRun(false),
      'ours warm': ourRun(true),
      fal: (durationMs) => falTask(fal, FAL_ENDPOINT, BODY, withDuration, durationMs),
      async naive(durationMs) {
        const ref = await withDuration('native', durationMs, () => ours.submit(BODY));
        for (;;) {
          await sleep(500);
          const state = await ours.query(ref).catch(() => undefined);
          if (state && isFinal(state)) return { taskId: ref.taskId, seenAt: Date.now(), status: state.status };
        }
      },
    };

    const rows = [];
    for (const shape of SHAPES) {
      const setup = shapeSetup(shape);
      await host.reset('native');
      await host.reset('queue');
      if (setup.native) await host.configure('native', setup.native);
      if (setup.queue) await host.configure('queue', setup.queue);
      const tasks = Object.keys(MODELS).flatMap((model, m) =>
        draw(model, TASKS, 9000 + m).map((durationMs) => ({ model, durationMs })),
      );
      const started = Date.now();
      let outageStartedAt;
      if (setup.outage) {
        void sleep(setup.outage.afterMs).then(async () => {
          outageStartedAt = Date.now();
          await host.fault('native', {
            route: 'query',
            fault: { kind: 'http', status: 503 },
            forMs: setup.outage.forMs,
          });
          await host.fault('queue', {
            route: 'status',
            fault: { kind: 'http', status: 503 },
            forMs: setup.outage.forMs,
          });
        });
      }
      const jobs = [];
      for (const [i, task] of tasks.entries()) {
        for (const [c, client] of CLIENTS.entries()) {
          const offset = ((i + c / CLIENTS.length) * STAGGER_MS) / tasks.length;
          jobs.push(
            sleep(offset)
              .then(() => runners[client](task.durationMs, task.model))
              .then(
                (r) => ({ client, ...task, ...r }),
                (error) => ({ client, ...task, error: String(error?.message ?? error) }),
              ),
          );
        }
      }
      const records = await Promise.all(jobs);
      const byId = new Map([...(await host.tasks('native')), ...(await host.tasks('queue'))].map((t) => [t.id, t]));
      const outageEnd = outageStartedAt === undefined ? undefined : outageStartedAt + setup.outage.forMs;
      for (const client of CLIENTS) {
        const samples = [];
        const errors = [];
        for (const record of records.filter((r) => r.client === client)) {
          const task = record.taskId ? byId.get(record.taskId) : undefined;
          if (record.error || !task || record.seenAt === undefined || record.status !== 'succeeded') {
            errors.push(record.error ?? `status ${record.status}`);
            continue;
          }
          // A finish during the outage can only be seen after it: measured from its end.
          const from =
            outageEnd !== undefined && task.doneAt < outageEnd && task.doneAt > outageStartedAt
              ? outageEnd
              : task.doneAt;
          samples.push({ latencyMs: record.seenAt - from, statusRequests: task.statusRequests });
        }
        rows.push({
          shape,
          client,
          tasks: samples.length,
          latency: summary(samples.map((s) => s.latencyMs)),
          statusRequests: summary(samples.map((s) => s.statusRequests)),
          latencies: samples.map((x) => Math.round(x.latencyMs)),
          errors: [...new Set(errors)].slice(0, 3),
          errorCount: errors.length,
        });
      }
      process.stderr.write(`detection: ${shape} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    emitResult({ tasksPerModel: TASKS, models: MODELS, rows });
  } finally {
    await host.close();
  }
}

await main();
