/**
 * A repository the user does not control, opened in a real VS Code (see prepareHostileWorkspace
 * in launch.mjs): its settings try to send the key elsewhere and write outside, links lead out
 * of it, sidecars name private files outside it, and thousands of (some huge) sidecars sit in
 * its output folder. Nothing is read from or written to outside the workspace, no request goes
 * anywhere but the user's configured origin, and the window stays responsive.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { parseSidecar } from '../../src/core/sidecar';
import type { GenerationResult } from '../../src/host/generationService';
import { type GalleryEntry, savedReferences } from '../../src/host/gallery';
import { api, connect, simulator, waitFor, workspaceRoot } from './support';

/** The folder beside the workspace that nothing may touch, and what it held at the start. */
const outside = () => path.join(path.dirname(workspaceRoot().fsPath), 'outside');
const snapshot = () =>
  readdirSync(outside())
    .sort()
    .map((name) => `${name}:${statSync(path.join(outside(), name)).size}`);

describe('a hostile repository reaches nothing outside', () => {
  let initial: string[];
  let key: string;

  before(async () => {
    key = (await connect()).apiKey;
    await (await api()).resumed;
    initial = snapshot();
  });

  after(() => {
    assert.deepEqual(snapshot(), initial, 'nothing was written outside the workspace');
  });

  it('its settings cannot redirect the key: every request goes to the user’s base URL, none to the planted host', async () => {
    const sim = await simulator();
    await sim.reset();
    await sim.configure({ mode: 'native', taskDurationMs: 300, quiet: true });
    const outcome = await vscode.commands.executeCommand<GenerationResult>('aigcImage.generate', { prompt: 'hostile settings', reveal: false });
    // Today's output folder is a link out of the workspace: the image waits for a folder the user chooses.
    assert.equal(outcome.status, 'blocked', outcome.error?.message);
    const requests = await sim.requests();
    assert.ok(requests.some((r) => r.server === 'api' && r.method === 'POST'), 'the task went to the configured gateway');
    assert.deepEqual(requests.filter((r) => r.server === 'third'), [], 'nothing reached the host the workspace planted');
    assert.ok(requests.filter((r) => r.server === 'api').every((r) => r.headers.authorization === `Bearer ${key}`), 'the user’s key, not the planted one');
    const log = (await api()).recentLog();
    assert.ok(log.some((l) => l.includes('aigcImage.timeoutSeconds is not valid')), 'the string timeout was ignored, and said so');
    assert.ok(!log.some((l) => l.includes('workspace-planted-key-123')));
    const task = (await api()).tasks().find((t) => t.taskId === outcome.taskId);
    assert.deepEqual(task?.actions, ['chooseFolder', 'discard']);
    await vscode.commands.executeCommand('aigcImage.taskAction', task!.id, 'discard');
  });

  it('a reference whose real file is outside (through a link) is refused before any request', async () => {
    const sim = await simulator();
    await sim.reset();
    const linked = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'linked', 'secret.png');
    const outcome = await vscode.commands.executeCommand<GenerationResult>('aigcImage.restyle', linked, [linked], { prompt: 'steal it', reveal: false });
    assert.equal(outcome.status, 'invalid');
    assert.match(outcome.error!.message, /outside the workspace/);
    assert.deepEqual((await sim.requests()).filter((r) => r.method === 'POST'), [], 'nothing was sent');
  });

  it('a sidecar naming files outside (absolute, network, ..) never leads to reading them', async () => {
    const file = vscode.Uri.joinPath(workspaceRoot(), 'art', 'older', 'stolen.json');
    const sidecar = parseSidecar(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)))!;
    const entry: GalleryEntry = { id: file.toString(), sidecarUri: file, imageUri: vscode.Uri.joinPath(file, '..', 'stolen.png'), sidecar, createdAt: 0, sidecarMtime: 0 };
    const { references, missing } = await savedReferences(entry);
    assert.deepEqual(references, [], 'no reference found outside');
    assert.equal(missing.length, 3);
  });

  it('5 000 sidecars, some of megabytes: the Studio opens, reads a bounded number, and the window stays responsive', async function () {
    this.timeout(120_000);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = Date.now();
    await vscode.commands.executeCommand('aigcImage.generate');
    const count = await waitFor('the gallery to load', () => (api().then((a) => a.studio.resultCount())), 90_000);
    const loadMs = Date.now() - started;
    delay.disable();
    assert.ok(count > 0 && count <= 1000, `the gallery read ${count} results of 5 003`);
    const p99 = delay.percentile(99) / 1e6;
    const max = delay.max / 1e6;
    // Figures for the closing note, not assertions on time: these machines are shared and noisy.
    if (process.env.AIGC_RESULTS_DIR) {
      await vscode.workspace.fs.writeFile(
        vscode.Uri.file(`${process.env.AIGC_RESULTS_DIR}/hostile-gallery.json`),
        new TextEncoder().encode(JSON.stringify({ sidecars: 5003, read: count, loadMs, eventLoopP99Ms: Number(p99.toFixed(1)), eventLoopMaxMs: Number(max.toFixed(1)), at: new Date().toISOString() })),
      );
    }
    console.log(`    gallery: ${count} of 5003 read in ${loadMs} ms; event-loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  });

  it('a folder moved into the output folder with a link out of the workspace brings nothing from outside into the gallery', async () => {
    const before = await waitFor('the gallery to be loaded', () => api().then((a) => a.studio.resultCount()));
    const results = path.join(workspaceRoot().fsPath, 'art', 'older');
    const result = (name: string, prompt: string) => {
      const sidecar = JSON.parse(readFileSync(path.join(results, 'many-1.json'), 'utf8')) as { images: { file: string }[] };
      return JSON.stringify({ ...sidecar, taskId: name, prompt, images: [{ ...sidecar.images[0], file: `${name}.png` }] });
    };
    const place = (dir: string, name: string, prompt: string) => {
      writeFileSync(path.join(dir, `${name}.json`), result(name, prompt));
      copyFileSync(path.join(results, 'many-1.png'), path.join(dir, `${name}.png`));
    };
    // A result elsewhere on disk (the test's own folder, not the one nothing may touch)…
    const base = path.dirname(workspaceRoot().fsPath);
    const elsewhere = path.join(base, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    place(elsewhere, 'leak', 'a result from outside the workspace');
    // …and a folder holding an ordinary result and a link to it, moved in at once: the watcher
    // reports the folder alone, and the search inside it follows the link.
    const incoming = path.join(base, 'incoming');
    mkdirSync(incoming, { recursive: true });
    place(incoming, 'moved-in', 'an ordinary result moved in');
    symlinkSync(elsewhere, path.join(incoming, 'linked'));
    renameSync(incoming, path.join(results, 'incoming'));
    const after = await waitFor('the moved-in result in the gallery', () => api().then((a) => ((a.studio.resultCount() ?? 0) > before! ? a.studio.resultCount() : undefined)));
    assert.equal(after, before! + 1, 'only the result inside the workspace was added');
  });

  it('a key with a line break is refused where it is entered', async () => {
    const stored = await vscode.commands.executeCommand<boolean>('aigcImage.setApiKey', 'sk-evil-1234\r\nX-Injected: 1');
    assert.equal(stored, false);
    assert.ok(!(await api()).recentLog().some((l) => l.includes('sk-evil-1234')), 'the refused key is not in the log');
  });
});
