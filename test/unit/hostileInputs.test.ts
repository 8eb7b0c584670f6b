/**
 * A cloned repository or a hostile network reaches nothing outside: the key goes to the
 * configured origin only, settings from a workspace are checked, answers and error pages are
 * read up to a cap, paths are held to the workspace after links are followed, and network
 * paths are never touched. Against the simulator and a real file system.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { apiKeyProblem } from '../../src/core/apiKeyCheck';
import { fetchImageTo } from '../../src/core/download';
import { GenerationError } from '../../src/core/errors';
import { GatewayClient, MAX_ANSWER_BYTES } from '../../src/core/gateway';
import { landingDir } from '../../src/core/landing';
import { MAX_IMAGES_PER_TASK, advance, newRecord } from '../../src/core/lifecycle';
import { type GatewayAnswer, normaliseAnswer } from '../../src/core/gatewayAnswer';
import { isReallyInside, isUncPath, resolveOutputDir } from '../../src/core/naming';
import { TIMEOUT_SECONDS, checkSettings } from '../../src/core/settingsSchema';
import { useSimulator } from './helpers/simulator';

const sim = useSimulator({ taskDurationMs: 200 });
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aigc-hostile-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function refusedConfig(make: () => unknown, field: string): void {
  assert.throws(make, (e: unknown) => e instanceof GenerationError && e.field === field && !e.message.includes('\n'));
}

describe('the key goes to the API origin only', () => {
  it('a query path that would change the host is refused before anything is sent', () => {
    for (const queryPath of [
      '@evil.example/{task_id}',
      '//evil.example/{task_id}',
      'evil.example/{task_id}',
      '/q/{task_id}@evil.example',
      '\\\\evil\\{task_id}',
      '/q?x=@a/{task_id}',
    ]) {
      refusedConfig(
        () => new GatewayClient({ baseUrl: 'https://gw.example.com', apiKey: 'k-123456', queryPath }),
        'aigcImage.queryPath',
      );
    }
    assert.ok(
      new GatewayClient({
        baseUrl: 'https://gw.example.com/api',
        apiKey: 'k-123456',
        queryPath: '/tencent-vod/v1/aigc-image/{task_id}',
      }),
    );
  });

  it('a stored status URL on another origin is refused; nothing reaches that host', async () => {
    const client = new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey });
    await assert.rejects(
      client.query({ taskId: 't', statusUrl: `${sim.thirdOrigin}/queue/requests/t/status` }),
      (e: unknown) => e instanceof GenerationError && e.kind === 'config',
    );
    assert.equal(sim.requests.filter((r) => r.server !== 'api').length, 0);
  });

  it('a key with a line break, a space or a non-ASCII character is refused, and never echoed', () => {
    assert.equal(apiKeyProblem('sk-good-KEY_123'), undefined);
    assert.equal(apiKeyProblem('sk-good\r\nX-Evil: 1'), 'control');
    assert.equal(apiKeyProblem('sk good'), 'space');
    assert.equal(apiKeyProblem('sk-ключ'), 'nonAscii');
    assert.equal(apiKeyProblem(''), 'empty');
    const key = 'sk-secret-1234\r\nInjected: yes';
    assert.throws(
      () => new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: key }),
      (e: unknown) =>
        e instanceof GenerationError && !e.message.includes('sk-secret-1234') && /line break/.test(e.message),
    );
    assert.equal(sim.requests.length, 0);
  });
});

describe('bodies are read up to a cap', () => {
  it('an API answer larger than the cap is refused without reading it to the end', async () => {
    const client = new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey });
    const size = 200 * 1024 * 1024;
    sim.fault({ route: 'create', fault: { kind: 'huge', bytes: size } });
    await assert.rejects(
      client.submit({ model_name: 'GEM', model_version: '2.5', prompt: 'x' }),
      (e: unknown) => e instanceof GenerationError && e.kind === 'invalidResponse',
    );
    assert.ok(
      sim.hugeBytesSent() < size / 4,
      `the client hung up after ${sim.hugeBytesSent()} of ${size} bytes (cap ${MAX_ANSWER_BYTES})`,
    );
  });

  it('an error page from the image host is read up to 64 KB, not to its end', async () => {
    const size = 200 * 1024 * 1024;
    sim.fault({ route: 'cdn', fault: { kind: 'huge', bytes: size } });
    await assert.rejects(
      fetchImageTo(path.join(dir, 'x.part'), {
        url: `${sim.cdnOrigin}/files/x.png`,
        apiOrigin: sim.apiOrigin,
        attempts: 1,
      }),
    );
    assert.ok(sim.hugeBytesSent() < size / 4, `${sim.hugeBytesSent()} bytes sent of ${size}`);
  });
});

describe('an answer cannot fill the workspace', () => {
  it('a FINISH of 27 000 FileInfos, small enough for the answer cap, becomes a task of four images', () => {
    const infos = Array.from({ length: 27_000 }, (_, i) => ({ FileUrl: `https://c/${i}` }));
    const answer = JSON.stringify({
      Response: { Status: 'FINISH', AigcImageTask: { TaskId: 't', Status: 'FINISH', Output: { FileInfos: infos } } },
    });
    assert.ok(Buffer.byteLength(answer) < MAX_ANSWER_BYTES, `${Buffer.byteLength(answer)} bytes`);
    const state = normaliseAnswer(JSON.parse(answer), 't');
    assert.equal(state.status, 'succeeded');
    const submitted = advance(
      newRecord({
        id: 'r',
        kind: 'generate',
        body: { model_name: 'GEM', model_version: '2.5', prompt: 'p' },
        references: [],
        apiOrigin: 'https://gw',
        target: { outputFolder: 'g', writeSidecar: true },
        createdAt: 1,
      }),
      { type: 'submitted', ref: { taskId: 't' } },
      2,
    );
    const landing = advance(submitted, { type: 'upstream', state: state as GatewayAnswer }, 3);
    assert.equal(landing.images?.length, MAX_IMAGES_PER_TASK);
    assert.equal(landing.imagesLeftOut, 27_000 - MAX_IMAGES_PER_TASK);
  });
});

describe('settings from a workspace are checked', () => {
  it('a value of the wrong type or range falls back to the default, and is named', () => {
    const { settings, ignored } = checkSettings({
      timeoutSeconds: 'soon',
      defaultModel: 'GEM 9.9',
      writeSidecar: 'yes',
      restyleOutput: 'anywhere',
    });
    assert.equal(settings.timeoutSeconds, TIMEOUT_SECONDS.default);
    assert.equal(settings.defaultModel, 'GEM 2.5');
    assert.equal(settings.writeSidecar, true);
    assert.equal(settings.restyleOutput, 'outputFolder');
    assert.deepEqual(ignored.sort(), ['defaultModel', 'restyleOutput', 'timeoutSeconds', 'writeSidecar']);
    assert.equal(
      checkSettings({ timeoutSeconds: 5 }).settings.timeoutSeconds,
      TIMEOUT_SECONDS.default,
      'below the minimum',
    );
    assert.equal(
      checkSettings({ timeoutSeconds: 1e12 }).settings.timeoutSeconds,
      TIMEOUT_SECONDS.default,
      'above the maximum',
    );
    assert.equal(checkSettings({ timeoutSeconds: 120 }).settings.timeoutSeconds, 120);
    assert.equal(checkSettings({ 'defaults.aspectRatio': '16:9' }).settings['defaults.aspectRatio'], '16:9');
    assert.deepEqual(checkSettings({ 'defaults.aspectRatio': '1:100' }).ignored, ['defaults.aspectRatio']);
  });

  it('the output folder must be a folder inside the workspace: no network path, drive, absolute path or ..', () => {
    for (const folder of [
      '\\\\evil-host\\share\\img',
      '//evil-host/share',
      'C:\\Users\\x',
      '/etc',
      '../outside',
      'a/../../b',
    ]) {
      assert.deepEqual(checkSettings({ outputFolder: folder }).ignored, ['outputFolder'], folder);
    }
    assert.equal(checkSettings({ outputFolder: 'art/generated' }).settings.outputFolder, 'art/generated');
  });
});

describe('paths are held to the workspace after links are followed', () => {
  it('recognises Windows network paths in either slash form', () => {
    for (const p of ['\\\\host\\share\\x.png', '//host/share/x.png', '\\\\?\\UNC\\host\\x', '\\\\.\\pipe\\x'])
      assert.ok(isUncPath(p), p);
    for (const p of ['assets/x.png', '/home/u/x.png', 'C:\\x.png', '.\\x.png']) assert.ok(!isUncPath(p), p);
  });

  it('a symbolic link in the workspace that leads out of it does not count as inside', async () => {
    const workspace = path.join(dir, 'ws');
    const outside = path.join(dir, 'outside');
    mkdirSync(path.join(workspace, 'art'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, path.join(workspace, 'link-out'));
    assert.ok(await isReallyInside(workspace, path.join(workspace, 'art')));
    assert.ok(await isReallyInside(workspace, path.join(workspace, 'art', 'new', 'deeper')), 'a folder yet to be made');
    assert.ok(!(await isReallyInside(workspace, path.join(workspace, 'link-out'))));
    assert.ok(!(await isReallyInside(workspace, path.join(workspace, 'link-out', 'new'))));
    await assert.rejects(resolveOutputDir(workspace, 'link-out', new Date()), /outside the workspace/);
  });

  it('"save beside the source" is held to the workspace too; only a folder the user chose is not', async () => {
    const workspace = path.join(dir, 'ws');
    const outside = path.join(dir, 'outside');
    mkdirSync(path.join(workspace, 'assets'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, path.join(workspace, 'assets', 'linked'));
    const record = (targetDir: string, chosen?: boolean) =>
      newRecord({
        id: 'r',
        kind: 'restyle',
        body: { model_name: 'GEM', model_version: '2.5', prompt: 'p' },
        references: [],
        apiOrigin: 'https://gw',
        target: {
          workspaceRoot: workspace,
          outputFolder: 'generated-images',
          targetDir,
          writeSidecar: true,
          ...(chosen ? { chosen } : {}),
        },
        createdAt: Date.now(),
      });
    assert.equal(await landingDir(record(path.join(workspace, 'assets'))), path.join(workspace, 'assets'));
    await assert.rejects(
      landingDir(record(path.join(workspace, 'assets', 'linked'))),
      (e: unknown) => e instanceof GenerationError && e.code === 'outsideWorkspace',
    );
    await assert.rejects(
      landingDir(record(outside)),
      (e: unknown) => e instanceof GenerationError && e.code === 'outsideWorkspace',
    );
    assert.equal(await landingDir(record(outside, true)), outside, 'chosen in a dialog');
  });
});
