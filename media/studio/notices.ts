/** One-line messages at the bottom of the panel: a few at most, info ones fading by themselves. */
import { h, icon } from './dom';

const MAX_NOTICES = 3;
const INFO_FADE_MS = 4000;
const LEAVE_MS = 150;

export type NoticeLevel = 'info' | 'warning' | 'error';

export class Notices {
  readonly element = h('div', { class: 'notices', 'aria-live': 'polite' });

  /** `dismiss`: the localized label of each notice's close button. */
  constructor(private readonly dismiss: string) {}

  show(level: NoticeLevel, message: string): void {
    const close = () => {
      notice.classList.add('notice--leaving');
      setTimeout(() => notice.remove(), LEAVE_MS);
    };
    const notice = h(
      'div',
      {
        class: `notice notice--${level}`,
        role: level === 'info' ? 'status' : 'alert',
        'data-testid': `notice-${level}`,
      },
      icon(level === 'info' ? 'info' : level),
      h('span', { class: 'notice-text' }, message),
      h(
        'button',
        { type: 'button', class: 'icon-button', 'aria-label': this.dismiss, title: this.dismiss, onClick: close },
        icon('close'),
      ),
    );
    this.element.append(notice);
    while (this.element.children.length > MAX_NOTICES) this.element.firstElementChild?.remove();
    if (level === 'info') setTimeout(close, INFO_FADE_MS);
  }
}
