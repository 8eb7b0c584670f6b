import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { downloadImage } from '../../src/core/download';
import { GenerationError } from '../../src/core/errors';
import { GatewayClient } from '../../src/core/gateway';
import { dateFolder, resultBaseName } from '../../src/core/naming';
import { pollUntilDone } from '../../src/core/poll';
import { landImages, tempPathFor } from '../../src/core/landing';
import { type LifecycleEvent, type TaskRecord, advance, newRecord } from '../../src/core/lifecycle';
import { parseSidecar } from '../../src/core/sidecar';
import type { GatewayAnswer } from '../../src/core/gatewayAnswer';
import { useSimulator } from './helpers/simulator';

type Succeeded = Extract<GatewayAnswer, { status: 'succeeded' }>;

const sim = useSimulator({ taskDurationMs: 50 });
let dir: string;
const body = { model_name: 'GEM', model_version: '2.5', prompt: 'A tiny robot watering plants' };

async function finishedTask(): Promise<Succeeded> {
  const client = new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey });
  const state = await pollUntilDone(client, await client.submit(body));
  assert.equal(state.status, 'succeeded');
  return state;
}

function download(url: string, extra: Partial<Parameters<typeof downloadImage>[0]> = {}) {
  return downloadImage({
    url,
    apiOrigin: sim.apiOrigin,
    authorization: `Bearer ${sim.apiKey}`,
    dir,
    baseName: 'result',
    ...extra,
  });
}

async function expectDownloadError(promise: Promise<unknown>, text: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof GenerationError, String(e));
    assert.equal(e.kind, 'download');
    assert.match(e.message, text);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  const left = (await readdir(dir)).filter((n) => n.endsWith('.part'));
  assert.deepEqual(left, [], 'no partial file is left behind');
}

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aigc-download-'));
  dirs.push(dir);
});

describe('downloading a result image', () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    it(`${format}: saved with the extension its bytes say, and the CDN never sees the key`, async () => {
      sim.configure({ imageFormat: format });
      const task = await finishedTask();
      const saved = await download(task.images[0]!.url);
      assert.equal(saved.format.format, format);
      assert.equal(path.extname(saved.path), `.${saved.format.extension}`);
      assert.equal((await stat(saved.path)).size, saved.bytes);
      assert.equal(sim.cdnSawAuthorization(), false);
      assert.ok(sim.requests.some((r) => r.server === 'cdn'));
    });
  }

  it('a redirect to another host is followed without the key', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'redirect' }, times: 1 });
    const saved = await download(task.images[0]!.url);
    assert.equal(saved.format.format, 'png');
    assert.ok(
      sim.requests.some((r) => r.server === 'third'),
      'the redirect target was asked',
    );
    assert.equal(sim.cdnSawAuthorization(), false);
  });

  it('the key goes to the API origin only, and not after it redirects elsewhere', async () => {
    const task = await finishedTask();
    const cdnPath = new URL(task.images[0]!.url).pathname;
    // The API redirects (as some gateways proxy results): the key is fine on the API, never on the next hop.
    sim.fault({ route: 'any', fault: { kind: 'redirect' }, times: 1 });
    const saved = await download(sim.apiOrigin + cdnPath);
    assert.equal(saved.format.format, 'png', 'the image came from the next hop');
    assert.ok(saved.finalUrl.startsWith(sim.thirdOrigin));
    const apiHop = sim.requests.find((r) => r.server === 'api' && r.path === cdnPath);
    assert.equal(apiHop?.headers['authorization'], `Bearer ${sim.apiKey}`);
    assert.ok(sim.requests.filter((r) => r.server !== 'api').every((r) => !r.headers['authorization']));
    assert.equal(sim.cdnSawAuthorization(), false);
  });

  it('expired URL -> a clear message, no retry storm', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'expiredUrl' }, times: Infinity });
    await expectDownloadError(download(task.images[0]!.url), /expired/);
    assert.equal(sim.requests.filter((r) => r.server === 'cdn').length, 1);
  });

  it('a body that is not an image is refused by its bytes', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'notImage' }, times: Infinity });
    await expectDownloadError(download(task.images[0]!.url), /not an image/);
  });

  it('a truncated body is retried and the retry succeeds', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'truncated' }, times: 1 });
    const saved = await download(task.images[0]!.url);
    assert.equal(sim.requests.filter((r) => r.server === 'cdn').length, 2);
    assert.equal((await stat(saved.path)).size, saved.bytes);
  });

  it('a body truncated every time fails after the retries, leaving nothing behind', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'truncated' }, times: Infinity });
    await expectDownloadError(download(task.images[0]!.url, { attempts: 2 }), /incomplete/);
    assert.equal(sim.requests.filter((r) => r.server === 'cdn').length, 2);
  });

  it('a 503 from the CDN is retried', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'http', status: 503 }, times: 1 });
    await download(task.images[0]!.url);
    assert.equal(sim.requests.filter((r) => r.server === 'cdn').length, 2);
  });

  it('an oversized body is stopped at the cap', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'oversized', bytes: 3 * 1024 * 1024 }, times: Infinity });
    await expectDownloadError(download(task.images[0]!.url, { maxBytes: 1024 * 1024 }), /limit/);
  });

  it('a CDN that trickles is given up after one slow window, saying so, with nothing left behind', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'trickle', bytes: 8, everyMs: 30 }, times: Infinity });
    await expectDownloadError(
      download(task.images[0]!.url, { attempts: 1, pace: { windowMs: 200, bytes: 1024 } }),
      /only \d+ bytes in 0\.2 s, too slowly/,
    );
    assert.equal(sim.requests.filter((r) => r.server === 'cdn').length, 1);
  });

  it('an answer that never starts is given up after one window, as stalled', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'slow', delayMs: 5000 }, times: 1 });
    await expectDownloadError(
      download(task.images[0]!.url, { attempts: 1, pace: { windowMs: 150, bytes: 1024 } }),
      /stalled after 0 bytes/,
    );
  });

  it('an image address no URL parser accepts is named as such, never "unexpected", and nothing is fetched', async () => {
    for (const url of ['https://xn--/x.png', 'https://xn--zz/x.png', 'https://exa mple.com/x.png']) {
      await assert.rejects(download(url), (e: unknown) => {
        assert.ok(e instanceof GenerationError && e.kind === 'download' && e.code === 'badUrl', String(e));
        assert.equal(e.message, `The image service gave an image address that cannot be used: ${url}`);
        return true;
      });
    }
    assert.equal(sim.requests.length, 0);
  });

  it('aborting stops at once', async () => {
    const task = await finishedTask();
    sim.fault({ route: 'cdn', fault: { kind: 'slow', delayMs: 5000 }, times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(
      download(task.images[0]!.url, { signal: controller.signal }),
      (e: unknown) => e instanceof GenerationError && e.kind === 'aborted',
    );
  });
});

describe('memory stays flat while streaming', () => {
  /**
   * Live memory (after a collection, every 4 MB received) and RSS while an image streams in.
   * A buffering download would keep the whole image alive: its live growth follows the size.
   */
  async function growth(bytes: number): Promise<{ live: number; rss: number }> {
    const gc = (globalThis as { gc?: () => void }).gc;
    assert.ok(gc, 'run with --expose-gc');
    sim.configure({ imageBytes: bytes });
    const task = await finishedTask();
    gc();
    const start = process.memoryUsage();
    const live = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;
    let peakLive = 0;
    let peakRss = 0;
    let nextSample = 0;
    const saved = await download(task.images[0]!.url, {
      onProgress: (received) => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss - start.rss);
        if (received < nextSample) return;
        nextSample = received + 4 * 1024 * 1024;
        gc();
        peakLive = Math.max(peakLive, live(process.memoryUsage()) - live(start));
      },
    });
    assert.ok(saved.bytes >= bytes, `${saved.bytes} >= ${bytes}`);
    return { live: peakLive, rss: peakRss };
  }

  it('a 50 MB image does not cost 50 MB of memory (compared with 5 MB)', async () => {
    const small = await growth(5 * 1024 * 1024);
    const large = await growth(50 * 1024 * 1024);
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `# download memory growth: 5 MB image: live +${mb(small.live)} MB, rss +${mb(small.rss)} MB; 50 MB image: live +${mb(large.live)} MB, rss +${mb(large.rss)} MB`,
    );
    // A buffering implementation holds the whole image (50 MB live). Streaming holds what is in
    // flight between socket and disk: a few MB whatever the size (seen: 0.3–12 MB for both sizes).
    assert.ok(large.live < 20 * 1024 * 1024, `live memory grew ${mb(large.live)} MB for a 50 MB image`);
    assert.ok(large.rss < 32 * 1024 * 1024, `rss grew ${mb(large.rss)} MB for a 50 MB image`);
  });
});

describe('landing a finished task', () => {
  /** A record that has finished upstream, with the given result, landed in memory (no journal). */
  function finishedRecord(
    state: Succeeded,
    patch: Partial<TaskRecord['target']> = {},
    references: TaskRecord['references'] = [],
  ): TaskRecord {
    const start = newRecord({
      id: `r-${state.taskId.slice(-6)}`,
      kind: references.length ? 'restyle' : 'generate',
      body,
      references,
      apiOrigin: sim.apiOrigin,
      target: { workspaceRoot: dir, outputFolder: 'generated-images', writeSidecar: true, ...patch },
      createdAt: Date.now(),
    });
    const submitted = advance(start, { type: 'submitted', ref: { taskId: state.taskId } }, Date.now());
    return advance(submitted, { type: 'upstream', state }, Date.now());
  }

  function land(record: TaskRecord, events: LifecycleEvent[] = []) {
    let current = record;
    return landImages(record, {
      apply: async (event) => {
        events.push(event);
        current = advance(current, event, Date.now());
        return current;
      },
      apiOrigin: sim.apiOrigin,
      authorization: `Bearer ${sim.apiKey}`,
      extensionVersion: '0.0.0-test',
      stillOurs: async () => true,
    });
  }

  it('writes image and sidecar under <folder>/<date>/<slug>-<id>, without the key', async () => {
    const state = await finishedTask();
    const landed = await land(finishedRecord(state));
    assert.equal(landed.phase, 'landed');
    const file = landed.images![0]!.landed!;
    assert.match(path.basename(file.path), /^a-tiny-robot-watering-plants-[a-z0-9]{8}\.png$/);
    assert.equal(path.dirname(file.path), path.join(dir, 'generated-images', dateFolder(new Date())));
    const text = await readFile(file.sidecar!, 'utf8');
    assert.ok(!text.includes(sim.apiKey));
    const sidecar = parseSidecar(text)!;
    assert.equal(sidecar.taskId, state.taskId);
    assert.equal(sidecar.prompt, body.prompt);
    assert.equal(sidecar.images[0]!.url, state.images[0]!.url);
    assert.equal(sidecar.images[0]!.sha256, file.sha256);
  });

  it('records references as a committed file may show them: relative inside the workspace, name and hash outside', async () => {
    const state = await finishedTask();
    const outside = path.join(tmpdir(), 'someone', 'private', 'photo.png');
    const landed = await land(
      finishedRecord(state, {}, [
        { path: path.join(dir, 'assets', 'hero.png'), sha256: 'aa' },
        {},
        { path: outside, sha256: 'bb' },
      ]),
    );
    const sidecar = parseSidecar(await readFile(landed.images![0]!.landed!.sidecar!, 'utf8'))!;
    assert.deepEqual(sidecar.references, [
      { path: 'assets/hero.png', sha256: 'aa' },
      { name: 'photo.png', sha256: 'bb' },
    ]);
    assert.ok(!JSON.stringify(sidecar).includes('private'), 'no folder outside the workspace is named');
  });

  it('an existing file with the same name is kept and the result gets a suffix', async () => {
    const state = await finishedTask();
    const out = path.join(dir, 'generated-images', dateFolder(new Date()));
    const name = `${resultBaseName(body.prompt, state.taskId)}.png`;
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, name), 'user file');
    await writeFile(path.join(out, name.replace(/\.png$/, '.json')), '{"mine":true}');
    const landed = await land(finishedRecord(state));
    assert.match(path.basename(landed.images![0]!.landed!.path), /-2\.png$/);
    assert.equal(await readFile(path.join(out, name), 'utf8'), 'user file');
    assert.equal(await readFile(path.join(out, name.replace(/\.png$/, '.json')), 'utf8'), '{"mine":true}');
  });

  it('two tasks with the same prompt never overwrite each other', async () => {
    const a = await land(finishedRecord(await finishedTask()));
    const b = await land(finishedRecord(await finishedTask()));
    assert.notEqual(a.images![0]!.landed!.path, b.images![0]!.landed!.path);
  });

  it('journals "placing" before the file appears, then "landed"; leaves no temporary file', async () => {
    const events: LifecycleEvent[] = [];
    const record = finishedRecord(await finishedTask());
    const landed = await land(record, events);
    assert.deepEqual(
      events.map((e) => e.type),
      ['placing', 'imageLanded'],
    );
    const dirOf = path.dirname(landed.images![0]!.landed!.path);
    assert.deepEqual(
      (await readdir(dirOf)).filter((n) => n.endsWith('.part')),
      [],
    );
    await assert.rejects(stat(tempPathFor(dirOf, record.id, 0)));
  });

  it('a resume never finishes an image recorded as placed outside its folder (an edited journal): it lands where it belongs', async () => {
    const record = finishedRecord(await finishedTask());
    const stray = path.join(dir, 'elsewhere', 'private.png');
    await mkdir(path.dirname(stray), { recursive: true });
    await writeFile(stray, 'not ours');
    const placing = {
      path: stray,
      bytes: 8,
      format: 'png',
      sha256: createHash('sha256').update('not ours').digest('hex'),
    };
    const landed = await land({ ...record, images: [{ ...record.images![0]!, placing }] });
    assert.equal(landed.phase, 'landed');
    assert.equal(
      path.dirname(landed.images![0]!.landed!.path),
      path.join(dir, 'generated-images', dateFolder(new Date())),
    );
    assert.deepEqual(await readdir(path.dirname(stray)), ['private.png'], 'no sidecar written beside it');
  });

  it('refuses an output folder outside the workspace before downloading', async () => {
    const state = await finishedTask();
    const before = sim.requests.filter((r) => r.server === 'cdn').length;
    await assert.rejects(land(finishedRecord(state, { outputFolder: '../elsewhere' })), (e: unknown) => {
      const error = (e as { error?: GenerationError }).error;
      assert.equal(error?.code, 'outsideWorkspace');
      assert.match(error.message, /outside the workspace/);
      return true;
    });
    assert.equal(sim.requests.filter((r) => r.server === 'cdn').length, before);
  });

  it('a task with several images lands each with its own sidecar; an interrupted one fetches only what is missing', async () => {
    const one = await finishedTask();
    const two: Succeeded = { ...one, images: [one.images[0]!, { url: `${sim.cdnOrigin}/files/second.png` }] };
    const record = finishedRecord(two);
    // The second image fails once (CDN 404 → the URL is gone): the first stays landed.
    sim.fault({ route: 'cdn', fault: { kind: 'expiredUrl' }, times: 1 });
    const order = sim.requests.filter((r) => r.server === 'cdn').length;
    let current = record;
    await assert.rejects(
      landImages(record, {
        apply: async (event) => (current = advance(current, event, Date.now())),
        apiOrigin: sim.apiOrigin,
        extensionVersion: 't',
        stillOurs: async () => true,
      }),
    );
    assert.equal(current.phase, 'landing');
    // The fault hit the first image; nothing landed yet. Resume: both land, each once.
    const landed = await land(current);
    assert.equal(landed.phase, 'landed');
    const files = landed.images!.map((i) => path.basename(i.landed!.path));
    assert.deepEqual(
      files,
      files.map((f, i) => f.replace(/-\d\.png$/, `-${i + 1}.png`)),
    );
    const names = await readdir(path.dirname(landed.images![0]!.landed!.path));
    assert.equal(names.filter((n) => n.endsWith('.png')).length, 2);
    assert.equal(names.filter((n) => n.endsWith('.json')).length, 2);
    assert.equal(
      sim.requests.filter((r) => r.server === 'cdn').length - order,
      3,
      'one failed fetch, then one per image',
    );
  });
});
