// One download in a fresh process (started with --expose-gc by download.mjs), so the
// memory figures start clean. Prints one JSON line.
//
//   node --expose-gc downloadChild.mjs <core|fetch-stream|fetch-buffered> <url> <dir> <apiOrigin> [live]
//
// Default ("natural"): the process as it runs — peak RSS growth (sampled every 2 ms and at every
// MB received) and throughput. With `live`: a forced GC at every MB received and the peak of
// heapUsed + arrayBuffers right after it, i.e. what the download really holds, as opposed to
// garbage V8 has not collected yet (GCs slow it down, so never used for throughput).
import { createWriteStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { compiled } from './lib.mjs';

const [impl, url, dir, apiOrigin, mode] = process.argv.slice(2);
const liveMode = mode === 'live';
const { downloadImage } = compiled('src/core/download.js');
const SAMPLE_EVERY = 1024 * 1024;

if (typeof globalThis.gc !== 'function') {
  console.error('run with --expose-gc');
  process.exit(2);
}

const live = (m) => m.heapUsed + m.arrayBuffers;
let base;
let peakRss = 0;
let peakLive = 0;

/** One memory sample; in live mode after a full GC. */
function sample() {
  if (liveMode) {
    globalThis.gc();
    peakLive = Math.max(peakLive, live(process.memoryUsage()) - live(base));
  } else {
    peakRss = Math.max(peakRss, process.memoryUsage.rss() - base.rss);
  }
}

/** Calls sample() each time another MB has arrived. */
function progressSampler() {
  let next = SAMPLE_EVERY;
  return (received) => {
    if (received < next) return;
    next = received + SAMPLE_EVERY;
    sample();
  };
}

const implementations = {
  /** The extension's path: src/core/download.ts (sniffs, hashes, temp file, no-overwrite link). */
  async core() {
    const saved = await downloadImage({ url, apiOrigin, dir, baseName: 'bench-core', onProgress: progressSampler() });
    return { file: saved.path, bytes: saved.bytes };
  },
  /** The plain baseline: fetch, its body streamed straight into a file. */
  async 'fetch-stream'() {
    const file = path.join(dir, 'bench-fetch-stream.png');
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const onProgress = progressSampler();
    let received = 0;
    const counter = new Transform({
      transform(chunk, _encoding, callback) {
        received += chunk.length;
        onProgress(received);
        callback(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body), counter, createWriteStream(file));
    return { file, bytes: (await stat(file)).size };
  },
  /** The other common way: the whole body in memory, then written (shows what "not flat" looks like). */
  async 'fetch-buffered'() {
    const file = path.join(dir, 'bench-fetch-buffered.png');
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    sample(); // the whole body is held here
    await writeFile(file, bytes);
    return { file, bytes: bytes.length };
  },
};

const run = implementations[impl];
if (!run || !url || !dir) {
  console.error('usage: downloadChild.mjs <core|fetch-stream|fetch-buffered> <url> <dir> <apiOrigin> [live]');
  process.exit(2);
}

// Warm the HTTP stack with a tiny request to the same host, so the first-use cost of
// fetch (undici) is not counted as the download's memory or time.
await fetch(new URL('/warm-up', url))
  .then((r) => r.arrayBuffer())
  .catch(() => undefined);
globalThis.gc();
globalThis.gc();
await new Promise((resolve) => setTimeout(resolve, 50));
base = process.memoryUsage();
const maxRssBefore = process.resourceUsage().maxRSS * 1024;
// Between progress samples, rss() alone (cheap) every 2 ms catches peaks too.
const timer = liveMode ? undefined : setInterval(sample, 2);

const started = process.hrtime.bigint();
const result = await run();
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
clearInterval(timer);
if (!liveMode) sample();
const maxRssAfter = process.resourceUsage().maxRSS * 1024;

console.log(
  JSON.stringify({
    impl,
    mode: liveMode ? 'live' : 'natural',
    bytes: result.bytes,
    elapsedMs,
    mbPerSecond: result.bytes / 1024 / 1024 / (elapsedMs / 1000),
    baseRss: base.rss,
    peakRssGrowth: liveMode ? undefined : peakRss,
    // The kernel's own high-water mark: how much the process peak rose during the download.
    maxRssGrowth: liveMode ? undefined : Math.max(0, maxRssAfter - Math.max(maxRssBefore, base.rss)),
    peakLiveGrowth: liveMode ? peakLive : undefined,
  }),
);
