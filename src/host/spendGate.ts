/**
 * The spend gate: a request that would pass one of the user's caps is stopped before anything is
 * sent (before its journal record is written), with the numbers, and goes ahead only on "Allow
 * this once" — for that request alone. Without caps it costs nothing: the ledger is not even
 * loaded. A batch is admitted once for all its images (`admit(model, count)`).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Budget, admit, hasCaps } from '../core/budget';
import { type Ledger, usageAt } from '../core/ledger';
import { ask } from './display';
import type { SpendLedger } from './ledger';
import type { Log } from './log';
import { readBudget } from './settings';

export class SpendGate implements vscode.Disposable {
  private loaded: Promise<SpendLedger> | undefined;
  private ledgerNow: SpendLedger | undefined;
  /**
   * The answer the integration tests give in the user's place (VS Code cannot answer a modal
   * from the extension host), and the questions asked meanwhile. Reached through the extension's
   * API only, by code already running in this extension host.
   */
  private scripted: { answer: string | undefined; asked: string[] } | undefined;

  constructor(
    /** The journal folder of this workspace; its parent holds every workspace's. */
    private readonly journalFolder: () => string,
    private readonly log: Log,
    private readonly taskChanges: vscode.Event<unknown>,
  ) {}

  /** The ledger, built on first use (its module and zod load then, not at activation). */
  ledger(): Promise<SpendLedger> {
    this.loaded ??= import('./ledger.js').then(({ SpendLedger }) => {
      this.ledgerNow = new SpendLedger(path.dirname(this.journalFolder()), this.log, this.taskChanges);
      return this.ledgerNow;
    });
    return this.loaded;
  }

  /** The ledger as last built, without waiting; undefined before the first build (which this starts). */
  snapshot(): Ledger | undefined {
    if (!this.ledgerNow)
      void this.ledger()
        .then((l) => l.read())
        .catch(() => undefined);
    return this.ledgerNow?.snapshot();
  }

  /**
   * True to go on; false when the request would pass a cap and the user did not allow it once.
   * `budget` is the user's, read now unless given.
   */
  async admit(modelKey: string, count: number, budget: Budget = readBudget()): Promise<boolean> {
    if (!hasCaps(budget)) return true;
    const ledger = await (await this.ledger()).fresh();
    const decision = admit(budget, usageAt(ledger, Date.now()), modelKey, count);
    if (decision.ok) return true;
    const allow = vscode.l10n.t('Allow this once');
    const answer = await this.question(vscode.l10n.t(decision.template, ...decision.args), allow);
    this.log.info(
      'budget',
      `${count} image(s) of ${modelKey} would pass the ${decision.cap} cap: ${answer === allow ? 'allowed once' : 'not sent'}`,
    );
    return answer === allow;
  }

  private question(text: string, allow: string): Thenable<string | undefined> {
    if (!this.scripted) return ask('warning', text, {}, allow);
    this.scripted.asked.push(text);
    return Promise.resolve(this.scripted.answer === 'allow' ? allow : undefined);
  }

  /** Answers the cap's questions from now on (`allow` or not), and returns the questions asked. */
  answerQuestions(answer: 'allow' | 'cancel'): readonly string[] {
    this.scripted = { answer, asked: this.scripted?.asked ?? [] };
    return this.scripted.asked;
  }

  dispose(): void {
    this.ledgerNow?.dispose();
  }
}
