/**
 * The task journal on a real file system, shared by several processes as several windows share
 * it: records are never lost or half-written, and of any number of hosts that want a task at
 * the same moment exactly one gets its lease — also when they race to take over a dead one's.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { TaskJournal, importLegacyStore, transact } from '../../src/core/journal';
import { type TaskRecord, advance, newRecord } from '../../src/core/lifecycle';

let dir: string;
const owner = (id: string, pid = process.pid) => ({ id, pid, host: 'test-host' });

function record(id: string, prompt = 'a fox'): TaskRecord {
  return newRecord({
    id,
    kind: 'generate',
    body: { model_name: 'GEM', model_version: '2.5', prompt },
    references: [],
    apiOrigin: 'https://gw.example',
    target: { workspaceRoot: '/w', outputFolder: 'generated-images', writeSidecar: true },
    createdAt: Date.now(),
  });
}

/** A task finished upstream with `count` images, none saved yet. */
function landingRecord(id: string, count: number): TaskRecord {
  const submitted = advance(record(id), { type: 'submitted', ref: { taskId: `T-${id}` } }, Date.now());
  return {
    ...submitted,
    phase: 'landing',
    images: Array.from({ length: count }, (_, i) => ({ url: `https://cdn.example/${id}-${i}.png` })),
  };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aigc-journal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('records', () => {
  it('one file per task, written whole; a damaged file is reported and skipped', async () => {
    const journal = new TaskJournal(dir, owner('a'));
    await journal.write(record('t1'));
    await journal.write(record('t2', 'a cat'));
    writeFileSync(path.join(dir, 'broken.json'), '{"version": 2, "id": "brok');
    writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ ...record('t3'), id: 'not-its-name' }));
    const invalid: string[] = [];
    const records = await journal.list((file, reason) => invalid.push(`${file}: ${reason}`));
    assert.deepEqual(records.map((r) => r.id).sort(), ['t1', 't2']);
    assert.equal(invalid.length, 2, invalid.join('\n'));
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );
  });

  it('a record edited by hand is set aside as .invalid, never acted on, and the rest of the journal still loads', async () => {
    const journal = new TaskJournal(dir, owner('a'));
    await journal.write(record('good'));
    const landing = { ...record('x'), phase: 'landing', images: [{ url: 'https://cdn.example/a.png' }] };
    const edits: Record<string, unknown> = {
      phase: { ...record('phase'), phase: 'exploded' },
      placed: {
        ...landing,
        id: 'placed',
        images: [
          {
            url: 'https://cdn.example/a.png',
            placing: { path: '../../etc/x.png', bytes: 1, format: 'png', sha256: 'a'.repeat(64) },
          },
        ],
      },
      folder: {
        ...record('folder'),
        target: { workspaceRoot: '/w', outputFolder: 'g', targetDir: 'relative/dir', chosen: true, writeSidecar: true },
      },
      model: { ...record('model'), body: { model_name: 'Evil', model_version: '1', prompt: 'x' } },
      clock: { ...record('clock'), updatedAt: 'yesterday' },
    };
    for (const [id, value] of Object.entries(edits)) writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(value));
    const reasons: string[] = [];
    const records = await journal.list((file, reason) => reasons.push(`${file}: ${reason}`));
    assert.deepEqual(
      records.map((r) => r.id),
      ['good'],
    );
    assert.equal(reasons.length, 5, reasons.join('\n'));
    for (const id of Object.keys(edits)) {
      assert.deepEqual(
        JSON.parse(readFileSync(path.join(dir, `${id}.json.invalid`), 'utf8')),
        edits[id],
        `${id} is kept as it was`,
      );
      assert.ok(
        reasons.some((r) => r.startsWith(`${id}.json: `) && r.endsWith(`set aside as ${id}.json.invalid`)),
        `${id} is reported`,
      );
    }
    assert.equal(
      await transact(journal, 'folder', { type: 'discard', reason: 'user' }, Date.now()),
      undefined,
      'nothing to act on',
    );
    const again: string[] = [];
    assert.deepEqual(
      (await journal.list((file) => again.push(file))).map((r) => r.id),
      ['good'],
    );
    assert.deepEqual(again, [], 'set aside once, not reported on every scan');
  });

  it('a second bad record under the same name is set aside beside the first, which is kept', async () => {
    const journal = new TaskJournal(dir, owner('a'));
    writeFileSync(path.join(dir, 't1.json'), 'first');
    await journal.list();
    writeFileSync(path.join(dir, 't1.json'), 'second');
    await journal.list();
    assert.equal(readFileSync(path.join(dir, 't1.json.invalid'), 'utf8'), 'first');
    assert.equal(readFileSync(path.join(dir, 't1.json.2.invalid'), 'utf8'), 'second');
  });

  it('a record of a newer version is left where it is for the window that wrote it', async () => {
    const journal = new TaskJournal(dir, owner('a'));
    writeFileSync(
      path.join(dir, 'future.json'),
      JSON.stringify({ ...record('future'), version: 99, phase: 'teleporting' }),
    );
    const reasons: string[] = [];
    assert.deepEqual(await journal.list((_file, reason) => reasons.push(reason)), []);
    assert.match(reasons.join(), /newer version/);
    assert.ok(existsSync(path.join(dir, 'future.json')));
  });

  it('the image steps of a landing task are appended beside the record and read back; a line a crash cut short is ignored', async () => {
    const journal = new TaskJournal(dir, owner('a'));
    let current = landingRecord('t1', 2);
    await journal.write(current);
    const recordText = readFileSync(journal.recordPath('t1'), 'utf8');
    const file = { path: '/w/a-1.png', bytes: 10, format: 'png', sha256: 'b'.repeat(64) };
    for (const event of [
      { type: 'placing', index: 0, file },
      { type: 'imageLanded', index: 0, file },
    ] as const) {
      current = advance(current, event, Date.now());
      await journal.commit(current, event);
    }
    assert.equal(
      readFileSync(journal.recordPath('t1'), 'utf8'),
      recordText,
      'the record itself is not rewritten for a step',
    );
    writeFileSync(journal.stepsPath('t1'), `${readFileSync(journal.stepsPath('t1'), 'utf8')}{"type":"imageLan`);
    const read = await journal.read('t1');
    assert.deepEqual(read?.images?.[0]?.landed, file);
    assert.equal(read?.phase, 'landing');
    const last = advance(current, { type: 'imageLanded', index: 1, file: { ...file, path: '/w/a-2.png' } }, Date.now());
    await journal.commit(last, { type: 'imageLanded', index: 1, file: { ...file, path: '/w/a-2.png' } });
    assert.equal((await journal.read('t1'))?.phase, 'landed', 'the step that ends the task rewrites the record');
    assert.ok(!existsSync(journal.stepsPath('t1')), 'and folds the steps into it');
  });

  it('a step line edited by hand sets the record aside with its steps', async () => {
    const journal = new TaskJournal(dir, owner('a'));
    await journal.write(landingRecord('t1', 1));
    writeFileSync(
      journal.stepsPath('t1'),
      `${JSON.stringify({ type: 'placing', index: 0, file: { path: '../x.png', bytes: 1, format: 'png', sha256: 'c'.repeat(64) }, at: 1 })}\n`,
    );
    const reasons: string[] = [];
    assert.equal(await journal.read('t1', (reason) => reasons.push(reason)), undefined);
    assert.match(reasons.join(), /step 1: file\.path: must be an absolute path; set aside as t1\.json\.invalid/);
    assert.ok(existsSync(path.join(dir, 't1.json.invalid')) && existsSync(path.join(dir, 't1.steps.invalid')));
  });

  it('two windows writing their own tasks at the same time lose nothing (one file each, not one shared list)', async () => {
    const a = new TaskJournal(dir, owner('a'));
    const b = new TaskJournal(dir, owner('b'));
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).write(record(`t${i}`))));
    assert.equal((await a.list()).length, 40);
  });

  it('a request left by another window is read once', async () => {
    const journal = new TaskJournal(dir, owner('a'));
    await journal.write(record('t1'));
    await new TaskJournal(dir, owner('b')).request('t1', 'discard');
    assert.equal(await journal.takeRequest('t1'), 'discard');
    assert.equal(await journal.takeRequest('t1'), undefined);
  });
});

describe('leases in one process', () => {
  it('one holder at a time; released, it can be taken', async () => {
    const a = new TaskJournal(dir, owner('a'));
    const b = new TaskJournal(dir, owner('b'));
    const lease = await a.tryAcquire('t1');
    assert.ok(lease);
    assert.equal(await b.tryAcquire('t1'), undefined);
    assert.ok(await lease.beat(), 'the holder keeps it');
    await lease.release();
    assert.ok(await b.tryAcquire('t1'));
  });

  it('a lease nobody touches goes stale and is taken over; the old holder learns it lost it', async () => {
    const a = new TaskJournal(dir, owner('a'), { staleMs: 1000 });
    const b = new TaskJournal(dir, owner('b'), { staleMs: 1000 });
    const old = await a.tryAcquire('t1');
    assert.ok(old);
    assert.equal(await b.tryAcquire('t1'), undefined, 'fresh: not taken');
    const past = new Date(Date.now() - 5000);
    utimesSync(path.join(dir, 't1.lease.1'), past, past);
    const taken = await b.tryAcquire('t1');
    assert.ok(taken, 'stale: taken over');
    assert.equal(taken.generation, 2);
    assert.equal(await old.beat(), false, 'the old holder stops');
    assert.equal(await old.valid(), false);
    assert.deepEqual((await b.holder('t1'))?.owner, 'b');
  });

  it('a lease whose process is gone (same machine) is taken over at once', async () => {
    const dead = 999_999;
    const a = new TaskJournal(dir, owner('a', dead), { isAlive: (pid) => pid !== dead });
    const b = new TaskJournal(dir, owner('b'), { isAlive: (pid) => pid !== dead });
    assert.ok(await a.tryAcquire('t1'));
    assert.ok(await b.tryAcquire('t1'));
  });

  it('transact: a user decision on a task nobody holds; "held" when a live host holds it', async () => {
    const a = new TaskJournal(dir, owner('a'));
    const b = new TaskJournal(dir, owner('b'));
    await a.write(record('t1'));
    const discarded = await transact(b, 't1', { type: 'discard', reason: 'user' }, Date.now());
    assert.equal(discarded !== 'held' && discarded?.phase, 'discarded');
    assert.equal((await a.read('t1'))?.phase, 'discarded');
    await a.write(record('t2'));
    assert.ok(await a.tryAcquire('t2'));
    assert.equal(await transact(b, 't2', { type: 'discard', reason: 'user' }, Date.now()), 'held');
    assert.equal((await a.read('t2'))?.phase, 'submitting');
  });
});

describe('leases across processes (forced races)', () => {
  const contenders: ChildProcess[] = [];
  const helper = path.join(__dirname, 'helpers', 'leaseContender.js');

  before(async () => {
    for (let i = 0; i < 4; i++) {
      const child = fork(helper, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
      contenders.push(child);
    }
  });
  after(() => {
    for (const child of contenders) if (child.connected) child.send('exit');
  });

  /**
   * Sends the same order to every contender; once all of them have looked at the lease and
   * decided to claim it, lets them all claim at once. Collects their answers. A contender that
   * answers without claiming (broken lease logic can decide early) has nothing left to wait
   * for, and one that dies fails the round: either way the race ends, wrong, instead of waiting
   * forever for a check that never comes.
   */
  async function race(order: object): Promise<{ won: boolean; generation: number }[]> {
    const checked: Promise<void>[] = [];
    const answers = contenders.map(
      (child, i) =>
        new Promise<{ won: boolean; generation: number }>((resolve, reject) => {
          let sawChecked: () => void = () => undefined;
          checked.push(new Promise<void>((r) => (sawChecked = r)));
          const settle = () => {
            child.off('message', listen);
            child.off('exit', died);
            sawChecked();
          };
          const listen = (message: unknown) => {
            if (message === 'checked') return sawChecked();
            settle();
            resolve(message as { won: boolean; generation: number });
          };
          const died = (code: number | null, signal: string | null) => {
            settle();
            reject(new Error(`contender ${i} died (${signal ?? `exit code ${code}`}) before it answered`));
          };
          if (!child.connected) return died(child.exitCode, child.signalCode);
          child.on('message', listen);
          child.once('exit', died);
          child.send({ ...order, owner: `host-${i}` });
        }),
    );
    await Promise.all(checked);
    for (const child of contenders) if (child.connected) child.send('claim');
    // Every contender is heard out before a death fails the round, so none is left answering into the next test.
    const settled = await Promise.allSettled(answers);
    const death = settled.find((s) => s.status === 'rejected');
    if (death) throw death.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<{ won: boolean; generation: number }>).value);
  }

  it(
    'of four hosts wanting a new task at the same moment, exactly one gets it (30 rounds)',
    { timeout: 30_000 },
    async () => {
      for (let round = 0; round < 30; round++) {
        const answers = await race({ dir, id: `new-${round}` });
        assert.equal(answers.filter((a) => a.won).length, 1, `round ${round}: ${JSON.stringify(answers)}`);
      }
    },
  );

  it(
    'of four hosts taking over a dead host’s task at the same moment, exactly one gets it (30 rounds)',
    { timeout: 30_000 },
    async () => {
      for (let round = 0; round < 30; round++) {
        const id = `stale-${round}`;
        // A lease left by a host on another machine that stopped beating long ago.
        writeFileSync(path.join(dir, `${id}.lease.1`), JSON.stringify({ owner: 'gone', pid: 1, host: 'elsewhere' }));
        const past = new Date(Date.now() - 60_000);
        utimesSync(path.join(dir, `${id}.lease.1`), past, past);
        const answers = await race({ dir, id, staleMs: 20_000 });
        const winners = answers.filter((a) => a.won);
        assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(answers)}`);
        assert.equal(winners[0]!.generation, 2);
        assert.deepEqual(
          readdirSync(dir).filter((n) => n.startsWith(`${id}.lease.`)),
          [`${id}.lease.2`],
          'the stale generation is gone, one current lease remains',
        );
      }
    },
  );
});

describe('records of earlier versions', () => {
  it('moves unfinished tasks of tasks.json into the journal once; one that was being submitted becomes uncertain', async () => {
    const storage = mkdtempSync(path.join(tmpdir(), 'aigc-legacy-'));
    try {
      const common = {
        kind: 'generate',
        body: { model_name: 'GEM', model_version: '2.5', prompt: 'old' },
        references: [],
        apiOrigin: 'https://gw.example',
        submittedAt: Date.now() - 1000,
        target: { workspaceRoot: '/w', outputFolder: 'generated-images', writeSidecar: true },
      };
      writeFileSync(
        path.join(storage, 'tasks.json'),
        JSON.stringify([
          { ...common, id: 'w1', ref: { taskId: 'T-1' }, state: 'waiting' },
          { ...common, id: 's1', state: 'submitting' },
          { ...common, id: 'd1', ref: { taskId: 'T-2' }, state: 'done' },
        ]),
      );
      const journal = new TaskJournal(path.join(storage, 'tasks'), owner('a'));
      const imported = await importLegacyStore(storage, journal, Date.now());
      assert.deepEqual(imported.map((r) => `${r.id}:${r.phase}`).sort(), ['s1:uncertain', 'w1:waiting']);
      assert.equal((await journal.read('w1'))?.ref?.taskId, 'T-1');
      assert.deepEqual(await importLegacyStore(storage, journal, Date.now()), [], 'once');
      assert.ok(readdirSync(storage).includes('tasks.json.migrated'));
    } finally {
      rmSync(storage, { recursive: true, force: true });
    }
  });
});
