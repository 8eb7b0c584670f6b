/**
 * A sidecar is committed with the repository, and a cloned repository may plant files where
 * sidecars go: what lands in the workspace carries no key and no signed URL, a sidecar's name
 * never takes a configuration file's, and what sits at a sidecar's name is never followed or
 * read without a bound. Real landings against the gateway simulator, on a real file system.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { GatewayClient } from '../../src/core/gateway';
import { landImages } from '../../src/core/landing';
import { type TaskRecord, type TaskTarget, advance, newRecord } from '../../src/core/lifecycle';
import { pollUntilDone } from '../../src/core/poll';
import { buildSidecar, parseSidecar, provenanceUrl } from '../../src/core/sidecar';
import type { GatewayAnswer } from '../../src/core/gatewayAnswer';
import { bytesReadByThisProcess, canCountReads } from '../support/processIo';
import { useSimulator } from './helpers/simulator';

type Succeeded = Extract<GatewayAnswer, { status: 'succeeded' }>;

const sim = useSimulator({ taskDurationMs: 50 });
const body = { model_name: 'GEM', model_version: '2.5', prompt: 'A lighthouse at dusk' };
/** Long enough that a piece of it in a file name would be noticed. */
const KEY = 'sk-live-0123456789abcdefXYZ';
/** A whole /dev/zero read ends near 600 MB; a landing reads its image, its answers and a sidecar. */
const READ_BOUND = 16 * 1024 * 1024;
let workspace: string;
let outside: string;

beforeEach(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'aigc-sidecar-'));
  workspace = path.join(root, 'workspace');
  outside = path.join(root, 'outside');
  await mkdir(workspace, { recursive: true });
  await mkdir(outside, { recursive: true });
});
afterEach(async () => {
  await rm(path.dirname(workspace), { recursive: true, force: true });
});

async function finishedTask(): Promise<Succeeded> {
  const client = new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey });
  const state = await pollUntilDone(client, await client.submit(body));
  assert.equal(state.status, 'succeeded');
  return state;
}

function finishedRecord(state: Succeeded, target: Partial<TaskTarget> = {}, requestId?: string): TaskRecord {
  const start = newRecord({
    id: `r-${Math.random().toString(36).slice(2, 8)}`,
    kind: 'generate',
    body,
    references: [],
    apiOrigin: sim.apiOrigin,
    target: { workspaceRoot: workspace, outputFolder: 'generated-images', writeSidecar: true, ...target },
    createdAt: Date.now(),
  });
  const submitted = advance(
    start,
    { type: 'submitted', ref: { taskId: state.taskId }, ...(requestId ? { requestId } : {}) },
    Date.now(),
  );
  return advance(submitted, { type: 'upstream', state }, Date.now());
}

function land(record: TaskRecord): Promise<TaskRecord> {
  let current = record;
  return landImages(record, {
    apply: async (event) => (current = advance(current, event, Date.now())),
    apiOrigin: sim.apiOrigin,
    authorization: `Bearer ${sim.apiKey}`,
    extensionVersion: '0.0.0-test',
    stillOurs: async () => true,
  });
}

async function landedAt(exactPath: string): Promise<TaskRecord> {
  const landed = await land(finishedRecord(await finishedTask(), { exactPath }));
  assert.equal(landed.phase, 'landed', JSON.stringify(landed.problem ?? landed.outcome));
  return landed;
}

/** Every file under `dir`, by path relative to it, with its bytes. */
async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    files.set(path.relative(dir, file), await readFile(file));
  }
  return files;
}

describe('what a sidecar carries', () => {
  it('a gateway that echoes the key in the task id, the request id and the image URL leaves no trace of it anywhere in the workspace', async () => {
    sim.configure({ apiKey: KEY, keyEcho: ['taskId', 'fileUrl'] });
    const state = await finishedTask();
    assert.ok(state.taskId.includes(KEY) && state.images[0]!.url.includes(KEY), 'the simulator echoed the key');
    const landed = await land(finishedRecord(state, {}, `req-${KEY}`));
    assert.equal(landed.phase, 'landed');
    const files = await filesUnder(workspace);
    assert.equal(files.size, 2, [...files.keys()].join(', '));
    const tail = KEY.replace(/[^A-Za-z0-9]/g, '').slice(-8);
    for (const [name, bytes] of files) {
      assert.ok(!name.toLowerCase().includes(tail.toLowerCase()), `no piece of the key in the file name ${name}`);
      for (const form of [KEY, encodeURIComponent(KEY)]) assert.ok(!bytes.includes(form), `no key in ${name}`);
    }
    const sidecar = parseSidecar(await readFile(landed.images![0]!.landed!.sidecar!, 'utf8'))!;
    assert.ok(sidecar.taskId.startsWith('251007502-AigcImage-'), 'the task id is still recognisable');
  });

  it('a signed image URL is recorded without its signature: origin and path only', async () => {
    sim.configure({ signedUrls: true });
    const state = await finishedTask();
    const signed = new URL(state.images[0]!.url);
    assert.ok(signed.searchParams.has('sign'), 'the simulator signed the URL');
    const landed = await land(finishedRecord(state));
    const sidecar = parseSidecar(await readFile(landed.images![0]!.landed!.sidecar!, 'utf8'))!;
    assert.equal(sidecar.images[0]!.url, `${signed.origin}${signed.pathname}`);
    assert.ok(
      sim.requests.some((r) => r.server === 'cdn' && r.path.includes('sign=')),
      'the image itself was fetched with its signature',
    );
  });
});

describe('a result URL as a sidecar keeps it', () => {
  const cases: [string, string][] = [
    ['https://cdn.example/a/b.png?t=65f0&sign=0123abcd', 'https://cdn.example/a/b.png'],
    ['https://user:secret@cdn.example:8443/b.png#frag', 'https://cdn.example:8443/b.png'],
    ['https://cdn.example/b.png', 'https://cdn.example/b.png'],
    ['https://xn--/b.png?auth=k', 'https://xn--/b.png'],
    ['not a url?sign=1', 'not a url'],
  ];
  for (const [url, kept] of cases) it(`${url} → ${kept}`, () => assert.equal(provenanceUrl(url), kept));

  it('removes the key from every field, however it is spelled in a URL', () => {
    const key = 'sk/live+key=1';
    const sidecar = buildSidecar({
      secrets: [key],
      taskId: `task-${key}`,
      requestId: `req-${key}`,
      body: { ...body, session_id: key },
      references: [],
      images: [
        {
          file: 'a.png',
          url: `https://cdn.example/${encodeURIComponent(key)}/a.png?auth=${key}`,
          fileId: key,
          format: 'png',
          bytes: 1,
          sha256: 'x',
        },
      ],
      apiOrigin: 'https://api.example',
      submittedAt: new Date(0),
      savedAt: new Date(1),
      extensionVersion: 't',
    });
    const text = JSON.stringify(sidecar);
    for (const form of [key, encodeURIComponent(key), encodeURI(key)])
      assert.ok(!text.includes(form), `${form} in ${text}`);
    assert.equal(sidecar.taskId, 'task-***');
    assert.equal(sidecar.images[0]!.url, 'https://cdn.example/***/a.png');
  });
});

describe('where a sidecar goes', () => {
  it('an image asked for as package.png gets package.png.json and leaves package.json as it was', async () => {
    const mine = '{ "name": "my-project", "version": "1.0.0" }\n';
    await writeFile(path.join(workspace, 'package.json'), mine);
    const landed = await landedAt(path.join(workspace, 'package.png'));
    assert.equal(landed.images![0]!.landed!.sidecar, path.join(workspace, 'package.png.json'));
    assert.equal(
      parseSidecar(await readFile(path.join(workspace, 'package.png.json'), 'utf8'))?.taskId,
      landed.ref?.taskId,
    );
    assert.equal(await readFile(path.join(workspace, 'package.json'), 'utf8'), mine);
  });

  it('an image asked for as .vscode/settings.png never creates .vscode/settings.json', async () => {
    await mkdir(path.join(workspace, '.vscode'));
    await landedAt(path.join(workspace, '.vscode', 'settings.png'));
    assert.deepEqual((await readdir(path.join(workspace, '.vscode'))).sort(), ['settings.png', 'settings.png.json']);
  });
});

describe('what sits where a sidecar would go', () => {
  it(
    'a link to /dev/zero named like the image’s old-style sidecar is not read: landing stays within a few megabytes of reads',
    { skip: !canCountReads() && 'needs /proc/self/io' },
    async () => {
      await mkdir(path.join(workspace, 'assets'));
      await symlink('/dev/zero', path.join(workspace, 'assets', 'hero.json'));
      const before = await bytesReadByThisProcess();
      const landed = await landedAt(path.join(workspace, 'assets', 'hero.png'));
      const read = (await bytesReadByThisProcess()) - before;
      assert.ok(read < READ_BOUND, `${read} bytes read`);
      assert.equal(landed.images![0]!.landed!.sidecar, path.join(workspace, 'assets', 'hero.png.json'));
    },
  );

  it('a resumed landing never adopts a linked file as its sidecar, even one that names the task', async () => {
    const first = await landedAt(path.join(workspace, 'hero.png'));
    const image = first.images![0]!.landed!;
    // What an attacker can copy from the task's own sidecar, planted outside and linked in.
    await rm(image.sidecar!);
    const ours = {
      kind: 'aigc-image-studio/result',
      version: 1,
      taskId: first.ref!.taskId,
      prompt: 'planted',
      model: { name: 'GEM', version: '2.5' },
      request: body,
      images: [{ file: 'hero.png', url: 'https://cdn.example/x.png', format: 'png', bytes: 1, sha256: 'x' }],
      timings: { submittedAt: '2026-01-01T00:00:00Z', savedAt: '2026-01-01T00:00:00Z' },
    };
    await writeFile(path.join(outside, 'planted.json'), JSON.stringify(ours));
    for (const name of ['hero.json', 'hero.png.json'])
      await symlink(path.join(outside, 'planted.json'), path.join(workspace, name));
    // Rewound to right after the image was placed, before its sidecar was written.
    const rewound: TaskRecord = {
      ...first,
      phase: 'landing',
      images: [{ ...first.images![0]!, landed: undefined, placing: { ...image, sidecar: undefined } }],
    };
    delete rewound.endedAt;
    const again = await land(rewound);
    assert.equal(again.phase, 'landed');
    assert.equal(again.images![0]!.landed!.path, image.path, 'the same image, not a second copy');
    assert.equal(again.images![0]!.landed!.sidecar, undefined, 'no link taken for its sidecar');
    assert.equal(
      (JSON.parse(await readFile(path.join(outside, 'planted.json'), 'utf8')) as { prompt: string }).prompt,
      'planted',
      'the planted file is untouched',
    );
  });

  it('a resumed landing finds the old-style sidecar it wrote before the upgrade and writes no second one', async () => {
    const first = await landedAt(path.join(workspace, 'hero.png'));
    const image = first.images![0]!.landed!;
    const text = await readFile(image.sidecar!, 'utf8');
    await rm(image.sidecar!);
    await writeFile(path.join(workspace, 'hero.json'), text);
    const rewound: TaskRecord = {
      ...first,
      phase: 'landing',
      images: [{ ...first.images![0]!, landed: undefined, placing: { ...image, sidecar: undefined } }],
    };
    delete rewound.endedAt;
    const again = await land(rewound);
    assert.equal(again.images![0]!.landed!.sidecar, path.join(workspace, 'hero.json'));
    assert.deepEqual((await readdir(workspace)).sort(), ['hero.json', 'hero.png']);
  });
});
