// Stryker's build step, run once in its sandbox after every mutant has been written into the
// sources (each one switched on by an environment variable, so the code never changes again):
// transpiles the sources and the unit tests to out/, laid out as `npm run compile-tests` lays
// them out, and notes which source file each mutant is in, so the test command can run only the
// tests of that file. esbuild transpiles file by file without checking types (Stryker's
// TypeScript checker has done that), in about a second instead of tsc's dozen.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { MUTANT_MAP } from './targets.mjs';

/** Every .ts file under `dir`, as paths relative to the working directory. */
function typescriptUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** Mutant id → source file. The instrumenter marks each mutant with a call carrying its id. */
function mutantsIn(files) {
  const map = {};
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/stryMutAct_9fa48\("(\d+)"\)/g)) map[match[1]] = file;
  }
  return map;
}

const sources = typescriptUnder('src');
const tests = ['test/unit', 'test/sim', 'test/support'].flatMap(typescriptUnder);
await esbuild.build({
  entryPoints: [...sources, ...tests],
  outbase: '.',
  outdir: 'out',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const map = mutantsIn(sources);
mkdirSync('out', { recursive: true });
writeFileSync(MUTANT_MAP, JSON.stringify(map));
console.log(`built ${sources.length + tests.length} files; ${Object.keys(map).length} mutants`);
