/**
 * The spend ledger counts what the durable records say was billed: tasks the real journal wrote
 * through the real lifecycle, and sidecars as the landing writes them, on a real file system.
 * These are the numbers a cap refuses by, so each way of miscounting is a case here.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TaskJournal } from '../../src/core/journal';
import { type LifecycleEvent, type TaskRecord, advance, newRecord } from '../../src/core/lifecycle';
import { buildLedger, localDay, localMonth, total, usageAt } from '../../src/core/ledger';
import { SidecarTasks, readJournalTasks } from '../../src/core/ledgerSources';
import { buildSidecar, sidecarText } from '../../src/core/sidecar';

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

/** A landed image's sidecar, as the landing writes it. */
function sidecarFile(name: string, taskId: string, at: number, model: [string, string] = ['GEM', '3.0']): string {
  const file = path.join(root, 'images', `${name}.png.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  const sidecar = buildSidecar({
    taskId,
    body: { model_name: model[0], model_version: model[1], prompt: 'a fox' },
    references: [],
    images: [
      { file: `${name}.png`, url: 'https://cdn.example/a.png', format: 'png', bytes: 10, sha256: 'a'.repeat(64) },
    ],
    apiOrigin: 'https://gw.example',
    submittedAt: new Date(at),
    savedAt: new Date(at + 1000),
    extensionVersion: '1.0.0',
  });
  writeFileSync(file, sidecarText(sidecar));
  return file;
}

async function ledgerOf(sidecars: string[] = [], reader = new SidecarTasks()) {
  return buildLedger([...(await readJournalTasks(path.join(root, 'tasks'))), ...(await reader.read(sidecars))]);
}

const noon = new Date(2026, 11, 4, 12, 0, 0).getTime();
const hour = 3_600_000;

describe('the spend ledger', () => {
  it('counts an image once when both its journal record and its sidecar name the task', async () => {
    await journalled('w1', 'a', noon, [submitted('T-1')]);
    const ledger = await ledgerOf([sidecarFile('a', 'T-1', noon)]);
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

  it('keeps counting images whose journal records are gone, from their sidecars', async () => {
    const ledger = await ledgerOf([sidecarFile('old', 'T-7', noon - 40 * 24 * hour), sidecarFile('new', 'T-8', noon)]);
    assert.equal(ledger.tasks, 2);
    assert.equal(total(usageAt(ledger, noon).day), 1);
    assert.equal(total(ledger.months[localMonth(noon - 40 * 24 * hour)]), 1);
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

  it('does not count a finished file made from an original, which nobody paid for', async () => {
    const original = sidecarFile('hero', 'T-12', noon);
    const derived = path.join(root, 'images', 'hero-og.jpg.json');
    const sidecar = JSON.parse(
      sidecarText(
        buildSidecar({
          taskId: 'T-12',
          body: { model_name: 'GEM', model_version: '3.0', prompt: 'a fox' },
          references: [],
          images: [],
          apiOrigin: 'https://gw.example',
          submittedAt: new Date(noon),
          savedAt: new Date(noon),
          extensionVersion: '1.0.0',
        }),
      ),
    ) as Record<string, unknown>;
    writeFileSync(
      derived,
      JSON.stringify({ ...sidecar, taskId: 'T-12-copy', derivedFrom: { file: 'hero.png', sha256: 'a'.repeat(64) } }),
    );
    assert.equal((await ledgerOf([original, derived])).tasks, 1);
  });

  it('reads only the sidecars that changed when it is built again', async () => {
    const files = Array.from({ length: 20 }, (_, i) => sidecarFile(`img${i}`, `T-s${i}`, noon));
    const reader = new SidecarTasks();
    await ledgerOf(files, reader);
    assert.equal(reader.reads, 20);
    const later = new Date(Date.now() + 5000);
    utimesSync(files[3]!, later, later);
    const again = await ledgerOf(files, reader);
    assert.equal(reader.reads, 21);
    assert.equal(again.tasks, 20);
  });
});
