/**
 * The line beside Generate: what it would start and cost (src/shared/spendingEstimate.ts),
 * drawn again when the host posts new numbers or the form's model or count changes.
 */
import { type SpendingEstimate, estimateLine } from '../../src/shared/spendingEstimate';
import type { StudioContext } from './context';
import { h } from './dom';

export class EstimateView {
  readonly element = h('span', { class: 'generate-estimate', 'data-testid': 'generate-estimate' });
  private spending: SpendingEstimate | undefined;

  constructor(private readonly ctx: StudioContext) {}

  set(spending: SpendingEstimate): void {
    this.spending = spending;
    this.render();
  }

  render(): void {
    if (!this.spending) return;
    const s = this.ctx.strings;
    this.element.textContent = estimateLine(
      {
        oneImage: s['spend.oneImage'],
        images: s['spend.images'],
        estimate: s['spend.estimate'],
        ofCap: s['spend.ofCap'],
      },
      this.spending,
      this.ctx.form.model,
      this.ctx.form.count ?? 1,
    );
  }
}
