/**
 * The fixed file a quick fix asked for ("Saves to assets/hero.png"): shown at the top of the
 * form while the form has one, and removable, after which the image goes to the output folder.
 */
import type { StudioContext } from './context';
import { h, icon, setHidden, uid } from './dom';

export class TargetView {
  readonly element: HTMLElement;
  /** Where the host's refusal of the target is shown (a file that exists now, a path outside the workspace). */
  readonly error: HTMLElement;
  readonly removeButton: HTMLButtonElement;
  private readonly text: HTMLElement;

  constructor(private readonly ctx: StudioContext) {
    const s = ctx.strings;
    const textId = uid('target');
    const errorId = uid('error');
    this.text = h('span', { id: textId, class: 'target-text' });
    this.removeButton = h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'data-testid': 'target-remove',
        title: s['form.targetRemove'],
        'aria-label': s['form.targetRemove'],
        'aria-describedby': `${textId} ${errorId}`,
        onClick: () => this.ctx.removeTarget(),
      },
      icon('close'),
    );
    this.error = h('p', {
      id: errorId,
      class: 'field-error',
      'data-testid': 'field-error',
      'data-field': 'target',
      role: 'alert',
      hidden: true,
    });
    this.element = h(
      'div',
      { class: 'field target', 'data-field': 'target', 'data-testid': 'target', hidden: true },
      h('div', { class: 'target-line' }, icon('file-media'), this.text, this.removeButton),
      this.error,
    );
  }

  sync(target: string | undefined): void {
    setHidden(this.element, target === undefined);
    // The path stands apart from the sentence, so a long one wraps without breaking the words around it.
    const [before = '', after = ''] = this.ctx.strings['form.target'].split('{0}');
    this.text.replaceChildren(before, h('code', { class: 'target-path' }, target ?? ''), after);
  }
}
