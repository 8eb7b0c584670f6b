// §11 Spend ledger: the gate reads the ledger afresh before every request and the status bar
// after every journal change, so building it must stay cheap with a workspace of many images.
// Builds it over --sidecars sidecars (written as the landing writes them) and --records journal
// records (written by the journal, spread over five workspaces), cold and warm (the sidecars'
// cache reused; the journal is always read again) and the journals alone (what the gate rereads
// before a request when nothing changed in this window), median of --runs.
//
// Usage: node test/bench/ledger.mjs [--sidecars 5000] [--records 500] [--runs 7]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cliArg, compiled, emitResult, median } from './lib.mjs';

const SIDECARS = Number(cliArg('sidecars', 5000));
const RECORDS = Number(cliArg('records', 500));
const RUNS = Number(cliArg('runs', 7));

const { TaskJournal } = compiled('src/core/journal.js');
const { advance, newRecord } = compiled('src/core/lifecycle.js');
const { buildLedger } = compiled('src/core/ledger.js');
const { SidecarTasks, readJournalTasks } = compiled('src/core/ledgerSources.js');
const { buildSidecar, sidecarText } = compiled('src/core/sidecar.js');

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

function writeSidecars() {
  const files = [];
  for (let i = 0; i < SIDECARS; i++) {
    const [name, version] = models[i % 3];
    const dir = path.join(root, 'images', `d${i % 60}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `img${i}.png.json`);
    const at = new Date(Date.now() - (i % 90) * day);
    const sidecar = buildSidecar({
      taskId: i < RECORDS ? `T-${i}` : `S-${i}`,
      body: { model_name: name, model_version: version, prompt: 'a lighthouse at dusk, wide shot, warm light' },
      references: [],
      images: [
        { file: `img${i}.png`, url: 'https://cdn.example/x.png', format: 'png', bytes: 123456, sha256: 'a'.repeat(64) },
      ],
      apiOrigin: 'https://gw.example',
      submittedAt: at,
      savedAt: at,
      extensionVersion: '1.0.0',
    });
    writeFileSync(file, sidecarText(sidecar));
    files.push(file);
  }
  return files;
}

async function build(reader, files) {
  const started = performance.now();
  const tasks = [...(await readJournalTasks(path.join(root, 'tasks'))), ...(await reader.read(files))];
  const ledger = buildLedger(tasks);
  return { ms: performance.now() - started, tasks: ledger.tasks };
}

try {
  await writeRecords();
  const files = writeSidecars();
  const cold = [];
  const warm = [];
  const journalOnly = [];
  let counted = 0;
  for (let run = 0; run < RUNS; run++) {
    const reader = new SidecarTasks();
    const first = await build(reader, files);
    cold.push(first.ms);
    counted = first.tasks;
    warm.push((await build(reader, files)).ms);
    const started = performance.now();
    await readJournalTasks(path.join(root, 'tasks'));
    journalOnly.push(performance.now() - started);
  }
  emitResult({
    sidecars: SIDECARS,
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
