/** The prompt, the model and the options the chosen model supports, with their inline errors. */
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
import type { FieldIssue } from '../../src/core/request';
import type { OptionField } from '../../src/shared/formValues';
import type { StringKey } from '../../src/shared/studioStrings';
import type { NoticeAction, StudioContext } from './context';
import { format, h, icon, isMac, setHidden, uid } from './dom';
import { TargetView } from './target';

const PROMPT_MAX = 10_000;

type OptionControl = HTMLSelectElement | HTMLInputElement | HTMLTextAreaElement;

interface Slot {
  wrapper: HTMLElement;
  control: HTMLElement;
  error: HTMLElement;
}

/** Where an issue of the request schema is shown: the control's field name. */
export function controlField(issueField: string): string {
  if (issueField === 'model_name' || issueField === 'model_version') return 'model';
  if (issueField.startsWith('output_config.')) return issueField.slice('output_config.'.length);
  const reference = /^file_infos\[(\d+)\]/.exec(issueField);
  if (reference) return `ref:${reference[1]}`;
  if (issueField === 'file_infos') return 'references';
  if (issueField === 'negative_prompt') return 'negative_prompt';
  return issueField;
}

export class FormView {
  readonly element: HTMLElement;
  readonly prompt: HTMLTextAreaElement;
  /** Where the references part is placed (after the model and its options, before the other options). */
  readonly referencesSlot: HTMLElement;
  private readonly negative: HTMLTextAreaElement;
  private readonly model: HTMLSelectElement;
  private readonly options = new Map<OptionField, OptionControl>();
  private readonly slots = new Map<string, Slot>();
  /** What the chosen value of an option means (or why it is not used), under the option. */
  private readonly hints = new Map<OptionField, HTMLElement>();
  private readonly counter: HTMLElement;
  private readonly generateButton: HTMLButtonElement;
  private readonly generateLabel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly generalError: HTMLElement;
  private readonly historyButton: HTMLButtonElement;
  private readonly historyMenu: HTMLElement;
  private readonly target: TargetView;
  private history: string[] = [];
  /** -1: the user's own text; otherwise an index into history. */
  private historyIndex = -1;
  private draft = '';
  private statusTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: StudioContext) {
    const s = ctx.strings;
    const promptId = uid('prompt');
    const promptHintId = uid('hint');
    const menuId = uid('history');

    this.prompt = h('textarea', {
      id: promptId,
      class: 'input textarea prompt',
      rows: 5,
      'data-testid': 'prompt',
      placeholder: s['form.promptPlaceholder'],
      'aria-describedby': promptHintId,
      spellcheck: 'true',
      onInput: () => {
        this.historyIndex = -1;
        this.ctx.form.prompt = this.prompt.value;
        this.updateCounter();
        this.ctx.changed('text', 'prompt');
      },
      onKeydown: (e: KeyboardEvent) => this.promptKey(e),
    });
    this.counter = h('span', { class: 'counter', 'aria-hidden': 'true' });
    this.historyButton = h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        title: s['form.history'],
        'aria-label': s['form.history'],
        'aria-haspopup': 'menu',
        'aria-expanded': 'false',
        'aria-controls': menuId,
        onClick: () => this.toggleHistory(),
      },
      icon('history'),
    );
    this.historyMenu = h('div', { id: menuId, class: 'history-menu', role: 'menu', 'aria-label': s['form.history'], hidden: true, onKeydown: (e: KeyboardEvent) => this.historyKey(e) });
    const promptField = this.field('prompt', promptId, s['form.prompt'], this.prompt, {
      extraHead: [this.counter, this.historyButton],
      after: [this.historyMenu],
      hint: h('p', { id: promptHintId, class: 'hint' }, format(s['form.promptHint'], isMac() ? '⌘Enter' : 'Ctrl+Enter')),
    });

    const negativeId = uid('negative');
    this.negative = h('textarea', {
      id: negativeId,
      class: 'input textarea',
      rows: 2,
      'data-testid': 'negative-prompt',
      placeholder: s['form.negativePromptPlaceholder'],
      onInput: () => {
        this.ctx.form.negativePrompt = this.negative.value;
        this.ctx.changed('text', 'negative_prompt');
      },
    });
    const negativeField = this.field('negative_prompt', negativeId, s['form.negativePrompt'], this.negative);

    const modelId = uid('model');
    this.model = h(
      'select',
      {
        id: modelId,
        class: 'input select',
        'data-testid': 'model',
        onChange: () => {
          this.ctx.form.model = this.model.value;
          this.applyModel();
          this.ctx.changed('model', 'model');
        },
      },
      ...MODELS.map((m) => h('option', { value: `${m.name} ${m.version}` }, m.label)),
    );
    const modelField = this.field('model', modelId, s['form.model'], this.model);

    // The model's own options sit with it, above the references: they decide the image's shape.
    const modelOptions = h('div', { class: 'option-grid option-grid--model' }, this.optionField('aspect_ratio'), this.optionField('resolution'));
    const basic: OptionField[] = ['storage_mode', 'person_generation', 'enhance_prompt', 'input_compliance_check', 'output_compliance_check'];
    const grid = h('div', { class: 'option-grid' }, ...basic.map((f) => this.optionField(f)));
    const advanced = h(
      'details',
      { class: 'advanced' },
      h('summary', null, s['form.advanced']),
      h('div', { class: 'option-grid option-grid--wide' }, this.optionField('tasks_priority'), this.optionField('session_id'), this.optionField('session_context')),
    );
    const reset = h(
      'button',
      { type: 'button', class: 'link-button', onClick: () => this.ctx.resetOptions() },
      icon('discard'),
      h('span', null, s['form.resetOptions']),
    );
    const options = h(
      'fieldset',
      { class: 'options' },
      h('legend', { class: 'section-label' }, s['form.options']),
      h('p', { class: 'hint' }, s['hint.serviceDefault']),
      grid,
      advanced,
      h('div', { class: 'options-foot' }, reset),
    );

    this.referencesSlot = h('div', { class: 'references-slot' });

    this.generateLabel = h('span', null, s['form.generate']);
    this.generateButton = h(
      'button',
      { type: 'submit', class: 'button button--primary generate', 'data-testid': 'generate' },
      icon('sparkle'),
      this.generateLabel,
    );
    this.status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
    this.generalError = h('p', { class: 'field-error', 'data-testid': 'field-error', 'data-field': '(request)', role: 'alert', hidden: true });
    this.slots.set('(request)', { wrapper: this.generalError, control: this.generateButton, error: this.generalError });
    const bar = h(
      'div',
      { class: 'generate-bar' },
      this.generateButton,
      h('kbd', { class: 'kbd', 'aria-hidden': 'true' }, isMac() ? '⌘⏎' : 'Ctrl+Enter'),
      this.status,
    );

    this.target = new TargetView(ctx);
    this.slots.set('target', { wrapper: this.target.element, control: this.target.removeButton, error: this.target.error });

    const headingId = uid('heading');
    this.element = h(
      'form',
      {
        class: 'pane-section form',
        'aria-labelledby': headingId,
        novalidate: true,
        onSubmit: (e: Event) => {
          e.preventDefault();
          this.ctx.generate();
        },
      },
      h('h2', { id: headingId, class: 'section-title' }, icon('sparkle'), h('span', null, s['form.heading'])),
      this.target.element,
      promptField,
      negativeField,
      h('div', { class: 'model-group' }, modelField, modelOptions),
      this.referencesSlot,
      options,
      this.generalError,
      bar,
    );
    document.addEventListener('click', (e) => {
      if (!this.historyMenu.hidden && !this.historyMenu.contains(e.target as Node) && !this.historyButton.contains(e.target as Node)) this.closeHistory(false);
    });
  }

  /** Writes the form's values into the controls (after init, reuse settings, reset). */
  sync(): void {
    const form = this.ctx.form;
    this.prompt.value = form.prompt;
    this.negative.value = form.negativePrompt;
    this.target.sync(form.target);
    if (![...this.model.options].some((o) => o.value === form.model)) {
      this.model.append(h('option', { value: form.model }, form.model));
    }
    this.model.value = form.model;
    for (const [field, control] of this.options) {
      const value = form.options[field] ?? '';
      if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === value)) {
        control.append(h('option', { value }, value));
      }
      control.value = value;
    }
    this.updateCounter();
    this.applyModel();
  }

  showTarget(target: string | undefined): void {
    this.target.sync(target);
  }

  setHistory(prompts: string[]): void {
    this.history = prompts;
    this.historyButton.disabled = false;
  }

  focusPrompt(): void {
    this.prompt.focus();
  }

  /** Shows each issue next to its control; `visible` decides which fields may show theirs yet. */
  showIssues(issues: readonly FieldIssue[], visible: (field: string) => boolean, localize: (message: string) => string): void {
    const byField = new Map<string, string[]>();
    for (const issue of issues) {
      const field = controlField(issue.field);
      if (field.startsWith('ref:') || field === 'references') continue;
      const key = this.slots.has(field) ? field : '(request)';
      const message = key === '(request)' && field !== '(request)' ? `${issue.field}: ${localize(issue.message)}` : localize(issue.message);
      byField.set(key, [...(byField.get(key) ?? []), message]);
    }
    for (const [field, slot] of this.slots) {
      const messages = visible(field) ? (byField.get(field) ?? []) : [];
      const text = [...new Set(messages)].join(' ');
      if (slot.error.textContent !== text) slot.error.textContent = text;
      setHidden(slot.error, text === '');
      slot.wrapper.classList.toggle('field--invalid', text !== '');
      // Buttons (Generate, the target's Remove) take no aria-invalid: their field's error names them.
      if (!(slot.control instanceof HTMLButtonElement)) slot.control.setAttribute('aria-invalid', String(text !== ''));
    }
  }

  /** The first control showing an error, to move the focus to. */
  firstInvalid(): HTMLElement | undefined {
    for (const slot of this.slots.values()) {
      if (!slot.error.hidden && slot.control !== this.generateButton) return slot.control;
    }
    return undefined;
  }

  /** Not `disabled` while starting: a disabled button drops the keyboard focus to the page. */
  setBusy(busy: boolean): void {
    this.generateButton.setAttribute('aria-disabled', String(busy));
    this.generateButton.setAttribute('aria-busy', String(busy));
    this.generateLabel.textContent = busy ? this.ctx.strings['form.generating'] : this.ctx.strings['form.generate'];
  }

  /** The line next to the button; `actions` become links after it (set up the key, show the log). */
  setStatus(text: string, kind: 'info' | 'error' = 'info', fadeMs = 0, actions: NoticeAction[] = []): void {
    clearTimeout(this.statusTimer);
    this.status.replaceChildren(
      text,
      ...actions.map((action) => h('button', { type: 'button', class: 'link-button status-action', onClick: () => action.run() }, action.label)),
    );
    this.status.classList.toggle('form-status--error', kind === 'error');
    if (fadeMs > 0) this.statusTimer = setTimeout(() => this.status.replaceChildren(), fadeMs);
  }

  // --- building --------------------------------------------------------------

  private field(
    name: string,
    id: string,
    label: string,
    control: HTMLElement,
    extra: { extraHead?: HTMLElement[]; after?: HTMLElement[]; hint?: HTMLElement } = {},
  ): HTMLElement {
    const errorId = uid('error');
    const error = h('p', { id: errorId, class: 'field-error', 'data-testid': 'field-error', 'data-field': name, role: 'alert', hidden: true });
    const described = [control.getAttribute('aria-describedby'), errorId].filter(Boolean).join(' ');
    control.setAttribute('aria-describedby', described);
    const wrapper = h(
      'div',
      { class: 'field', 'data-field': name },
      h('div', { class: 'field-head' }, h('label', { for: id, class: 'field-label', title: label }, label), ...(extra.extraHead ?? [])),
      control,
      ...(extra.after ?? []),
      error,
      extra.hint,
    );
    this.slots.set(name, { wrapper, control, error });
    return wrapper;
  }

  private optionField(field: OptionField): HTMLElement {
    const s = this.ctx.strings;
    const id = uid(field);
    const label = s[`option.${field}` as StringKey];
    const onInput = () => {
      this.ctx.form.options[field] = control.value;
      this.updateHints();
      this.ctx.changed('options', field);
    };
    let control: OptionControl;
    let hint: HTMLElement | undefined;
    if (field === 'tasks_priority') {
      const hintId = uid('hint');
      hint = h('p', { id: hintId, class: 'hint' }, s['hint.tasks_priority']);
      control = h('input', { id, type: 'number', class: 'input', step: 1, min: -10, max: 10, inputmode: 'numeric', placeholder: '0', 'aria-describedby': hintId, onInput });
    } else if (field === 'session_id') {
      const hintId = uid('hint');
      hint = h('p', { id: hintId, class: 'hint' }, s['hint.session_id']);
      control = h('input', { id, type: 'text', class: 'input', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': hintId, onInput });
    } else if (field === 'session_context') {
      const hintId = uid('hint');
      hint = h('p', { id: hintId, class: 'hint' }, s['hint.session_context']);
      control = h('textarea', { id, class: 'input textarea', rows: 2, 'aria-describedby': hintId, onInput });
    } else {
      const hintId = uid('hint');
      hint = h('p', { id: hintId, class: 'hint', 'data-testid': `hint-${field}`, hidden: true });
      this.hints.set(field, hint);
      control = h('select', { id, class: 'input select', 'aria-describedby': hintId, onChange: onInput }, h('option', { value: '' }, s['form.default']), ...this.choices(field));
    }
    control.setAttribute('data-testid', `option-${field}`);
    const wrapper = this.field(field, id, label, control, { hint });
    this.options.set(field, control);
    return wrapper;
  }

  private choices(field: OptionField): (HTMLOptionElement | HTMLOptGroupElement)[] {
    const s = this.ctx.strings;
    const labelled = (values: readonly string[]) => values.map((v) => h('option', { value: v }, s[`value.${v}` as StringKey] ?? v));
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
      h('optgroup', { label: s['form.resolutionSizes'] }, ...sizes.map((v) => h('option', { value: v }, `${v.replace('x', '×')} (${aspectOfSize(v) ?? '?'})`))),
    ];
  }

  /** The options follow the chosen model: what it ignores is said, not hidden (the value is kept for another model). */
  private applyModel(): void {
    const model = parseModelKey(this.ctx.form.model);
    const resolution = this.options.get('resolution');
    if (resolution instanceof HTMLSelectElement && model) {
      const current = resolution.value;
      const values = new Set<string>(model.resolutions);
      const existing = [...resolution.options].slice(1).map((o) => o.value);
      if (existing.length !== values.size || existing.some((v) => !values.has(v))) {
        resolution.replaceChildren(h('option', { value: '' }, this.ctx.strings['form.default']), ...this.resolutionChoices(model.resolutions));
        if (current && !values.has(current)) resolution.append(h('option', { value: current }, current));
        resolution.value = current;
      }
    }
    this.updateHints();
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
    const aspectControl = this.options.get('aspect_ratio');
    if (aspectControl) aspectControl.disabled = aspectUnused;
    set('aspect_ratio', !aspectUnused ? '' : aspect ? format(s['hint.aspectUnusedKept'], model.label, aspect) : format(s['hint.aspectUnused'], model.label));
    const resolution = this.ctx.form.options.resolution ?? '';
    const size = /^(\d+)x(\d+)$/.exec(resolution);
    set(
      'resolution',
      isResolutionTier(resolution) ? s['hint.resolutionTier'] : size ? format(s['hint.resolutionExact'], size[1]!, size[2]!, aspectOfSize(resolution) ?? '?') : '',
    );
    const storage = this.ctx.form.options.storage_mode ?? '';
    set('storage_mode', storage === 'Temporary' ? s['hint.storageTemporary'] : storage === 'Permanent' ? s['hint.storagePermanent'] : '');
  }

  private updateCounter(): void {
    const length = this.prompt.value.length;
    this.counter.textContent = `${length.toLocaleString(this.ctx.lang)} / ${PROMPT_MAX.toLocaleString(this.ctx.lang)}`;
    this.counter.classList.toggle('counter--over', length > PROMPT_MAX);
  }

  // --- history ---------------------------------------------------------------

  private promptKey(e: KeyboardEvent): void {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || this.history.length === 0) return;
    e.preventDefault();
    if (this.historyIndex === -1) this.draft = this.prompt.value;
    const next = e.key === 'ArrowUp' ? Math.min(this.history.length - 1, this.historyIndex + 1) : this.historyIndex - 1;
    this.historyIndex = Math.max(-1, next);
    this.setPrompt(this.historyIndex === -1 ? this.draft : this.history[this.historyIndex]!, false);
  }

  private setPrompt(text: string, resetHistory = true): void {
    if (resetHistory) this.historyIndex = -1;
    this.prompt.value = text;
    this.ctx.form.prompt = text;
    this.updateCounter();
    this.ctx.changed('text', 'prompt');
    this.prompt.setSelectionRange(text.length, text.length);
  }

  private toggleHistory(): void {
    if (this.historyMenu.hidden) this.openHistory();
    else this.closeHistory(true);
  }

  private openHistory(): void {
    const items = this.history.slice(0, 20).map((prompt) =>
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          class: 'history-item',
          tabindex: -1,
          title: prompt,
          onClick: () => {
            this.setPrompt(prompt);
            this.closeHistory(true);
          },
        },
        prompt,
      ),
    );
    this.historyMenu.replaceChildren(...(items.length > 0 ? items : [h('p', { class: 'history-empty' }, this.ctx.strings['form.historyEmpty'])]));
    this.historyMenu.hidden = false;
    this.historyButton.setAttribute('aria-expanded', 'true');
    (items[0] ?? this.historyMenu).focus();
  }

  private closeHistory(returnFocus: boolean): void {
    this.historyMenu.hidden = true;
    this.historyButton.setAttribute('aria-expanded', 'false');
    if (returnFocus) this.prompt.focus();
  }

  private historyKey(e: KeyboardEvent): void {
    const items = [...this.historyMenu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const index = items.indexOf(document.activeElement as HTMLElement);
    let next = -1;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.closeHistory(true);
      return;
    }
    if (e.key === 'ArrowDown') next = Math.min(items.length - 1, index + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, index - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    else if (e.key === 'Tab') this.closeHistory(false);
    if (next >= 0) {
      e.preventDefault();
      items[next]?.focus();
    }
  }
}
