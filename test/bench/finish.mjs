// §9 Finishing: what making a finished file costs through our engine (ImageWorker: sharp in a
// worker thread, with the border check, soft key-out, despill and the checks on the result)
// against a plain sharp pipeline on the main thread doing the same crop, resize and encoding (and,
// for the key-out, the naive threshold). Time (median after a warm-up), peak RSS (each side in
// fresh processes), the key-out's quality, and the main thread's event-loop delay while a 4K job
// runs in our worker.
//
// Usage: node test/bench/finish.mjs [--reps n]   (needs the compiled tree: npm run compile-tests)
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { makeInputs } from './imageLibraryInputs.mjs';
import { benchDir, cliArg, emitResult, formatTable, mb, ms, num } from './lib.mjs';

const run = promisify(execFile);
const REPS = Number(cliArg('reps', 5));
const JOBS = {
  thumb: '4096² → 512² WebP',
  cover: '2752×1536 → 1200×630 JPEG',
  keyout: 'key-out 2048², PNG → PNG',
};

async function child(mode, job, dir) {
  const { stdout } = await run(process.execPath, [path.join(benchDir, 'finishChild.mjs'), mode, job, dir, REPS], {
    maxBuffer: 4 * 1024 * 1024,
    timeout: 600_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop());
}

const dir = await mkdtemp(path.join(tmpdir(), 'aigc-bench-finish-'));
try {
  await makeInputs(dir);
  const jobs = {};
  for (const job of Object.keys(JOBS)) {
    // Alternating who goes first keeps drift in the shared machine's load off one side.
    const order = Object.keys(jobs).length % 2 ? ['sharp', 'ours'] : ['ours', 'sharp'];
    jobs[job] = {};
    for (const mode of order) jobs[job][mode] = await child(mode, job, dir);
  }
  const eld = { ours: await child('ours', 'eld', dir), sharp: await child('sharp', 'eld', dir) };
  const result = { reps: REPS, labels: JOBS, jobs, eld };
  if (!process.env.AIGC_OUT_DIR || process.argv.includes('--print')) {
    const rows = Object.entries(JOBS).map(([job, label]) => {
      const { ours, sharp } = jobs[job];
      return [
        label,
        ms(ours.median),
        ms(sharp.median),
        num(ours.median / sharp.median),
        mb(ours.peakRss),
        mb(sharp.peakRss),
      ];
    });
    rows.push(['ELD p99 during 4K', ms(eld.ours.p99), ms(eld.sharp.p99), '', '', '']);
    console.log(formatTable(['job', 'ours', 'sharp', 'ratio', 'RSS ours', 'RSS sharp'], rows));
  }
  emitResult(result);
} finally {
  await rm(dir, { recursive: true, force: true });
}
