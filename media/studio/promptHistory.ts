/** Earlier prompts: a menu beside the prompt, and Alt+↑/↓ in it (the user's own text comes back after the last). */
import type { StudioStrings } from '../../src/shared/studioStrings';
import { h, icon, uid } from './dom';

const MENU_ITEMS = 20;

export class PromptHistory {
  readonly button: HTMLButtonElement;
  readonly menu: HTMLElement;
  private prompts: string[] = [];
  /** -1: the user's own text; otherwise an index into the prompts. */
  private index = -1;
  private draft = '';

  /** `apply` puts a prompt into the form as if typed. */
  constructor(
    private readonly strings: StudioStrings,
    private readonly prompt: HTMLTextAreaElement,
    private readonly apply: (text: string) => void,
  ) {
    const menuId = uid('history');
    this.button = h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        title: strings['form.history'],
        'aria-label': strings['form.history'],
        'aria-haspopup': 'menu',
        'aria-expanded': 'false',
        'aria-controls': menuId,
        onClick: () => this.toggle(),
      },
      icon('history'),
    );
    this.menu = h('div', {
      id: menuId,
      class: 'history-menu',
      role: 'menu',
      'aria-label': strings['form.history'],
      hidden: true,
      onKeydown: (e: KeyboardEvent) => this.menuKey(e),
    });
    document.addEventListener('click', (e) => {
      if (!this.menu.hidden && !this.menu.contains(e.target as Node) && !this.button.contains(e.target as Node))
        this.close(false);
    });
  }

  set(prompts: string[]): void {
    this.prompts = prompts;
    this.button.disabled = false;
  }

  /** The user typed: Alt+↑ starts again from their own text. */
  typed(): void {
    this.index = -1;
  }

  /** Alt+↑/↓ in the prompt. */
  promptKey(e: KeyboardEvent): void {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || this.prompts.length === 0) return;
    e.preventDefault();
    if (this.index === -1) this.draft = this.prompt.value;
    const next = e.key === 'ArrowUp' ? Math.min(this.prompts.length - 1, this.index + 1) : this.index - 1;
    this.index = Math.max(-1, next);
    this.apply(this.index === -1 ? this.draft : this.prompts[this.index]!);
  }

  private toggle(): void {
    if (this.menu.hidden) this.open();
    else this.close(true);
  }

  private open(): void {
    const items = this.prompts.slice(0, MENU_ITEMS).map((prompt) =>
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          class: 'history-item',
          tabindex: -1,
          title: prompt,
          onClick: () => {
            this.index = -1;
            this.apply(prompt);
            this.close(true);
          },
        },
        prompt,
      ),
    );
    this.menu.replaceChildren(
      ...(items.length > 0 ? items : [h('p', { class: 'history-empty' }, this.strings['form.historyEmpty'])]),
    );
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    (items[0] ?? this.menu).focus();
  }

  private close(returnFocus: boolean): void {
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (returnFocus) this.prompt.focus();
  }

  private menuKey(e: KeyboardEvent): void {
    const items = [...this.menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const index = items.indexOf(document.activeElement as HTMLElement);
    let next = -1;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close(true);
      return;
    }
    if (e.key === 'ArrowDown') next = Math.min(items.length - 1, index + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, index - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    else if (e.key === 'Tab') this.close(false);
    if (next >= 0) {
      e.preventDefault();
      items[next]?.focus();
    }
  }
}
