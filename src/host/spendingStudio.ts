/**
 * Keeps the Studio's estimate line current: posts today's count, the daily cap and the prices
 * when the panel is ready and whenever the ledger changes.
 */
import type * as vscode from 'vscode';
import { total, usageAt } from '../core/ledger';
import type { SpendingEstimate } from '../shared/spendingEstimate';
import { readBudget } from './settings';
import type { SpendGate } from './spendGate';

export class StudioSpending implements vscode.Disposable {
  private subscription: vscode.Disposable | undefined;
  private disposed = false;

  constructor(
    private readonly gate: SpendGate,
    private readonly post: (message: SpendingEstimate) => void,
  ) {}

  /** Posts the numbers now, and from then on after every change of the ledger. */
  async start(): Promise<void> {
    const ledger = await this.gate.ledger();
    if (this.disposed) return;
    this.subscription ??= ledger.onDidChange(() => void this.postNow());
    await this.postNow();
  }

  private async postNow(): Promise<void> {
    const built = await (await this.gate.ledger()).read();
    if (this.disposed) return;
    const budget = readBudget();
    this.post({
      type: 'spending',
      today: total(usageAt(built, Date.now()).day),
      dailyCap: budget.dailyImages,
      prices: budget.prices,
      currency: budget.currency,
    });
  }

  dispose(): void {
    this.disposed = true;
    this.subscription?.dispose();
  }
}
