// §1 Completion detection: how long after the simulator marks a task done does each
// client notice, and how many status requests did it send meanwhile.
//
// Clients, all run at the same time against simulators in another process:
//   ours        GatewayClient + pollUntilDone (src/core/poll.ts) on the Tencent-native shape (with Progress)
//   ours/queue  the same client on the queue shape, which reports no progress (the schedule cannot aim)
//   fal         @fal-ai/client fal.subscribe (polling mode, its default 500 ms interval) on the queue shape,
//               pointed at the simulator with a requestMiddleware that swaps https://queue.fal.run for it
//   naive       GatewayClient.query every 500 ms on the native shape
//
// Usage: node test/bench/latency.mjs [--tasks N] [--groups 5,15,30,dist]
import {
  cliArg,
  compiled,
  durationSetter,
  emitResult,
  falClientFor,
  falTask,
  prng,
  sleep,
  startSimHost,
  summary,
} from './lib.mjs';

const { GatewayClient } = compiled('src/core/gateway.js');
const { pollUntilDone } = compiled('src/core/poll.js');
const { isFinal } = compiled('src/core/gatewayAnswer.js');

const TASKS = Number(cliArg('tasks', process.env.AIGC_BENCH_TASKS ?? 16));
const GROUPS = String(cliArg('groups', '5,15,30,dist')).split(',');
/** Submissions of one group are spread over this window, as a user's tasks would be. */
const STAGGER_MS = 1500;
/** Spread of the fixed-duration groups around their nominal duration (see groupDurations). */
const PHASE_JITTER_MS = 500;
const BODY = { model_name: 'GEM', model_version: '2.5', prompt: 'A lighthouse at dusk, benchmark' };
const FAL_ENDPOINT = 'tencent-vod/v1/aigc-image';

export const CLIENTS = ['ours', 'ours/queue', 'fal', 'naive'];

function groupDurations(group) {
  if (group === 'dist') {
    // Like real tasks (docs/protocol.md: about 10–30 s): uniform in [10, 30] s, the same list for every client.
    const random = prng(20251126);
    return Array.from({ length: TASKS }, () => Math.round(10_000 + random() * 20_000));
  }
  // Nominal duration ± 250 ms: a duration of exactly 10 × 500 ms would finish in phase with every
  // 500 ms poller (each look lands a few ms after the end), a luck real tasks never give them.
  const random = prng(Number(group) * 7919);
  return Array.from({ length: TASKS }, () => Math.round(Number(group) * 1000 + (random() - 0.5) * PHASE_JITTER_MS));
}

async function main() {
  const host = await startSimHost();
  try {
    const native = await host.start('native', { mode: 'native', queueMs: 0 });
    const queue = await host.start('queue', { mode: 'queue', queueMs: 0 });
    const simFor = { ours: 'native', naive: 'native', 'ours/queue': 'queue', fal: 'queue' };

    const ours = new GatewayClient({ baseUrl: native.apiOrigin, apiKey: native.apiKey });
    const oursQueue = new GatewayClient({ baseUrl: queue.apiOrigin, apiKey: queue.apiKey });
    const fal = falClientFor(queue);

    const withDuration = durationSetter(host, ['native', 'queue']);

    const runners = {
      async ours(durationMs) {
        const ref = await withDuration('native', durationMs, () => ours.submit(BODY));
        const state = await pollUntilDone(ours, ref);
        return { taskId: ref.taskId, seenAt: Date.now(), status: state.status };
      },
      async 'ours/queue'(durationMs) {
        const ref = await withDuration('queue', durationMs, () => oursQueue.submit(BODY));
        const state = await pollUntilDone(oursQueue, ref);
        return { taskId: ref.taskId, seenAt: Date.now(), status: state.status };
      },
      fal: (durationMs) => falTask(fal, FAL_ENDPOINT, BODY, withDuration, durationMs),
      async naive(durationMs) {
        const ref = await withDuration('native', durationMs, () => ours.submit(BODY));
        for (;;) {
          await sleep(500);
          const state = await ours.query(ref);
          if (isFinal(state)) return { taskId: ref.taskId, seenAt: Date.now(), status: state.status };
        }
      },
    };

    const groups = [];
    for (const group of GROUPS) {
      const durations = groupDurations(group);
      await host.reset('native');
      await host.reset('queue');
      const started = Date.now();
      const jobs = [];
      for (let i = 0; i < durations.length; i++) {
        for (const [c, client] of CLIENTS.entries()) {
          const offset = ((i + c / CLIENTS.length) * STAGGER_MS) / durations.length;
          jobs.push(
            sleep(offset)
              .then(() => runners[client](durations[i]))
              .then(
                (r) => ({ client, durationMs: durations[i], ...r }),
                (error) => ({ client, durationMs: durations[i], error: String(error?.stack ?? error) }),
              ),
          );
        }
      }
      const records = await Promise.all(jobs);
      const simTasks = { native: await host.tasks('native'), queue: await host.tasks('queue') };
      const byId = new Map([...simTasks.native, ...simTasks.queue].map((t) => [t.id, t]));
      const perClient = {};
      const errors = [];
      for (const client of CLIENTS) {
        const rows = [];
        for (const record of records.filter((r) => r.client === client)) {
          const task = record.taskId ? byId.get(record.taskId) : undefined;
          if (record.error || !task || record.seenAt === undefined || record.status !== 'succeeded') {
            errors.push(`${client}: ${record.error ?? `status ${record.status}, task ${record.taskId}`}`);
            continue;
          }
          rows.push({
            durationMs: task.doneAt - task.startAt,
            latencyMs: record.seenAt - task.doneAt,
            statusRequests: task.statusRequests,
            allRequests: task.allRequests,
          });
        }
        perClient[client] = {
          sim: simFor[client],
          latency: summary(rows.map((r) => r.latencyMs)),
          statusRequests: summary(rows.map((r) => r.statusRequests)),
          allRequests: summary(rows.map((r) => r.allRequests)),
          samples: rows,
        };
      }
      groups.push({
        group,
        tasksPerClient: durations.length,
        seconds: (Date.now() - started) / 1000,
        clients: perClient,
        errors,
      });
      process.stderr.write(`latency: group ${group} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }

    // All groups pooled, per client.
    const pooled = {};
    for (const client of CLIENTS) {
      const samples = groups.flatMap((g) => g.clients[client].samples);
      pooled[client] = {
        latency: summary(samples.map((s) => s.latencyMs)),
        statusRequests: summary(samples.map((s) => s.statusRequests)),
        allRequests: summary(samples.map((s) => s.allRequests)),
      };
    }
    emitResult({ tasksPerClient: TASKS, staggerMs: STAGGER_MS, phaseJitterMs: PHASE_JITTER_MS, groups, pooled });
  } finally {
    await host.close();
  }
}

await main();
