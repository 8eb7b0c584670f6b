/**
 * The spend ledger in words, where a user decides: the tool's confirmation ("This is image 7 of
 * your 50 today") and the status bar ("7 today · ¥4.20", a line per model in its tooltip).
 * Money appears only when the user set prices.
 */
import * as vscode from 'vscode';
import { type Budget, admit, isPriced, money, spendOf } from '../core/budget';
import { type Ledger, total, usageAt } from '../core/ledger';

/**
 * The confirmation's line for `count` images of `model`. Over a cap it says the gate will ask:
 * a chat may run the tool without showing this confirmation (the user can allow a tool for the
 * session), so the cap never relies on it having been read.
 */
export function toolSpendLine(ledger: Ledger, budget: Budget, model: string, count: number, now = Date.now()): string {
  const usage = usageAt(ledger, now);
  const next = total(usage.day) + 1;
  const last = next + count - 1;
  const numbered =
    count > 1
      ? budget.dailyImages > 0
        ? vscode.l10n.t('These are images {0}–{1} of your {2} today.', next, last, budget.dailyImages)
        : vscode.l10n.t('These are images {0}–{1} today.', next, last)
      : budget.dailyImages > 0
        ? vscode.l10n.t('This is image {0} of your {1} today.', next, budget.dailyImages)
        : vscode.l10n.t('This is image {0} today.', next);
  const price = budget.prices[model];
  const cost = price !== undefined ? ` ${vscode.l10n.t('Estimated cost: {0}.', money(budget, price * count))}` : '';
  const over = admit(budget, usage, model, count).ok
    ? ''
    : ` ${vscode.l10n.t('That passes your cap, so you will be asked once more before it is sent.')}`;
  return `${numbered}${cost}${over}`;
}

/** The status bar's text: today's images, and their cost when priced. */
export function todayText(ledger: Ledger, budget: Budget, now = Date.now()): string {
  const day = usageAt(ledger, now).day;
  const images = vscode.l10n.t('{0} today', total(day));
  return isPriced(budget) ? `${images} · ${money(budget, spendOf(budget, day))}` : images;
}

/** The status bar's tooltip: one line per model today, then the month. */
export function todayTooltip(ledger: Ledger, budget: Budget, now = Date.now()): string {
  const { day, month } = usageAt(ledger, now);
  const priced = isPriced(budget);
  const line = (model: string, n: number) =>
    priced && budget.prices[model] !== undefined
      ? `${model}: ${n} · ${money(budget, n * budget.prices[model])}`
      : `${model}: ${n}`;
  const models = Object.entries(day)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, n]) => line(model, n));
  const monthLine = vscode.l10n.t('This month: {0} image(s)', total(month));
  return [
    vscode.l10n.t('Paid images today'),
    ...(models.length ? models : [vscode.l10n.t('none yet')]),
    priced ? `${monthLine} · ${money(budget, spendOf(budget, month))}` : monthLine,
  ].join('\n');
}
