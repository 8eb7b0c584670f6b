/**
 * Every task of this workspace (or of every empty window), as the journal on disk has them:
 * which this window collects (it holds their lease), which another window collects, which
 * wait for the user. Resumes unfinished tasks at start-up, takes over those whose window went
 * away, and carries out the user's decisions (cancel, discard, collect now, submit again,
 * choose a folder). The Studio, the status bar and the cancel picker read `views()`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskCollector } from '../core/collector';
import type { DurationBook } from '../core/durationBook';
import { StudioError } from '../core/errors';
import type { Lease, TaskJournal } from '../core/journal';
import {
  type LifecycleEvent,
  type Note,
  type TaskAction,
  type TaskRecord,
  type TaskStatus,
  actionsOf,
  advance,
  isCollectable,
  isPastRetention,
  isTerminal,
  statusOf,
} from '../core/lifecycle';
import type { CreateTaskBody } from '../core/request';
import { findModel, modelKey } from '../core/models';
import type { ApiKeyStore } from './apiKey';
import { type Connection, connect } from './connection';
import { loadEngine } from './loadEngine';
import type { Log } from './log';
import type { ReferenceAccess } from './referenceAccess';
import { readSettings } from './settings';
import { display, notify } from './display';

/** How often the journal is read again for tasks of other windows (and leases gone stale). */
const SCAN_MS = 10_000;
/** Ended tasks stay listed (and in the journal) this long. */
const KEEP_ENDED_MS = 24 * 60 * 60 * 1000;

/** What the Studio, the status bar and the cancel picker show of a task. */
export interface TaskView {
  id: string;
  kind: 'generate' | 'restyle';
  prompt: string;
  /** The model's label, as the form names it: "Gemini 3.0 (GEM)". */
  model: string;
  status: TaskStatus;
  actions: TaskAction[];
  position?: number;
  progress?: number;
  startedAt: number;
  taskId?: string;
  /** One localized line: the latest problem, or why the task ended. */
  message?: string;
  files?: string[];
  /** Another window collects this task. */
  elsewhere?: boolean;
}

export class TaskSupervisor implements vscode.Disposable {
  private journal: TaskJournal | undefined;
  private durations: DurationBook | undefined;
  /** The task engine, loaded with the journal (see openJournal). */
  private engine: Awaited<ReturnType<typeof loadEngine>> | undefined;
  private readonly collectors = new Map<string, TaskCollector>();
  /** Records as last read from the journal (other windows' tasks, and those waiting for the user). */
  private known = new Map<string, TaskRecord>();
  private readonly heldElsewhere = new Set<string>();
  /** Local messages for records this host has no live collector for (an origin mismatch, no key). */
  private readonly notes = new Map<string, string>();
  private readonly announced = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly undecidedEmitter = new vscode.EventEmitter<TaskRecord>();
  /** Fires once per window for each task found waiting for the user's decision (uncertain, blocked). */
  readonly onDidFindUndecided = this.undecidedEmitter.event;
  private readonly settledEmitter = new vscode.EventEmitter<TaskCollector>();
  /** Fires when this window stops working on a task: it ended, waits for the user, or the window closes. */
  readonly onDidSettle = this.settledEmitter.event;
  private scanTimer: ReturnType<typeof setInterval> | undefined;
  private scanning: Promise<void> | undefined;
  private disposed = false;
  private hadOpen = false;
  private readonly owner = { id: randomUUID(), pid: process.pid, host: os.hostname() };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
    private readonly keys: ApiKeyStore,
    private readonly access: ReferenceAccess,
  ) {
    this.disposables.push(
      this.changed,
      this.settledEmitter,
      this.undecidedEmitter,
      keys.onDidChange(() => void this.scan()),
      // Lets the palette offer "Show Image Tasks" and "Cancel Image Task" only when there are some.
      this.changed.event(() => {
        const open = this.pendingRecords().length > 0;
        if (open !== this.hadOpen) {
          this.hadOpen = open;
          void vscode.commands.executeCommand('setContext', 'aigcImage.hasOpenTasks', open);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('aigcImage.baseUrl') || e.affectsConfiguration('aigcImage.apiKey') || e.affectsConfiguration('aigcImage.queryPath')) void this.scan();
      }),
    );
  }

  /**
   * The journal folder, shared by every window on this workspace (and by every empty window).
   * Under the extension's global storage, keyed by the workspace's identity: VS Code gives a
   * second window on the same folder a workspace storage of its own, which would hide the
   * tasks of one window from the other.
   */
  get folder(): string {
    const identity = vscode.workspace.workspaceFile?.toString() ?? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).sort().join('\n');
    const key = identity ? createHash('sha256').update(identity).digest('hex').slice(0, 16) : 'no-folder';
    return path.join(this.context.globalStorageUri.fsPath, 'tasks', key);
  }

  /** Where earlier versions kept this window's tasks (`tasks.json`). */
  private get legacyFolder(): string {
    return (this.context.storageUri ?? this.context.globalStorageUri).fsPath;
  }

  /** Tasks to show: those this window works on first, then the rest, newest first. */
  views(): TaskView[] {
    const records = new Map(this.known);
    for (const [id, collector] of this.collectors) records.set(id, collector.record);
    return [...records.values()]
      .sort((a, b) => Number(this.collectors.has(b.id)) - Number(this.collectors.has(a.id)) || b.createdAt - a.createdAt)
      .map((record) => this.view(record));
  }

  /** Tasks that are not over (whatever window collects them). */
  pendingRecords(): TaskRecord[] {
    return this.allRecords().filter((r) => !isTerminal(r.phase));
  }

  allRecords(): TaskRecord[] {
    const records = new Map(this.known);
    for (const [id, collector] of this.collectors) records.set(id, collector.record);
    return [...records.values()];
  }

  /** The journal, opened on first use. */
  async openJournal(): Promise<TaskJournal> {
    if (this.journal) return this.journal;
    this.engine ??= await loadEngine();
    this.journal ??= new this.engine.TaskJournal(this.folder, this.owner);
    // Durations are per gateway and model, not per workspace: one book for every window.
    this.durations ??= new this.engine.DurationBook(path.join(this.context.globalStorageUri.fsPath, 'durations.json'));
    return this.journal;
  }

  /**
   * Starts collecting a new task: takes its lease, writes its record (before anything is sent),
   * then submits and waits. Throws when the record cannot be written: then nothing was sent.
   */
  async begin(record: TaskRecord, body: CreateTaskBody, connection: Connection, backgroundAfter: number): Promise<TaskCollector> {
    const journal = await this.openJournal();
    const lease = await journal.tryAcquire(record.id);
    if (!lease) throw new Error(`task ${record.id} is already held`);
    try {
      await journal.write(record);
    } catch (error) {
      await lease.release();
      throw error;
    }
    return this.run(record, connection, lease, { backgroundAfter, body });
  }

  /** Picks up what the journal holds: at start-up, and every few seconds for what other windows leave behind. */
  async resume(): Promise<void> {
    this.log.debug('resume', `task journal: ${this.folder}`);
    this.scanTimer ??= setInterval(() => void this.scan(), SCAN_MS);
    await this.scan(true);
  }

  scan(startup = false): Promise<void> {
    this.scanning ??= this.doScan(startup).finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  // --- the user's decisions ---------------------------------------------------------

  /** Cancel (or stop waiting for) a task; see TaskCollector.cancel. */
  async cancel(id: string): Promise<void> {
    const collector = this.collectors.get(id);
    // A finished task is saved, not cancelled: "cancel" then only stops watching it.
    if (collector) return collector.record.phase === 'landing' ? collector.stopWaiting() : collector.cancel();
    if (this.heldElsewhere.has(id)) await (await this.openJournal()).request(id, 'cancel');
  }

  async discard(id: string): Promise<void> {
    const collector = this.collectors.get(id);
    if (collector) return collector.discard();
    const { transact } = await loadEngine();
    const journal = await this.openJournal();
    const result = await transact(journal, id, { type: 'discard', reason: 'user' }, Date.now());
    if (result === 'held') await journal.request(id, 'discard');
    else if (result) this.remember(result);
    this.log.info('task', `task ${id} discarded at the user's request`);
  }

  async collectNow(id: string): Promise<void> {
    const collector = this.collectors.get(id);
    if (collector) return collector.collectNow();
    if (this.heldElsewhere.has(id)) await (await this.openJournal()).request(id, 'collectNow');
    else await this.scan();
  }

  /** An uncertain task, sent again at the user's request (knowing it may then be billed twice). */
  async resubmit(id: string): Promise<TaskCollector | undefined> {
    return this.decide(id, { type: 'resubmit' }, Date.now() + readSettings().timeoutMs);
  }

  /** A task that could not be saved where it should: the user chose another folder. */
  async chooseFolder(id: string): Promise<TaskCollector | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: vscode.l10n.t('Save Images Here'),
      title: vscode.l10n.t('Choose where to save the generated image'),
    });
    if (!picked?.[0]) return undefined;
    return this.decide(id, { type: 'folderChosen', targetDir: picked[0].fsPath }, Date.now() + readSettings().timeoutMs);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.scanTimer);
    // The tasks stay in the journal; the next window (or this one after a reload) collects them.
    for (const collector of this.collectors.values()) collector.stop();
    for (const d of this.disposables) d.dispose();
  }

  // --- internals ------------------------------------------------------------------------

  private async decide(id: string, event: LifecycleEvent, backgroundAfter: number): Promise<TaskCollector | undefined> {
    const journal = await this.openJournal();
    const connection = await this.connection(false);
    if (!connection) return undefined;
    const lease = await journal.tryAcquire(id);
    if (!lease) {
      void notify('info', vscode.l10n.t('Another window is working on this task.'));
      return undefined;
    }
    const record = await journal.read(id);
    if (!record) {
      await lease.release();
      return undefined;
    }
    const decided = advance(record, event, Date.now());
    if (decided === record) {
      await lease.release();
      return undefined;
    }
    await journal.write(decided);
    return this.run(decided, connection, lease, { backgroundAfter });
  }

  private run(
    record: TaskRecord,
    connection: Connection,
    lease: Lease,
    options: { backgroundAfter: number; body?: CreateTaskBody; lookNow?: boolean },
  ): TaskCollector {
    const journal = this.journal!;
    const { TaskCollector } = this.engine!;
    const deps = this.collectorDeps(connection, journal, options.body);
    const collector = new TaskCollector(record, deps, {
      lease,
      backgroundAfter: options.backgroundAfter,
      lookNow: options.lookNow,
      onChange: () => this.changed.fire(),
    });
    this.collectors.set(record.id, collector);
    this.known.delete(record.id);
    this.heldElsewhere.delete(record.id);
    this.notes.delete(record.id);
    this.changed.fire();
    void collector
      .run()
      .catch((error: unknown) => this.log.error('task', `task ${record.id} stopped unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
      .finally(async () => {
        const final = collector.record;
        // Whatever ended the work (a bug included), whoever waits on this collector is released.
        if (!isTerminal(final.phase)) collector.stop();
        this.collectors.delete(record.id);
        this.remember(final);
        // Released at once so the next window (or this one's next scan) can take the task on.
        await lease.release().catch(() => undefined);
        if (isTerminal(final.phase)) await this.cleanTemp(final);
        this.changed.fire();
        if (!this.disposed) this.settledEmitter.fire(collector);
      });
    return collector;
  }

  private collectorDeps(connection: Connection, journal: TaskJournal, body?: CreateTaskBody) {
    let firstBody = body;
    return {
      journal,
      client: connection.client,
      authorization: connection.authorization,
      extensionVersion: this.extensionVersion(),
      bodyFor: async (r: TaskRecord) => {
        // The body just built carries its inline images; after a reload they are read from the files again.
        const given = firstBody;
        firstBody = undefined;
        if (given) return given;
        await this.mayReadAgain(r);
        const { restoreInlineImages } = await loadEngine();
        return restoreInlineImages(r.body, r.references);
      },
      log: (level: 'info' | 'warn' | 'error', message: string) => this.log[level]('task', message),
      durations: this.durations,
    };
  }

  /**
   * A task sent again (Submit Again, after a reload too) reads its reference images from their
   * files once more: each is held to the same access check as when it was first attached. The
   * file at a recorded path may since have become a link out of the workspace, a workspace may
   * have lost a folder, and a file picked in a dialog is granted for that session only.
   */
  private async mayReadAgain(record: TaskRecord): Promise<void> {
    for (const { path: file } of record.references) {
      if (!file || (await this.access.mayRead(vscode.Uri.file(file)))) continue;
      throw new StudioError({
        kind: 'referenceImage',
        field: 'file_infos',
        template: 'Reference image {0} is no longer a file this window may send (it is outside the workspace now, or was picked before a reload), so nothing was sent.',
        args: [path.basename(file)],
      });
    }
  }

  private async connection(quiet: boolean): Promise<Connection | undefined> {
    const result = await connect(this.keys, this.log, this.extensionVersion(), { quiet });
    return 'client' in result ? result : undefined;
  }

  private async doScan(startup: boolean): Promise<void> {
    if (this.disposed) return;
    if (!this.journal && !(await hasEntries(this.folder)) && !(await hasLegacyStore(this.legacyFolder))) return;
    const journal = await this.openJournal();
    const { importLegacyStore, transact } = await loadEngine();
    if (startup) {
      const imported = await importLegacyStore(this.legacyFolder, journal, Date.now()).catch(() => []);
      if (imported.length > 0) this.log.info('resume', `moved ${imported.length} unfinished task(s) of an earlier version into the journal`);
    }
    const records = await journal.list((file, reason) => this.log.warn('resume', `ignored ${file} in the task journal: ${reason}`));
    const now = Date.now();
    const known = new Map<string, TaskRecord>();
    let connection: Connection | undefined | null = null;
    const resumed: TaskRecord[] = [];
    for (const record of records) {
      if (this.collectors.has(record.id)) continue;
      if (isTerminal(record.phase)) {
        if (now - (record.endedAt ?? record.updatedAt) > KEEP_ENDED_MS) {
          await journal.remove(record.id).catch(() => undefined);
          continue;
        }
        known.set(record.id, record);
        if (startup) await this.cleanTemp(record);
        continue;
      }
      const holder = await journal.holder(record.id);
      if (holder?.fresh && holder.owner !== this.owner.id) {
        this.heldElsewhere.add(record.id);
        known.set(record.id, record);
        continue;
      }
      this.heldElsewhere.delete(record.id);
      if (isPastRetention(record, now)) {
        const ended = await transact(journal, record.id, { type: 'discard', reason: 'retention' }, now);
        if (ended && ended !== 'held') {
          known.set(record.id, ended);
          this.log.warn('resume', `task ${record.ref?.taskId ?? record.id} is older than 3 days and can no longer be collected`);
        }
        continue;
      }
      if (!isCollectable(record.phase)) {
        known.set(record.id, record);
        this.announce(record);
        continue;
      }
      if (connection === null) connection = await this.connection(true);
      if (!connection) {
        known.set(record.id, record);
        this.notes.set(record.id, vscode.l10n.t('Waiting for the API key and the gateway base URL.'));
        continue;
      }
      if (record.apiOrigin !== connection.client.apiOrigin) {
        known.set(record.id, record);
        this.notes.set(record.id, vscode.l10n.t('Submitted to {0}; the base URL is now {1}. Set it back to collect this task.', record.apiOrigin, connection.client.apiOrigin));
        continue;
      }
      const lease = await journal.tryAcquire(record.id);
      if (!lease) {
        this.heldElsewhere.add(record.id);
        known.set(record.id, record);
        continue;
      }
      // Read again under the lease: the previous holder may have moved it on meanwhile.
      const fresh = (await journal.read(record.id)) ?? record;
      const restarted = advance(fresh, { type: 'restarted' }, now);
      if (restarted !== fresh) await journal.write(restarted);
      if (!isCollectable(restarted.phase)) {
        await lease.release();
        known.set(restarted.id, restarted);
        this.announce(restarted);
        continue;
      }
      resumed.push(restarted);
      this.run(restarted, connection, lease, { backgroundAfter: now + readSettings().timeoutMs, lookNow: true });
    }
    this.known = known;
    if (resumed.length > 0) {
      this.log.info('resume', `resuming ${resumed.length} unfinished task(s)`);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Collecting image tasks') }, () => this.settled(resumed.map((r) => r.id)));
    }
    this.changed.fire();
  }

  /** Resolves when none of these tasks is collected by this window any more. */
  private settled(ids: string[]): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (ids.every((id) => !this.collectors.has(id))) {
          subscription.dispose();
          resolve();
        }
      };
      const subscription = this.changed.event(check);
      check();
    });
  }

  /** A task waiting for the user's decision, found in the journal: asked about once per window. */
  private announce(record: TaskRecord): void {
    if (this.announced.has(record.id)) return;
    this.announced.add(record.id);
    this.undecidedEmitter.fire(record);
  }

  private remember(record: TaskRecord): void {
    this.known.set(record.id, record);
  }

  private async cleanTemp(record: TaskRecord): Promise<void> {
    if (!record.images) return;
    try {
      const { landingDir, removeTempFiles } = await loadEngine();
      const removed = await removeTempFiles(await landingDir(record), record.id);
      if (removed > 0) this.log.info('task', `removed ${removed} temporary file(s) of task ${record.ref?.taskId ?? record.id}`);
    } catch {
      // The folder is gone or refused: nothing of ours is left in it.
    }
  }

  private view(record: TaskRecord): TaskView {
    const collector = this.collectors.get(record.id);
    const foreground = collector?.foreground ?? false;
    const elsewhere = !collector && this.heldElsewhere.has(record.id);
    const files = (record.images ?? []).flatMap((i) => (i.landed ? [i.landed.path] : []));
    const actions = actionsOf(record, foreground).filter((a) => !elsewhere || a === 'discard' || a === 'collectNow' || a === 'cancel');
    const message = this.notes.get(record.id) ?? this.noteText(isTerminal(record.phase) ? record.outcome : record.problem);
    return {
      id: record.id,
      kind: record.kind,
      // Every text of a row is shown somewhere (status bar, quick pick, notification, Studio): inert from here on.
      prompt: display(record.body.prompt, 400),
      model: findModel(record.body.model_name, record.body.model_version)?.label ?? display(modelKey({ name: record.body.model_name as never, version: record.body.model_version }), 80),
      status: statusOf(record, foreground),
      actions,
      ...(record.upstream?.position !== undefined ? { position: record.upstream.position } : {}),
      ...(record.upstream?.progress !== undefined ? { progress: record.upstream.progress } : {}),
      startedAt: record.createdAt,
      ...(record.ref ? { taskId: display(record.ref.taskId, 120) } : {}),
      ...(message ? { message: display(message) } : {}),
      ...(files.length ? { files } : {}),
      ...(elsewhere ? { elsewhere } : {}),
    };
  }

  noteText(note: Note | undefined): string | undefined {
    return note ? display(vscode.l10n.t(note.template, ...(note.args ?? []).map((arg) => (typeof arg === 'string' ? display(arg) : arg)))) : undefined;
  }

  /** The note as an error the user can act on (Set API Key for a refused key, and so on). */
  noteError(note: Note): StudioError {
    return new StudioError({ kind: note.kind as StudioError['kind'], template: note.template, args: note.args, code: note.code });
  }

  extensionVersion(): string {
    return String((this.context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  }
}

async function hasEntries(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

async function hasLegacyStore(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).includes('tasks.json');
  } catch {
    return false;
  }
}

