// One measurement of one image library in a fresh process, so no two libraries share a heap, a
// WebAssembly memory or a libvips thread pool, and the RSS high-water mark is that library's own.
// Prints one JSON line. Started by imageLibraries.mjs:
//
//   node imageLibrariesChild.mjs - baseline            (a Node process that loads nothing)
//   node imageLibrariesChild.mjs <library> load
//   node imageLibrariesChild.mjs <library> job <job> <input> <reps> <output>
//   node imageLibrariesChild.mjs <library> eld <job> <input> <reps> <worker|main>
//
// `job` times a warm-up and then <reps> runs and writes the last result to <output> (the parent
// checks it). `eld` samples the main thread's event-loop delay while the job runs in a
// worker_thread (how the extension would run it) or, for comparison, on the main thread itself.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { LIBRARIES, keyStats, packIco } from './imageLibraryAdapters.mjs';

const ELD_RESOLUTION_MS = 10;

/**
 * This process's RSS high-water mark. On Linux from VmHWM: getrusage's maxRSS survives exec, so a
 * child would report its parent's peak (the bench holds ~150 MB of inputs) whenever that is higher.
 */
function maxRss() {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Loads the library and returns a function running `job` once on `input`, its result as bytes or pixels. */
async function prepare(library, job, inputFile) {
  const lib = await LIBRARIES[library]();
  const input = await readFile(inputFile);
  const arg = job === 'keyPixels' ? await lib.decodeRaw(input) : input;
  const once = async () => {
    const out = await lib[job](arg);
    return job === 'favicon' ? packIco(out) : out;
  };
  return { lib, once };
}

async function timed(once, reps) {
  await once(); // warm-up: first-call compilation and allocation are not what a user waits for twice
  const times = [];
  let out;
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    out = await once();
    times.push(performance.now() - started);
  }
  return { times, out };
}

async function load(library) {
  const started = performance.now();
  const lib = await LIBRARIES[library]();
  return {
    loadMs: performance.now() - started,
    rss: maxRss(),
    version: lib.version,
    vips: lib.vips,
    threads: lib.threads,
  };
}

async function job(library, name, inputFile, reps, outputFile) {
  const { lib, once } = await prepare(library, name, inputFile);
  const rssBefore = maxRss();
  const { times, out } = await timed(once, reps);
  const peakRss = maxRss();
  if (out.data)
    await writeFile(
      outputFile,
      JSON.stringify({ width: out.width, height: out.height, channels: out.channels, ...keyStats(out) }),
    );
  else await writeFile(outputFile, Buffer.from(out));
  return {
    times,
    rssBefore,
    peakRss,
    version: lib.version,
    threads: lib.threads,
    outputBytes: out.data ? out.data.length : out.byteLength,
  };
}

const histogramMs = (h) => ({ p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6, samples: h.count });

async function eldOnMain(library, name, inputFile, reps) {
  const { once } = await prepare(library, name, inputFile);
  await once();
  const h = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  h.enable();
  const { times } = await timed(async () => {
    // Yield between runs so the timer can fire, as a host's event loop would.
    await new Promise((resolve) => setImmediate(resolve));
    return once();
  }, reps);
  h.disable();
  return { times, eld: histogramMs(h), resolutionMs: ELD_RESOLUTION_MS };
}

function eldWithWorker(library, name, inputFile, reps) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { library, name, inputFile, reps } });
    const h = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    worker.on('message', (message) => {
      if (message === 'ready') {
        h.enable();
        worker.postMessage('go');
      } else {
        h.disable();
        resolve({ times: message.times, eld: histogramMs(h), resolutionMs: ELD_RESOLUTION_MS });
        void worker.terminate();
      }
    });
    worker.on('error', reject);
  });
}

/** Inside the worker: load and warm up, say so, wait for the go, run, report the times. */
async function workerMain({ library, name, inputFile, reps }) {
  const { once } = await prepare(library, name, inputFile);
  await once();
  parentPort.postMessage('ready');
  await new Promise((resolve) => parentPort.once('message', resolve));
  const times = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  parentPort.postMessage({ times });
}

async function main() {
  const [library, mode, name, inputFile, repsText, last] = process.argv.slice(2);
  if (mode === 'baseline') {
    process.stdout.write(`${JSON.stringify({ rss: maxRss() })}\n`);
    return;
  }
  if (!(library in LIBRARIES)) throw new Error(`unknown library ${library}`);
  const reps = Number(repsText);
  const result =
    mode === 'load'
      ? await load(library)
      : mode === 'job'
        ? await job(library, name, inputFile, reps, last)
        : last === 'worker'
          ? await eldWithWorker(library, name, inputFile, reps)
          : await eldOnMain(library, name, inputFile, reps);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // wasm-vips keeps its libvips threads alive; the measurement is over.
  process.exit(0);
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  });
} else {
  workerMain(workerData).catch((error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  });
}
