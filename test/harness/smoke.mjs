// Self-check of the real-VS-Code harness: a throwaway extension's test runner runs inside a real
// extension host (code-server 4.100.3 + headless Chromium) and writes a file through
// vscode.workspace.fs. Prints "harness smoke: ok (<ms> ms)" and exits 0, otherwise exits 1.
//
//   node test/harness/smoke.mjs            (AIGC_HARNESS_DEBUG=1 echoes browser/server output)

import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCodeServer, launchChromium, startCodeServer, workbenchUrl } from './codeServer.mjs';

const EXIT_TIMEOUT_MS = 90_000;
const RESULT_FILE = 'harness-smoke.txt';
const debug = !!process.env.AIGC_HARNESS_DEBUG;

const EXTENSION_PACKAGE = {
  name: 'aigc-harness-smoke',
  displayName: 'AIGC harness smoke',
  publisher: 'aigc-harness',
  version: '0.0.1',
  engines: { vscode: '^1.100.0' },
  main: './extension.js',
  activationEvents: [],
  capabilities: { untrustedWorkspaces: { supported: true } },
};

const EXTENSION_JS = `exports.activate = function activate() {};
exports.deactivate = function deactivate() {};
`;

const RUNNER_JS = `const vscode = require('vscode');
exports.run = async function run() {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (!folder) throw new Error('no workspace folder');
  const text = JSON.stringify({ vscode: vscode.version, pid: process.pid, remoteName: vscode.env.remoteName });
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, ${JSON.stringify(RESULT_FILE)}), Buffer.from(text));
  console.log('runner: wrote ${RESULT_FILE} ' + text);
};
`;

async function main() {
  const started = Date.now();
  await ensureCodeServer();
  const installed = Date.now();

  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'aigc-harness-smoke-'));
  const extDir = path.join(tmp, 'extension');
  const workspace = path.join(tmp, 'workspace');
  await fs.mkdir(extDir, { recursive: true });
  await fs.mkdir(workspace, { recursive: true });
  await fs.writeFile(path.join(extDir, 'package.json'), JSON.stringify(EXTENSION_PACKAGE, null, 2));
  await fs.writeFile(path.join(extDir, 'extension.js'), EXTENSION_JS);
  await fs.writeFile(path.join(extDir, 'runner.js'), RUNNER_JS);

  /** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
  let server;
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  /** @type {string[]} */
  const browserLog = [];
  try {
    server = await startCodeServer({
      workspace,
      trustWorkspace: true,
      logFile: path.join(tmp, 'code-server.log'),
    });
    const serverUp = Date.now();
    browser = await launchChromium();
    if (debug) console.error(`+${Date.now() - serverUp} ms [smoke] Chromium launched`);
    const page = await browser.newPage();
    // codeAutomationLog (below) receives the same workbench and extension-host log lines.
    page.on('console', (m) => browserLog.push(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));

    /** @type {(code: number) => void} */
    let onExit = () => {};
    const exitCode = new Promise((resolve) => (onExit = resolve));
    await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => {
      onExit(code);
    });
    await page.exposeFunction('codeAutomationLog', (/** @type {string} */ type, /** @type {unknown[]} */ args) => {
      const line = `[ext-host ${type}] ${Array.isArray(args) ? args.join(' ') : String(args)}`;
      browserLog.push(line);
      if (debug) console.error(`+${Date.now() - serverUp} ms ${line}`);
    });

    const url = workbenchUrl(server, {
      folder: workspace,
      extensionDevelopmentPath: extDir,
      extensionTestsPath: path.join(extDir, 'runner.js'),
    });
    if (debug) console.error(`[smoke] ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    if (debug) console.error(`+${Date.now() - serverUp} ms [smoke] page loaded`);
    if (debug) {
      page
        .waitForSelector('.monaco-workbench', { timeout: EXIT_TIMEOUT_MS })
        .then(() => console.error(`+${Date.now() - serverUp} ms [smoke] .monaco-workbench visible`))
        .catch(() => {});
    }

    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const code = await Promise.race([
      exitCode,
      new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (code === 'timeout') throw new Error(`no codeAutomationExit within ${EXIT_TIMEOUT_MS / 1000} s`);
    if (code !== 0) throw new Error(`extension tests exited with code ${code}`);

    const written = await fs.readFile(path.join(workspace, RESULT_FILE), 'utf8').catch(() => undefined);
    if (written === undefined) throw new Error(`runner resolved but ${RESULT_FILE} is missing in the workspace`);
    const info = JSON.parse(written);
    if (debug) console.error(`[smoke] ${written}`);
    const done = Date.now();
    console.log(
      `harness smoke: ok (${done - started} ms; ensure ${installed - started} ms, server ${serverUp - installed} ms, ` +
        `workbench+tests ${done - serverUp} ms; VS Code ${info.vscode})`,
    );
    return 0;
  } catch (e) {
    console.error(`harness smoke: FAILED: ${e instanceof Error ? e.message : e}`);
    if (browserLog.length) console.error(`--- browser (last 40) ---\n${browserLog.slice(-40).join('\n')}`);
    if (server) console.error(`--- code-server (last 40) ---\n${server.output()}`);
    return 1;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

process.exitCode = await main().catch((e) => {
  console.error(`harness smoke: FAILED: ${e?.stack ?? e}`);
  return 1;
});
