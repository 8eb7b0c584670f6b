// What `npm run mutation` mutates, and which unit tests answer for each file. Running the whole
// unit suite for every mutant would take days on two cores; each mutant instead runs the tests
// of its own file, fastest first, stopping at the first that fails.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where the build step notes which file each mutant is in (mutant id → source file). */
export const MUTANT_MAP = path.join('out', 'mutants.json');

/**
 * The unit test files (compiled names, under out/test/unit/) that answer for each mutated file,
 * fastest first. `pattern` narrows a slow file to the tests about that source file.
 */
export const TESTS = {
  'src/core/lifecycle.ts': [
    { file: 'lifecycle.test.js' },
    { file: 'lifecycleEdges.test.js' },
    { file: 'landingSteps.test.js' },
  ],
  'src/core/landing.ts': [
    { file: 'landingSteps.test.js' },
    { file: 'sidecar.test.js' },
    { file: 'download.test.js', pattern: 'landing a finished task' },
    { file: 'collector.test.js', pattern: '^landing$' },
  ],
  'src/core/displayText.ts': [{ file: 'displayText.test.js' }, { file: 'keyRedaction.test.js' }],
  'src/core/errors.ts': [{ file: 'keyRedaction.test.js' }],
  'src/core/sidecar.ts': [{ file: 'sidecar.test.js' }, { file: 'keyRedaction.test.js' }],
};

/** The functions that remove the key: mutated where they stand, whatever lines they move to. */
const KEY_HANDLING = {
  'src/core/displayText.ts': ['secretVariants', 'redactSecrets'],
  'src/core/errors.ts': ['redact'],
  'src/core/sidecar.ts': ['buildSidecar', 'secretForms', 'withoutSecrets', 'scrub', 'provenanceUrl'],
};

/**
 * The lines of a top-level function, as Stryker's `file:start-end` range: from its `function`
 * line to the first line after it that closes a block at the start of the line.
 */
export function functionRange(file, name) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((line) => new RegExp(`^(export )?function ${name}[<(]`).test(line));
  if (start < 0) throw new Error(`${file} has no top-level function ${name}: update scripts/mutation/targets.mjs`);
  const end = lines.findIndex((line, index) => index > start && line === '}');
  return `${file}:${start + 1}-${end + 1}`;
}

/** Whole files, then the key handling by function. */
export function mutateList() {
  const whole = ['src/core/lifecycle.ts', 'src/core/landing.ts'];
  const ranges = Object.entries(KEY_HANDLING).flatMap(([file, names]) =>
    names.map((name) => functionRange(file, name)),
  );
  return [...whole, ...ranges];
}
