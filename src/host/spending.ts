/**
 * What the spend ledger adds to the window: the `aigcImage.showSpending` command and the status
 * bar item. Both load their code after activation (the ledger reads records with zod), the item
 * once the tasks of the last session are resumed.
 */
import * as vscode from 'vscode';
import { lazy } from './lazy';
import type { Log } from './log';
import type { SpendGate } from './spendGate';

export const SHOW_SPENDING = 'aigcImage.showSpending';

export function registerSpending(
  context: vscode.ExtensionContext,
  gate: SpendGate,
  log: Log,
  resumed: Promise<void>,
): vscode.Disposable {
  const loadView = lazy(async () => {
    const [ledger, { SpendingView }] = await Promise.all([gate.ledger(), import('./spendingView.js')]);
    const view = new SpendingView(context.extensionUri, ledger);
    context.subscriptions.push(view);
    return view;
  });
  void resumed
    .then(async () => {
      const [ledger, { createSpendingStatusBar }] = await Promise.all([gate.ledger(), import('./spendingStatus.js')]);
      context.subscriptions.push(createSpendingStatusBar(ledger, SHOW_SPENDING));
    })
    .catch((error: unknown) => log.error('spending', `the ledger could not be read: ${String(error)}`));
  return vscode.commands.registerCommand(SHOW_SPENDING, () =>
    loadView()
      .then((view) => view.open())
      .catch((error: unknown) => log.error('spending', `the view could not open: ${String(error)}`)),
  );
}

/** What the integration tests see of the ledger and the gate (see ExtensionApi). */
export interface SpendingApi {
  /** Paid images counted today, as the gate counts them (the journals read again). */
  today(): Promise<number>;
  /** Answers the cap's questions from now on; the questions asked so far. */
  answerCapQuestions(answer: 'allow' | 'cancel'): readonly string[];
}

export function spendingApi(gate: SpendGate): SpendingApi {
  return {
    today: async () => {
      const [{ total, usageAt }, ledger] = await Promise.all([import('../core/ledger.js'), gate.ledger()]);
      return total(usageAt(await ledger.fresh(), Date.now()).day);
    },
    answerCapQuestions: (answer) => gate.answerQuestions(answer),
  };
}
