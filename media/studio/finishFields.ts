/**
 * The form's "Finished file" part: an exact size (width × height, or a preset), a format, a
 * transparent background (optionally trimmed to the subject), and the line saying what the model
 * will be asked for to cover that size. Checked as the user types (formValidation.ts) and again
 * on the host; the key colour is the host's choice, so the webview only says "transparent".
 */
import { OUTPUT_FORMATS, SIZE_PRESETS, requestShapeFor } from '../../src/core/finish';
import { parseModelKey } from '../../src/core/models';
import { EMPTY_FINISH, type FormFinish, finishSize } from '../../src/shared/finishFields';
import type { StringKey } from '../../src/shared/studioStrings';
import type { StudioContext } from './context';
import { format, h, setHidden, uid } from './dom';
import type { FieldBuilder } from './optionFields';

const FORMAT_LABELS: Record<(typeof OUTPUT_FORMATS)[number], string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  webp: 'WebP',
  avif: 'AVIF',
};

export class FinishFieldsView {
  readonly element: HTMLElement;
  private readonly width: HTMLInputElement;
  private readonly height: HTMLInputElement;
  private readonly preset: HTMLSelectElement;
  private readonly format: HTMLSelectElement;
  private readonly transparent: HTMLInputElement;
  private readonly trim: HTMLInputElement;
  private readonly asks = h('p', { class: 'hint', 'data-testid': 'finish-asks', 'aria-live': 'polite', hidden: true });

  constructor(
    private readonly ctx: StudioContext,
    field: FieldBuilder,
  ) {
    const s = ctx.strings;
    this.width = this.sideInput('finish-width', s['finish.width']);
    this.height = this.sideInput('finish-height', s['finish.height']);
    this.preset = this.presetSelect();
    this.format = this.formatSelect();
    this.transparent = h('input', {
      type: 'checkbox',
      id: uid('transparent'),
      'data-testid': 'finish-transparent',
      onChange: () => this.edited('finish.format'),
    });
    this.trim = h('input', {
      type: 'checkbox',
      id: uid('trim'),
      'data-testid': 'finish-trim',
      onChange: () => this.edited('finish.transparent'),
    });
    const sizeGroup = h(
      'div',
      { class: 'finish-size', role: 'group', 'aria-label': s['finish.size'] },
      this.width,
      h('span', { class: 'finish-times', 'aria-hidden': 'true' }, '×'),
      this.height,
    );
    const presetField = h(
      'div',
      { class: 'field' },
      h('label', { class: 'field-label', for: this.preset.id }, s['finish.preset']),
      this.preset,
    );
    this.element = h(
      'fieldset',
      { class: 'options finish', 'data-testid': 'finish' },
      h('legend', { class: 'section-label' }, s['finish.heading']),
      h('p', { class: 'hint' }, s['finish.hint']),
      h(
        'div',
        { class: 'option-grid' },
        field('finish.size', this.width.id, s['finish.size'], sizeGroup, { hint: this.asks }),
        presetField,
        field('finish.format', this.format.id, s['finish.format'], this.format),
      ),
      h(
        'div',
        { class: 'finish-checks' },
        this.checkbox(this.transparent, s['finish.transparent'], s['finish.transparentHint']),
        this.checkbox(this.trim, s['finish.trim']),
      ),
    );
  }

  /** Writes the form's finish fields into the controls. */
  sync(): void {
    const finish = this.fields();
    this.width.value = finish.width;
    this.height.value = finish.height;
    this.format.value = finish.format;
    this.transparent.checked = finish.transparent;
    this.trim.checked = finish.trim;
    this.update();
  }

  /** The preset that matches the size, the trim box's availability, and what will be asked of the model. */
  update(): void {
    const finish = this.fields();
    const size = finishSize(finish);
    const preset = SIZE_PRESETS.findIndex((p) => p.width === size?.width && p.height === size?.height);
    this.preset.value = preset >= 0 ? String(preset) : '';
    this.trim.disabled = !finish.transparent;
    const text = size ? this.asksText(size) : '';
    if (this.asks.textContent !== text) this.asks.textContent = text;
    setHidden(this.asks, text === '');
  }

  private asksText(size: { width: number; height: number }): string {
    const s = this.ctx.strings;
    const model = parseModelKey(this.ctx.form.model);
    if (!model) return '';
    const chosen = this.ctx.form.options;
    if (chosen.aspect_ratio || chosen.resolution) return format(s['finish.sizeWins'], size.width, size.height);
    const shape = requestShapeFor(model, size);
    if (shape.aspect_ratio && shape.resolution)
      return format(s['finish.asksAspect'], model.name, shape.aspect_ratio, shape.resolution, size.width, size.height);
    if (shape.resolution)
      return format(s['finish.asksSize'], model.name, shape.resolution.replace('x', '×'), size.width, size.height);
    return '';
  }

  private fields(): FormFinish {
    this.ctx.form.finish ??= { ...EMPTY_FINISH };
    return this.ctx.form.finish;
  }

  private edited(field: string): void {
    const finish = this.fields();
    finish.width = this.width.value;
    finish.height = this.height.value;
    finish.format = this.format.value as FormFinish['format'];
    finish.transparent = this.transparent.checked;
    finish.trim = this.transparent.checked && this.trim.checked;
    this.update();
    this.ctx.changed('options', field);
  }

  private sideInput(testId: string, label: string): HTMLInputElement {
    return h('input', {
      id: uid(testId),
      type: 'number',
      class: 'input finish-side',
      min: 1,
      step: 1,
      inputmode: 'numeric',
      'aria-label': label,
      'data-testid': testId,
      onInput: () => this.edited('finish.size'),
    });
  }

  private presetSelect(): HTMLSelectElement {
    const s = this.ctx.strings;
    const select = h(
      'select',
      {
        id: uid('preset'),
        class: 'input select',
        'data-testid': 'finish-preset',
        onChange: () => {
          const preset = SIZE_PRESETS[Number(select.value)];
          this.width.value = preset && select.value !== '' ? String(preset.width) : '';
          this.height.value = preset && select.value !== '' ? String(preset.height) : '';
          this.edited('finish.size');
        },
      },
      h('option', { value: '' }, s['finish.presetNone']),
      ...SIZE_PRESETS.map((p, index) =>
        h('option', { value: String(index) }, `${s[`preset.${p.label}` as StringKey]} (${p.width}×${p.height})`),
      ),
    );
    return select;
  }

  private formatSelect(): HTMLSelectElement {
    return h(
      'select',
      {
        id: uid('format'),
        class: 'input select',
        'data-testid': 'finish-format',
        onChange: () => this.edited('finish.format'),
      },
      h('option', { value: '' }, this.ctx.strings['finish.formatKeep']),
      ...OUTPUT_FORMATS.map((f) => h('option', { value: f }, FORMAT_LABELS[f])),
    );
  }

  private checkbox(input: HTMLInputElement, label: string, hint?: string): HTMLElement {
    const hintId = hint ? uid('hint') : undefined;
    if (hintId) input.setAttribute('aria-describedby', hintId);
    return h(
      'div',
      { class: 'check' },
      h('label', { class: 'check-label', for: input.id }, input, h('span', null, label)),
      hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    );
  }
}
