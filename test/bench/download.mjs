// §3 Download: a 50 MB image through core downloadImage vs a plain fetch streamed into a
// file (throughput), and memory at 5, 50 and 150 MB: peak RSS growth of the process as it
// runs, and peak live memory (after forced GCs) — what the download actually holds. Every measurement runs in a
// fresh `node --expose-gc` child (downloadChild.mjs); the CDN is the simulator's, in
// another process. Runs are interleaved (core, fetch, core, fetch, …) so drift in the
// machine's load hits both alike.
//
// Usage: node test/bench/download.mjs [--reps n]
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { benchDir, emitResult, median, startSimHost } from './lib.mjs';

const run = promisify(execFile);
const args = process.argv.slice(2);
const REPS = Number(args[args.indexOf('--reps') + 1] || 5) || 5;
const MB = 1024 * 1024;
const SIZES = [5 * MB, 50 * MB, 150 * MB];
const LIVE_REPS = 3;

async function child(impl, url, apiOrigin, mode = 'natural') {
  const dir = await mkdtemp(path.join(tmpdir(), 'aigc-bench-dl-'));
  try {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', path.join(benchDir, 'downloadChild.mjs'), impl, url, dir, apiOrigin, mode],
      {
        env: process.env,
        maxBuffer: 1024 * 1024,
        timeout: 120_000,
      },
    );
    return JSON.parse(stdout.trim().split('\n').pop());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  const host = await startSimHost();
  try {
    const sim = await host.start('cdn', { mode: 'native' });
    const sizes = [];
    for (const size of SIZES) {
      await host.configure('cdn', { imageBytes: size });
      const url = `${sim.cdnOrigin}/files/bench-${size}.png`;
      const runs = { core: [], 'fetch-stream': [], 'fetch-buffered': [] };
      for (let i = 0; i < REPS; i++) {
        // Alternate which goes first.
        const order = i % 2 === 0 ? ['core', 'fetch-stream'] : ['fetch-stream', 'core'];
        for (const impl of order) runs[impl].push(await child(impl, url, sim.apiOrigin));
      }
      runs['fetch-buffered'].push(await child('fetch-buffered', url, sim.apiOrigin));
      // What each really holds: forced GCs during the download, peak live memory after them.
      const live = { core: [], 'fetch-stream': [], 'fetch-buffered': [] };
      for (let i = 0; i < LIVE_REPS; i++) {
        for (const impl of ['core', 'fetch-stream']) live[impl].push(await child(impl, url, sim.apiOrigin, 'live'));
      }
      live['fetch-buffered'].push(await child('fetch-buffered', url, sim.apiOrigin, 'live'));
      const pickLive = (impl) => median(live[impl].map((r) => r.peakLiveGrowth));
      for (const [impl, list] of Object.entries(runs)) {
        for (const r of list) if (r.bytes < size) throw new Error(`${impl} saved ${r.bytes} of ${size} bytes`);
      }
      const pick = (impl, key) => median(runs[impl].map((r) => r[key]));
      sizes.push({
        bytes: size,
        runs,
        liveRuns: live,
        core: {
          mbPerSecond: pick('core', 'mbPerSecond'),
          peakRssGrowth: pick('core', 'peakRssGrowth'),
          maxRssGrowth: pick('core', 'maxRssGrowth'),
          peakLiveGrowth: pickLive('core'),
        },
        fetchStream: {
          mbPerSecond: pick('fetch-stream', 'mbPerSecond'),
          peakRssGrowth: pick('fetch-stream', 'peakRssGrowth'),
          maxRssGrowth: pick('fetch-stream', 'maxRssGrowth'),
          peakLiveGrowth: pickLive('fetch-stream'),
        },
        fetchBuffered: {
          mbPerSecond: pick('fetch-buffered', 'mbPerSecond'),
          peakRssGrowth: pick('fetch-buffered', 'peakRssGrowth'),
          peakLiveGrowth: pickLive('fetch-buffered'),
        },
      });
      process.stderr.write(`download: ${size / MB} MB done\n`);
    }
    emitResult({ reps: REPS, sizes });
  } finally {
    await host.close();
  }
}

await main();
