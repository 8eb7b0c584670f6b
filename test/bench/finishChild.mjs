// One measurement of the `finish` section in a fresh process (so its peak RSS is its own): a job
// through our ImageWorker (the compiled worker thread) or through a plain sharp pipeline on the
// main thread, the reference. Prints one JSON line.
//
// Usage: node test/bench/finishChild.mjs <ours|sharp> <thumb|cover|keyout|eld> <inputDir> <reps>
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as path from 'node:path';
import { compiled, median, outDir, require as load } from './lib.mjs';

const [mode, job, dir, repsText] = process.argv.slice(2);
const reps = Number(repsText);
const { ImageWorker } = compiled('src/imaging/imageWorker.js');
const { plainThreshold, transparencyCheck } = compiled('src/core/keyOut.js');
const { centredCrop, DEFAULT_QUALITY } = compiled('src/core/finish.js');
const sharp = load('sharp');
sharp.cache(false);

/** The bench inputs' key colour (imageLibraryAdapters.mjs KEY). */
const KEY_HEX = '#00b140';
const JOBS = {
  thumb: { input: 'photo4096.png', spec: { size: { width: 512, height: 512 }, format: 'webp' } },
  cover: { input: 'photo2752x1536.png', spec: { size: { width: 1200, height: 630 }, format: 'jpeg' } },
  keyout: { input: 'green2048.png', spec: { transparent: { key: KEY_HEX }, format: 'png' } },
};

/** The reference: the same crop, filter, size and quality, with sharp alone on the main thread. */
async function plainSharp(input, spec, output) {
  if (spec.transparent) {
    const { data, info } = await sharp(input).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { data, width: info.width, height: info.height };
    plainThreshold(image, spec.transparent.key);
    await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
      .png({ compressionLevel: 9, adaptiveFiltering: false })
      .toFile(output);
    return { transparency: transparencyCheck(image, spec.transparent.key) };
  }
  const meta = await sharp(input).metadata();
  const crop = centredCrop({ width: meta.width, height: meta.height }, spec.size);
  const pipeline = sharp(input)
    .extract(crop)
    .resize(spec.size.width, spec.size.height, { kernel: 'lanczos3', fit: 'fill' });
  const quality = DEFAULT_QUALITY[spec.format];
  await (spec.format === 'webp' ? pipeline.webp({ quality }) : pipeline.jpeg({ quality })).toFile(output);
  const out = await sharp(output).metadata();
  return { width: out.width, height: out.height };
}

/**
 * The process's RSS high-water mark, every thread counted (the worker's libvips memory too).
 * Linux's VmHWM starts afresh at exec; getrusage's maxRSS would keep the parent's, which made
 * the inputs.
 */
async function peakRss() {
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

let n = 0;
const outputFor = (spec) => path.join(dir, `out-${mode}-${process.pid}-${n++}.${spec.format}`);

async function timedRuns(once) {
  const first = await once(); // warm-up: loads the library, starts the worker
  const times = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  return { first, times };
}

async function main() {
  const engine = new ImageWorker({ script: path.join(outDir, 'src', 'imaging', 'worker.js') });
  const run = (name) => {
    const { input, spec } = JOBS[name];
    const file = path.join(dir, input);
    return mode === 'ours' ? engine.finish(file, spec, outputFor(spec)) : plainSharp(file, spec, outputFor(spec));
  };
  let result;
  if (job === 'eld') {
    await run('thumb');
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const { times } = await timedRuns(() => run('thumb'));
    h.disable();
    result = { times, p99: h.percentile(99) / 1e6, max: h.max / 1e6, resolutionMs: 10 };
  } else {
    const { first, times } = await timedRuns(() => run(job));
    result = { times, median: median(times), report: first };
  }
  await engine.dispose();
  console.log(JSON.stringify({ ...result, peakRss: await peakRss() }));
}

await main();
