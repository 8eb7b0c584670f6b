/**
 * The spend ledger counts what the durable records say was billed: tasks the real journal wrote
 * through the real lifecycle, and the ledger's own log of ended billed tasks, on a real file system.
 * These are the numbers a cap refuses by, so each way of miscounting is a case here.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TaskJournal } from '../../src/core/journal';
import { type LifecycleEvent, type TaskRecord, advance, newRecord } from '../../src/core/lifecycle';
import { buildLedger, localDay, localMonth, total, usageAt } from '../../src/core/ledger';
import { BilledLog, readJournalTasks } from '../../src/core/ledgerSources';

let root: string;
const owner = { id: 'ledger-test', pid: process.pid, host: 'test-host' };
const note = { kind: 'api', template: 'refused', at: 0 };

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'aigc-ledger-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A task written to a workspace's journal after the given lifecycle events. */
async function journalled(
  workspace: string,
  id: string,
  at: number,
  events: LifecycleEvent[],
  model: [string, string] = ['GEM', '3.0'],
): Promise<TaskRecord> {
  let record = newRecord({
    id,
    kind: 'generate',
    body: { model_name: model[0], model_version: model[1], prompt: 'a fox' },
    references: [],
    apiOrigin: 'https://gw.example',
    target: { workspaceRoot: '/w', outputFolder: 'generated-images', writeSidecar: true },
    createdAt: at,
  });
  for (const event of events) record = advance(record, event, at);
  await new TaskJournal(path.join(root, 'tasks', workspace), owner).write(record);
  return record;
}

const submitted = (taskId: string): LifecycleEvent => ({ type: 'submitted', ref: { taskId } });
const failed = (taskId: string): LifecycleEvent => ({
  type: 'upstream',
  state: { taskId, status: 'failed', code: 'InternalError', message: 'no', contentPolicy: false },
});

const discarded: LifecycleEvent = { type: 'discard', reason: 'user' };
const logFolder = () => path.join(root, 'ledger');

/** What a window's build does: read the journals and the log, write what ended since, count. */
async function ledgerOf(log = new BilledLog(logFolder())) {
  const journal = await readJournalTasks(path.join(root, 'tasks'));
  const logged = await log.read();
  await log.record(journal, logged);
  return buildLedger([...journal, ...logged]);
}

function loggedLines(): string[] {
  return readdirSync(logFolder()).flatMap((name) =>
    readFileSync(path.join(logFolder(), name), 'utf8').split('\n').filter(Boolean),
  );
}

const noon = new Date(2026, 11, 4, 12, 0, 0).getTime();
const hour = 3_600_000;

describe('the spend ledger', () => {
  it('counts a task once when both its journal record and the log name it, also when two windows log it', async () => {
    await journalled('w1', 'a', noon, [submitted('T-1'), discarded]);
    await ledgerOf();
    await ledgerOf(new BilledLog(logFolder()));
    // A second window that saw the same task end before the first one's line reached the disk.
    await new BilledLog(logFolder()).record(await readJournalTasks(path.join(root, 'tasks')), []);
    assert.equal(loggedLines().length, 2);
    const ledger = await ledgerOf();
    assert.equal(ledger.tasks, 1);
    assert.deepEqual(usageAt(ledger, noon).day, { 'GEM 3.0': 1 });
  });

  it('does not count a request the gateway refused at create, which has no task id', async () => {
    await journalled('w1', 'refused', noon, [{ type: 'submitRefused', note }]);
    await journalled('w1', 'sent', noon, [submitted('T-2')]);
    assert.equal(total(usageAt(await ledgerOf(), noon).day), 1);
  });

  it('does not count a task the gateway accepted and then reported FAILED', async () => {
    const record = await journalled('w1', 'f', noon, [submitted('T-3'), failed('T-3')]);
    assert.equal(record.phase, 'refused');
    assert.equal((await ledgerOf()).tasks, 0);
  });

  it('counts a request still being sent, or whose answer was lost, so a cap holds meanwhile', async () => {
    await journalled('w1', 'sending', noon, []);
    await journalled('w1', 'lost', noon, [{ type: 'submitUnknown', note }]);
    assert.equal(total(usageAt(await ledgerOf(), noon).day), 2);
  });

  it('counts a task the user discarded after the gateway accepted it, since it may be billed', async () => {
    await journalled('w1', 'd', noon, [submitted('T-4'), { type: 'discard', reason: 'user' }]);
    assert.equal((await ledgerOf()).tasks, 1);
  });

  it('adds up every window and workspace that shares the extension storage', async () => {
    await journalled('w1', 'a', noon, [submitted('T-5')]);
    await journalled('w2', 'b', noon, [submitted('T-6')], ['Qwen', '0925']);
    assert.deepEqual(usageAt(await ledgerOf(), noon).day, { 'GEM 3.0': 1, 'Qwen 0925': 1 });
  });

  it("keeps counting a billed task after the journal forgets it, from the ledger's log", async () => {
    const longAgo = noon - 40 * 24 * hour;
    await journalled('w1', 'old', longAgo, [submitted('T-7'), discarded]);
    await journalled('w1', 'new', noon, [submitted('T-8'), discarded]);
    await ledgerOf();
    rmSync(path.join(root, 'tasks'), { recursive: true, force: true });
    const ledger = await ledgerOf();
    assert.equal(ledger.tasks, 2);
    assert.equal(total(usageAt(ledger, noon).day), 1);
    assert.equal(total(ledger.months[localMonth(longAgo)]), 1);
  });

  it('puts images on the local day and month they were made, per model', async () => {
    const lateYesterday = new Date(2026, 11, 3, 23, 59).getTime();
    const lastMonth = new Date(2026, 10, 30, 9, 0).getTime();
    await journalled('w1', 'a', lateYesterday, [submitted('T-9')]);
    await journalled('w1', 'b', noon, [submitted('T-10')], ['Hunyuan', '3.0']);
    await journalled('w1', 'c', lastMonth, [submitted('T-11')]);
    const ledger = await ledgerOf();
    assert.deepEqual(ledger.days[localDay(lateYesterday)], { 'GEM 3.0': 1 });
    assert.deepEqual(ledger.days['2026-12-04'], { 'Hunyuan 3.0': 1 });
    assert.deepEqual(ledger.months['2026-12'], { 'GEM 3.0': 1, 'Hunyuan 3.0': 1 });
    assert.deepEqual(ledger.months['2026-11'], { 'GEM 3.0': 1 });
  });

  it('does not log a task still running or one the gateway reported FAILED, which may not be billed', async () => {
    await journalled('w1', 'running', noon, [submitted('T-12')]);
    await journalled('w1', 'failed', noon, [submitted('T-13'), failed('T-13')]);
    const ledger = await ledgerOf();
    assert.equal(ledger.tasks, 1, 'the running task counts from its journal record');
    assert.deepEqual(await new BilledLog(logFolder()).read(), []);
  });

  it('skips a line cut short by a crash and still counts the rest', async () => {
    await journalled('w1', 'a', noon, [submitted('T-14'), discarded]);
    await ledgerOf();
    const [file] = readdirSync(logFolder());
    appendFileSync(path.join(logFolder(), file!), '{"taskId":"T-15","mod');
    rmSync(path.join(root, 'tasks'), { recursive: true, force: true });
    assert.equal((await ledgerOf()).tasks, 1);
  });

  it('reads the log again only when a window wrote to it', async () => {
    await journalled('w1', 'a', noon, [submitted('T-16'), discarded]);
    const log = new BilledLog(logFolder());
    await ledgerOf(log); // writes the log
    await ledgerOf(log); // reads it
    const reads = log.reads;
    await ledgerOf(log);
    assert.equal(log.reads, reads, 'nothing changed: the file is not read again');
    await journalled('w2', 'b', noon, [submitted('T-17'), discarded]);
    const elsewhere = new BilledLog(logFolder());
    await elsewhere.record(await readJournalTasks(path.join(root, 'tasks')), await elsewhere.read());
    const again = await ledgerOf(log);
    assert.equal(log.reads, reads + 1);
    assert.equal(again.tasks, 2);
  });
});
