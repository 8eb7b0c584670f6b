/**
 * The spend ledger of this window: built from every workspace's task journal and the ledger's
 * own log of ended billed tasks (core/ledgerSources.ts), kept in memory only as a cache of those
 * files, and rebuilt when a journal changes (here or in another window) or a task lands; each
 * build writes the tasks that ended since into the log. The gate reads it afresh before each
 * request, since another window may have sent one a moment ago.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Ledger, buildLedger } from '../core/ledger';
import { BilledLog, readJournalTasks } from '../core/ledgerSources';
import { Disposable } from './disposable';
import type { Log } from './log';

/** Journal writes come in bursts (a record, its steps, its lease): one rebuild per burst. */
const SETTLE_MS = 300;

export class SpendLedger extends Disposable {
  private built: Ledger | undefined;
  private building: Promise<Ledger> | undefined;
  private stale = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** `<global storage>/ledger`, beside the journals. */
  private readonly billed: BilledLog;
  private readonly changed = this.register(new vscode.EventEmitter<Ledger>());
  /** Fires with the new ledger after a rebuild. */
  readonly onDidChange = this.changed.event;
  /** How long the last build took, for the log and the benchmark's comparison. */
  lastBuildMs = 0;

  constructor(
    /** `<global storage>/tasks`: every workspace's journal folder. */
    private readonly tasksRoot: string,
    private readonly log: Log,
    taskChanges: vscode.Event<unknown>,
  ) {
    super();
    this.billed = new BilledLog(path.join(path.dirname(tasksRoot), 'ledger'));
    this.register(taskChanges(() => this.invalidate()));
    const journals = this.register(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(tasksRoot), '**/*.json')),
    );
    this.register(journals.onDidCreate(() => this.invalidate()));
    this.register(journals.onDidChange(() => this.invalidate()));
    this.register(journals.onDidDelete(() => this.invalidate()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('aigcImage.budget')) this.invalidate();
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  /** The last ledger built, if any: for text that must be ready at once (a tool's confirmation). */
  snapshot(): Ledger | undefined {
    return this.built;
  }

  /** The ledger, rebuilt only when something changed since. */
  async read(): Promise<Ledger> {
    if (this.built && !this.stale) return this.built;
    return this.rebuild();
  }

  /**
   * The ledger with every journal read again: what a cap decides by. Another window's request
   * is in its journal from before it is sent; the log's files are reread only when they changed.
   */
  fresh(): Promise<Ledger> {
    return this.rebuild();
  }

  private invalidate(): void {
    this.stale = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.rebuild().catch(() => undefined), SETTLE_MS);
  }

  private rebuild(): Promise<Ledger> {
    // A build under way answers everyone who asks meanwhile; a change after it started asks again.
    this.building ??= this.build().finally(() => (this.building = undefined));
    return this.building;
  }

  private async build(): Promise<Ledger> {
    this.stale = false;
    const started = performance.now();
    const [journal, logged] = await Promise.all([readJournalTasks(this.tasksRoot), this.billed.read()]);
    // Written before the journal forgets them (a day after they end): the log is what a month counts.
    const written = await this.billed.record(journal, logged).catch((error: unknown) => {
      this.log.warn('ledger', `the spend log could not be written: ${String(error)}`);
      return [];
    });
    const ledger = buildLedger([...journal, ...logged]);
    this.lastBuildMs = performance.now() - started;
    this.log.debug(
      'ledger',
      `${ledger.tasks} billed task(s) from ${journal.length} journal record(s) and ${logged.length} logged (${written.length} new) in ${this.lastBuildMs.toFixed(1)} ms`,
    );
    const before = this.built;
    this.built = ledger;
    if (!before || JSON.stringify(before) !== JSON.stringify(ledger)) this.changed.fire(ledger);
    return ledger;
  }
}
