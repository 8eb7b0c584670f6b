/**
 * The form's "Variations" count: how many images one Generate makes, each its own task. A
 * number input so arrow keys step it; what cannot be used (2.5, 9) is kept and named by the
 * form's validation rather than silently corrected, so the user sees what will be billed.
 */
import { MAX_VARIATIONS } from '../../src/shared/batch';
import type { StudioContext } from './context';
import { h, uid } from './dom';

/** The line under the field saying each image is billed, tied to the control for screen readers. */
export function countHint(ctx: StudioContext, input: HTMLInputElement): { hint: HTMLElement } {
  const id = uid('count-hint');
  input.setAttribute('aria-describedby', id);
  return { hint: h('p', { id, class: 'hint' }, ctx.strings['form.countHint']) };
}

export function countControl(ctx: StudioContext): HTMLInputElement {
  const input = h('input', {
    id: uid('count'),
    class: 'input input--count',
    type: 'number',
    inputmode: 'numeric',
    min: '1',
    max: String(MAX_VARIATIONS),
    step: '1',
    value: '1',
    'data-testid': 'count',
    onInput: () => {
      const typed = input.value.trim();
      if (typed === '' || typed === '1') delete ctx.form.count;
      else ctx.form.count = Number(typed);
      ctx.changed('text', 'count');
    },
  });
  return input;
}

/** Writes the form's count into the control: absent is one image. */
export function syncCount(input: HTMLInputElement, count: number | undefined): void {
  input.value = String(count ?? 1);
}
