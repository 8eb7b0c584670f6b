// §2 End-to-end overhead: submit → image saved on disk through the task lifecycle (journal,
// lease, collector, landing with its sidecar), the same path the extension takes,
// minus the simulated task time; for 1 task (repeated) and 16 concurrent tasks. Event-loop
// delay (perf_hooks.monitorEventLoopDelay) is recorded while the 16 run; the simulator lives
// in another process, so its work is not counted as ours.
//
// Usage: node test/bench/e2e.mjs [--duration ms] [--bytes n] [--single-runs n]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cliArg, compiled, emitResult, startSimHost, summary } from './lib.mjs';

const { GatewayClient } = compiled('src/core/gateway.js');
const { TaskCollector } = compiled('src/core/collector.js');
const { TaskJournal } = compiled('src/core/journal.js');
const { newRecord } = compiled('src/core/lifecycle.js');

const arg = (name, fallback) => Number(cliArg(name, fallback));
const TASK_MS = arg('duration', 10_000);
/** A 2K PNG from the service is a few MB; every task's image is padded to this size. */
const IMAGE_BYTES = arg('bytes', 4 * 1024 * 1024);
const SINGLE_RUNS = arg('single-runs', 3);
const CONCURRENT = 16;
const ELD_RESOLUTION_MS = 10;
const BODY = { model_name: 'GEM', model_version: '2.5', prompt: 'A tiny robot watering plants, end-to-end benchmark' };

async function main() {
  const host = await startSimHost();
  const workspace = await mkdtemp(path.join(tmpdir(), 'aigc-bench-e2e-'));
  try {
    const sim = await host.start('native', {
      mode: 'native',
      queueMs: 0,
      taskDurationMs: TASK_MS,
      imageBytes: IMAGE_BYTES,
    });
    const client = new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey });

    const journal = new TaskJournal(path.join(workspace, '.journal'), { id: 'bench', pid: process.pid, host: 'bench' });
    let counter = 0;

    async function oneTask() {
      const submittedAt = Date.now();
      const record = newRecord({
        id: `bench-${++counter}`,
        kind: 'generate',
        body: { ...BODY, session_id: `bench-${process.pid}-${counter}-${submittedAt}` },
        references: [],
        apiOrigin: client.apiOrigin,
        target: { workspaceRoot: workspace, outputFolder: 'generated-images', writeSidecar: true },
        createdAt: submittedAt,
      });
      const lease = await journal.tryAcquire(record.id);
      await journal.write(record);
      let seenAt;
      const collector = new TaskCollector(
        record,
        {
          journal,
          client,
          authorization: `Bearer ${sim.apiKey}`,
          extensionVersion: '0.0.0-bench',
          bodyFor: async (r) => r.body,
        },
        {
          lease,
          backgroundAfter: Date.now() + 10 * 60_000,
          onChange: (c) => (seenAt ??= c.record.phase === 'landing' ? Date.now() : undefined),
        },
      );
      const final = await collector.run();
      await lease.release();
      const savedAt = Date.now();
      if (final.phase !== 'landed') throw new Error(`task ended ${final.phase}`);
      const file = final.images[0].landed;
      if (!file || (await stat(file.path)).size !== file.bytes || file.bytes < IMAGE_BYTES)
        throw new Error('image not saved whole');
      return { taskId: final.ref.taskId, submittedAt, seenAt, savedAt, bytes: file.bytes };
    }

    async function batch(n) {
      await host.reset('native');
      await host.configure('native', { taskDurationMs: TASK_MS, imageBytes: IMAGE_BYTES });
      const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
      eld.enable();
      const started = Date.now();
      const runs = await Promise.all(Array.from({ length: n }, () => oneTask()));
      eld.disable();
      const tasks = new Map((await host.tasks('native')).map((t) => [t.id, t]));
      const rows = runs.map((r) => {
        const t = tasks.get(r.taskId);
        const simulated = t.doneAt - t.createdAt;
        return {
          overheadMs: r.savedAt - r.submittedAt - simulated,
          detectMs: r.seenAt - t.doneAt,
          saveMs: r.savedAt - r.seenAt,
          simulatedMs: simulated,
          bytes: r.bytes,
        };
      });
      return {
        rows,
        wallMs: Date.now() - started,
        eld: {
          p50: eld.percentile(50) / 1e6,
          p99: eld.percentile(99) / 1e6,
          max: eld.max / 1e6,
          mean: eld.mean / 1e6,
          // Delay beyond the sampling timer's own period, i.e. what a queued UI event would wait.
          resolutionMs: ELD_RESOLUTION_MS,
        },
      };
    }

    const single = [];
    const singleEld = [];
    for (let i = 0; i < SINGLE_RUNS; i++) {
      const b = await batch(1);
      single.push(...b.rows);
      singleEld.push(b.eld.p99);
      process.stderr.write(`e2e: single run ${i + 1}/${SINGLE_RUNS} overhead ${b.rows[0].overheadMs} ms\n`);
    }
    const many = await batch(CONCURRENT);
    process.stderr.write(`e2e: ${CONCURRENT} concurrent done, ELD p99 ${many.eld.p99.toFixed(1)} ms\n`);

    const describe = (rows) => ({
      overhead: summary(rows.map((r) => r.overheadMs)),
      detect: summary(rows.map((r) => r.detectMs)),
      save: summary(rows.map((r) => r.saveMs)),
    });
    emitResult({
      taskMs: TASK_MS,
      imageBytes: IMAGE_BYTES,
      single: { runs: SINGLE_RUNS, ...describe(single), eldP99: summary(singleEld) },
      concurrent: { n: CONCURRENT, ...describe(many.rows), eld: many.eld, wallMs: many.wallMs },
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
    await host.close();
  }
}

await main();
