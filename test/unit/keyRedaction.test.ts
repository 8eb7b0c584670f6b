/**
 * A gateway may echo the key it was sent: in an error message, as an error code, in a task id,
 * an image URL or the message of a failed task (nothing in the protocol forbids it, and the
 * simulator does it on demand). The key must still reach nothing the extension keeps or shows:
 * its errors, the log, the notes a task shows (journalled, then shown in the task list and the
 * Studio). Each place that removes the key is checked here against a gateway that does echo it,
 * so a redaction taken away fails a test. Sidecars and file names: sidecar.test.ts; text shown
 * in VS Code: displayText.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TaskCollector } from '../../src/core/collector';
import { GenerationError } from '../../src/core/errors';
import { type Exchange, GatewayClient } from '../../src/core/gateway';
import { TaskJournal } from '../../src/core/journal';
import { type Note, type TaskRecord, advance, newRecord } from '../../src/core/lifecycle';
import { pollUntilDone } from '../../src/core/poll';
import type { SimMode } from '../sim/simulator';
import { useSimulator } from './helpers/simulator';

const MODES: SimMode[] = ['native', 'queue', 'envelope'];
/** Long and plain enough that any copy of it, or of its URL-encoded form, is noticed. */
const KEY = 'sk-live-echoed-0123456789abcdef';
const FORMS = [KEY, encodeURIComponent(KEY)];
const body = { model_name: 'GEM', model_version: '2.5', prompt: 'A kite over the dunes' };

const sim = useSimulator({ taskDurationMs: 50, apiKey: KEY });
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'aigc-key-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function client(onExchange?: (x: Exchange) => void): GatewayClient {
  return new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: KEY, ...(onExchange ? { onExchange } : {}) });
}

/** The first form of the key found in `value` (as JSON), or undefined. */
function keyIn(value: unknown): string | undefined {
  const text = JSON.stringify(value) ?? '';
  return FORMS.find((form) => text.includes(form));
}

/** Everything an error carries to the user and the log. */
function partsOf(error: GenerationError): object {
  return {
    message: error.message,
    args: error.args,
    code: error.code,
    details: error.details,
    requestId: error.requestId,
  };
}

async function failure(promise: Promise<unknown>): Promise<GenerationError> {
  const error = await promise.then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GenerationError, String(error));
  return error;
}

describe('a key the gateway echoes in an error', () => {
  for (const mode of MODES) {
    it(`${mode}: is in no part of the error: not its message, code, or the details kept for the log`, async () => {
      sim.configure({ mode });
      const queryRoute = mode === 'queue' ? 'status' : 'query';
      sim.fault({ route: 'create', fault: { kind: 'http', status: 400, message: `key ${KEY} is not allowed` } });
      const refused = await failure(client().submit(body));
      sim.fault({
        route: 'create',
        fault: { kind: 'bodyError', code: mode === 'native' ? KEY : '4001', message: `bad key ${KEY}` },
      });
      const inBody = await failure(client().submit(body));
      const task = await client().submit(body);
      sim.fault({ route: queryRoute, fault: { kind: 'http', status: 503, message: `upstream saw ${KEY}` } });
      const outage = await failure(client().query(task));
      for (const error of [refused, inBody, outage]) {
        const parts = JSON.stringify(partsOf(error));
        assert.equal(keyIn(parts), undefined, `${error.kind}: ${parts}`);
        assert.ok(parts.includes('***'), `the echo reached the error, redacted: ${parts}`);
      }
    });
  }
});

describe('a key the gateway echoes in its answers', () => {
  for (const mode of MODES) {
    it(`${mode}: reaches no exchange given to the log, though task ids, image URLs and an error answer hold it`, async () => {
      sim.configure({ mode, keyEcho: ['taskId', 'fileUrl'] });
      const exchanges: Exchange[] = [];
      const c = client((x) => exchanges.push(x));
      const final = await pollUntilDone(c, await c.submit(body));
      assert.ok(final.status === 'succeeded' && keyIn(final), 'the simulator echoed the key');
      sim.fault({ route: 'create', fault: { kind: 'http', status: 400, message: `key ${KEY} is not allowed` } });
      await failure(c.submit(body));
      assert.ok(exchanges.some((x) => x.method === 'GET') && exchanges.some((x) => x.status === 400));
      assert.equal(keyIn(exchanges), undefined, JSON.stringify(exchanges.filter((x) => keyIn(x))));
    });
  }
});

describe('a key the gateway echoes while a task runs', () => {
  /** Runs a task until it ends or needs the user, keeping every note it showed on the way. */
  async function collect(record: TaskRecord, journal: TaskJournal, notes: Note[]): Promise<TaskRecord> {
    const lease = await journal.tryAcquire(record.id);
    assert.ok(lease, 'the lease is free');
    await journal.write(record);
    const deps = { journal, client: client(), extensionVersion: 'test', bodyFor: async (r: TaskRecord) => r.body };
    const collector = new TaskCollector(record, deps, {
      lease,
      backgroundAfter: Date.now() + 60_000,
      onChange: (c) => notes.push(...[c.record.problem, c.record.outcome].filter((n): n is Note => !!n)),
    });
    const ended = await collector.run();
    await lease.release();
    return ended;
  }

  for (const mode of MODES) {
    it(`${mode}: is in no note of the task: a lost create answer, failing looks, a failed finish`, async () => {
      sim.configure({ mode });
      sim.fault({ route: 'create', fault: { kind: 'http', status: 503, message: `lost, key ${KEY}` } });
      sim.fault({
        route: 'create',
        fault: { kind: 'taskFailure', errCode: 70000, message: `model failed for ${KEY}` },
      });
      sim.fault({
        route: mode === 'queue' ? 'status' : 'query',
        fault: { kind: 'http', status: 503, message: `busy, key ${KEY}` },
      });
      const journal = new TaskJournal(path.join(root, 'journal'), {
        id: 'this-host',
        pid: process.pid,
        host: 'test-host',
      });
      const start = newRecord({
        id: `r-${mode}`,
        kind: 'generate',
        body: { ...body, session_id: `s-${mode}-${Date.now()}` },
        references: [],
        apiOrigin: sim.apiOrigin,
        target: { workspaceRoot: root, outputFolder: 'generated-images', writeSidecar: true },
        createdAt: Date.now(),
      });
      const notes: Note[] = [];
      const uncertain = await collect(start, journal, notes);
      assert.equal(uncertain.phase, 'uncertain');
      const ended = await collect(advance(uncertain, { type: 'resubmit' }, Date.now()), journal, notes);
      assert.equal(ended.phase, 'refused');
      assert.deepEqual(
        [...new Set(notes.map((n) => n.kind))],
        ['uncertain', 'server', 'taskFailed'],
        'each echo was shown as a note',
      );
      assert.equal(keyIn(notes), undefined, JSON.stringify(notes.filter((n) => keyIn(n))));
      for (const kind of ['uncertain', 'server', 'taskFailed']) {
        const shown = JSON.stringify(notes.filter((n) => n.kind === kind));
        assert.ok(shown.includes('***'), `the ${kind} note shows the gateway’s words, redacted: ${shown}`);
      }
      assert.equal(keyIn(await readFile(journal.recordPath(start.id), 'utf8')), undefined, 'nor in the journal');
    });
  }
});
