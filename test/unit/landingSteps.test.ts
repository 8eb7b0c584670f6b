/**
 * What is on disk at each step a landing journals. A resume after a crash trusts the journal:
 * "placing" comes before the image has its name, "landed" only once the image is in place with
 * the bytes recorded and its sidecar is beside it, and a sidecar never appears before its image
 * (a reader would meet the sidecar of nothing). The order of the events alone says none of
 * this, so each step is checked against the files themselves. Real landings of a task of two
 * images from the gateway simulator, journalled in a real journal on a real file system.
 */
import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { GatewayClient } from '../../src/core/gateway';
import { TaskJournal } from '../../src/core/journal';
import { landImages, landingDir, sha256Of, tempPathFor } from '../../src/core/landing';
import { type LandedFile, type TaskRecord, advance, newRecord } from '../../src/core/lifecycle';
import { sidecarPathFor } from '../../src/core/naming';
import { pollUntilDone } from '../../src/core/poll';
import { parseSidecar } from '../../src/core/sidecar';
import { useSimulator } from './helpers/simulator';

const sim = useSimulator({ taskDurationMs: 50, imagesPerTask: 2 });
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'aigc-steps-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A task of two images, finished upstream and about to land in a fresh workspace. */
async function finishedRecord(): Promise<TaskRecord> {
  const client = new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey });
  const body = { model_name: 'GEM', model_version: '2.5', prompt: 'Two lanterns on a pier' };
  const state = await pollUntilDone(client, await client.submit(body));
  assert.equal(state.status, 'succeeded');
  const start = newRecord({
    id: `r-${state.taskId.slice(-6)}`,
    kind: 'generate',
    body,
    references: [],
    apiOrigin: sim.apiOrigin,
    target: { workspaceRoot: path.join(root, 'workspace'), outputFolder: 'generated-images', writeSidecar: true },
    createdAt: Date.now(),
  });
  const submitted = advance(start, { type: 'submitted', ref: { taskId: state.taskId } }, Date.now());
  return advance(submitted, { type: 'upstream', state }, Date.now());
}

/** The hash of a file, or undefined when there is none at that name. */
async function hashAt(file: string): Promise<string | undefined> {
  return sha256Of(file).catch(() => undefined);
}

/** An image step as the journal took it, and what the disk held at that moment. */
interface Step {
  type: 'placing' | 'imageLanded';
  file: LandedFile;
  image?: string;
  sidecar?: string;
  temp?: string;
}

/** Lands the record, journalling each event as the collector does, and looks at the disk each time an image step is journalled. */
async function landJournalled(record: TaskRecord): Promise<{ landed: TaskRecord; steps: Step[] }> {
  const journal = new TaskJournal(path.join(root, 'journal'), { id: 'this-host', pid: process.pid, host: 'test-host' });
  await journal.write(record);
  const dir = await landingDir(record);
  const steps: Step[] = [];
  let current = record;
  const landed = await landImages(record, {
    apply: async (event) => {
      const next = advance(current, event, Date.now());
      if (next === current) return current;
      await journal.commit(next, event);
      current = next;
      if (event.type === 'placing' || event.type === 'imageLanded') {
        const sidecar = await readFile(event.file.sidecar ?? sidecarPathFor(event.file.path), 'utf8').catch(
          () => undefined,
        );
        steps.push({
          type: event.type,
          file: event.file,
          image: await hashAt(event.file.path),
          sidecar,
          temp: await hashAt(tempPathFor(dir, record.id, event.index)),
        });
      }
      return current;
    },
    apiOrigin: sim.apiOrigin,
    authorization: `Bearer ${sim.apiKey}`,
    extensionVersion: '0.0.0-test',
    stillOurs: async () => true,
  });
  assert.equal((await journal.read(record.id))?.phase, 'landed', 'the journal ends with the task landed');
  return { landed, steps };
}

/** Resolves once every name in `names` has been seen; rejects, naming what was seen, when the test runs out of time. */
function seen(names: readonly string[], appeared: readonly string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (names.every((n) => appeared.includes(n))) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      reject(new Error(`the folder never showed ${names.join(', ')}; it showed ${appeared.join(', ')}`));
    });
  });
}

describe('what is on disk at each journalled step of a landing', () => {
  it('"placing" is journalled while the image and its sidecar are not there yet and the fetched bytes wait under a temporary name', async () => {
    const { steps } = await landJournalled(await finishedRecord());
    const placing = steps.filter((s) => s.type === 'placing');
    assert.equal(placing.length, 2, 'one "placing" per image');
    for (const step of placing) {
      const name = path.basename(step.file.path);
      assert.equal(step.image, undefined, `${name} is not in place before "placing" is journalled`);
      assert.equal(step.sidecar, undefined, `${name} has no sidecar before "placing" is journalled`);
      assert.equal(step.temp, step.file.sha256, `the bytes recorded for ${name} are whole under the temporary name`);
    }
  });

  it('"landed" is journalled only once the image is in place with the recorded bytes and its sidecar, naming it, is beside it', async () => {
    const { landed, steps } = await landJournalled(await finishedRecord());
    assert.deepEqual(
      steps.map((s) => s.type),
      ['placing', 'imageLanded', 'placing', 'imageLanded'],
    );
    for (const step of steps.filter((s) => s.type === 'imageLanded')) {
      const name = path.basename(step.file.path);
      assert.equal(step.image, step.file.sha256, `${name} is on disk with the hash the journal records`);
      assert.ok(step.sidecar, `${name} has its sidecar when it is journalled as landed`);
      const sidecar = parseSidecar(step.sidecar);
      assert.deepEqual(
        sidecar?.images.map((i) => [i.file, i.sha256]),
        [[name, step.file.sha256]],
      );
    }
    const dir = path.dirname(landed.images![0]!.landed!.path);
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.startsWith('.')),
      [],
      'no temporary file is left',
    );
  });

  it('a sidecar appears in the folder only after its image', { timeout: 30_000 }, async (t) => {
    const record = await finishedRecord();
    const dir = await landingDir(record);
    await mkdir(dir, { recursive: true });
    const appeared: string[] = [];
    // Linux reports each name as it is created, in order: the order in which the names appeared.
    const watcher = watch(dir, (_type, name) => {
      if (name && !appeared.includes(name)) appeared.push(name);
    });
    try {
      const { landed } = await landJournalled(record);
      const pairs = landed.images!.map(
        (i) => [path.basename(i.landed!.path), path.basename(i.landed!.sidecar!)] as const,
      );
      await seen(
        pairs.flatMap((p) => p),
        appeared,
        t.signal,
      );
      for (const [image, sidecar] of pairs) {
        assert.ok(
          appeared.indexOf(image) < appeared.indexOf(sidecar),
          `${image} before ${sidecar}: ${appeared.join(', ')}`,
        );
      }
    } finally {
      watcher.close();
    }
  });
});
