/**
 * Running and recent tasks, as the notifications show them, with cancel and dismiss. Saved and
 * discarded rows fold under one line (finishedFold.ts) so the results below stay in view.
 */
import { type TaskAction, isEndedStatus } from '../../src/core/lifecycle';
import type { StringKey } from '../../src/shared/studioStrings';
import type { TaskRow } from '../../src/shared/taskRow';
import type { StudioContext } from './context';
import { h, icon, preserveFocus, scrollBehavior, setHidden, uid } from './dom';
import { FinishedFold } from './finishedFold';
import { post } from './host';

const STATUS_ICONS: Record<TaskRow['status'], string> = {
  submitting: 'loading',
  uncertain: 'question',
  queued: 'clock',
  running: 'loading',
  background: 'history',
  saving: 'loading',
  blocked: 'warning',
  landed: 'pass',
  refused: 'error',
  discarded: 'circle-slash',
};
const SPINNING = new Set<TaskRow['status']>(['submitting', 'running', 'saving']);
const PROGRESSING = new Set<TaskRow['status']>(['submitting', 'queued', 'running', 'saving']);
const ACTION_ICONS: Record<TaskAction, string> = {
  cancel: 'debug-stop',
  stopWaiting: 'eye-closed',
  collectNow: 'sync',
  discard: 'trash',
  resubmit: 'debug-restart',
  chooseFolder: 'folder-opened',
};
const ACTION_LABELS: Record<TaskAction, StringKey> = {
  cancel: 'tasks.cancel',
  stopWaiting: 'tasks.stopWaiting',
  collectNow: 'tasks.collectNow',
  discard: 'tasks.discard',
  resubmit: 'tasks.resubmit',
  chooseFolder: 'tasks.chooseFolder',
};

export class TasksView {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly badge: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly clearEnded: HTMLButtonElement;
  private readonly fold: FinishedFold;
  /** Rows by task id; `key` (status and actions) changes when the row must be drawn anew. */
  private readonly rows = new Map<string, { element: HTMLLIElement; key: string }>();
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
    // Focusable from script only: where "Show tasks" and a removed row leave the focus.
    this.heading = h(
      'h2',
      { id: headingId, class: 'section-title', tabindex: -1 },
      icon('pulse'),
      h('span', null, ctx.strings['tasks.heading']),
    );
    this.clearEnded = h(
      'button',
      { type: 'button', class: 'link-button', 'data-testid': 'tasks-clear-ended', onClick: () => this.dismissEnded() },
      icon('clear-all'),
      h('span', null, ctx.strings['tasks.clearEnded']),
    );
    this.fold = new FinishedFold(ctx);
    this.element = h(
      'section',
      { class: 'pane-section tasks', 'aria-labelledby': headingId, hidden: true },
      h(
        'div',
        { class: 'section-head' },
        this.heading,
        this.badge,
        h('div', { class: 'section-tools' }, this.clearEnded),
      ),
      this.list,
      this.fold.element,
    );
  }

  render(tasks: readonly TaskRow[]): void {
    preserveFocus(
      this.element,
      () => this.draw(tasks),
      () =>
        this.list.querySelector<HTMLElement>('button:not(:disabled)') ??
        (this.element.hidden ? undefined : this.heading),
    );
  }

  /** Scrolls the list into view and puts the focus on its heading (the status line's "Show tasks"). */
  reveal(): void {
    if (this.element.hidden) return;
    this.heading.scrollIntoView({ block: 'start', behavior: scrollBehavior() });
    this.heading.focus({ preventScroll: true });
  }

  private draw(tasks: readonly TaskRow[]): void {
    this.tasks = [...tasks];
    const shown = this.tasks.filter((t) => !isEndedStatus(t.status) || !this.dismissed.has(t.id));
    const ids = new Set(shown.map((t) => t.id));
    for (const [id, row] of this.rows) {
      if (!ids.has(id)) {
        row.element.remove();
        this.rows.delete(id);
      }
    }
    // A refused row stays in view with the gateway's reason: the Studio says why nowhere else.
    const folds = (t: TaskRow) => t.status === 'landed' || t.status === 'discarded';
    const finished = shown.filter(folds);
    this.place(
      this.list,
      shown.filter((t) => !folds(t)),
    );
    this.place(this.fold.list, finished);
    this.fold.setCount(finished.length);
    const active = shown.filter((t) => !isEndedStatus(t.status)).length;
    this.badge.textContent = active > 0 ? String(active) : '';
    setHidden(this.badge, active === 0);
    setHidden(this.clearEnded, shown.length === active);
    setHidden(this.element, shown.length === 0);
  }

  /** Puts `tasks`' rows into `list` in order, drawing anew only the rows whose status or actions changed. */
  private place(list: HTMLUListElement, tasks: readonly TaskRow[]): void {
    let cursor: Element | null = list.firstElementChild;
    for (const task of tasks) {
      const existing = this.rows.get(task.id);
      const key = `${task.status}:${task.actions.join(',')}`;
      const element = existing && existing.key === key ? this.update(existing.element, task) : this.row(task);
      if (existing && existing.element !== element) {
        if (cursor === existing.element) cursor = cursor.nextElementSibling;
        existing.element.remove();
      }
      this.rows.set(task.id, { element, key });
      if (element !== cursor) list.insertBefore(element, cursor);
      cursor = element.nextElementSibling;
    }
  }

  private row(task: TaskRow): HTMLLIElement {
    const s = this.ctx.strings;
    const spinning = SPINNING.has(task.status);
    const buttons = task.actions.map((action) =>
      h(
        'button',
        {
          type: 'button',
          class: 'icon-button',
          'data-testid': `task-${action}`,
          title: s[ACTION_LABELS[action]],
          'aria-label': `${s[ACTION_LABELS[action]]}: ${task.prompt}`,
          onClick: (e: MouseEvent) => {
            (e.currentTarget as HTMLButtonElement).disabled = true;
            post({ type: 'taskAction', taskId: task.id, action });
          },
        },
        icon(ACTION_ICONS[action]),
      ),
    );
    if (isEndedStatus(task.status)) {
      buttons.push(
        h(
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
        ),
      );
    }
    const element = h(
      'li',
      {
        class: `task task--${task.status}`,
        'data-testid': 'task',
        'data-status': task.status,
        'data-id': task.id,
        'data-focus-key': task.id,
      },
      h('span', { class: 'task-icon' }, icon(STATUS_ICONS[task.status], spinning ? 'codicon-modifier-spin' : '')),
      h(
        'div',
        { class: 'task-main' },
        h('div', { class: 'task-prompt', title: task.prompt }, task.prompt),
        h(
          'div',
          { class: 'task-meta' },
          h('span', { class: 'task-model' }, task.model),
          h(
            'span',
            {
              class: 'task-status',
              role:
                task.status === 'refused' || task.status === 'blocked' || task.status === 'uncertain' ? 'alert' : null,
            },
            task.statusLine,
          ),
        ),
        PROGRESSING.has(task.status)
          ? h('progress', { class: 'task-progress', max: 100, 'aria-label': task.prompt })
          : null,
      ),
      h('div', { class: 'task-actions' }, ...buttons),
    );
    return this.update(element, task);
  }

  /** Same status: only the status line and the progress change. */
  private update(element: HTMLLIElement, task: TaskRow): HTMLLIElement {
    const status = element.querySelector('.task-status');
    if (status && status.textContent !== task.statusLine) status.textContent = task.statusLine;
    const progress = element.querySelector('progress');
    if (progress) {
      if (task.status === 'running' && task.progress !== undefined)
        progress.value = Math.max(0, Math.min(100, task.progress));
      else progress.removeAttribute('value');
      progress.setAttribute('aria-valuetext', task.statusLine);
    }
    return element;
  }

  private dismiss(id: string): void {
    this.dismissed.add(id);
    this.saveDismissed();
  }

  /** Ended rows otherwise stay until dismissed one by one (the journal keeps them a day). */
  private dismissEnded(): void {
    for (const task of this.tasks) if (isEndedStatus(task.status)) this.dismissed.add(task.id);
    this.saveDismissed();
  }

  private saveDismissed(): void {
    const known = new Set(this.tasks.map((t) => t.id));
    this.onDismiss([...this.dismissed].filter((d) => known.has(d)));
    this.render(this.tasks);
  }
}
