// Mutation testing on demand (`npm run mutation`, not part of `npm test`): StrykerJS plants small
// bugs in the task lifecycle, the landing and the code that removes the key, and runs the unit
// tests that answer for each file. A bug no test notices is a gap in the tests. docs/mutation-testing.md
// says how to run it and read the report.
import { mutateList } from './scripts/mutation/targets.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: mutateList(),
  // The unit tests use node:test, for which Stryker has no runner plugin: a command runs them.
  testRunner: 'command',
  commandRunner: { command: 'node scripts/mutation/testMutant.mjs' },
  buildCommand: 'node scripts/mutation/build.mjs',
  // A mutant TypeScript rejects is never run: it could not be built in the first place.
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Two cores: the tests mostly wait on the simulator's clock, so two runners keep both busy.
  concurrency: 2,
  // Each test command starts Node and the simulator afresh; a loaded machine needs the slack.
  timeoutMS: 30_000,
  // Everything Stryker writes stays under out/, which git, the linters and the package ignore.
  tempDirName: 'out/stryker-tmp',
  ignorePatterns: ['out', 'dist', 'dist-vsix', '.vscode-test', 'test-results', 'test/fixtures', 'media', 'docs'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'out/mutation/report.html' },
  jsonReporter: { fileName: 'out/mutation/report.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, maxTestsToLog: 0 },
  thresholds: { high: 90, low: 80, break: null },
};
