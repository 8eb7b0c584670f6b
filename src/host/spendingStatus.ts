/**
 * Today's paid images in the status bar ("$(graph) 7 today · ¥4.20"), a line per model in the
 * tooltip, a click to the Spending view. Shown once a first image is counted or a budget is
 * set: a user who never generated sees nothing new.
 */
import * as vscode from 'vscode';
import { hasCaps, isPriced } from '../core/budget';
import { type Ledger, total, usageAt } from '../core/ledger';
import type { SpendLedger } from './ledger';
import { readBudget } from './settings';
import { todayText, todayTooltip } from './spendingText';

export function createSpendingStatusBar(ledger: SpendLedger, command: string): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('aigcImage.spending', vscode.StatusBarAlignment.Left, 49);
  item.name = vscode.l10n.t('AIGC Image Spending');
  item.command = command;
  const render = (built: Ledger) => {
    const budget = readBudget();
    const counted = built.tasks > 0 || total(usageAt(built, Date.now()).day) > 0;
    if (!counted && !hasCaps(budget) && !isPriced(budget)) {
      item.hide();
      return;
    }
    item.text = `$(graph) ${todayText(built, budget)}`;
    item.tooltip = todayTooltip(built, budget);
    item.show();
  };
  const subscription = ledger.onDidChange(render);
  void ledger.read().then(render, () => undefined);
  return vscode.Disposable.from(item, subscription);
}
