import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationResult as TaskOutcome } from '../../src/host/generationService';
import type { SimControl } from '../sim/control';
import {
  EXTENSION_ID,
  api,
  exists,
  listImages,
  readJson,
  today,
  waitFor,
  workspaceRoot,
  useSimulator,
} from './support';

const PNG = [0x89, 0x50, 0x4e, 0x47];

describe('AIGC Image Studio in VS Code', () => {
  const suite = useSimulator();
  let sim: SimControl;
  let key: string;

  beforeEach(() => {
    sim = suite.sim();
    key = suite.key();
  });

  const posts = async () => (await sim.requests()).filter((r) => r.server === 'api' && r.method === 'POST');

  it('contributes and registers every command, and logs its activation time', async () => {
    const contributed = (
      vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } }
    ).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed but not registered',
    );
    for (const command of [
      'aigcImage.generate',
      'aigcImage.restyle',
      'aigcImage.setApiKey',
      'aigcImage.clearApiKey',
      'aigcImage.openOutputFolder',
      'aigcImage.showLog',
      'aigcImage.cancelTask',
      'aigcImage.showTasks',
    ]) {
      assert.ok(contributed.includes(command), `${command} is contributed`);
    }
    const line = (await api()).recentLog().find((l) => /activated in [\d.]+ ms/.test(l));
    assert.ok(line, 'activation time is logged');
    // A figure for BENCHMARKS.md, not an assertion: these machines are shared and noisy.
    const ms = Number(/activated in ([\d.]+) ms/.exec(line)![1]);
    if (process.env.AIGC_RESULTS_DIR) {
      await vscode.workspace.fs.writeFile(
        vscode.Uri.file(`${process.env.AIGC_RESULTS_DIR}/activation.json`),
        new TextEncoder().encode(
          JSON.stringify({ activateMs: ms, vscode: vscode.version, at: new Date().toISOString() }),
        ),
      );
    }
  });

  it('generate with a prompt saves the image and its sidecar in the output folder', async () => {
    const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'A tiny robot watering plants',
      reveal: false,
    });
    assert.ok(outcome, 'the command returned an outcome');
    assert.equal(outcome.error, undefined, outcome.error?.message);
    assert.equal(outcome.files.length, 1);
    const image = vscode.Uri.file(outcome.files[0]!);
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'generated-images', today());
    assert.equal(vscode.Uri.joinPath(image, '..').fsPath, folder.fsPath);
    assert.match(image.path, /\/a-tiny-robot-watering-plants-[a-z0-9]+\.png$/i);
    const bytes = await vscode.workspace.fs.readFile(image);
    assert.deepEqual([...bytes.subarray(0, 4)], PNG);
    const sidecar = await readJson(vscode.Uri.file(`${image.fsPath}.json`));
    const [task] = await sim.tasks();
    assert.equal(sidecar.taskId, task!.id);
    assert.equal(sidecar.prompt, 'A tiny robot watering plants');
    assert.ok(!JSON.stringify(sidecar).includes(key), 'the sidecar never holds the key');
  });

  it('restyle sends every selected image and writes the result next to its sidecar', async () => {
    const root = workspaceRoot();
    const images = (await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,webp}', '**/generated-images/**')).slice(0, 2);
    assert.equal(images.length, 2, 'the fixture workspace has at least two images');
    const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.restyle', images[0], images, {
      prompt: 'watercolor, soft light',
      reveal: false,
    });
    assert.equal(outcome.error, undefined, outcome.error?.message);
    const [create] = await posts();
    const body = JSON.parse(create!.body) as { file_infos: { type: string; url: string }[] };
    assert.equal(body.file_infos.length, 2);
    for (const info of body.file_infos) {
      assert.equal(info.type, 'Url');
      assert.match(info.url, /^data:image\/(png|jpeg|webp);base64,/);
    }
    assert.ok(outcome.files[0]!.startsWith(root.fsPath));
    assert.ok(await exists(vscode.Uri.file(`${outcome.files[0]!}.json`)));
  });

  it('invalid options are refused before any request, naming the field', async () => {
    const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'square please',
      model: 'Qwen 0925',
      options: { output_config: { aspect_ratio: '16:9' } },
      reveal: false,
    });
    assert.equal(outcome.error?.kind, 'validation');
    assert.match(outcome.error.message, /output_config\.aspect_ratio/);
    assert.equal((await posts()).length, 0);
  });

  it('a Qwen restyle of two images is refused before any request, with a message naming the limit', async () => {
    const [first, second] = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,webp}', '**/generated-images/**', 2);
    assert.ok(first && second, 'the fixture workspace has at least two images');
    const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.restyle', first, [first, second], {
      prompt: 'one image at a time',
      model: 'Qwen 0925',
      reveal: false,
    });
    assert.equal(outcome.status, 'invalid');
    assert.equal(outcome.error?.kind, 'validation');
    assert.match(outcome.error.message, /file_infos: Qwen 0925 takes at most 1 reference image/);
    assert.equal((await posts()).length, 0, 'nothing was sent');
  });

  it('a server error becomes one readable line, with the raw answer in the log', async () => {
    await sim.fault({
      route: 'create',
      fault: { kind: 'http', status: 400, message: 'prompt is too long for this model' },
    });
    const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'fault',
      reveal: false,
    });
    assert.equal(outcome.error?.kind, 'badRequest');
    assert.match(outcome.error.message, /prompt is too long for this model/);
    assert.ok(!outcome.error.message.includes('\n'));
    assert.ok(
      (await api())
        .recentLog()
        .some((line) => line.includes('prompt is too long for this model') && line.includes('400')),
    );
  });

  it('a content-policy failure is reported as such', async () => {
    await sim.fault({ route: 'create', fault: { kind: 'violation' } });
    const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'refused',
      reveal: false,
    });
    assert.equal(outcome.error?.kind, 'contentPolicy');
    assert.match(outcome.error.message, /InvalidParameter\.VoilationContent/);
  });

  it('a CDN that answers 503 several times in a row still lands the image', async () => {
    await sim.fault({ route: 'cdn', fault: { kind: 'http', status: 503 }, times: 4 });
    const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'through cdn trouble',
      reveal: false,
    });
    assert.equal(outcome.status, 'landed', outcome.error?.message);
    assert.equal(outcome.files.length, 1);
    assert.ok(await exists(vscode.Uri.file(`${outcome.files[0]!}.json`)), 'with its sidecar');
    assert.equal((await sim.requests()).filter((r) => r.server === 'cdn').length, 5);
  });

  it('a malformed FinishTime (and ExpireTime) still lands the image and its sidecar', async () => {
    await sim.configure({ malformedFields: true });
    const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'odd timestamps',
      reveal: false,
    });
    assert.equal(outcome.status, 'landed', outcome.error?.message);
    const sidecar = await readJson(vscode.Uri.file(`${outcome.files[0]!}.json`));
    assert.equal(sidecar.taskId, outcome.taskId);
    assert.equal((sidecar.timings as Record<string, unknown>).finishedAt, undefined, 'unknown, not invented');
  });

  it('cancel with a cancel_url asks the gateway to cancel; nothing is saved', async () => {
    await sim.configure({ mode: 'queue', taskDurationMs: 30_000 });
    const running = vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'to be cancelled',
      reveal: false,
    });
    const view = await waitFor('the task to be submitted', () =>
      api().then((a) => a.tasks().find((t) => t.prompt === 'to be cancelled' && t.taskId)),
    );
    await vscode.commands.executeCommand('aigcImage.cancelTask', view.id);
    const outcome = await running;
    assert.equal(outcome.status, 'discarded');
    assert.deepEqual(outcome.files, []);
    const requests = await sim.requests();
    assert.ok(
      requests.some((r) => r.method === 'PUT' && r.path.endsWith('/cancel')),
      'cancel_url was called',
    );
    assert.equal((await sim.tasks())[0]!.cancelled, true);
    assert.ok(
      !(await api()).pendingTasks().some((r) => r.ref?.taskId === view.taskId),
      'the cancelled task is not pending',
    );
  });

  it('cancel without a cancel_url stops the wait only: the billed task goes on and its image still lands', async () => {
    await sim.configure({ mode: 'native', taskDurationMs: 2500 });
    const running = vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'kept after cancel',
      reveal: false,
    });
    const view = await waitFor('the task to be submitted', () =>
      api().then((a) => a.tasks().find((t) => t.prompt === 'kept after cancel' && t.taskId)),
    );
    assert.deepEqual(view.actions, ['stopWaiting'], 'the task row offers what really happens');
    await vscode.commands.executeCommand('aigcImage.cancelTask', view.id);
    const outcome = await running;
    assert.equal(outcome.status, 'background');
    assert.deepEqual(outcome.files, []);
    assert.ok(!(await sim.requests()).some((r) => r.method === 'PUT'));
    const background = (await api()).tasks().find((t) => t.id === view.id);
    assert.equal(background?.status, 'background');
    assert.deepEqual(background?.actions, ['collectNow', 'discard']);
    const landed = await waitFor('the image to land in the background', () =>
      api().then((a) => a.allTasks().find((r) => r.id === view.id && r.phase === 'landed')),
    );
    assert.equal(landed.images?.length, 1);
    assert.ok(await exists(vscode.Uri.file(landed.images[0]!.landed!.path)));
  });

  it('the key never appears in the log or on the CDN', async () => {
    await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', { prompt: 'secret check', reveal: false });
    const log = (await api()).recentLog();
    assert.ok(log.length > 5);
    assert.ok(
      log.some((line) => line.includes('submitted')),
      'the log names submitted tasks',
    );
    assert.ok(!log.some((line) => line.includes(key)), 'no log line holds the key');
    assert.equal(await sim.cdnSawAuthorization(), false);
    const cdn = (await sim.requests()).filter((r) => r.server !== 'api');
    assert.ok(cdn.length > 0, 'the image came from the CDN');
    assert.ok(!JSON.stringify(cdn).includes(key));
  });

  it('no key: the command explains and sends nothing', async () => {
    await vscode.commands.executeCommand('aigcImage.clearApiKey');
    try {
      const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
        prompt: 'no key',
        reveal: false,
      });
      assert.equal(outcome.status, 'notStarted');
      assert.equal((await posts()).length, 0);
      assert.ok((await api()).recentLog().some((line) => line.includes('[setup]') && line.includes('no API key')));
    } finally {
      await (await api()).storeApiKey(key);
    }
  });

  it('a plain-http base URL that is not loopback is refused', async () => {
    const config = vscode.workspace.getConfiguration('aigcImage');
    const previous = config.get<string>('baseUrl');
    await config.update('baseUrl', 'http://images.example.com', vscode.ConfigurationTarget.Global);
    try {
      const outcome = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
        prompt: 'clear text',
        reveal: false,
      });
      assert.equal(outcome.status, 'notStarted');
      assert.equal((await posts()).length, 0);
      assert.ok((await api()).recentLog().some((line) => line.includes('unencrypted')));
    } finally {
      await config.update('baseUrl', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('never overwrites: the same prompt twice gives two files', async () => {
    const a = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'twin',
      reveal: false,
    });
    const b = await vscode.commands.executeCommand<TaskOutcome>('aigcImage.generate', {
      prompt: 'twin',
      reveal: false,
    });
    assert.notEqual(a.files[0], b.files[0]);
    const names = await listImages(vscode.Uri.joinPath(workspaceRoot(), 'generated-images', today()));
    assert.ok(names.filter((n) => n.startsWith('twin-')).length >= 2);
  });
});
