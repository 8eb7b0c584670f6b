/**
 * One read of the shared task journal by one window: for each record, the decision of
 * core/scanStep.ts, carried out — list it, forget it, end it, ask the user, or take its lease
 * and collect it here. The supervisor runs a scan at start-up, on a timer and when the key or
 * the gateway changes.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Lease, TaskJournal } from '../core/journal';
import { type TaskRecord, advance, isCollectable, isTerminal } from '../core/lifecycle';
import { type ScanStep, scanStep } from '../core/scanStep';
import type { Connection } from './connection';
import { loadEngine } from './loadEngine';
import type { Log } from './log';
import type { TaskBoard, TaskPlace } from './taskBoard';

export interface JournalScan<C extends { readonly record: TaskRecord }> {
  journal: TaskJournal;
  board: TaskBoard<C>;
  /** This window's lease owner id. */
  owner: string;
  startup: boolean;
  log: Log;
  /** The configured gateway, if the key and the base URL are set (looked up once, when needed). */
  connection(): Promise<Connection | undefined>;
  /** Collects a task here, holding its lease. */
  collect(record: TaskRecord, connection: Connection, lease: Lease): C;
  /** A task found waiting for the user's decision. */
  ask(record: TaskRecord): void;
}

/** Reads the journal, carries out each record's step, and lists what was found. Returns the tasks it resumed. */
export async function scanJournal<C extends { readonly record: TaskRecord }>(
  scan: JournalScan<C>,
): Promise<TaskRecord[]> {
  const { journal, board } = scan;
  const records = await journal.list((file, reason) =>
    scan.log.warn('resume', `ignored ${file} in the task journal: ${reason}`),
  );
  const now = Date.now();
  const found: TaskPlace<C>[] = [];
  const resumed: TaskRecord[] = [];
  // Looked up once per scan, and only when a task is not over.
  let connection: Connection | undefined | null = null;
  for (const record of records) {
    const open = !isTerminal(record.phase);
    const holder = open ? await journal.holder(record.id) : undefined;
    if (connection === null && open) connection = await scan.connection();
    const step = scanStep(record, {
      now,
      collectedHere: board.collector(record.id) !== undefined,
      heldElsewhere: !!holder?.fresh && holder.owner !== scan.owner,
      apiOrigin: connection?.client.apiOrigin,
    });
    const place = await takeStep(scan, step, record, now, connection ?? undefined);
    if (place) found.push(place);
    if (place?.collector) resumed.push(place.record);
  }
  board.replaceFound(found);
  return resumed;
}

/** Carries out a scan's decision for one record; what to list it as, if anything. */
async function takeStep<C extends { readonly record: TaskRecord }>(
  scan: JournalScan<C>,
  step: ScanStep,
  record: TaskRecord,
  now: number,
  connection: Connection | undefined,
): Promise<TaskPlace<C> | undefined> {
  switch (step) {
    case 'skip':
      return undefined;
    case 'forget':
      await scan.journal.remove(record.id).catch(() => undefined);
      return undefined;
    case 'listEnded':
      if (scan.startup) await removeTaskTemp(record, scan.log);
      return { record };
    case 'elsewhere':
      return { record, elsewhere: true };
    case 'expire': {
      const { transact } = await loadEngine();
      const ended = await transact(scan.journal, record.id, { type: 'discard', reason: 'retention' }, now);
      if (!ended || ended === 'held') return undefined;
      scan.log.warn(
        'resume',
        `task ${record.ref?.taskId ?? record.id} is older than 3 days and can no longer be collected`,
      );
      return { record: ended };
    }
    case 'ask':
      scan.ask(record);
      return { record };
    case 'waitForSetup':
      return { record, note: vscode.l10n.t('Waiting for the API key and the gateway base URL.') };
    case 'otherOrigin':
      return {
        record,
        note: vscode.l10n.t(
          'Submitted to {0}; the base URL is now {1}. Set it back to collect this task.',
          record.apiOrigin,
          connection!.client.apiOrigin,
        ),
      };
    case 'collect':
      return resumeCollecting(scan, record, connection!, now);
  }
}

/** Takes a collectable task's lease and collects it here, unless another window was quicker. */
async function resumeCollecting<C extends { readonly record: TaskRecord }>(
  scan: JournalScan<C>,
  record: TaskRecord,
  connection: Connection,
  now: number,
): Promise<TaskPlace<C>> {
  const lease = await scan.journal.tryAcquire(record.id);
  if (!lease) return { record, elsewhere: true };
  // Read again under the lease: the previous holder may have moved it on meanwhile.
  const fresh = (await scan.journal.read(record.id)) ?? record;
  const restarted = advance(fresh, { type: 'restarted' }, now);
  if (restarted !== fresh) await scan.journal.write(restarted);
  if (!isCollectable(restarted.phase)) {
    await lease.release();
    scan.ask(restarted);
    return { record: restarted };
  }
  return { record: restarted, collector: scan.collect(restarted, connection, lease) };
}

/** Removes what an ended task left in its folder (temporary downloads). */
export async function removeTaskTemp(record: TaskRecord, log: Log): Promise<void> {
  if (!record.images) return;
  try {
    const { landingDir, removeTempFiles } = await loadEngine();
    const removed = await removeTempFiles(await landingDir(record), record.id);
    if (removed > 0)
      log.info('task', `removed ${removed} temporary file(s) of task ${record.ref?.taskId ?? record.id}`);
  } catch {
    // The folder is gone or refused: nothing of ours is left in it.
  }
}

/**
 * The journal folder, shared by every window on this workspace (and by every empty window).
 * Under the extension's global storage, keyed by the workspace's identity: VS Code gives a
 * second window on the same folder a workspace storage of its own, which would hide the
 * tasks of one window from the other.
 */
export function journalFolder(globalStorage: string): string {
  const identity =
    vscode.workspace.workspaceFile?.toString() ??
    (vscode.workspace.workspaceFolders ?? [])
      .map((f) => f.uri.toString())
      .sort()
      .join('\n');
  const key = identity ? createHash('sha256').update(identity).digest('hex').slice(0, 16) : 'no-folder';
  return path.join(globalStorage, 'tasks', key);
}

/** Moves the unfinished tasks an earlier version kept in `tasks.json` into the journal, once, at start-up. */
export async function importEarlierTasks(legacyFolder: string, journal: TaskJournal, log: Log): Promise<void> {
  const { importLegacyStore } = await loadEngine();
  const imported = await importLegacyStore(legacyFolder, journal, Date.now()).catch(() => []);
  if (imported.length > 0)
    log.info('resume', `moved ${imported.length} unfinished task(s) of an earlier version into the journal`);
}
