/**
 * Every task of this workspace (or of every empty window), as the journal on disk has them:
 * which this window collects (it holds their lease), which another window collects, which
 * wait for the user. Resumes unfinished tasks at start-up, takes over those whose window went
 * away, and carries out the user's decisions (cancel, discard, collect now, submit again,
 * choose a folder). The Studio, the status bar and the cancel picker read `views()`.
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskCollector } from '../core/collector';
import type { DurationBook } from '../core/durationBook';
import type { Lease, TaskJournal } from '../core/journal';
import { type LifecycleEvent, type TaskRecord, advance, isTerminal } from '../core/lifecycle';
import type { CreateTaskBody } from '../core/request';
import type { ApiKeyStore } from './apiKey';
import { type Connection, connect } from './connection';
import { loadEngine } from './loadEngine';
import type { Log } from './log';
import type { ReferenceAccess } from './referenceAccess';
import { readSettings } from './settings';
import type { ImageFinisher } from '../core/finish';
import { Disposable } from './disposable';
import { lazy } from './lazy';
import { notify } from './display';
import { importEarlierTasks, journalFolder, removeTaskTemp, scanJournal } from './journalScan';
import { TaskBoard } from './taskBoard';
import { type TaskView, taskView } from './taskView';

/** How often the journal is read again for tasks of other windows (and leases gone stale). */
const SCAN_MS = 10_000;

export class TaskSupervisor extends Disposable {
  private journal: TaskJournal | undefined;
  private durations: DurationBook | undefined;
  /** The task engine, loaded with the journal (see openJournal). */
  private engine: Awaited<ReturnType<typeof loadEngine>> | undefined;
  /** Where each task is: collected here, held by another window, or as last read from the journal. */
  private readonly board = new TaskBoard<TaskCollector>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly undecidedEmitter = this.register(new vscode.EventEmitter<TaskRecord>());
  /** Fires once per window for each task found waiting for the user's decision (uncertain, blocked). */
  readonly onDidFindUndecided = this.undecidedEmitter.event;
  private readonly settledEmitter = this.register(new vscode.EventEmitter<TaskCollector>());
  /** Fires when this window stops working on a task: it ended, waits for the user, or the window closes. */
  readonly onDidSettle = this.settledEmitter.event;
  private scanTimer: ReturnType<typeof setInterval> | undefined;
  private scanning: Promise<void> | undefined;
  private readonly owner = { id: randomUUID(), pid: process.pid, host: os.hostname() };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
    private readonly keys: ApiKeyStore,
    private readonly access: ReferenceAccess,
  ) {
    super();
    this.register(keys.onDidChange(() => void this.scan()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration('aigcImage.baseUrl') ||
          e.affectsConfiguration('aigcImage.apiKey') ||
          e.affectsConfiguration('aigcImage.queryPath')
        )
          void this.scan();
      }),
    );
  }

  /** The journal folder, shared by every window on this workspace (see journalFolder). */
  get folder(): string {
    return journalFolder(this.context.globalStorageUri.fsPath);
  }

  /** Where earlier versions kept this window's tasks (`tasks.json`). */
  private get legacyFolder(): string {
    return (this.context.storageUri ?? this.context.globalStorageUri).fsPath;
  }

  /** Tasks to show: those this window works on first, then the rest, newest first. */
  views(): TaskView[] {
    const here = (id: string) => Number(this.board.collector(id) !== undefined);
    return this.board
      .records()
      .sort((a, b) => here(b.id) - here(a.id) || b.createdAt - a.createdAt)
      .map((record) => taskView(record, this.board.place(record.id)));
  }

  /** Tasks that are not over (whatever window collects them). */
  pendingRecords(): TaskRecord[] {
    return this.allRecords().filter((r) => !isTerminal(r.phase));
  }

  allRecords(): TaskRecord[] {
    return this.board.records();
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
  async begin(
    record: TaskRecord,
    body: CreateTaskBody,
    connection: Connection,
    backgroundAfter: number,
  ): Promise<TaskCollector> {
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
    const collector = this.board.collector(id);
    // A finished task is saved, not cancelled: "cancel" then only stops watching it.
    if (collector) return collector.record.phase === 'landing' ? collector.stopWaiting() : collector.cancel();
    if (this.board.isElsewhere(id)) await (await this.openJournal()).request(id, 'cancel');
  }

  async discard(id: string): Promise<void> {
    const collector = this.board.collector(id);
    if (collector) return collector.discard();
    const { transact } = await loadEngine();
    const journal = await this.openJournal();
    const result = await transact(journal, id, { type: 'discard', reason: 'user' }, Date.now());
    if (result === 'held') await journal.request(id, 'discard');
    else if (result) this.board.release(result);
    this.log.info('task', `task ${id} discarded at the user's request`);
  }

  async collectNow(id: string): Promise<void> {
    const collector = this.board.collector(id);
    if (collector) return collector.collectNow();
    if (this.board.isElsewhere(id)) await (await this.openJournal()).request(id, 'collectNow');
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
    return this.decide(
      id,
      { type: 'folderChosen', targetDir: picked[0].fsPath },
      Date.now() + readSettings().timeoutMs,
    );
  }

  override dispose(): void {
    clearInterval(this.scanTimer);
    // The tasks stay in the journal; the next window (or this one after a reload) collects them.
    for (const collector of this.board.collectors()) collector.stop();
    super.dispose();
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
    this.board.collect(collector);
    this.changed.fire();
    void collector
      .run()
      .catch((error: unknown) =>
        this.log.error(
          'task',
          `task ${record.id} stopped unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
      )
      .finally(async () => {
        const final = collector.record;
        // Whatever ended the work (a bug included), whoever waits on this collector is released.
        if (!isTerminal(final.phase)) collector.stop();
        this.board.release(final);
        // Released at once so the next window (or this one's next scan) can take the task on.
        await lease.release().catch(() => undefined);
        if (isTerminal(final.phase)) await removeTaskTemp(final, this.log);
        this.changed.fire();
        if (!this.isDisposed) this.settledEmitter.fire(collector);
      });
    return collector;
  }

  private collectorDeps(connection: Connection, journal: TaskJournal, body?: CreateTaskBody) {
    return {
      journal,
      client: connection.client,
      authorization: connection.authorization,
      extensionVersion: this.extensionVersion(),
      bodyFor: bodyReader(body, this.access),
      log: (level: 'info' | 'warn' | 'error', message: string) => this.log[level]('task', message),
      durations: this.durations,
      finisher: lazyFinisher(this.context.extensionUri),
    };
  }

  private async connection(quiet: boolean): Promise<Connection | undefined> {
    const result = await connect(this.keys, this.log, this.extensionVersion(), { quiet });
    return 'client' in result ? result : undefined;
  }

  private async doScan(startup: boolean): Promise<void> {
    if (this.isDisposed) return;
    if (!this.journal && !(await hasEntries(this.folder)) && !(await hasLegacyStore(this.legacyFolder))) return;
    const journal = await this.openJournal();
    if (startup) await importEarlierTasks(this.legacyFolder, journal, this.log);
    const resumed = await scanJournal({
      journal,
      board: this.board,
      owner: this.owner.id,
      startup,
      log: this.log,
      connection: () => this.connection(true),
      collect: (record, connection, lease) =>
        this.run(record, connection, lease, { backgroundAfter: Date.now() + readSettings().timeoutMs, lookNow: true }),
      ask: (record) => this.announce(record),
    });
    if (resumed.length > 0) {
      this.log.info('resume', `resuming ${resumed.length} unfinished task(s)`);
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Collecting image tasks') },
        () =>
          this.board.whenNoneCollected(
            resumed.map((r) => r.id),
            this.changed.event,
          ),
      );
    }
    this.changed.fire();
  }

  /** A task waiting for the user's decision, found in the journal: asked about once per window. */
  private announce(record: TaskRecord): void {
    if (this.board.firstAsk(record.id)) this.undecidedEmitter.fire(record);
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

/**
 * The create body of a task: the one just built (it carries its inline images) the first time;
 * after a reload, read again from the reference files, each checked against the workspace again.
 */
function bodyReader(first: CreateTaskBody | undefined, access: ReferenceAccess) {
  let given = first;
  return async (r: TaskRecord): Promise<CreateTaskBody> => {
    const body = given;
    given = undefined;
    if (body) return body;
    await access.checkAgain(r.references.flatMap((ref) => (ref.path ? [ref.path] : [])));
    const { restoreInlineImages } = await loadEngine();
    return restoreInlineImages(r.body, r.references);
  };
}

/** The image engine, imported on the first image a task finishes: activation loads none of it. */
function lazyFinisher(extension: vscode.Uri): ImageFinisher {
  const engine = lazy(() => import('./imaging.js').then(({ imageFinisher }) => imageFinisher(extension)));
  return {
    finish: async (input, spec, output) => (await engine()).finish(input, spec, output),
    probe: async (input) => (await engine()).probe(input),
  };
}
