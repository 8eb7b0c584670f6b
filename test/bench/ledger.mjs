// §11 Spend ledger: the gate reads the ledger afresh before every request and the status bar
// after every journal change, so building it must stay cheap for someone who makes many images.
// Builds it over --logged billed tasks in the ledger's log (13 monthly files, as the log writes
// them) and --records journal records (written by the journal, spread over five workspaces),
// cold and warm (the log's files unchanged since the last read; the journals are always read
// again) and the journals alone, median of --runs.
//
// Usage: node test/bench/ledger.mjs [--logged 5000] [--records 500] [--runs 7]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cliArg, compiled, emitResult, median } from './lib.mjs';

const LOGGED = Number(cliArg('logged', 5000));
const RECORDS = Number(cliArg('records', 500));
const RUNS = Number(cliArg('runs', 7));

const { TaskJournal } = compiled('src/core/journal.js');
const { advance, newRecord } = compiled('src/core/lifecycle.js');
const { buildLedger } = compiled('src/core/ledger.js');
const { BilledLog, readJournalTasks } = compiled('src/core/ledgerSources.js');

const root = mkdtempSync(path.join(tmpdir(), 'aigc-ledger-bench-'));
const day = 24 * 3600 * 1000;
const models = [
  ['GEM', '3.0'],
  ['Qwen', '0925'],
  ['Hunyuan', '3.0'],
];

async function writeRecords() {
  const owner = { id: 'bench', pid: process.pid, host: 'bench' };
  for (let i = 0; i < RECORDS; i++) {
    const [name, version] = models[i % 3];
    const journal = new TaskJournal(path.join(root, 'tasks', `w${i % 5}`), owner);
    const record = newRecord({
      id: `r${i}`,
      kind: 'generate',
      body: { model_name: name, model_version: version, prompt: 'a lighthouse at dusk' },
      references: [],
      apiOrigin: 'https://gw.example',
      target: { workspaceRoot: '/w', outputFolder: 'generated-images', writeSidecar: true },
      createdAt: Date.now() - (i % 30) * day,
    });
    await journal.write(advance(record, { type: 'submitted', ref: { taskId: `T-${i}` } }, record.createdAt));
  }
}

/** The log as a year of heavy use leaves it: one line per billed task, by the month it was accepted. */
async function writeLog() {
  const writer = new BilledLog(path.join(root, 'ledger'));
  const tasks = [];
  for (let i = 0; i < LOGGED; i++) {
    const [name, version] = models[i % 3];
    tasks.push({ taskId: `L-${i}`, model: `${name} ${version}`, at: Date.now() - (i % 390) * day, final: true });
  }
  await writer.record(tasks, []);
}

async function build(log) {
  const started = performance.now();
  const journal = await readJournalTasks(path.join(root, 'tasks'));
  const logged = await log.read();
  await log.record(journal, logged);
  const ledger = buildLedger([...journal, ...logged]);
  return { ms: performance.now() - started, tasks: ledger.tasks };
}

try {
  await writeRecords();
  await writeLog();
  const cold = [];
  const warm = [];
  const journalOnly = [];
  let counted = 0;
  for (let run = 0; run < RUNS; run++) {
    const log = new BilledLog(path.join(root, 'ledger'));
    const first = await build(log);
    cold.push(first.ms);
    counted = first.tasks;
    warm.push((await build(log)).ms);
    const started = performance.now();
    await readJournalTasks(path.join(root, 'tasks'));
    journalOnly.push(performance.now() - started);
  }
  emitResult({
    logged: LOGGED,
    records: RECORDS,
    runs: RUNS,
    tasks: counted,
    coldMs: median(cold),
    warmMs: median(warm),
    journalMs: median(journalOnly),
  });
} finally {
  rmSync(root, { recursive: true, force: true });
}
