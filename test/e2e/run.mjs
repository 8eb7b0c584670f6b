#!/usr/bin/env node
// End-to-end: the packaged .vsix installed into a real VS Code (code-server 4.100.3), driven by
// Debian's Chromium through playwright-core, against the gateway simulator. What a user does:
// palette → Generate Image… → fill the Studio → result on disk and in the gallery; Explorer
// right-click → Restyle Image…; a failing task shows its message; the Studio at three widths, by
// keyboard and under axe-core in dark, light and both high-contrast themes (studioChecks.mjs).
// Screenshots of each step go to out/artifacts/e2e/ (not committed). Writes {passed, failed} to AIGC_SUITE_RESULT.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { finishChecks } from './finishChecks.mjs';
import { spendingChecks } from './spendingChecks.mjs';
import { variationsChecks } from './variationsChecks.mjs';
import { stylesChecks } from './stylesChecks.mjs';
import { panelBenchmark, scenarios } from './scenarios.mjs';
import { studioChecks } from './studioChecks.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const artifacts = path.join(root, 'out', 'artifacts', 'e2e');
/**
 * Every wait inside a scenario has a bound of its own (Playwright's, or `until`'s); this one is
 * the backstop for a step that has none, so a hung scenario fails by name and the others still
 * run. A scenario that needs longer says so with `timeoutMs`.
 */
const SCENARIO_LIMIT_MS = 5 * 60_000;

/** The scenario's run, failed when it has not finished within its limit. */
function bounded(scenario, context) {
  const limitMs = scenario.timeoutMs ?? SCENARIO_LIMIT_MS;
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${limitMs / 1000} s`)), limitMs);
  });
  return Promise.race([scenario.run(context), late]).finally(() => clearTimeout(timer));
}

async function main() {
  const harness = await import(pathToFileURL(path.join(root, 'test', 'harness', 'codeServer.mjs')).href);
  await harness.ensureCodeServer();
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  console.log('[e2e] packaging the extension');
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const vsix = path.join(root, 'dist-vsix', 'aigc-image-studio.vsix');

  const temp = mkdtempSync(path.join(tmpdir(), 'aigc-e2e-'));
  const workspace = path.join(temp, 'sample-workspace');
  cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  const { startSimulator } = require(path.join(root, 'out', 'test', 'sim', 'simulator.js'));
  const sim = await startSimulator({ quiet: true, taskDurationMs: 1500, queueMs: 300 });
  const server = await harness.startCodeServer({
    workspace,
    installVsix: vsix,
    trustWorkspace: true,
    logFile: path.join(artifacts, 'code-server.log'),
    userSettings: {
      'aigcImage.baseUrl': sim.apiOrigin,
      // The settings-stored key (the path a user who asked for it takes); SecretStorage is covered in-host.
      'aigcImage.apiKey': sim.apiKey,
      'workbench.colorTheme': process.env.AIGC_E2E_THEME ?? 'Default Dark Modern',
      'window.commandCenter': false,
    },
  });
  const browser = await harness.launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const results = [];
  const started = Date.now();
  try {
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const context = {
      page,
      sim,
      workspace,
      artifacts,
      server,
      harness,
      root,
      shot: (name) => page.screenshot({ path: path.join(artifacts, `${name}.png`) }),
    };
    // The checks need results in the gallery (the journeys make them); the benchmark's 10 000 images come last.
    const grep = process.env.AIGC_E2E_GREP ? new RegExp(process.env.AIGC_E2E_GREP, 'i') : undefined;
    for (const scenario of [
      ...scenarios,
      ...studioChecks,
      ...finishChecks,
      ...variationsChecks,
      ...spendingChecks,
      ...stylesChecks,
      panelBenchmark,
    ].filter((s) => !grep || grep.test(s.name))) {
      const t0 = Date.now();
      try {
        await bounded(scenario, context);
        results.push({ name: scenario.name, ok: true, ms: Date.now() - t0 });
        console.log(`  ✓ ${scenario.name} (${Date.now() - t0} ms)`);
      } catch (error) {
        results.push({ name: scenario.name, ok: false, ms: Date.now() - t0, error: String(error?.stack ?? error) });
        console.log(`  ✗ ${scenario.name}\n${String(error?.stack ?? error)}`);
        await context.shot(`failed-${scenario.name.replace(/\W+/g, '-')}`).catch(() => undefined);
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    await sim.close();
    rmSync(temp, { recursive: true, force: true });
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(
    `e2e: ${passed} passed, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${path.relative(root, artifacts)}/`,
  );
  if (process.env.AIGC_SUITE_RESULT) writeFileSync(process.env.AIGC_SUITE_RESULT, JSON.stringify({ passed, failed }));
  process.exit(failed > 0 || results.length === 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(`[e2e] ${error instanceof Error ? error.stack : error}`);
  if (process.env.AIGC_SUITE_RESULT)
    writeFileSync(process.env.AIGC_SUITE_RESULT, JSON.stringify({ passed: 0, failed: 1, note: String(error) }));
  process.exit(1);
});
