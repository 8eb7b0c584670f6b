/**
 * The request's options as form controls: a select per choice (with "Service default"), inputs
 * for priority and session. They follow the chosen model: what it ignores is said under the
 * option, not hidden, and the value is kept for another model.
 */
import {
  ASPECT_RATIOS,
  MODELS,
  PERSON_GENERATION,
  type Resolution,
  STORAGE_MODES,
  SWITCH_VALUES,
  aspectOfSize,
  isResolutionTier,
  parseModelKey,
} from '../../src/core/models';
import type { OptionField } from '../../src/shared/formValues';
import type { StringKey } from '../../src/shared/studioStrings';
import type { StudioContext } from './context';
import { format, h, setHidden, uid } from './dom';

type OptionControl = HTMLSelectElement | HTMLInputElement | HTMLTextAreaElement;

/** Wraps a control in a labelled field with its error line (FormView.field). */
export type FieldBuilder = (
  name: string,
  id: string,
  label: string,
  control: HTMLElement,
  extra?: { hint?: HTMLElement },
) => HTMLElement;

export class OptionFields {
  private readonly controls = new Map<OptionField, OptionControl>();
  /** What the chosen value of an option means (or why it is not used), under the option. */
  private readonly hints = new Map<OptionField, HTMLElement>();

  constructor(
    private readonly ctx: StudioContext,
    private readonly field: FieldBuilder,
  ) {}

  /** The labelled field of one option. */
  build(field: OptionField): HTMLElement {
    const id = uid(field);
    const label = this.ctx.strings[`option.${field}` as StringKey];
    const onInput = () => {
      this.ctx.form.options[field] = control.value;
      this.updateHints();
      this.ctx.changed('options', field);
    };
    const { control, hint } = this.control(field, id, onInput);
    control.setAttribute('data-testid', `option-${field}`);
    const wrapper = this.field(field, id, label, control, { hint });
    this.controls.set(field, control);
    return wrapper;
  }

  /** Writes the form's options into the controls (a value no choice offers is added as one). */
  sync(): void {
    const options = this.ctx.form.options;
    for (const [field, control] of this.controls) {
      const value = options[field] ?? '';
      if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === value)) {
        control.append(h('option', { value }, value));
      }
      control.value = value;
    }
  }

  /** The options follow the chosen model: its resolutions, and hints for what it ignores. */
  applyModel(): void {
    const model = parseModelKey(this.ctx.form.model);
    const resolution = this.controls.get('resolution');
    if (resolution instanceof HTMLSelectElement && model) {
      const current = resolution.value;
      const values = new Set<string>(model.resolutions);
      const existing = [...resolution.options].slice(1).map((o) => o.value);
      if (existing.length !== values.size || existing.some((v) => !values.has(v))) {
        resolution.replaceChildren(
          h('option', { value: '' }, this.ctx.strings['form.default']),
          ...this.resolutionChoices(model.resolutions),
        );
        if (current && !values.has(current)) resolution.append(h('option', { value: current }, current));
        resolution.value = current;
      }
    }
    this.updateHints();
  }

  private control(field: OptionField, id: string, onInput: () => void): { control: OptionControl; hint: HTMLElement } {
    const s = this.ctx.strings;
    const hintId = uid('hint');
    switch (field) {
      case 'tasks_priority':
        return {
          hint: h('p', { id: hintId, class: 'hint' }, s['hint.tasks_priority']),
          control: h('input', {
            id,
            type: 'number',
            class: 'input',
            step: 1,
            min: -10,
            max: 10,
            inputmode: 'numeric',
            placeholder: '0',
            'aria-describedby': hintId,
            onInput,
          }),
        };
      case 'session_id':
        return {
          hint: h('p', { id: hintId, class: 'hint' }, s['hint.session_id']),
          control: h('input', {
            id,
            type: 'text',
            class: 'input',
            autocomplete: 'off',
            spellcheck: 'false',
            'aria-describedby': hintId,
            onInput,
          }),
        };
      case 'session_context':
        return {
          hint: h('p', { id: hintId, class: 'hint' }, s['hint.session_context']),
          control: h('textarea', { id, class: 'input textarea', rows: 2, 'aria-describedby': hintId, onInput }),
        };
      default: {
        const hint = h('p', { id: hintId, class: 'hint', 'data-testid': `hint-${field}`, hidden: true });
        this.hints.set(field, hint);
        const control = h(
          'select',
          { id, class: 'input select', 'aria-describedby': hintId, onChange: onInput },
          h('option', { value: '' }, s['form.default']),
          ...this.choices(field),
        );
        return { hint, control };
      }
    }
  }

  private choices(field: OptionField): (HTMLOptionElement | HTMLOptGroupElement)[] {
    const s = this.ctx.strings;
    const labelled = (values: readonly string[]) =>
      values.map((v) => h('option', { value: v }, s[`value.${v}` as StringKey] ?? v));
    switch (field) {
      case 'aspect_ratio':
        return ASPECT_RATIOS.map((v) => h('option', { value: v }, v));
      case 'resolution':
        return this.resolutionChoices((parseModelKey(this.ctx.form.model) ?? MODELS[0]!).resolutions);
      case 'storage_mode':
        return labelled(STORAGE_MODES);
      case 'person_generation':
        return labelled(PERSON_GENERATION);
      case 'input_compliance_check':
      case 'output_compliance_check':
      case 'enhance_prompt':
        return labelled(SWITCH_VALUES);
      default:
        return [];
    }
  }

  /** Tiers (the service picks the size) apart from exact sizes, each size with its shape. */
  private resolutionChoices(resolutions: readonly Resolution[]): HTMLOptGroupElement[] {
    const s = this.ctx.strings;
    const tiers = resolutions.filter((r) => isResolutionTier(r));
    const sizes = resolutions.filter((r) => !tiers.includes(r));
    return [
      h('optgroup', { label: s['form.resolutionTiers'] }, ...tiers.map((v) => h('option', { value: v }, v))),
      h(
        'optgroup',
        { label: s['form.resolutionSizes'] },
        ...sizes.map((v) => h('option', { value: v }, `${v.replace('x', '×')} (${aspectOfSize(v) ?? '?'})`)),
      ),
    ];
  }

  /** Says what the chosen values mean: a model that ignores the aspect ratio, an exact size's shape, the storage mode. */
  private updateHints(): void {
    const s = this.ctx.strings;
    const model = parseModelKey(this.ctx.form.model);
    const set = (field: OptionField, text: string) => {
      const hint = this.hints.get(field);
      if (!hint) return;
      if (hint.textContent !== text) hint.textContent = text;
      setHidden(hint, text === '');
    };
    const aspect = this.ctx.form.options.aspect_ratio ?? '';
    const aspectUnused = !!model && !model.supportsAspectRatio;
    const aspectControl = this.controls.get('aspect_ratio');
    if (aspectControl) aspectControl.disabled = aspectUnused;
    set(
      'aspect_ratio',
      !aspectUnused
        ? ''
        : aspect
          ? format(s['hint.aspectUnusedKept'], model.label, aspect)
          : format(s['hint.aspectUnused'], model.label),
    );
    const resolution = this.ctx.form.options.resolution ?? '';
    const size = /^(\d+)x(\d+)$/.exec(resolution);
    set(
      'resolution',
      isResolutionTier(resolution)
        ? s['hint.resolutionTier']
        : size
          ? format(s['hint.resolutionExact'], size[1]!, size[2]!, aspectOfSize(resolution) ?? '?')
          : '',
    );
    const storage = this.ctx.form.options.storage_mode ?? '';
    set(
      'storage_mode',
      storage === 'Temporary' ? s['hint.storageTemporary'] : storage === 'Permanent' ? s['hint.storagePermanent'] : '',
    );
  }
}
