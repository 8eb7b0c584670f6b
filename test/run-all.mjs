#!/usr/bin/env node
// Runs the test suites in order and ends with one summary line: "<N> passed, <M> failed".
// Usage: node test/run-all.mjs [lint|unit|integration|e2e|bench]...   (default: lint unit integration e2e)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const resultsDir = path.join(root, 'out', 'results');

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(1);
    });
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function compile() {
  rmSync(path.join(root, 'out'), { recursive: true, force: true });
  const code = await run(npm, ['run', '--silent', 'compile-tests']);
  if (code !== 0) throw new Error('TypeScript compilation of the tests failed');
  mkdirSync(resultsDir, { recursive: true });
}

/**
 * The checks `npm run lint` makes, in its order (types, then lint rules, then format), one check
 * each: a failure in one does not hide the others.
 */
async function lint() {
  let passed = 0;
  const failedSteps = [];
  for (const script of ['typecheck', 'lint:eslint', 'lint:format']) {
    const started = Date.now();
    const code = await run(npm, ['run', '--silent', script]);
    console.log(`${script}: ${code === 0 ? 'passed' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (code === 0) passed++;
    else failedSteps.push(script);
  }
  return {
    passed,
    failed: failedSteps.length,
    note: failedSteps.length > 0 ? `failed: ${failedSteps.join(', ')}` : undefined,
  };
}

/**
 * The bound on one unit test file, so a test that waits forever fails instead of holding the run.
 * Node 20 applies `--test-timeout` to each file as a whole (later versions to each test), so it is sized
 * on the slowest file: collector.test.js, about 100 s of waiting on the simulator's clock (5.6 s
 * for its slowest test), and nearly the same on a loaded machine since it waits rather than
 * computes. Tests that wait for a state have a timeout of their own as well.
 */
const UNIT_FILE_TIMEOUT_MS = 300_000;

/** node:test over the compiled unit tests; counts come from the TAP summary it writes. */
async function unit() {
  const dir = path.join(root, 'out', 'test', 'unit');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
  const tap = path.join(resultsDir, 'unit.tap');
  const code = await run(process.execPath, [
    '--expose-gc',
    '--test',
    '--test-concurrency=1',
    `--test-timeout=${UNIT_FILE_TIMEOUT_MS}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  if (!Number.isFinite(passed)) return { passed: 0, failed: 1, note: 'no TAP summary was written' };
  return { passed, failed: failed + (code !== 0 && failed === 0 ? 1 : 0) };
}

/** A suite run by its own launcher, which writes {passed, failed} to AIGC_SUITE_RESULT. */
function launcher(script, name) {
  return async () => {
    const resultFile = path.join(resultsDir, `${name}.json`);
    rmSync(resultFile, { force: true });
    const code = await run(process.execPath, [script], { AIGC_SUITE_RESULT: resultFile });
    if (!existsSync(resultFile)) return { passed: 0, failed: 1, note: `${name} wrote no result (exit code ${code})` };
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    return {
      passed: result.passed,
      failed: result.failed + (code !== 0 && result.failed === 0 ? 1 : 0),
      note: result.note,
    };
  };
}

const suites = {
  lint,
  unit,
  integration: launcher(path.join(root, 'test', 'integration', 'launch.mjs'), 'integration'),
  e2e: launcher(path.join(root, 'test', 'e2e', 'run.mjs'), 'e2e'),
  bench: launcher(path.join(root, 'test', 'bench', 'run.mjs'), 'bench'),
};
const defaults = ['lint', 'unit', 'integration', 'e2e'].filter(
  (name) =>
    name === 'lint' ||
    name === 'unit' ||
    existsSync(path.join(root, 'test', name === 'e2e' ? 'e2e/run.mjs' : `${name}/launch.mjs`)),
);

const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : defaults;
for (const name of chosen) {
  if (!(name in suites)) {
    console.error(`unknown suite "${name}"; choose from: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}

const rows = [];
try {
  // The lint suite reads the sources; every other suite runs the compiled tree.
  if (chosen.some((name) => name !== 'lint')) await compile();
  for (const name of chosen) {
    console.log(`\n=== ${name} ===`);
    const started = Date.now();
    const result = await suites[name]();
    rows.push({ name, ...result, seconds: (Date.now() - started) / 1000 });
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  rows.push({ name: 'build', passed: 0, failed: 1, seconds: 0, note: String(error) });
}

console.log('\nsuite        passed  failed  seconds');
for (const row of rows) {
  console.log(
    `${row.name.padEnd(12)} ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}  ${row.seconds.toFixed(1).padStart(7)}${row.note ? `  (${row.note})` : ''}`,
  );
}
const passed = rows.reduce((n, r) => n + r.passed, 0);
const failed = rows.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || rows.length === 0 ? 1 : 0);
