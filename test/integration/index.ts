/**
 * The extension-host test runner: `run()` is called inside a real VS Code extension host
 * (by @vscode/test-electron's runTests, or by code-server's `payload` route).
 *
 * Results are appended to AIGC_TEST_RESULT_FILE one JSON line per event as they happen, so
 * the launcher can count them even when a host is stopped mid-run. The reload test needs
 * two hosts: the first ends with a task still running upstream, the second (started by the
 * launcher on the same workspace and user data) must collect it.
 */
import { appendFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { exists } from '../../src/host/fileStat';

export async function run(): Promise<void> {
  const resultFile = process.env.AIGC_TEST_RESULT_FILE;
  const phase = (await markerExists('.restricted-workspace'))
    ? 4
    : (await markerExists('.hostile-workspace'))
      ? 3
      : (await markerExists('.reload-test.json'))
        ? 2
        : 1;
  // Decided once, before any test runs: phase 1's reload test writes the marker itself.
  process.env.AIGC_TEST_PHASE = String(phase);
  const record = (event: Record<string, unknown>) => {
    if (resultFile) appendFileSync(resultFile, `${JSON.stringify({ ...event, phase })}\n`);
  };
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    reporter: 'spec',
    grep: process.env.AIGC_TEST_GREP,
  });
  // Phase 2 only finishes the reload test (in phase 1 it runs last, after every other suite);
  // phase 3 is the hostile repository's window, phase 4 an untrusted one's (Restricted Mode).
  const files =
    phase === 4
      ? ['restricted.test.js']
      : phase === 3
        ? ['hostile.test.js']
        : phase === 2
          ? ['reload.test.js']
          : [
              'extension.test.js',
              'panel.test.js',
              'waysIn.test.js',
              'finishedAssets.test.js',
              'toolFinish.test.js',
              'variations.test.js',
              'assets.test.js',
              'outsideText.test.js',
              'spending.test.js',
              'styles.test.js',
              'styleConsent.test.js',
              'reload.test.js',
            ];
  for (const file of files) {
    const full = path.join(__dirname, file);
    if (existsSync(full)) mocha.addFile(full);
  }
  await mocha.loadFilesAsync();
  record({ event: 'start' });
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      record({ event: 'end', failures });
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => record({ event: 'pass', title: test.fullTitle(), ms: test.duration }));
    runner.on('fail', (test, error: Error) =>
      record({ event: 'fail', title: test.fullTitle(), error: String(error?.stack ?? error) }),
    );
    runner.on('pending', (test) => record({ event: 'pending', title: test.fullTitle() }));
  });
}

async function markerExists(name: string): Promise<boolean> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? exists(vscode.Uri.joinPath(folder.uri, name)) : false;
}
