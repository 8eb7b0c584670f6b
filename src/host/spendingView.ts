/**
 * The Spending view: a webview panel drawing the ledger's last 30 days and recent months. The
 * host cuts the ledger to what is drawn and posts it whenever the ledger changes; the page
 * validates what it receives, and the host validates the page's one message.
 */
import * as vscode from 'vscode';
import { type Ledger, localDay } from '../core/ledger';
import { type SpendingData, spendingReadySchema } from '../shared/spendingMessages';
import { Disposable } from './disposable';
import type { SpendLedger } from './ledger';
import { readBudget } from './settings';
import { buildSpendingHtml } from './spendingHtml';
import { createNonce } from './webviewHtml';

export const SPENDING_VIEW_TYPE = 'aigcImage.spending';
const DAYS = 30;
const MONTHS = 12;

export class SpendingView extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly ledger: SpendLedger,
  ) {
    super();
    this.register(ledger.onDidChange((built) => this.post(built)));
  }

  isOpen(): boolean {
    return this.panel !== undefined;
  }

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const title = vscode.l10n.t('AIGC Image Spending');
    const panel = vscode.window.createWebviewPanel(SPENDING_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    });
    this.panel = panel;
    this.ready = false;
    const dist = (file: string) =>
      panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', file)).toString();
    panel.webview.html = buildSpendingHtml({
      cspSource: panel.webview.cspSource,
      nonce: createNonce(),
      scriptUri: dist('spending.js'),
      styleUri: dist('spending.css'),
      lang: vscode.env.language,
      title,
    });
    const listening = panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      if (!spendingReadySchema.safeParse(raw).success) return;
      this.ready = true;
      this.post(await this.ledger.read());
    });
    panel.onDidDispose(() => {
      listening.dispose();
      this.panel = undefined;
    });
  }

  private post(built: Ledger): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(chartData(built, Date.now()));
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}

/** The last 30 local days (empty ones too) and the months the ledger has, newest last. */
export function chartData(built: Ledger, now: number): SpendingData {
  const budget = readBudget();
  const days = Array.from({ length: DAYS }, (_, i) => {
    const date = new Date(now);
    date.setDate(date.getDate() - (DAYS - 1 - i));
    const day = localDay(date.getTime());
    return { day, counts: built.days[day] ?? {} };
  });
  const months = Object.keys(built.months)
    .sort()
    .slice(-MONTHS)
    .map((month) => ({ month, counts: built.months[month]! }));
  return {
    type: 'ledger',
    days,
    months,
    prices: budget.prices,
    currency: budget.currency,
    strings: {
      title: vscode.l10n.t('Paid images'),
      images: vscode.l10n.t('Images per day, last 30 days'),
      spend: vscode.l10n.t('Spend per day, last 30 days'),
      months: vscode.l10n.t('Months'),
      summary: vscode.l10n.t(
        'Bar chart of paid images per day over the last 30 days, stacked by model: {0} in all. Tab to a day to hear its figures.',
        days.reduce((sum, d) => sum + Object.values(d.counts).reduce((a, b) => a + b, 0), 0),
      ),
      empty: vscode.l10n.t('No paid image in the last 30 days.'),
    },
  };
}
