/**
 * The style picker: "No style" and each of the project's styles (the default chosen until the
 * user picks), what the chosen style adds, and what is wrong in the styles file. Choosing a style
 * writes its model and shape into the form, where the user sees them and may change them; the
 * host applies the rest (template, negative prompt, references) by the style's name.
 */
import type { StyleEntry, StylesMessage } from '../../src/shared/styleEntry';
import type { StudioContext } from './context';
import { h, setHidden, uid } from './dom';
import { post } from './host';

export class StylePicker {
  readonly select: HTMLSelectElement;
  /** What the chosen style adds, and the file's problems, below the select. */
  readonly details: HTMLElement;
  /** How the form places the details: after the select, inside its field. */
  readonly extras: { after: HTMLElement[] };
  private readonly adds = h('ul', { class: 'style-adds', 'data-testid': 'style-adds' });
  private readonly description = h('p', { class: 'field-hint' });
  private readonly problems = h('ul', { class: 'style-problems', 'data-testid': 'style-problems' });
  private readonly note = h('p', { class: 'field-hint', 'data-testid': 'style-note' });
  private styles: StyleEntry[] = [];

  constructor(
    private readonly ctx: StudioContext,
    /** The form's model or options were changed by a choice of style: redraw them. */
    private readonly formChanged: () => void,
  ) {
    this.select = h('select', {
      id: uid('style'),
      class: 'select',
      'data-testid': 'style-picker',
      onChange: () => this.choose(this.select.value),
    });
    const save = h(
      'button',
      {
        type: 'button',
        class: 'link-button style-save',
        'data-testid': 'style-save',
        onClick: () => post({ type: 'saveStyle', form: this.ctx.form }),
      },
      ctx.strings['style.save'],
    );
    this.details = h('div', { class: 'style-details' }, this.description, this.adds, this.problems, this.note, save);
    this.extras = { after: [this.details] };
    this.render();
  }

  /** The host's list: kept choice if it still exists, else the default for a form that never chose. */
  setStyles(message: StylesMessage): void {
    this.styles = message.styles;
    const chosen = this.ctx.form.style;
    if (chosen === undefined && message.defaultName && this.find(message.defaultName)) this.choose(message.defaultName);
    const s = this.ctx.strings;
    this.problems.replaceChildren(...message.problems.map((problem) => h('li', { class: 'field-error' }, problem)));
    setHidden(this.problems, message.problems.length === 0);
    this.note.textContent = message.restricted
      ? s['style.restricted']
      : message.styles.length === 0 && message.problems.length === 0
        ? s['style.none']
        : '';
    setHidden(this.note, this.note.textContent === '');
    this.render();
  }

  /** The form was replaced (reuse settings, a quick fix): show its style. */
  sync(): void {
    this.render();
  }

  private choose(name: string): void {
    this.ctx.form.style = name;
    const style = this.find(name);
    if (style?.model) this.ctx.form.model = style.model;
    if (style?.aspectRatio) this.ctx.form.options.aspect_ratio = style.aspectRatio;
    if (style?.resolution) this.ctx.form.options.resolution = style.resolution;
    this.formChanged();
    this.ctx.changed('model', 'style');
    this.render();
  }

  private find(name: string): StyleEntry | undefined {
    return name ? this.styles.find((style) => style.name === name) : undefined;
  }

  private render(): void {
    const s = this.ctx.strings;
    const chosen = this.ctx.form.style ?? '';
    const missing = chosen && !this.find(chosen) ? [h('option', { value: chosen }, chosen)] : [];
    this.select.replaceChildren(
      h('option', { value: '' }, s['style.noStyle']),
      ...this.styles.map((style) => h('option', { value: style.name }, style.name)),
      ...missing,
    );
    this.select.value = chosen;
    const style = this.find(chosen);
    this.description.textContent = style?.description ?? '';
    setHidden(this.description, !style?.description);
    this.adds.replaceChildren(
      ...(style?.adds ?? []).map((add) =>
        h('li', null, h('span', { class: 'style-add-label' }, `${add.label}: `), h('span', null, add.value)),
      ),
    );
    this.adds.setAttribute('aria-label', s['style.adds']);
    setHidden(this.adds, !style || style.adds.length === 0);
    // Nothing to choose: the note says why in one line and the prompt stays near the top of the panel.
    const nothingToChoose = this.styles.length === 0 && !chosen;
    setHidden(this.select, nothingToChoose);
    for (const label of this.select.labels ?? []) setHidden(label.parentElement ?? label, nothingToChoose);
  }
}
