/**
 * A repository the user does not control, opened in a real VS Code (see prepareHostileWorkspace
 * in launch.mjs): its settings try to send the key elsewhere, write outside and choose what is
 * billed and checked, links lead out of it, sidecars name private files outside it or record a
 * request other than the one their card shows, and thousands of (some huge) sidecars sit in its
 * output folder. Nothing is read from or written to outside the workspace, no request goes
 * anywhere but the user's configured origin, nothing is billed or unchecked that the user did
 * not choose or see, and the window stays responsive.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { parseSidecar } from '../../src/core/sidecar';
import type { GenerationResult } from '../../src/host/generationService';
import { type GalleryEntry, savedReferences } from '../../src/host/gallery';
import { bytesReadByThisProcess } from '../support/processIo';
import { api, connect, invokeTool, simulator, waitFor, workspaceRoot } from './support';

/** The folder beside the workspace that nothing may touch, and what it held at the start. */
const outside = () => path.join(path.dirname(workspaceRoot().fsPath), 'outside');
const snapshot = () =>
  readdirSync(outside())
    .sort()
    .map((name) => `${name}:${statSync(path.join(outside(), name)).size}`);

/** The create requests the user's gateway received, as sent. */
const creates = async () =>
  (await (await simulator()).requests())
    .filter((r) => r.server === 'api' && r.method === 'POST')
    .map((r) => JSON.parse(r.body) as Record<string, unknown>);

/** The quick fixes offered on the image path of a new Markdown file `name` that refers to `written`. */
async function quickFixes(name: string, written: string): Promise<vscode.CodeAction[]> {
  const doc = vscode.Uri.joinPath(workspaceRoot(), name);
  await vscode.workspace.fs.writeFile(
    doc,
    new TextEncoder().encode(`# Pictures\n\n![A lighthouse at dusk](${written})\n`),
  );
  const document = await vscode.workspace.openTextDocument(doc);
  const at = document.positionAt(document.getText().indexOf(written));
  return vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    doc,
    new vscode.Range(at, at),
  );
}

/** Moves a result the fixture keeps in `pulled/` into the output folder, as a pull would; returns its image. */
function pullResult(name: string): string {
  const results = path.join(workspaceRoot().fsPath, 'art', 'older');
  for (const file of [`${name}.png`, `${name}.json`])
    renameSync(path.join(workspaceRoot().fsPath, 'pulled', file), path.join(results, file));
  return path.join(results, `${name}.png`);
}

/** Ends a task this file started, so the window is not left collecting it. */
async function discardTask(taskId: string | undefined): Promise<void> {
  const task = (await api()).tasks().find((t) => t.taskId === taskId);
  if (task) await vscode.commands.executeCommand('aigcImage.taskAction', task.id, 'discard');
}

describe('a hostile repository reaches nothing outside', () => {
  let initial: string[];
  let key: string;

  before(async () => {
    key = (await connect()).apiKey;
    await (
      await api()
    ).resumed;
    initial = snapshot();
  });

  after(() => {
    assert.deepEqual(snapshot(), initial, 'nothing was written outside the workspace');
  });

  it('its settings cannot redirect the key: every request goes to the user’s base URL, none to the planted host', async () => {
    const sim = await simulator();
    await sim.reset();
    await sim.configure({ mode: 'native', taskDurationMs: 300, quiet: true });
    const outcome = await vscode.commands.executeCommand<GenerationResult>('aigcImage.generate', {
      prompt: 'hostile settings',
      reveal: false,
    });
    // Today's output folder is a link out of the workspace: the image waits for a folder the user chooses.
    assert.equal(outcome.status, 'blocked', outcome.error?.message);
    const requests = await sim.requests();
    assert.ok(
      requests.some((r) => r.server === 'api' && r.method === 'POST'),
      'the task went to the configured gateway',
    );
    assert.deepEqual(
      requests.filter((r) => r.server === 'third'),
      [],
      'nothing reached the host the workspace planted',
    );
    assert.ok(
      requests.filter((r) => r.server === 'api').every((r) => r.headers.authorization === `Bearer ${key}`),
      'the user’s key, not the planted one',
    );
    const log = (await api()).recentLog();
    assert.ok(
      log.some((l) => l.includes('aigcImage.timeoutSeconds is not valid')),
      'the string timeout was ignored, and said so',
    );
    assert.ok(!log.some((l) => l.includes('workspace-planted-key-123')));
    const task = (await api()).tasks().find((t) => t.taskId === outcome.taskId);
    assert.deepEqual(task?.actions, ['chooseFolder', 'discard']);
    await vscode.commands.executeCommand('aigcImage.taskAction', task.id, 'discard');
  });

  it('its settings cannot choose the model, storage, resolution, people or checks: the request carries the user’s own choices, and the log says what was ignored', async () => {
    const sim = await simulator();
    await sim.reset();
    await sim.configure({ mode: 'native', taskDurationMs: 300, quiet: true });
    const outcome = await vscode.commands.executeCommand<GenerationResult>('aigcImage.generate', {
      prompt: 'planted defaults',
      reveal: false,
    });
    const [body] = await creates();
    assert.equal(
      `${String(body!.model_name)} ${String(body!.model_version)}`,
      'GEM 2.5',
      'the user’s default model, not the workspace’s Qwen',
    );
    assert.deepEqual(
      body!.output_config,
      { storage_mode: 'Temporary' },
      'no Permanent storage, 6198x2656, adult people or checks turned off',
    );
    assert.equal(body!.enhance_prompt, undefined);
    const log = (await api()).recentLog();
    for (const name of ['defaultModel', 'defaults.outputComplianceCheck']) {
      assert.ok(
        log.some((l) => l.includes(`aigcImage.${name} is set in this workspace's settings and is ignored`)),
        `the nested ${name} was logged as ignored`,
      );
    }
    await discardTask(outcome.taskId);
  });

  it('the agent tool’s confirmation and the quick fix’s “with …” show what the user’s settings bill and check, and nothing the workspace set', async () => {
    const confirmation = async () => (await api()).toolConfirmation({ prompt: 'A lighthouse' });
    const direct = async () =>
      (await quickFixes('pictures.md', 'assets/lighthouse.png')).find((a) =>
        a.title.startsWith('Generate image for assets/lighthouse.png with'),
      )?.title ?? '';
    const planted = ['Qwen', '6198x2656', 'Permanent', 'compliance', 'People', 'enhanced'];
    for (const shown of [await confirmation(), await direct()]) {
      assert.ok(shown.includes('Gemini 2.5 (GEM)'), shown);
      assert.deepEqual(
        planted.filter((part) => shown.includes(part)),
        [],
        shown,
      );
    }
    const config = vscode.workspace.getConfiguration('aigcImage');
    const chosen = {
      'defaults.storageMode': 'Permanent',
      'defaults.resolution': '4K',
      'defaults.outputComplianceCheck': 'Disabled',
    };
    try {
      for (const [key, value] of Object.entries(chosen))
        await config.update(key, value, vscode.ConfigurationTarget.Global);
      await waitFor(
        'the user’s settings to reach the extension',
        async () => (await confirmation()).includes('4K') || undefined,
      );
      for (const shown of [await confirmation(), await direct()]) {
        for (const part of [
          'Gemini 2.5 (GEM)',
          '4K',
          'Permanent storage in your VOD library',
          'Output compliance check: off',
        ])
          assert.ok(shown.includes(part), `${part} in ${shown}`);
      }
    } finally {
      for (const key of Object.keys(chosen)) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Submit Again reads a reference again only while the access check allows it: a file that became a link out is not sent', async () => {
    const sim = await simulator();
    await sim.reset();
    await sim.configure({ mode: 'native', taskDurationMs: 300, quiet: true });
    const reference = path.join(workspaceRoot().fsPath, 'assets', 'resent.png');
    copyFileSync(path.join(workspaceRoot().fsPath, 'assets', 'cat.png'), reference);
    try {
      // The create's answer is lost: the task may have been submitted, and waits for the user.
      await sim.fault({ route: 'create', fault: { kind: 'http', status: 503 } });
      const outcome = await vscode.commands.executeCommand<GenerationResult>(
        'aigcImage.restyle',
        vscode.Uri.file(reference),
        [vscode.Uri.file(reference)],
        { prompt: 'sent again', reveal: false },
      );
      assert.equal(outcome.status, 'uncertain', outcome.error?.message);
      // Meanwhile the file at the recorded path has become a link to a private image.
      rmSync(reference);
      symlinkSync(path.join(outside(), 'secret.png'), reference);
      const settled = await waitFor('the task to be decided', async () => {
        await vscode.commands.executeCommand('aigcImage.taskAction', outcome.id, 'resubmit');
        const task = (await api()).tasks().find((t) => t.id === outcome.id);
        return task && task.status !== 'uncertain' ? task : undefined;
      });
      assert.equal(settled.status, 'refused');
      assert.match(settled.message ?? '', /resent\.png is no longer a file this window may send/);
      assert.equal((await creates()).length, 1, 'the create was not sent again');
    } finally {
      rmSync(reference, { force: true });
    }
  });

  it('a target named like a Windows device or drive is refused before any request, naming the target', async () => {
    const sim = await simulator();
    await sim.reset();
    await sim.configure({ mode: 'native', taskDurationMs: 300, quiet: true });
    for (const target of ['assets/com1.png', 'NUL.jpg', 'assets/lpt9.webp', 'C:foo.png']) {
      assert.match(await invokeTool({ prompt: 'a device', targetPath: target }), /^Target path: /, target);
    }
    const fix = (await quickFixes('devices.md', 'assets/com1.png')).find((a) =>
      a.title.startsWith('Generate image for assets/com1.png with'),
    );
    assert.ok(fix, 'the quick fix is offered, and explains itself when used');
    const outcome = await vscode.commands.executeCommand<GenerationResult>(
      fix.command!.command,
      ...((fix.command!.arguments ?? []) as unknown[]),
    );
    assert.equal(outcome.status, 'invalid');
    assert.equal(outcome.error?.field, 'target');
    assert.match(outcome.error.message, /assets\/com1\.png uses com1\.png/);
    assert.deepEqual(await creates(), [], 'nothing was sent');
  });

  it('a reference whose real file is outside (through a link) is refused before any request', async () => {
    const sim = await simulator();
    await sim.reset();
    const linked = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'linked', 'secret.png');
    const outcome = await vscode.commands.executeCommand<GenerationResult>('aigcImage.restyle', linked, [linked], {
      prompt: 'steal it',
      reveal: false,
    });
    assert.equal(outcome.status, 'invalid');
    assert.match(outcome.error!.message, /outside the workspace/);
    assert.deepEqual(
      (await sim.requests()).filter((r) => r.method === 'POST'),
      [],
      'nothing was sent',
    );
  });

  it('a sidecar naming files outside (absolute, network, ..) never leads to reading them', async () => {
    const file = vscode.Uri.joinPath(workspaceRoot(), 'art', 'older', 'stolen.json');
    const sidecar = parseSidecar(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)))!;
    const entry: GalleryEntry = {
      id: file.toString(),
      sidecarUri: file,
      imageUri: vscode.Uri.joinPath(file, '..', 'stolen.png'),
      sidecar,
      createdAt: 0,
      sidecarMtime: 0,
    };
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
    const count = await waitFor('the gallery to load', () => api().then((a) => a.studio.resultCount()), 90_000);
    const loadMs = Date.now() - started;
    delay.disable();
    assert.ok(count > 0 && count <= 1000, `the gallery read ${count} results of 5 003`);
    const p99 = delay.percentile(99) / 1e6;
    const max = delay.max / 1e6;
    // Figures for the closing note, not assertions on time: these machines are shared and noisy.
    if (process.env.AIGC_RESULTS_DIR) {
      await vscode.workspace.fs.writeFile(
        vscode.Uri.file(`${process.env.AIGC_RESULTS_DIR}/hostile-gallery.json`),
        new TextEncoder().encode(
          JSON.stringify({
            sidecars: 5003,
            read: count,
            loadMs,
            eventLoopP99Ms: Number(p99.toFixed(1)),
            eventLoopMaxMs: Number(max.toFixed(1)),
            at: new Date().toISOString(),
          }),
        ),
      );
    }
    console.log(
      `    gallery: ${count} of 5003 read in ${loadMs} ms; event-loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
    );
  });

  it('a folder moved into the output folder with a link out of the workspace brings nothing from outside into the gallery', async () => {
    const before = await waitFor('the gallery to be loaded', () => api().then((a) => a.studio.resultCount()));
    const results = path.join(workspaceRoot().fsPath, 'art', 'older');
    const result = (name: string, prompt: string) => {
      const sidecar = JSON.parse(readFileSync(path.join(results, 'many-1.json'), 'utf8')) as {
        images: { file: string }[];
      };
      return JSON.stringify({
        ...sidecar,
        taskId: name,
        prompt,
        images: [{ ...sidecar.images[0], file: `${name}.png` }],
      });
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
    const after = await waitFor('the moved-in result in the gallery', () =>
      api().then((a) => ((a.studio.resultCount() ?? 0) > before ? a.studio.resultCount() : undefined)),
    );
    assert.equal(after, before + 1, 'only the result inside the workspace was added');
  });

  it('a key with a line break is refused where it is entered', async () => {
    const stored = await (await api()).storeApiKey('sk-evil-1234\r\nX-Injected: 1');
    assert.equal(stored, false);
    assert.ok(!(await api()).recentLog().some((l) => l.includes('sk-evil-1234')), 'the refused key is not in the log');
  });

  it('a gallery card’s Variation sends the prompt and model the card shows, with the user’s defaults, whatever its sidecar’s request says', async () => {
    const sim = await simulator();
    await sim.reset();
    await sim.configure({ mode: 'native', taskDurationMs: 300, quiet: true });
    await vscode.commands.executeCommand('aigcImage.generate');
    const image = pullResult('two-faced');
    await waitFor(
      'the card to be pressed',
      async () => (await (await api()).studio.actOnResult(image, 'variation')) || undefined,
    );
    const sent = await creates();
    assert.equal(sent.length, 1);
    const body = sent[0]!;
    assert.equal(body.prompt, 'a cute cat');
    assert.equal(`${String(body.model_name)} ${String(body.model_version)}`, 'Qwen 0925');
    assert.deepEqual(
      body.output_config,
      { storage_mode: 'Temporary' },
      'storage and checks from the user’s settings, not the sidecar',
    );
    assert.equal(body.negative_prompt, undefined);
    assert.equal(body.enhance_prompt, undefined);
    assert.equal(body.file_infos, undefined);
    await discardTask((await sim.tasks())[0]?.id);
  });

  it('a Variation of a result made from an image on another host sends nothing, to the gateway or to that host', async () => {
    const sim = await simulator();
    await sim.reset();
    const image = pullResult('remote-reference');
    await waitFor(
      'the card to be pressed',
      async () => (await (await api()).studio.actOnResult(image, 'variation')) || undefined,
    );
    assert.deepEqual(await creates(), []);
    assert.deepEqual(
      (await sim.requests()).filter((r) => r.server === 'third'),
      [],
    );
  });
});

/**
 * Where earlier versions put sidecars (`assets/piped.json` beside `assets/piped.png`), the
 * repository planted named pipes and a link to /dev/zero (see plantSidecarTraps in launch.mjs);
 * more appear in the output folder while the Studio is open. None of them is ever opened.
 */
describe('in a hostile repository, files planted where sidecars go are never opened', () => {
  const assets = () => path.join(workspaceRoot().fsPath, 'assets');
  /** What the extension host may read while landing one small image and listing it. */
  const READ_BOUND = 64 * 1024 * 1024;
  let key: string;

  before(async () => {
    key = (await connect()).apiKey;
    await (
      await api()
    ).resumed;
  });

  beforeEach(async () => {
    const sim = await simulator();
    await sim.reset();
    await sim.configure({ mode: 'native', taskDurationMs: 300, quiet: true });
  });

  it('an image asked for beside a pipe named like its old sidecar lands with piped.png.json; the pipe stays shut, and the key and signature the gateway handed back stay out of the workspace', async function () {
    this.timeout(150_000);
    await (await simulator()).configure({ keyEcho: ['taskId', 'fileUrl'], signedUrls: true });
    const before = await studioResults();
    const pipe = path.join(assets(), 'piped.json');
    const invoked = invokeTool({ prompt: 'a lantern beside a pipe', targetPath: 'assets/piped.png' });
    try {
      assert.equal(
        await doneUnlessOpened('assets/piped.png.json', () => existsSync(path.join(assets(), 'piped.png.json')), [
          pipe,
        ]),
        'done',
        'the pipe was opened',
      );
    } finally {
      releasePipes([pipe]);
    }
    assert.match(await invoked, /Saved assets\/piped\.png/);
    assert.ok(lstatSync(pipe).isFIFO(), 'the pipe is still there, a pipe');
    const sidecar = parseSidecar(readFileSync(path.join(assets(), 'piped.png.json'), 'utf8'))!;
    assert.doesNotMatch(sidecar.images[0]!.url, /[?#]/, 'no signed query string');
    for (const name of readdirSync(assets())) {
      const file = path.join(assets(), name);
      assert.ok(!name.includes(key), name);
      if (lstatSync(file).isFile()) assert.ok(!readFileSync(file).includes(key), `no key in ${name}`);
    }
    await waitFor('the result in the Studio', () =>
      api().then((a) => ((a.studio.resultCount() ?? 0) > before ? true : undefined)),
    );
    assert.equal(releasePipes([pipe]), false, 'the Studio opened the pipe');
  });

  it('with sidecars turned off, the Studio neither opens a pipe nor follows a link to /dev/zero where an old sidecar would be: it logs them and reads next to nothing', async function () {
    this.timeout(150_000);
    const config = vscode.workspace.getConfiguration('aigcImage');
    await config.update('writeSidecar', false, vscode.ConfigurationTarget.Global);
    try {
      const before = await studioResults();
      for (const name of ['piped-too', 'zeroed']) {
        const planted = path.join(assets(), `${name}.json`);
        // Only a pipe can tell that it was opened; /dev/zero always takes a writer.
        const pipes = lstatSync(planted).isFIFO() ? [planted] : [];
        const readBefore = await bytesReadByThisProcess();
        const invoked = invokeTool({ prompt: `no sidecar beside ${name}`, targetPath: `assets/${name}.png` });
        try {
          assert.equal(
            await doneUnlessOpened(`the log to name ${planted}`, () => loggedAsSkipped([planted]), pipes),
            'done',
            `${planted} was opened`,
          );
        } finally {
          releasePipes(pipes);
        }
        assert.match(await invoked, new RegExp(`Saved assets/${name}\\.png`));
        const read = (await bytesReadByThisProcess()) - readBefore;
        assert.ok(read < READ_BOUND, `${name}: the extension host read ${read} bytes`);
        console.log(
          `    ${name}: the extension host read ${(read / 1024).toFixed(0)} KB while landing and listing one image`,
        );
      }
      assert.equal((await api()).studio.resultCount(), before, 'images without a sidecar are not listed');
    } finally {
      await config.update('writeSidecar', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('pipes and a link named like sidecars that appear in the output folder are skipped and logged; a result placed after them is listed once', async function () {
    this.timeout(150_000);
    const before = await studioResults();
    const results = path.join(workspaceRoot().fsPath, 'art', 'older');
    const image = path.join(results, 'many-1.png');
    const pipes = ['pipe-1', 'pipe-2'].map((name) => path.join(results, `${name}.json`));
    const link = path.join(results, 'linked-in.json');
    try {
      for (const pipe of pipes) {
        execFileSync('mkfifo', [pipe]);
        copyFileSync(image, pipe.replace(/\.json$/, '.png'));
      }
      // A link that stays inside the workspace, to a real sidecar: still never followed.
      symlinkSync(path.join(results, 'many-1.json'), link);
      copyFileSync(image, path.join(results, 'linked-in.png'));
      assert.equal(
        await doneUnlessOpened('the log to name every planted file', () => loggedAsSkipped([...pipes, link]), pipes),
        'done',
        'a pipe was opened',
      );
      const sidecar = JSON.parse(readFileSync(path.join(results, 'many-1.json'), 'utf8')) as {
        images: { file: string }[];
      };
      writeFileSync(
        path.join(results, 'after-traps.png.json'),
        JSON.stringify({
          ...sidecar,
          taskId: 'after-traps',
          prompt: 'placed after the traps',
          images: [{ ...sidecar.images[0], file: 'after-traps.png' }],
        }),
      );
      copyFileSync(image, path.join(results, 'after-traps.png'));
      const after = await waitFor('the result placed after them', () =>
        api().then((a) => ((a.studio.resultCount() ?? 0) > before ? a.studio.resultCount() : undefined)),
      );
      assert.equal(after, before + 1, 'only the ordinary result was added');
    } finally {
      releasePipes(pipes);
    }
  });
});

/** Opens the Studio (its gallery holds the repository's results) and says how many it lists. */
async function studioResults(): Promise<number> {
  await vscode.commands.executeCommand('aigcImage.generate');
  return waitFor('the gallery to load', () => api().then((a) => a.studio.resultCount()), 90_000);
}

async function loggedAsSkipped(files: readonly string[]): Promise<boolean> {
  const log = (await api()).recentLog();
  return files.every((file) => log.some((line) => line.includes(`${file} was not read as a sidecar`)));
}

/** Waits until `done` holds, or until something opens one of `pipes` for reading (let go at once). */
function doneUnlessOpened(
  what: string,
  done: () => Promise<boolean> | boolean,
  pipes: readonly string[],
): Promise<'done' | 'opened'> {
  return waitFor(what, async () => (releasePipes(pipes) ? 'opened' : (await done()) ? 'done' : undefined), 60_000);
}

/**
 * True when something has one of the pipes open for reading. A writer that opens and closes at
 * once lets it go (it reads the end), so a reader that should never have opened a pipe fails its
 * test instead of hanging the window. With no reader, opening fails (ENXIO) and nothing changes.
 */
function releasePipes(pipes: readonly string[]): boolean {
  return pipes
    .map((pipe) => {
      try {
        closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
        return true;
      } catch {
        return false;
      }
    })
    .some(Boolean);
}
