// Stryker's test command: runs the unit tests of the file the active mutant is in (targets.mjs),
// fastest first, and stops at the first that fails: the mutant is killed. Exit code 0 means it
// survived. Without an active mutant (Stryker's first run) it runs the tests of every mutated
// file, which must all pass.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MUTANT_MAP, TESTS } from './targets.mjs';

/** A bound on one test file, below Stryker's own timeout for a mutant, so no test process outlives it. */
const FILE_TIMEOUT_MS = 120_000;

const map = JSON.parse(readFileSync(MUTANT_MAP, 'utf8'));
const active = process.env.__STRYKER_ACTIVE_MUTANT__;
const files = active === undefined ? [...new Set(Object.values(map))] : [map[active]];
if (files.some((file) => file === undefined)) {
  console.error(`mutant ${active} is in no file Stryker instrumented`);
  process.exit(2);
}
const unmapped = files.filter((file) => !TESTS[file]);
if (unmapped.length > 0) {
  console.error(`no tests answer for ${unmapped.join(', ')}: add them to scripts/mutation/targets.mjs`);
  process.exit(2);
}

const runs = files.flatMap((file) => TESTS[file]);
const seen = new Set();
for (const { file, pattern } of runs) {
  const key = `${file}\0${pattern ?? ''}`;
  if (seen.has(key)) continue;
  seen.add(key);
  const args = ['--expose-gc', '--test', `--test-timeout=${FILE_TIMEOUT_MS}`, '--test-reporter=dot'];
  if (pattern) args.push(`--test-name-pattern=${pattern}`);
  args.push(path.join('out', 'test', 'unit', file));
  const result = spawnSync(process.execPath, args, { stdio: active === undefined ? 'inherit' : 'ignore' });
  if (result.status !== 0) process.exit(1);
}
