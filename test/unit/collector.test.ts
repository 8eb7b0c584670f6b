/**
 * A billed task always ends with its image in the project: the task lifecycle against the
 * gateway simulator (real HTTP on 127.0.0.1), a real journal and a real workspace folder, in
 * all three answer shapes and through the faults real gateways produce.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type CollectorDeps, TaskCollector, submitFailure } from '../../src/core/collector';
import { GenerationError } from '../../src/core/errors';
import { GatewayClient } from '../../src/core/gateway';
import { DurationBook, durationKey } from '../../src/core/durationBook';
import { TaskJournal } from '../../src/core/journal';
import { tempPathFor } from '../../src/core/landing';
import {
  type LifecycleEvent,
  type TaskRecord,
  UNUSABLE_URL_TRIES,
  advance,
  isTerminal,
  newRecord,
  waitsForCollectNow,
} from '../../src/core/lifecycle';
import { dateFolder } from '../../src/core/naming';
import type { CreateTaskBody } from '../../src/core/request';
import { type SimMode, startSimulator } from '../sim/simulator';
import { useSimulator } from './helpers/simulator';

const MODES: SimMode[] = ['native', 'queue', 'envelope'];
const sim = useSimulator({ taskDurationMs: 400 });
let root: string;
let workspace: string;
let journal: TaskJournal;
let counter = 0;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'aigc-collector-'));
  workspace = path.join(root, 'workspace');
  mkdirSync(workspace);
  journal = new TaskJournal(path.join(root, 'journal'), { id: 'this-host', pid: process.pid, host: 'test-host' });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function body(prompt: string): CreateTaskBody {
  return { model_name: 'GEM', model_version: '2.5', prompt, session_id: `s-${++counter}-${Date.now()}` };
}

function record(prompt: string, patch: Partial<TaskRecord> = {}): TaskRecord {
  return {
    ...newRecord({
      id: `r${++counter}`,
      kind: 'generate',
      body: body(prompt),
      references: [],
      apiOrigin: sim.apiOrigin,
      target: { workspaceRoot: workspace, outputFolder: 'generated-images', writeSidecar: true },
      createdAt: Date.now(),
    }),
    ...patch,
  };
}

function client(extra: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}): GatewayClient {
  return new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey, requestTimeoutMs: 5000, ...extra });
}

interface Collected {
  record: TaskRecord;
  collector: TaskCollector;
  files: string[];
}

/** Journals the record (under its lease) and collects it until it ends or needs the user. */
async function collect(
  start: TaskRecord,
  options: {
    backgroundAfter?: number;
    lookNow?: boolean;
    client?: GatewayClient;
    during?: (c: TaskCollector) => void;
    deps?: Partial<CollectorDeps>;
  } = {},
): Promise<Collected> {
  const lease = await journal.tryAcquire(start.id);
  assert.ok(lease, 'the lease is free');
  await journal.write(start);
  const collector = new TaskCollector(
    start,
    {
      journal,
      client: options.client ?? client(),
      authorization: `Bearer ${sim.apiKey}`,
      extensionVersion: 'test',
      bodyFor: async (r) => r.body,
      ...options.deps,
    },
    {
      lease,
      backgroundAfter: options.backgroundAfter ?? Date.now() + 60_000,
      lookNow: options.lookNow,
      heartbeatMs: 200,
    },
  );
  options.during?.(collector);
  const record = await collector.run();
  await lease.release();
  return { record, collector, files: collector.files() };
}

/**
 * Stops a collection at its first problem, or when the test runs out of time: a task that
 * should have ended at once is then reported as the problem it is waiting on, instead of being
 * looked at until the suite gives up.
 */
function stopAtFirstProblem(signal: AbortSignal): (c: TaskCollector) => void {
  return (c) => {
    const timer = setInterval(() => {
      if (isTerminal(c.record.phase) || c.stopped) clearInterval(timer);
      else if (c.record.problem) stop();
    }, 10);
    const stop = () => {
      clearInterval(timer);
      c.stop();
    };
    signal.addEventListener('abort', stop, { once: true });
  };
}

function outputDir(): string {
  return path.join(workspace, 'generated-images', dateFolder(new Date()));
}

function filesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

const posts = () => sim.requests.filter((r) => r.server === 'api' && r.method === 'POST');
const cdnGets = () => sim.requests.filter((r) => r.server === 'cdn');

/** One image and its sidecar, nothing else (no second copy, no temporary file). */
function assertLandedOnce(result: Collected): Record<string, unknown> {
  assert.equal(result.record.phase, 'landed', JSON.stringify(result.record.problem ?? result.record.outcome));
  assert.equal(result.files.length, 1);
  const names = filesIn(path.dirname(result.files[0]!));
  const image = path.basename(result.files[0]!);
  assert.deepEqual(names, [`${image}.json`, image].sort(), `exactly the image and its sidecar: ${names.join(', ')}`);
  const bytes = readFileSync(result.files[0]!);
  assert.ok(bytes.length > 20);
  const sidecar = JSON.parse(readFileSync(`${result.files[0]!}.json`, 'utf8')) as Record<string, unknown>;
  assert.equal(sidecar.taskId, result.record.ref?.taskId);
  return sidecar;
}

async function journalled(id: string): Promise<TaskRecord> {
  const stored = await journal.read(id);
  assert.ok(stored, 'the record is in the journal');
  return stored;
}

for (const mode of MODES) {
  describe(`${mode} answers`, () => {
    beforeEach(() => sim.configure({ mode }));

    it('a task lands: image and sidecar on disk, the journal says landed', async () => {
      const result = await collect(record('a lighthouse'));
      assertLandedOnce(result);
      assert.equal((await journalled(result.record.id)).phase, 'landed');
      assert.equal(posts().length, 1);
    });

    it('TaskNotExist for a while after create is waited out', async () => {
      sim.configure({ invisibleMs: 1500 });
      const result = await collect(record('not visible yet'));
      assertLandedOnce(result);
      const queries = sim.requests.filter((r) => r.server === 'api' && r.method === 'GET');
      assert.ok(queries.length >= 2, 'it looked while the task was not visible, and again after');
    });

    it('a CDN that answers 503 four times in a row still lands the image', async () => {
      sim.fault({ route: 'cdn', fault: { kind: 'http', status: 503 }, times: 4 });
      const result = await collect(record('cdn trouble'));
      assertLandedOnce(result);
      assert.equal(cdnGets().length, 5);
    });

    it('a query outage (every look fails for a while) is outlasted', async () => {
      sim.fault({ route: mode === 'queue' ? 'status' : 'query', fault: { kind: 'http', status: 503 }, forMs: 2500 });
      const result = await collect(record('outage'));
      assertLandedOnce(result);
    });

    it('a connection reset on every look for a while is outlasted: the task is never refused and lands', async () => {
      sim.fault({ route: mode === 'queue' ? 'status' : 'query', fault: { kind: 'reset' }, forMs: 1500 });
      const log: string[] = [];
      const result = await collect(record('reset while waiting'), { deps: { log: (_level, line) => log.push(line) } });
      assertLandedOnce(result);
      assert.ok(
        log.some((line) => /Could not reach the image service/.test(line)),
        `the resets were seen: ${log.join('\n')}`,
      );
    });

    it('an error inside an HTTP 200 answer to a query is retried, not fatal', async () => {
      sim.fault({
        route: mode === 'queue' ? 'status' : 'query',
        fault: { kind: 'bodyError', code: mode === 'envelope' ? '500' : 'InternalError', message: 'upstream busy' },
        times: 2,
      });
      const result = await collect(record('body error on query'));
      assertLandedOnce(result);
    });

    it('malformed optional fields (FinishTime "N/A", ExpireTime "0000-00-00") still land image and sidecar', async () => {
      sim.configure({ malformedFields: true });
      const result = await collect(record('bad timestamps'));
      const sidecar = assertLandedOnce(result);
      const timings = sidecar.timings as Record<string, unknown>;
      assert.equal(timings.finishedAt, undefined, 'an unknown finish time is left out, not invented');
      assert.ok(typeof timings.savedAt === 'string');
    });

    it('a FINISH with an error other than the content policy is refused with its code; nothing lands', async () => {
      sim.fault({
        route: 'create',
        fault: { kind: 'taskFailure', errCode: 70000, errCodeExt: 'InternalError', message: 'the model crashed' },
      });
      const result = await collect(record('model crash'));
      assert.equal(result.record.phase, 'refused');
      assert.equal(result.record.outcome?.code, 'InternalError');
      assert.deepEqual(filesIn(outputDir()), []);
    });

    it(
      'a FINISH with an error code and an empty ErrCodeExt is refused with that code; nothing lands',
      { timeout: 30_000 },
      async (t) => {
        sim.fault({
          route: 'create',
          fault: { kind: 'taskFailure', errCode: 70000, errCodeExt: '', message: 'the model crashed' },
        });
        const result = await collect(record('error code only'), { during: stopAtFirstProblem(t.signal) });
        assert.equal(
          result.record.phase,
          'refused',
          `the task is ${result.record.phase}: ${JSON.stringify(result.record.problem)}`,
        );
        assert.equal(result.record.outcome?.code, '70000');
        assert.deepEqual(result.record.outcome?.args, ['the model crashed', '70000']);
        assert.deepEqual(filesIn(outputDir()), []);
      },
    );

    it('an error inside an HTTP 200 answer to the create is refused before anything is billed', async () => {
      sim.fault({
        route: 'create',
        fault: { kind: 'bodyError', code: mode === 'envelope' ? '4001' : 'InvalidParameter', message: 'bad model' },
      });
      const result = await collect(record('refused create'));
      if (mode === 'queue') {
        // The queue shape has no error in a 200: the simulator answers HTTP 500, which may have created the task.
        assert.equal(result.record.phase, 'uncertain');
      } else {
        assert.equal(result.record.phase, 'refused');
        assert.match(JSON.stringify(result.record.outcome), /bad model/);
      }
    });

    it('progress that is no clock (none, stuck at 99, jumps) does not stop the task landing', async () => {
      for (const progress of ['none', 'stuck99', 'jumps'] as const) {
        sim.configure({ progress, taskDurationMs: 900 });
        assertLandedOnce(await collect(record(`progress ${progress}`)));
        rmSync(outputDir(), { recursive: true, force: true });
      }
    });
  });
}

describe('landing', () => {
  it('images served as application/octet-stream are saved by their bytes', async () => {
    sim.configure({ imageContentType: 'application/octet-stream', imageFormat: 'webp' });
    const result = await collect(record('octet stream'));
    assertLandedOnce(result);
    assert.ok(result.files[0]!.endsWith('.webp'));
  });

  it('an expired URL is fetched again after asking the gateway for a fresh one', async () => {
    sim.fault({ route: 'cdn', fault: { kind: 'expiredUrl' }, times: 1 });
    const result = await collect(record('expired'));
    assertLandedOnce(result);
    const looks = sim.requests.filter((r) => r.server === 'api' && r.method === 'GET').length;
    assert.ok(looks >= 2, 'the task was queried again for a fresh URL');
  });

  it('something that is not an image once: a fresh URL lands it; twice: refused, nothing saved', async () => {
    sim.fault({ route: 'cdn', fault: { kind: 'notImage' }, times: 1 });
    assertLandedOnce(await collect(record('not an image once')));
    rmSync(outputDir(), { recursive: true, force: true });
    sim.fault({ route: 'cdn', fault: { kind: 'notImage' }, times: Infinity });
    const refused = await collect(record('never an image'));
    assert.equal(refused.record.phase, 'refused');
    assert.deepEqual(filesIn(outputDir()), [], 'no file, no temporary file');
  });

  it('a folder outside the workspace blocks the task until another folder is chosen, where it lands', async () => {
    const start = record('where to?', {
      target: { workspaceRoot: workspace, outputFolder: '../elsewhere', writeSidecar: true },
    });
    const blocked = await collect(start);
    assert.equal(blocked.record.phase, 'blocked');
    assert.ok(!existsSync(path.join(root, 'elsewhere')), 'nothing written outside the workspace');
    const chosen = path.join(workspace, 'chosen');
    const resumed = advance(await journalled(start.id), { type: 'folderChosen', targetDir: chosen }, Date.now());
    const result = await collect(resumed, { lookNow: true });
    assertLandedOnce(result);
    assert.equal(path.dirname(result.files[0]!), chosen);
  });

  it('a file-system error while saving is retried, never fatal', async () => {
    // A file where the dated folder should be: mkdir fails until it is removed.
    mkdirSync(path.join(workspace, 'generated-images'), { recursive: true });
    writeFileSync(outputDir(), 'in the way');
    const start = record('disk trouble');
    let problems = 0;
    const result = await collect(start, {
      during: (c) => {
        const timer = setInterval(() => {
          if (c.record.problem?.kind === 'fileSystem') {
            problems++;
            rmSync(outputDir(), { force: true });
            clearInterval(timer);
          }
        }, 20);
      },
    });
    assert.ok(problems > 0, 'the problem was reported');
    assertLandedOnce(result);
  });

  it('resumes after the host died between placing the image and writing its sidecar: no second copy', async () => {
    const first = await collect(record('crash after link'));
    const [image] = assertLandedOnce(first).images as { file: string }[];
    const imagePath = path.join(outputDir(), image!.file);
    // Rewind: the record as it was journalled right before the sidecar was written.
    rmSync(`${imagePath}.json`);
    const stored = await journalled(first.record.id);
    const landedFile = stored.images![0]!.landed!;
    const rewound: TaskRecord = {
      ...stored,
      phase: 'landing',
      images: [{ ...stored.images![0]!, landed: undefined, placing: { ...landedFile, sidecar: undefined } }],
    };
    delete rewound.endedAt;
    const again = await collect(rewound);
    assertLandedOnce(again);
    assert.equal(again.files[0], imagePath, 'the same file, not a -2 copy');
    assert.equal(cdnGets().length, 1, 'the image was not fetched again');
  });

  it('resumes after the host died mid-download: the partial file is replaced, none is left', async () => {
    const start = record('crash mid download');
    const stage1 = await collect(start);
    assertLandedOnce(stage1);
    rmSync(outputDir(), { recursive: true, force: true });
    const stored = await journalled(start.id);
    const rewound: TaskRecord = {
      ...stored,
      phase: 'landing',
      images: stored.images!.map(({ landed: _l, ...rest }) => rest),
    };
    delete rewound.endedAt;
    mkdirSync(outputDir(), { recursive: true });
    writeFileSync(tempPathFor(outputDir(), start.id, 0), Buffer.from([0x89, 0x50, 0x4e]));
    const again = await collect(rewound);
    assertLandedOnce(again);
  });

  it('a collector that lost its lease to another window stops before it puts a file in place', async () => {
    const start = record('lost lease', {});
    const lease = await journal.tryAcquire(start.id);
    assert.ok(lease);
    const landing: TaskRecord = {
      ...advance(start, { type: 'submitted', ref: { taskId: 'T' } }, Date.now()),
      phase: 'landing',
      images: [{ url: `${sim.cdnOrigin}/files/T.png` }],
    };
    await journal.write(landing);
    // Another window takes the lease over (this one looked dead to it).
    const other = new TaskJournal(journal.dir, { id: 'other', pid: process.pid, host: 'test-host' }, { staleMs: 0 });
    assert.ok(await other.tryAcquire(start.id));
    const collector = new TaskCollector(
      landing,
      { journal, client: client(), extensionVersion: 'test', bodyFor: async (r) => r.body },
      { lease, backgroundAfter: Date.now() + 60_000, heartbeatMs: 200 },
    );
    const final = await collector.run();
    assert.notEqual(final.phase, 'landed');
    assert.deepEqual(
      filesIn(outputDir()).filter((n) => !n.startsWith('.')),
      [],
      'no image was put in place',
    );
  });
});

describe('the limits of one task, against a hostile gateway or CDN', () => {
  /** Resolves once `done` holds for the collector's record; when the test times out, says what the record held instead. */
  function until(
    collector: () => TaskCollector | undefined,
    done: (r: TaskRecord) => boolean,
    signal: AbortSignal,
  ): Promise<TaskRecord> {
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const c = collector();
        if (c && done(c.record)) {
          clearInterval(timer);
          resolve(c.record);
        }
      }, 10);
      signal.addEventListener('abort', () => {
        clearInterval(timer);
        collector()?.stop();
        reject(
          new Error(
            `never reached; the task is ${collector()?.record.phase} with ${JSON.stringify(collector()?.record.problem)}`,
          ),
        );
      });
    });
  }

  for (const mode of MODES) {
    it(`${mode}: a finished task listing fifty images saves the first four and says how many were left out`, async () => {
      sim.configure({ mode, imagesPerTask: 50 });
      const log: string[] = [];
      const result = await collect(record('fifty images'), { deps: { log: (_level, line) => log.push(line) } });
      assert.equal(result.record.phase, 'landed');
      assert.equal(result.files.length, 4);
      assert.equal(cdnGets().length, 4, 'the others are never fetched');
      assert.equal(filesIn(outputDir()).length, 8, 'four images, four sidecars');
      assert.deepEqual(result.record.outcome?.args, [4, 50, 46]);
      assert.ok(
        log.some((line) => /gave 50 images; the first 4 are saved, 46 left out/.test(line)),
        log.join('\n'),
      );
    });
  }

  it('images past the task’s byte limit are left out, never fetched whole, and the task still lands', async () => {
    sim.configure({ imagesPerTask: 4, imageBytes: 100_000 });
    const log: string[] = [];
    const result = await collect(record('heavy images'), {
      deps: { maxTaskBytes: 250_000, log: (_level, line) => log.push(line) },
    });
    assert.equal(result.record.phase, 'landed', JSON.stringify(result.record.problem));
    assert.equal(result.files.length, 2);
    assert.deepEqual(
      result.record.images?.map((i) => !!i.leftOut),
      [false, false, true, true],
    );
    assert.deepEqual(result.record.outcome?.args, [2, 4, 2]);
    const onDisk = filesIn(outputDir())
      .filter((n) => n.endsWith('.png'))
      .map((n) => readFileSync(path.join(outputDir(), n)).length);
    assert.ok(onDisk.reduce((a, b) => a + b, 0) <= 250_000, `${onDisk.join(' + ')} bytes on disk`);
    assert.ok(
      log.some((line) => /image\(s\) 3, 4 left out/.test(line)),
      log.join('\n'),
    );
  });

  it('what the journal writes per image stays the same whether a task has 10 images or 100', async () => {
    // More than a task may bring (the lifecycle keeps four): the journal must not depend on that limit.
    const perImage = new Map<number, number>();
    for (const count of [1, 10, 100]) {
      const submitted = advance(
        record(`${count} images`),
        { type: 'submitted', ref: { taskId: `T${count}` } },
        Date.now(),
      );
      const images = Array.from({ length: count }, (_, i) => ({
        url: `${sim.cdnOrigin}/files/many-${count}-${i}.png`,
      }));
      const before = journal.bytesWritten;
      const result = await collect({ ...submitted, phase: 'landing', images });
      assert.equal(result.record.phase, 'landed');
      assert.equal(result.files.length, count);
      perImage.set(count, (journal.bytesWritten - before) / count);
    }
    const figures = [...perImage].map(([count, bytes]) => `${count}: ${Math.round(bytes)} B`).join(', ');
    console.log(`# journal bytes written per image (images in the task: bytes): ${figures}`);
    assert.ok(perImage.get(100)! <= 2 * perImage.get(10)!, figures);
  });

  it('a CDN that trickles is given up and tried again on the usual cadence: the task lands', async () => {
    sim.fault({ route: 'cdn', fault: { kind: 'trickle', bytes: 8, everyMs: 30 }, times: 1 });
    const problems: string[] = [];
    const result = await collect(record('trickle'), {
      deps: { pace: { windowMs: 200, bytes: 4096 } },
      during: (c) => {
        const timer = setInterval(() => {
          if (c.record.problem) problems.push(JSON.stringify(c.record.problem.args));
          if (c.stopped || c.record.phase === 'landed') clearInterval(timer);
        }, 10);
      },
    });
    assertLandedOnce(result);
    assert.equal(cdnGets().length, 2, 'the trickle was dropped, the next attempt served the image');
    assert.ok(
      problems.some((t) => /too slowly/.test(t)),
      problems.join('\n'),
    );
  });

  for (const mode of MODES) {
    it(
      `${mode}: an unusable image address is asked for twice more, then waits for Collect Now with the address named; Collect Now lands it once fixed`,
      { timeout: 20_000 },
      async (t) => {
        sim.configure({ mode, fileUrl: 'https://xn--/x.png' });
        let collector: TaskCollector | undefined;
        const running = collect(record('broken link'), { during: (c) => (collector = c) });
        // Three unusable addresses in a row (UNUSABLE_URL_TRIES): from then on it waits for the user.
        const waiting = await until(
          () => collector,
          (r) => (r.images?.[0]?.unusable ?? 0) >= 3,
          t.signal,
        );
        assert.equal(UNUSABLE_URL_TRIES, 3);
        assert.ok(waitsForCollectNow(waiting));
        assert.equal(waiting.problem?.template, 'The image service gave an image address that cannot be used: {0}');
        assert.deepEqual(waiting.problem?.args, ['https://xn--/x.png']);
        assert.equal(collector!.lastError?.kind, 'download', 'never "unexpected"');
        const task = [...sim.tasks.values()][0]!;
        // The finished task's detail: the query, or in the queue shape its response_url (after a status look).
        const finishedAnswers = () =>
          sim.requests.filter(
            (r) => r.server === 'api' && r.method === 'GET' && r.at >= task.doneAt && !r.path.endsWith('/status'),
          ).length;
        assert.equal(
          finishedAnswers(),
          UNUSABLE_URL_TRIES,
          'the finished task was asked for exactly as often as allowed',
        );
        assert.equal(cdnGets().length, 0);
        sim.configure({ fileUrl: '' });
        // Collect Now from another window, as the Studio there would leave it.
        await new TaskJournal(journal.dir, { id: 'w2', pid: process.pid, host: 'test-host' }).request(
          waiting.id,
          'collectNow',
        );
        const result = await running;
        assertLandedOnce(result);
        assert.equal(
          finishedAnswers(),
          UNUSABLE_URL_TRIES + 1,
          'one fresh query after Collect Now, nothing while it waited',
        );
      },
    );
  }
});

describe('submitting', () => {
  it('a 503 answer to the create may have created the task: uncertain, never sent again by itself', async () => {
    sim.fault({ route: 'create', fault: { kind: 'http', status: 503 } });
    const result = await collect(record('maybe submitted'));
    assert.equal(result.record.phase, 'uncertain');
    assert.equal(posts().length, 1);
    // A new host picks it up: still uncertain, still one create.
    const restarted = advance(await journalled(result.record.id), { type: 'restarted' }, Date.now());
    assert.equal(restarted.phase, 'uncertain');
    assert.equal((await collect(restarted)).record.phase, 'uncertain');
    assert.equal(posts().length, 1);
  });

  it('a gateway that cannot be reached is refused: nothing was sent, so nothing is billed', async () => {
    const closed = await startSimulator({ quiet: true });
    const origin = closed.apiOrigin;
    await closed.close();
    const result = await collect(record('nobody home', { apiOrigin: origin }), {
      client: new GatewayClient({ baseUrl: origin, apiKey: 'k' }),
    });
    assert.equal(result.record.phase, 'refused');
    assert.match(JSON.stringify(result.record.outcome), /ECONNREFUSED/);
  });

  it('submitting again after an uncertain submit sends the same request (same session id)', async () => {
    sim.fault({ route: 'create', fault: { kind: 'reset' } });
    const first = await collect(record('resend me'));
    assert.equal(first.record.phase, 'uncertain');
    const resent = advance(await journalled(first.record.id), { type: 'resubmit' }, Date.now());
    const second = await collect(resent);
    // The reset came before the simulator created anything, so the resend is accepted.
    assertLandedOnce(second);
    const bodies = posts().map((r) => (JSON.parse(r.body) as { session_id: string }).session_id);
    assert.equal(bodies.length, 2);
    assert.equal(bodies[0], bodies[1]);
  });

  it('a cancel while the create is in flight waits for its answer, then cancels the task it names', async () => {
    sim.configure({ mode: 'queue', taskDurationMs: 20_000 });
    sim.fault({ route: 'create', fault: { kind: 'slow', delayMs: 400 } });
    const result = await collect(record('cancel early'), {
      during: (c) => setTimeout(() => c.cancel(), 100),
    });
    assert.equal(result.record.phase, 'discarded', JSON.stringify(result.record));
    assert.equal(posts().length, 1, 'never submitted twice');
    assert.ok(sim.requests.some((r) => r.method === 'PUT' && r.path.endsWith('/cancel')));
    assert.equal([...sim.tasks.values()][0]!.cancelled, true);
  });

  it('the window closing during the create leaves the task "submitting", which the next host treats as uncertain', async () => {
    sim.fault({ route: 'create', fault: { kind: 'slow', delayMs: 1500 } });
    const start = record('closing window');
    const lease = await journal.tryAcquire(start.id);
    assert.ok(lease);
    await journal.write(start);
    const collector = new TaskCollector(
      start,
      { journal, client: client(), extensionVersion: 'test', bodyFor: async (r) => r.body },
      { lease, backgroundAfter: Date.now() + 60_000 },
    );
    const running = collector.run();
    setTimeout(() => collector.stop(), 200);
    assert.equal((await running).phase, 'submitting');
    assert.equal((await journalled(start.id)).phase, 'submitting');
    assert.equal(advance(await journalled(start.id), { type: 'restarted' }, Date.now()).phase, 'uncertain');
  });
});

describe('waiting', () => {
  it('past the foreground deadline the task goes on in the background and lands', async () => {
    sim.configure({ taskDurationMs: 1500 });
    let sawBackground = false;
    const result = await collect(record('long task'), {
      backgroundAfter: Date.now() + 300,
      during: (c) => {
        const timer = setInterval(() => {
          if (!c.foreground && c.record.phase === 'waiting') {
            sawBackground = true;
            clearInterval(timer);
          }
        }, 20);
      },
    });
    assert.ok(sawBackground, 'the wait went to the background');
    assertLandedOnce(result);
  });

  it('stop waiting (a gateway without cancel) keeps the task, which still lands', async () => {
    sim.configure({ taskDurationMs: 1200 });
    const result = await collect(record('keep it'), { during: (c) => setTimeout(() => c.cancel(), 300) });
    assertLandedOnce(result);
    assert.ok(!sim.requests.some((r) => r.method === 'PUT'), 'nothing to cancel on a native gateway');
  });

  it('discard while waiting ends the task and stops looking', async () => {
    sim.configure({ taskDurationMs: 10_000 });
    const result = await collect(record('never mind'), { during: (c) => setTimeout(() => c.discard(), 300) });
    assert.equal(result.record.phase, 'discarded');
    const looks = sim.requests.length;
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(sim.requests.length, looks, 'no request after the discard');
  });

  it('a request left by another window (discard) is carried out by the window that holds the task', async () => {
    sim.configure({ taskDurationMs: 10_000 });
    const start = record('discard from elsewhere');
    const result = await collect(start, {
      during: () =>
        setTimeout(
          () =>
            void new TaskJournal(journal.dir, { id: 'w2', pid: process.pid, host: 'test-host' }).request(
              start.id,
              'discard',
            ),
          300,
        ),
    });
    assert.equal(result.record.phase, 'discarded');
  });

  it('a task older than the retention period is discarded without a look', async () => {
    const old = advance(
      record('ancient'),
      { type: 'submitted', ref: { taskId: 'gone' } },
      Date.now() - 4 * 24 * 3600_000,
    );
    const result = await collect(old);
    assert.equal(result.record.phase, 'discarded');
    assert.equal(result.record.outcome?.kind, 'expired');
    assert.equal(sim.requests.length, 0);
  });
});

describe('learning how long tasks take', () => {
  it('records the duration of each task it watched from its submission, per gateway and model', async () => {
    const book = new DurationBook(path.join(root, 'durations.json'));
    sim.configure({ taskDurationMs: 700 });
    for (let i = 0; i < 3; i++) {
      const start = record(`learn ${i}`);
      const lease = await journal.tryAcquire(start.id);
      await journal.write(start);
      await new TaskCollector(
        start,
        { journal, client: client(), extensionVersion: 't', bodyFor: async (r) => r.body, durations: book },
        { lease: lease!, backgroundAfter: Date.now() + 60_000 },
      ).run();
    }
    const learned = await book.durations(durationKey(sim.apiOrigin, 'GEM', '2.5'));
    assert.equal(learned.length, 3);
    assert.ok(
      learned.every((ms) => ms > 300 && ms < 3000),
      learned.join(', '),
    );
  });
});

describe('what a failed create means for the bill', () => {
  const error = (init: Partial<ConstructorParameters<typeof GenerationError>[0]>) =>
    new GenerationError({ kind: 'server', template: 'x', ...init });
  it('refused: a definitive answer, or never connected; unknown: anything that may have reached the gateway', () => {
    assert.equal(submitFailure(error({ kind: 'badRequest', httpStatus: 400 })), 'refused');
    assert.equal(submitFailure(error({ kind: 'auth', httpStatus: 401 })), 'refused');
    assert.equal(submitFailure(error({ kind: 'rateLimited', httpStatus: 429 })), 'refused');
    assert.equal(submitFailure(error({ kind: 'server', httpStatus: 502 })), 'unknown');
    assert.equal(submitFailure(error({ kind: 'network' })), 'unknown');
    assert.equal(submitFailure(error({ kind: 'invalidResponse', httpStatus: 200 })), 'unknown');
    const refusedConnection = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    assert.equal(submitFailure(error({ kind: 'network', cause: refusedConnection })), 'refused');
  });

  it('events never skip the journal: each applied event is on disk before the next', async () => {
    const seen: LifecycleEvent['type'][] = [];
    const start = record('journal order');
    const lease = await journal.tryAcquire(start.id);
    assert.ok(lease);
    await journal.write(start);
    const phases: string[] = [];
    const collector = new TaskCollector(
      start,
      { journal, client: client(), extensionVersion: 'test', bodyFor: async (r) => r.body },
      {
        lease,
        backgroundAfter: Date.now() + 60_000,
        onChange: (c) => {
          phases.push(c.record.phase);
          void journal.read(start.id).then((stored) => stored && seen.push(stored.phase as never));
        },
      },
    );
    await collector.run();
    assert.deepEqual([...new Set(phases)], ['waiting', 'landing', 'landed']);
    assert.equal((await journalled(start.id)).phase, 'landed');
  });
});
