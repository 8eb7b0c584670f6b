#!/usr/bin/env node
// Runs the integration suite (test/integration/*.test.ts, compiled to out/) inside a real
// VS Code extension host against the gateway simulator.
//
// - Desktop VS Code when VSCODE_EXECUTABLE is set or `code` is on PATH: @vscode/test-electron's
//   runTests with --extensionDevelopmentPath/--extensionTestsPath (where VS Code can also be
//   downloaded, set AIGC_VSCODE_DOWNLOAD=1).
// - Otherwise code-server 4.100.3 (VS Code 1.100.3) in headless Chromium through the workbench's
//   `payload` route (see test/harness/codeServer.mjs).
//
// The runner appends one JSON line per test event to a result file; this launcher fails on any
// failure, on a missing result and on a timeout. The reload test needs new hosts on the same
// workspace and user data: when phase 1 leaves its marker, a second pass runs, with TWO windows
// on that workspace at once under code-server (two extension hosts racing for the same tasks).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const PASS_TIMEOUT_MS = Number(process.env.AIGC_TEST_TIMEOUT_MS ?? 5 * 60_000);
const artifacts = path.join(root, 'out', 'artifacts', 'integration');

function log(line) {
  console.log(`[integration] ${line}`);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

function readEvents(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function main() {
  const runner = path.join(root, 'out', 'test', 'integration', 'index.js');
  if (!existsSync(runner)) execFileSync('npm', ['run', '--silent', 'compile-tests'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const temp = mkdtempSync(path.join(tmpdir(), 'aigc-integration-'));
  const workspace = path.join(temp, 'workspace');
  cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const resultFile = path.join(temp, 'results.jsonl');

  const { startSimulator } = require(path.join(root, 'out', 'test', 'sim', 'simulator.js'));
  const { startControlServer } = require(path.join(root, 'out', 'test', 'sim', 'controlServer.js'));
  const sim = await startSimulator({ quiet: true });
  const control = await startControlServer(sim);
  mkdirSync(path.join(root, 'out', 'results'), { recursive: true });
  const env = {
    AIGC_SIM_CONTROL: control.origin,
    AIGC_TEST_RESULT_FILE: resultFile,
    AIGC_RESULTS_DIR: path.join(root, 'out', 'results'),
  };
  if (process.env.AIGC_TEST_GREP) env.AIGC_TEST_GREP = process.env.AIGC_TEST_GREP;
  const userSettings = { 'aigcImage.baseUrl': sim.apiOrigin, 'workbench.startupEditor': 'none' };

  const desktop = process.env.VSCODE_EXECUTABLE || (process.env.AIGC_FORCE_CODE_SERVER ? undefined : onPath('code'));
  const hostile = prepareHostileWorkspace(temp, sim);
  const restricted = path.join(temp, 'restricted');
  cpSync(path.join(root, 'test', 'fixtures', 'restricted-workspace'), restricted, { recursive: true });
  const started = Date.now();
  let passes = 0;
  // 1: the suites; 2: two new windows on the same workspace (when pass 1 left the reload marker);
  // 3: a hostile repository, in a window of its own; 4: a repository the user has not trusted (Restricted Mode).
  const plan = [
    { pass: 1, folder: workspace, windows: 1, when: () => true, what: '' },
    {
      pass: 2,
      folder: workspace,
      windows: 2,
      when: () => existsSync(path.join(workspace, '.reload-test.json')),
      what: ' (two new extension hosts on the same workspace and user data)',
    },
    {
      pass: 3,
      folder: hostile,
      windows: 1,
      when: () => !process.env.AIGC_TEST_GREP || /hostile/i.test(process.env.AIGC_TEST_GREP),
      what: ' (a hostile repository)',
    },
    {
      pass: 4,
      folder: restricted,
      windows: 1,
      untrusted: true,
      when: () => !process.env.AIGC_TEST_GREP || /hostile|restricted/i.test(process.env.AIGC_TEST_GREP),
      what: ' (an untrusted repository, in Restricted Mode)',
    },
  ];
  const host =
    desktop || process.env.AIGC_VSCODE_DOWNLOAD
      ? await electronPasses(desktop, temp, env, userSettings)
      : await codeServerPasses(workspace, env, userSettings);
  try {
    for (const step of plan) {
      if (!step.when()) continue;
      passes++;
      log(`pass ${step.pass}${step.what}`);
      await host.run(step.pass, step.folder, step.windows, step.untrusted ?? false);
      for (const e of readEvents(resultFile).filter((x) => x.phase === step.pass)) {
        if (e.event === 'pass') console.log(`  ✓ ${e.title} (${e.ms ?? 0} ms)`);
        if (e.event === 'fail') console.log(`  ✗ ${e.title}`);
      }
    }
  } finally {
    await host.stop();
    await control.close?.();
    await sim.close();
  }

  const events = readEvents(resultFile);
  const passed = events.filter((e) => e.event === 'pass').length;
  const failed = events.filter((e) => e.event === 'fail');
  const skipped = events.filter((e) => e.event === 'pending').length;
  const ends = events.filter((e) => e.event === 'end').length;
  const notes = [];
  if (events.length === 0) notes.push('the runner wrote no result');
  else if (ends < passes) notes.push(`only ${ends} of ${passes} pass(es) reached their end`);
  for (const f of failed) console.log(`\n[integration] FAILED: ${f.title}\n${f.error}`);
  const failures = failed.length + (notes.length > 0 ? 1 : 0);
  console.log(
    `integration: ${passed} passed, ${failures} failed (${skipped} skipped by phase), ${((Date.now() - started) / 1000).toFixed(1)} s${notes.length ? ` — ${notes.join('; ')}` : ''}`,
  );
  if (process.env.AIGC_SUITE_RESULT) {
    writeFileSync(
      process.env.AIGC_SUITE_RESULT,
      JSON.stringify({ passed, failed: failures, skipped, note: notes.join('; ') || undefined }),
    );
  }
  rmSync(temp, { recursive: true, force: true });
  process.exit(failures > 0 ? 1 : 0);
}

/**
 * Desktop VS Code (installed, or downloaded where the network allows) via @vscode/test-electron.
 * One window at a time: a second desktop instance on the same user data would hand its folder
 * to the first, so pass 2 runs with one host there.
 */
async function electronPasses(executable, temp, env, userSettings) {
  const { runTests } = require('@vscode/test-electron');
  const userDataDir = path.join(temp, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  log(`desktop VS Code: ${executable ?? 'downloaded by @vscode/test-electron'}`);
  return {
    async run(_pass, folder, _windows, untrusted) {
      await runTests({
        ...(executable ? { vscodeExecutablePath: executable } : {}),
        extensionDevelopmentPath: root,
        extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
        extensionTestsEnv: env,
        launchArgs: [
          folder,
          '--user-data-dir',
          userDataDir,
          '--extensions-dir',
          path.join(temp, 'extensions'),
          ...(untrusted ? [] : ['--disable-workspace-trust']),
          '--skip-welcome',
          '--skip-release-notes',
        ],
      }).catch((error) => log(`VS Code exited with an error: ${error}`));
    },
    async stop() {},
  };
}

/** code-server + headless Chromium; the same server (and user data) serves every pass. */
async function codeServerPasses(workspace, env, userSettings) {
  const harness = await import(path.join(root, 'test', 'harness', 'codeServer.mjs'));
  const server = await harness.startCodeServer({
    workspace,
    userSettings,
    trustWorkspace: true,
    env,
    logFile: path.join(artifacts, 'code-server.log'),
  });
  log(`code-server ${harness.CODE_SERVER_VERSION} at ${server.url}`);
  const browser = await harness.launchChromium();
  // One browser profile for both passes, as one user reloading one window.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Trust is the server's setting: an untrusted pass gets a server of its own, started when needed.
  let untrustedServer;
  const stopAll = async () => {
    await browser.close().catch(() => undefined);
    await server.stop();
    await untrustedServer?.stop();
  };
  process.once('exit', () => void stopAll());
  /** One window: loads the workbench with the test runner and resolves with its exit code. */
  const runWindow = async (pass, folder, index, on) => {
    const page = await context.newPage();
    const exit = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => resolve(code));
      // The workbench sends all of its own log here too: only shown on request.
      page.exposeFunction(
        'codeAutomationLog',
        (text) => process.env.AIGC_TEST_VERBOSE && process.stdout.write(`${text}\n`),
      );
    });
    const url = harness.workbenchUrl(on, {
      folder,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
    });
    await page.goto(url);
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), PASS_TIMEOUT_MS);
    });
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    await page
      .screenshot({ path: path.join(artifacts, `pass-${pass}-window-${index + 1}.png`) })
      .catch(() => undefined);
    log(
      `pass ${pass} window ${index + 1} ended: ${code === 'timeout' ? `timed out after ${PASS_TIMEOUT_MS / 1000} s` : `exit code ${code}`}`,
    );
    await page.close().catch(() => undefined);
    return code;
  };
  return {
    async run(pass, folder, windows, untrusted) {
      if (untrusted)
        untrustedServer ??= await harness.startCodeServer({
          workspace: folder,
          userSettings,
          trustWorkspace: false,
          env,
          logFile: path.join(artifacts, 'code-server-untrusted.log'),
        });
      const on = untrusted ? untrustedServer : server;
      await Promise.all(Array.from({ length: windows }, (_, index) => runWindow(pass, folder, index, on)));
      // Let the extension hosts of the closed windows wind down before the next pass opens.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    },
    stop: stopAll,
  };
}

/**
 * A repository a user might clone without knowing its author: workspace settings that try to
 * redirect the key and the output or choose what is billed and checked, links out of the
 * workspace, sidecars naming files outside it (by absolute and by Windows network path) or
 * recording a request other than the one their gallery card shows, huge compressible sidecars
 * and 5 000 ordinary ones.
 * `outside` is the folder nothing may be read from or written to; the test checks it afterwards.
 */
function prepareHostileWorkspace(temp, sim) {
  const hostile = path.join(temp, 'hostile');
  const outside = path.join(temp, 'outside');
  cpSync(path.join(root, 'test', 'fixtures', 'hostile-workspace'), hostile, { recursive: true });
  mkdirSync(outside, { recursive: true });
  const image = path.join(hostile, 'assets', 'cat.png');
  cpSync(image, path.join(outside, 'secret.png'));
  writeFileSync(path.join(outside, 'private-notes.json'), JSON.stringify({ secret: true }));
  // The output folder is "art"; today's folder in it leads outside.
  const today = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const dated = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
  mkdirSync(path.join(hostile, 'art'), { recursive: true });
  symlinkSync(outside, path.join(hostile, 'art', dated));
  symlinkSync(outside, path.join(hostile, 'assets', 'linked'));
  mkdirSync(path.join(hostile, '.vscode'), { recursive: true });
  writeFileSync(
    path.join(hostile, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        // Nested, settings reach the extension even when application-scoped (VS Code filters flat
        // keys only). First, so that the flat keys below merge into it instead of being replaced.
        aigcImage: { defaultModel: 'Qwen 0925', defaults: { outputComplianceCheck: 'Disabled' } },
        'aigcImage.baseUrl': sim.thirdOrigin,
        'aigcImage.apiKey': 'workspace-planted-key-123',
        'aigcImage.queryPath': `@${new URL(sim.thirdOrigin).host}/{task_id}`,
        'aigcImage.outputFolder': 'art',
        'aigcImage.restyleOutput': 'besideSource',
        'aigcImage.timeoutSeconds': 'soon',
        'aigcImage.defaults.aspectRatio': '1:100',
        // What costs money or turns a check off: the user's settings alone decide it.
        'aigcImage.defaults.storageMode': 'Permanent',
        'aigcImage.defaults.resolution': '6198x2656',
        'aigcImage.defaults.inputComplianceCheck': 'Disabled',
        'aigcImage.defaults.personGeneration': 'AllowAdult',
        'aigcImage.defaults.enhancePrompt': 'Enabled',
      },
      null,
      2,
    ),
  );
  const sidecar = (name, references, prompt) => ({
    kind: 'aigc-image-studio/result',
    version: 1,
    taskId: `hostile-${name}`,
    prompt,
    model: { name: 'GEM', version: '2.5' },
    request: {
      model_name: 'GEM',
      model_version: '2.5',
      prompt,
      file_infos: references.map(() => ({ type: 'Url', url: 'data:image/png;omitted (1000 bytes)' })),
    },
    references,
    images: [{ file: `${name}.png`, url: 'https://cdn.example/x.png', format: 'png', bytes: 1, sha256: 'x' }],
    timings: { submittedAt: '2026-01-01T00:00:00Z', savedAt: '2026-01-01T00:00:00Z' },
  });
  const results = path.join(hostile, 'art', 'older');
  mkdirSync(results, { recursive: true });
  const place = (name, content, dir = results) => {
    writeFileSync(path.join(dir, `${name}.json`), typeof content === 'string' ? content : JSON.stringify(content));
    linkSync(image, path.join(dir, `${name}.png`));
  };
  place(
    'stolen',
    sidecar(
      'stolen',
      [
        { path: path.join(outside, 'secret.png') },
        { path: '\\\\evil-host\\share\\secret.png' },
        { path: '../../outside/secret.png' },
      ],
      'a variation that would upload a private file',
    ),
  );
  // Huge and compressible: megabytes of spaces inside a valid sidecar.
  for (let i = 0; i < 3; i++)
    place(
      `huge-${i}`,
      JSON.stringify(sidecar(`huge-${i}`, [], `huge ${i}`)).replace(
        '"prompt":',
        `"padding": "${' '.repeat(8 * 1024 * 1024)}", "prompt":`,
      ),
    );
  for (let i = 0; i < 5000; i++) place(`many-${i}`, sidecar(`many-${i}`, [], `ordinary result ${i}`));
  // Results a pull brings in while the Studio is open (the test moves them into the output folder,
  // where the gallery's watcher reads them). The card shows "a cute cat" with Qwen; the request
  // beside it asks for something else, billed more and checked less.
  const pulled = path.join(hostile, 'pulled');
  mkdirSync(pulled, { recursive: true });
  place(
    'two-faced',
    {
      ...sidecar('two-faced', [], 'a cute cat'),
      model: { name: 'Qwen', version: '0925' },
      request: {
        model_name: 'GEM',
        model_version: '3.0',
        prompt: 'a request the card does not show',
        negative_prompt: 'clothes',
        enhance_prompt: 'Enabled',
        output_config: {
          storage_mode: 'Permanent',
          resolution: '6198x2656',
          person_generation: 'AllowAdult',
          input_compliance_check: 'Disabled',
          output_compliance_check: 'Disabled',
        },
      },
    },
    pulled,
  );
  // A result "made from" an image on a host the user never chose.
  place(
    'remote-reference',
    {
      ...sidecar('remote-reference', [], 'a dog from the web'),
      request: {
        model_name: 'GEM',
        model_version: '2.5',
        prompt: 'a dog from the web',
        file_infos: [{ type: 'Url', url: `${sim.thirdOrigin}/steal.png` }],
      },
    },
    pulled,
  );
  plantSidecarTraps(hostile);
  return hostile;
}

/**
 * Files where an earlier version put the sidecars of images not made yet (`assets/<name>.json`
 * beside a missing `assets/<name>.png`): named pipes, which block whoever opens them, and a link
 * to /dev/zero, which never ends. Neither can be committed portably, so they are made here.
 */
function plantSidecarTraps(hostile) {
  for (const name of ['piped', 'piped-too']) execFileSync('mkfifo', [path.join(hostile, 'assets', `${name}.json`)]);
  symlinkSync('/dev/zero', path.join(hostile, 'assets', 'zeroed.json'));
}

main().catch((error) => {
  console.error(`[integration] ${error instanceof Error ? error.stack : error}`);
  if (process.env.AIGC_SUITE_RESULT)
    writeFileSync(process.env.AIGC_SUITE_RESULT, JSON.stringify({ passed: 0, failed: 1, note: String(error) }));
  process.exit(1);
});
