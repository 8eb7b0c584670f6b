/**
 * Finished task rows (saved, discarded) folded under one disclosure line, "9 finished", so a run
 * of generations does not push the results out of view. The rows are one keypress away and the
 * line says how many there are; rows that still run, need the user or were refused stay above it.
 */
import type { StudioContext } from './context';
import { format, h, icon, setHidden, uid } from './dom';

export class FinishedFold {
  readonly element: HTMLElement;
  readonly list: HTMLUListElement;
  private readonly toggle: HTMLButtonElement;
  private readonly label: HTMLElement;
  private readonly chevron: HTMLElement;
  private expanded = false;

  constructor(private readonly ctx: StudioContext) {
    const listId = uid('finished');
    this.label = h('span', null);
    this.chevron = icon('chevron-right');
    this.toggle = h(
      'button',
      {
        type: 'button',
        class: 'link-button finished-toggle',
        'data-testid': 'tasks-finished-toggle',
        'aria-expanded': 'false',
        'aria-controls': listId,
        onClick: () => this.flip(),
      },
      this.chevron,
      this.label,
    );
    this.list = h('ul', { id: listId, class: 'task-list task-list--finished', hidden: true });
    this.list.setAttribute('aria-label', ctx.strings['tasks.finishedList']);
    this.element = h('div', { class: 'finished-fold', hidden: true }, this.toggle, this.list);
  }

  /** How many finished rows the fold holds; with none, the line is gone. */
  setCount(count: number): void {
    const text = format(this.ctx.strings['tasks.finished'], count);
    if (this.label.textContent !== text) this.label.textContent = text;
    setHidden(this.element, count === 0);
  }

  private flip(): void {
    this.expanded = !this.expanded;
    this.toggle.setAttribute('aria-expanded', String(this.expanded));
    this.chevron.className = `codicon codicon-${this.expanded ? 'chevron-down' : 'chevron-right'}`;
    setHidden(this.list, !this.expanded);
  }
}
