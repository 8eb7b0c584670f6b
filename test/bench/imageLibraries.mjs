// §7 Image libraries: the candidates for post-processing generated images ("finished assets":
// exact sizes, format conversion, key-colour removal, favicons) side by side on the same inputs:
// sharp (native libvips), sharp's WebAssembly build, wasm-vips and the Squoosh codecs (@jsquash/*).
// Figures for docs/image-library.md: time per job (median after a warm-up), RSS high-water mark,
// first load, event-loop delay with the work in a worker_thread, installed and shipped bytes.
// Every measurement is a fresh process (imageLibrariesChild.mjs); every result is checked.
//
// Usage: node test/bench/imageLibraries.mjs [--reps n] [--loads n] [--only sharp,jsquash]
//        (alone it prints its table; through run.mjs it is the section "images"; like every
//        section it needs the compiled tree, `npm run compile-tests`, for lib.mjs)
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { KEY, LIBRARIES, keyStats } from './imageLibraryAdapters.mjs';
import { footprints } from './imageLibraryFootprint.mjs';
import { makeInputs } from './imageLibraryInputs.mjs';
import { benchDir, cliArg, emitResult, formatTable, kb, mb, median, ms, num, require } from './lib.mjs';

const run = promisify(execFile);
const REPS = Number(cliArg('reps', process.env.AIGC_BENCH_IMAGE_REPS || 5));
const LOADS = Number(cliArg('loads', 5));
const NAMES = cliArg('only', Object.keys(LIBRARIES).join(',')).split(',');
const ELD_REPS = 3;

const JOBS = [
  { name: 'webpThumb', label: '(a) 4096² PNG → 512² WebP q80', input: 'photo4096.png' },
  { name: 'jpegCover', label: '(b) 2752×1536 PNG → 1200×630 JPEG q82', input: 'photo2752x1536.png' },
  { name: 'keyPixels', label: '(c) key-out 2048², pixel work', input: 'green2048.png' },
  { name: 'keyFile', label: '(c) key-out 2048², PNG → PNG', input: 'green2048.png' },
  { name: 'favicon', label: '(d) 1024² PNG → 16/32/48 PNG + .ico', input: 'icon1024.png' },
  { name: 'avifCover', label: '(e) 2752×1536 PNG → 1200×630 AVIF q50', input: 'photo2752x1536.png' },
];

async function child(args) {
  const { stdout } = await run(
    process.execPath,
    [path.join(benchDir, 'imageLibrariesChild.mjs'), ...args.map(String)],
    {
      maxBuffer: 4 * 1024 * 1024,
      timeout: 600_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** Rotates who goes first, so drift in the shared machine's load does not always hit the same library. */
const rotated = (list, i) => [...list.slice(i % list.length), ...list.slice(0, i % list.length)];

async function measureLoads() {
  const loads = Object.fromEntries(NAMES.map((n) => [n, []]));
  loads.baseline = [await child(['-', 'baseline'])];
  for (let i = 0; i < LOADS; i++) {
    for (const name of rotated(NAMES, i)) loads[name].push(await child([name, 'load']));
  }
  return loads;
}

async function measureJobs(dir) {
  const results = {};
  for (const [i, job] of JOBS.entries()) {
    results[job.name] = {};
    for (const name of rotated(NAMES, i)) {
      const output = path.join(dir, `${name}-${job.name}.out`);
      console.log(`[images] ${job.name} ${name} …`);
      const r = await child([name, 'job', job.name, path.join(dir, job.input), REPS, output]);
      results[job.name][name] = { ...r, median: median(r.times), check: await checkOutput(job.name, output) };
    }
  }
  return results;
}

async function measureEventLoop(dir) {
  const results = {};
  for (const name of NAMES) {
    const input = path.join(dir, JOBS[0].input);
    console.log(`[images] event-loop delay ${name} …`);
    results[name] = {
      worker: await child([name, 'eld', JOBS[0].name, input, ELD_REPS, 'worker']),
      main: await child([name, 'eld', JOBS[0].name, input, ELD_REPS, 'main']),
    };
  }
  return results;
}

// ---- checks: every library must have done the same work --------------------------------------

const EXPECTED = {
  webpThumb: { format: 'webp', width: 512, height: 512 },
  jpegCover: { format: 'jpeg', width: 1200, height: 630 },
  avifCover: { format: 'heif', width: 1200, height: 630 },
  keyFile: { format: 'png', width: 2048, height: 2048, channels: 4 },
};

async function checkOutput(job, file) {
  const sharp = require('sharp');
  const bytes = await readFile(file);
  if (job === 'keyPixels') return JSON.parse(bytes.toString());
  if (job === 'favicon') return checkIco(bytes, sharp);
  const meta = await sharp(bytes).metadata();
  const want = EXPECTED[job];
  for (const [k, v] of Object.entries(want)) {
    if (meta[k] !== v) throw new Error(`${job}: ${k} is ${meta[k]}, expected ${v} (${file})`);
  }
  if (job !== 'keyFile') return { format: meta.format, width: meta.width, height: meta.height };
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return {
    format: meta.format,
    width: meta.width,
    height: meta.height,
    ...keyStats({ data, channels: info.channels }),
  };
}

async function checkIco(bytes, sharp) {
  if (bytes.readUInt16LE(2) !== 1 || bytes.readUInt16LE(4) !== 3)
    throw new Error('favicon: not an ICO of three images');
  const sizes = [];
  for (let i = 0; i < 3; i++) {
    const length = bytes.readUInt32LE(6 + 16 * i + 8);
    const offset = bytes.readUInt32LE(6 + 16 * i + 12);
    const meta = await sharp(bytes.subarray(offset, offset + length)).metadata();
    if (meta.format !== 'png' || meta.width !== bytes[6 + 16 * i] || meta.channels !== 4)
      throw new Error(`favicon: entry ${i} is ${meta.format} ${meta.width}px`);
    sizes.push(meta.width);
  }
  return { format: 'ico', sizes, bytes: bytes.length };
}

/**
 * The key-out of every library agrees with the reference within rounding: the same transparent
 * share, and on the soft edge the same number of pixels, alpha ramp and despill.
 */
function checkKeyAgreement(jobs) {
  const reference = jobs.keyFile.sharp?.check ?? Object.values(jobs.keyFile)[0].check;
  const limits = { clear: 0.001, edge: 0.05 * reference.edge, edgeAlpha: 2, edgeGreen: 2 };
  for (const job of ['keyPixels', 'keyFile']) {
    for (const [name, { check }] of Object.entries(jobs[job])) {
      const off = Object.keys(limits).filter((k) => !(Math.abs(check[k] - reference[k]) <= limits[k]));
      if (off.length)
        throw new Error(
          `${job} ${name} keyed unlike the reference in ${off.map((k) => `${k} (${check[k]} vs ${reference[k]})`).join(', ')}`,
        );
    }
  }
}

// ---- the table -------------------------------------------------------------------------------

function rows(d) {
  const base = (job) => d.jobs[job].sharp?.median;
  const ratio = (job, name) => (base(job) ? ` (${num(d.jobs[job][name].median / base(job))}×)` : '');
  const out = [];
  for (const job of JOBS) {
    out.push([
      job.label,
      'median',
      ...NAMES.map((n) => `${ms(d.jobs[job.name][n].median)}${n === 'sharp' ? '' : ratio(job.name, n)}`),
    ]);
    out.push(['', 'peak RSS', ...NAMES.map((n) => mb(d.jobs[job.name][n].peakRss))]);
    if (!job.name.startsWith('key')) out.push(['', 'output', ...NAMES.map((n) => kb(d.jobs[job.name][n].outputBytes))]);
  }
  out.push(null);
  out.push(['first load', 'median', ...NAMES.map((n) => ms(median(d.loads[n].map((l) => l.loadMs))))]);
  out.push([
    '',
    `RSS after load (Node alone ${mb(d.loads.baseline[0].rss)})`,
    ...NAMES.map((n) => mb(median(d.loads[n].map((l) => l.rss)))),
  ]);
  out.push(['', 'threads', ...NAMES.map((n) => String(d.loads[n][0].threads))]);
  const eld = (n, where) => {
    const e = d.eventLoop[n][where];
    return `${ms(e.eld.p99 - e.resolutionMs)} / ${ms(e.eld.max - e.resolutionMs)}`;
  };
  out.push(['event-loop delay (a) p99 / max', 'work in a worker', ...NAMES.map((n) => eld(n, 'worker'))]);
  out.push(['', 'work on the main thread', ...NAMES.map((n) => eld(n, 'main'))]);
  out.push(null);
  out.push(['installed (this platform)', 'node_modules', ...NAMES.map((n) => mb(d.footprint[n].installedBytes))]);
  out.push([
    'run-time files',
    'raw (deflated)',
    ...NAMES.map((n) => `${mb(d.footprint[n].runtimeBytes)} (${mb(d.footprint[n].deflatedBytes)})`),
  ]);
  return out;
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'aigc-bench-img-'));
  try {
    console.log('[images] generating inputs …');
    const inputs = await makeInputs(dir);
    const loads = await measureLoads();
    const jobs = await measureJobs(dir);
    checkKeyAgreement(jobs);
    const eventLoop = await measureEventLoop(dir);
    const footprint = await footprints(NAMES);
    const data = { libraries: NAMES, reps: REPS, key: KEY, inputs, loads, jobs, eventLoop, footprint };
    console.log(`\n${formatTable(['job', 'metric', ...NAMES], rows(data))}\n`);
    emitResult(data);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
