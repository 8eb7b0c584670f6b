/** Running and recent tasks, as the notifications show them, with cancel and dismiss. */
import type { TaskRow } from '../../src/shared/protocol';
import type { StudioContext } from './context';
import { h, icon, setHidden, uid } from './dom';
import { post } from './host';

const PHASE_ICONS: Record<TaskRow['phase'], string> = {
  submitting: 'loading',
  queued: 'clock',
  running: 'loading',
  saving: 'loading',
  succeeded: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
  background: 'history',
};
const SPINNING = new Set<TaskRow['phase']>(['submitting', 'running', 'saving']);

export class TasksView {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly badge: HTMLElement;
  private readonly rows = new Map<string, { element: HTMLLIElement; phase: string }>();
  private tasks: TaskRow[] = [];
  private readonly dismissed: Set<string>;

  constructor(
    private readonly ctx: StudioContext,
    dismissed: readonly string[],
    private readonly onDismiss: (ids: string[]) => void,
  ) {
    const headingId = uid('heading');
    this.dismissed = new Set(dismissed);
    this.badge = h('span', { class: 'badge' });
    this.list = h('ul', { class: 'task-list', 'aria-labelledby': headingId });
    this.element = h(
      'section',
      { class: 'pane-section tasks', 'aria-labelledby': headingId, hidden: true },
      h('div', { class: 'section-head' }, h('h2', { id: headingId, class: 'section-title' }, icon('pulse'), h('span', null, ctx.strings['tasks.heading'])), this.badge),
      this.list,
    );
  }

  render(tasks: readonly TaskRow[]): void {
    this.tasks = [...tasks];
    const shown = this.tasks.filter((t) => t.cancellable || !this.dismissed.has(t.id));
    const ids = new Set(shown.map((t) => t.id));
    for (const [id, row] of this.rows) {
      if (!ids.has(id)) {
        row.element.remove();
        this.rows.delete(id);
      }
    }
    let cursor: Element | null = this.list.firstElementChild;
    for (const task of shown) {
      const existing = this.rows.get(task.id);
      const element = existing && existing.phase === task.phase ? this.update(existing.element, task) : this.row(task);
      if (existing && existing.element !== element) {
        if (cursor === existing.element) cursor = cursor.nextElementSibling;
        existing.element.remove();
      }
      this.rows.set(task.id, { element, phase: task.phase });
      if (element !== cursor) this.list.insertBefore(element, cursor);
      cursor = element.nextElementSibling;
    }
    const active = shown.filter((t) => t.cancellable).length;
    this.badge.textContent = active > 0 ? String(active) : '';
    setHidden(this.badge, active === 0);
    setHidden(this.element, shown.length === 0);
  }

  private row(task: TaskRow): HTMLLIElement {
    const s = this.ctx.strings;
    const spinning = SPINNING.has(task.phase);
    const action = task.cancellable
      ? h(
          'button',
          {
            type: 'button',
            class: 'icon-button',
            'data-testid': 'task-cancel',
            title: s['tasks.cancel'],
            'aria-label': `${s['tasks.cancel']}: ${task.prompt}`,
            onClick: (e: MouseEvent) => {
              (e.currentTarget as HTMLButtonElement).disabled = true;
              post({ type: 'cancelTask', taskId: task.id });
            },
          },
          icon('debug-stop'),
        )
      : h(
          'button',
          {
            type: 'button',
            class: 'icon-button',
            'data-testid': 'task-dismiss',
            title: s['tasks.dismiss'],
            'aria-label': `${s['tasks.dismiss']}: ${task.prompt}`,
            onClick: () => this.dismiss(task.id),
          },
          icon('close'),
        );
    const element = h(
      'li',
      { class: `task task--${task.phase}`, 'data-testid': 'task', 'data-phase': task.phase, 'data-id': task.id },
      h('span', { class: 'task-icon' }, icon(PHASE_ICONS[task.phase], spinning ? 'codicon-modifier-spin' : '')),
      h(
        'div',
        { class: 'task-main' },
        h('div', { class: 'task-prompt', title: task.prompt }, task.prompt),
        h('div', { class: 'task-meta' }, h('span', { class: 'task-model' }, task.model), h('span', { class: 'task-status', role: task.phase === 'failed' ? 'alert' : null }, task.status)),
        task.cancellable ? h('progress', { class: 'task-progress', max: 100, 'aria-label': task.prompt }) : null,
      ),
      action,
    );
    return this.update(element, task);
  }

  /** Same phase: only the status line and the progress change. */
  private update(element: HTMLLIElement, task: TaskRow): HTMLLIElement {
    const status = element.querySelector('.task-status');
    if (status && status.textContent !== task.status) status.textContent = task.status;
    const progress = element.querySelector('progress');
    if (progress) {
      if (task.phase === 'running' && task.progress !== undefined) progress.value = Math.max(0, Math.min(100, task.progress));
      else progress.removeAttribute('value');
      progress.setAttribute('aria-valuetext', task.status);
    }
    return element;
  }

  private dismiss(id: string): void {
    this.dismissed.add(id);
    const known = new Set(this.tasks.map((t) => t.id));
    this.onDismiss([...this.dismissed].filter((d) => known.has(d)));
    this.render(this.tasks);
  }
}
