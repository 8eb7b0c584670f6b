// §7 Reference scan: the missing-image quick fix scans documents on every cursor move, in the
// extension host every extension shares. For each hostile document (test/support/scanDocuments.ts:
// text built so that a scanner re-reads it from every position, or a broken reference every few
// characters) the scan is timed against an ordinary document of the same language and size, and
// the code-action provider's work (the references around the cursor and their prompts) runs as
// requests at 200 cursor positions and one select-all while perf_hooks.monitorEventLoopDelay
// watches the event loop. Each case runs in a child process killed after --limit seconds, so the
// same script measures a scanner that never finishes (AIGC_OUT_DIR=<an older compiled tree>).
//
// Usage: node test/bench/scan.mjs [--kb 320] [--limit 60] [--runs 40]
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { cliArg, compiled, emitResult, median } from './lib.mjs';

const KB = Number(cliArg('kb', 320));
const SIZE = KB * 1024;
const LIMIT_S = Number(cliArg('limit', 60));
const RUNS = Number(cliArg('runs', 40));
const ELD_RESOLUTION_MS = 10;
const REQUESTS = 200;

const docs = compiled('test/support/scanDocuments.js');
const references = compiled('src/core/imageLinks.js');

/** The ordinary and hostile texts of a case, by name. */
function texts(name) {
  if (name === 'heading')
    return {
      languageId: 'markdown',
      ordinary: docs.ordinaryHeadingDocument(SIZE),
      hostile: docs.hostileHeadingDocument(SIZE),
    };
  const hostile = docs.hostileDocuments(SIZE).find((d) => d.name === name);
  return {
    languageId: hostile.languageId,
    ordinary: docs.ordinaryDocument(hostile.languageId, SIZE),
    hostile: hostile.text,
  };
}

/**
 * Median and fastest of RUNS interleaved runs of each, after as many unmeasured ones: a scanner
 * that has been called a few dozen times is what the extension host runs (V8 optimises the path
 * that finds references later than the one that skips text).
 */
function time(runs) {
  const samples = runs.map(() => []);
  for (let i = 0; i < RUNS; i++) runs.forEach((run) => run());
  for (let i = 0; i < RUNS; i++) {
    runs.forEach((run, j) => {
      const started = performance.now();
      run();
      samples[j].push(performance.now() - started);
    });
  }
  return samples.map((s) => ({ median: median(s), min: Math.min(...s) }));
}

function promptAtEnd(text) {
  const reference = references.findImageLinks(text, 'markdown').at(-1);
  return () => references.promptFor(reference, text);
}

/**
 * What the provider does for one request, synchronously: the references touching the range
 * and a prompt for each (as if every one were missing). A tree without `linksInRange`
 * scans the whole document, as the provider did then.
 */
function request(text, languageId, start, end) {
  const found = references.linksInRange
    ? references.linksInRange(text, languageId, start, end)
    : references.findImageLinks(text, languageId).filter((r) => r.start <= end && start <= r.end);
  return found.map((r) => references.promptFor(r, text));
}

/**
 * Requests at REQUESTS cursor positions spread over the text and one over all of it, one per
 * turn of the event loop, with the event loop's delay recorded meanwhile.
 */
async function provider(text, languageId) {
  await requests(text, languageId); // once unmeasured, as in an extension host that has answered a few
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  const { wall, cpu } = await requests(text, languageId);
  eld.disable();
  const ms = (ns) => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS);
  return {
    requests: wall.length,
    medianMs: median(wall),
    maxMs: Math.max(...wall),
    cpuMaxMs: Math.max(...cpu),
    eldP99Ms: ms(eld.percentile(99)),
    eldMaxMs: ms(eld.max),
  };
}

/** Each request's wall time, and its CPU time: on a shared machine the first also holds the time spent waiting for a core. */
async function requests(text, languageId) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i <= REQUESTS; i++) {
    const [start, end] =
      i === REQUESTS
        ? [0, text.length]
        : [Math.floor((i * text.length) / REQUESTS), Math.floor((i * text.length) / REQUESTS)];
    const started = performance.now();
    const used = process.cpuUsage();
    request(text, languageId, start, end);
    const { user, system } = process.cpuUsage(used);
    wall.push(performance.now() - started);
    cpu.push((user + system) / 1000);
    await nextTurn();
  }
  return { wall, cpu };
}

/** One case, in a child: the two scans timed, or (--provider) the provider's requests on both texts. */
async function child(name) {
  const { languageId, ordinary, hostile } = texts(name);
  if (process.argv.includes('--provider')) {
    const result = { ordinary: await provider(ordinary, languageId), hostile: await provider(hostile, languageId) };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const runs =
    name === 'heading'
      ? [promptAtEnd(ordinary), promptAtEnd(hostile)]
      : [() => references.findImageLinks(ordinary, languageId), () => references.findImageLinks(hostile, languageId)];
  const [o, h] = time(runs);
  process.stdout.write(`${JSON.stringify({ ordinary: o, hostile: h })}\n`);
}

function runChild(name, withProvider) {
  const args = [
    fileURLToPath(import.meta.url),
    '--child',
    name,
    '--kb',
    String(KB),
    '--runs',
    String(RUNS),
    ...(withProvider ? ['--provider'] : []),
  ];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { timeout: LIMIT_S * 1000, killSignal: 'SIGKILL', env: process.env, maxBuffer: 1 << 20 },
      (error, stdout) => {
        if (error)
          resolve({ error: error.killed ? `over ${LIMIT_S} s (killed)` : String(error.message).split('\n')[0] });
        else resolve(JSON.parse(stdout.trim().split('\n').pop()));
      },
    );
  });
}

async function main() {
  const hostile = docs.hostileDocuments(SIZE);
  // The provider's event-loop delay is measured on the worst document of each kind per language.
  const withProvider = new Set([
    '![ repeated',
    '<img> repeated',
    'url( repeated',
    'url("a repeated',
    'import then blank lines',
    'every anchor at once',
    'heading',
  ]);
  const cases = [];
  for (const { languageId, name, kind } of [...hostile, { languageId: 'markdown', name: 'heading', kind: 'rescan' }]) {
    const result = await runChild(name, false);
    const quickFix = withProvider.has(name) ? await runChild(name, true) : undefined;
    cases.push({
      languageId,
      name,
      kind,
      ...result,
      ratio: result.error ? undefined : result.hostile.min / result.ordinary.min,
      ...(quickFix
        ? { providerOrdinary: quickFix.ordinary, providerHostile: quickFix.hostile, providerError: quickFix.error }
        : {}),
    });
    console.log(
      `[scan] ${languageId} ${name}: ${result.error ?? `${result.hostile.min.toFixed(2)} vs ${result.ordinary.min.toFixed(2)} ms`}${quickFix?.error ? `; quick fix ${quickFix.error}` : ''}`,
    );
  }
  emitResult({
    kb: KB,
    runs: RUNS,
    limitSeconds: LIMIT_S,
    eldResolutionMs: ELD_RESOLUTION_MS,
    requests: REQUESTS + 1,
    cases,
  });
}

if (process.argv.includes('--child')) await child(process.argv[process.argv.indexOf('--child') + 1]);
else await main();
