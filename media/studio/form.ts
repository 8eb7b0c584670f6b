/** The prompt, the model and the options the chosen model supports, with their inline errors. */
import { MODELS } from '../../src/core/models';
import type { FieldIssue } from '../../src/core/request';
import type { OptionField } from '../../src/shared/formValues';
import type { NoticeAction, StudioContext } from './context';
import { format, h, icon, isMac, setHidden, uid } from './dom';
import { countControl, countHint, syncCount } from './countField';
import { FinishFieldsView } from './finishFields';
import { OptionFields } from './optionFields';
import { PromptHistory } from './promptHistory';
import { StylePicker } from './stylePicker';
import { TargetView } from './target';

const PROMPT_MAX = 10_000;
/** The options below the references; the model's own (aspect ratio, resolution) sit with the model. */
const BASIC_OPTIONS: OptionField[] = [
  'storage_mode',
  'person_generation',
  'enhance_prompt',
  'input_compliance_check',
  'output_compliance_check',
];
const ADVANCED_OPTIONS: OptionField[] = ['tasks_priority', 'session_id', 'session_context'];

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
  readonly referencesSlot = h('div', { class: 'references-slot' });
  private readonly negative: HTMLTextAreaElement;
  readonly style: StylePicker;
  private readonly model: HTMLSelectElement;
  private readonly slots = new Map<string, Slot>();
  private readonly options: OptionFields;
  private readonly finish: FinishFieldsView;
  private readonly count: HTMLInputElement;
  private readonly history: PromptHistory;
  private readonly counter = h('span', { class: 'counter', 'aria-hidden': 'true' });
  private readonly generateButton: HTMLButtonElement;
  private readonly generateLabel: HTMLElement;
  private readonly status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  private readonly generalError: HTMLElement;
  private readonly target: TargetView;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: StudioContext) {
    const s = ctx.strings;
    this.options = new OptionFields(ctx, (name, id, label, control, extra) =>
      this.field(name, id, label, control, extra),
    );
    this.prompt = this.promptControl();
    this.history = new PromptHistory(s, this.prompt, (text) => this.setPrompt(text));
    const promptField = this.promptField();
    this.negative = this.negativeControl();
    const negativeField = this.field('negative_prompt', this.negative.id, s['form.negativePrompt'], this.negative);
    this.style = new StylePicker(ctx, () => this.sync());
    const styleField = this.field('style', this.style.select.id, s['form.style'], this.style.select, this.style.extras);
    this.model = this.modelControl();
    const modelField = this.field('model', this.model.id, s['form.model'], this.model);
    // The model's own options sit with it, above the references: they decide the image's shape.
    const modelOptions = h(
      'div',
      { class: 'option-grid option-grid--model' },
      this.options.build('aspect_ratio'),
      this.options.build('resolution'),
    );
    this.finish = new FinishFieldsView(ctx, (name, id, label, control, extra) =>
      this.field(name, id, label, control, extra),
    );
    const options = this.optionsFieldset();
    this.count = countControl(ctx);
    const countField = this.field('count', this.count.id, s['form.count'], this.count, countHint(ctx, this.count));
    this.generateLabel = h('span', null, s['form.generate']);
    this.generateButton = h(
      'button',
      { type: 'submit', class: 'button button--primary generate', 'data-testid': 'generate' },
      icon('sparkle'),
      this.generateLabel,
    );
    this.generalError = requestError();
    this.slots.set('(request)', { wrapper: this.generalError, control: this.generateButton, error: this.generalError });
    const bar = h(
      'div',
      { class: 'generate-bar' },
      this.generateButton,
      h('kbd', { class: 'kbd', 'aria-hidden': 'true' }, isMac() ? '⌘⏎' : 'Ctrl+Enter'),
      this.status,
    );
    this.target = new TargetView(ctx);
    this.slots.set('target', {
      wrapper: this.target.element,
      control: this.target.removeButton,
      error: this.target.error,
    });
    this.element = this.formElement(
      h('div', { class: 'style-group' }, styleField, promptField),
      negativeField,
      h('div', { class: 'model-group' }, modelField, modelOptions),
      this.finish.element,
      [options, countField],
      bar,
    );
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
    this.options.sync();
    this.updateCounter();
    this.options.applyModel();
    this.finish.sync();
    syncCount(this.count, form.count);
    this.style.sync();
  }

  /** The model or its options changed: what the exact size asks of the model changes with them. */
  refreshFinish(): void {
    this.finish.update();
  }

  showTarget(target: string | undefined): void {
    this.target.sync(target);
  }

  setHistory(prompts: string[]): void {
    this.history.set(prompts);
  }

  focusPrompt(): void {
    this.prompt.focus();
  }

  /** Shows each issue next to its control; `visible` decides which fields may show theirs yet. */
  showIssues(
    issues: readonly FieldIssue[],
    visible: (field: string) => boolean,
    localize: (message: string) => string,
  ): void {
    const byField = new Map<string, string[]>();
    for (const issue of issues) {
      const field = controlField(issue.field);
      if (field.startsWith('ref:') || field === 'references') continue;
      const key = this.slots.has(field) ? field : '(request)';
      const message =
        key === '(request)' && field !== '(request)'
          ? `${issue.field}: ${localize(issue.message)}`
          : localize(issue.message);
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
      ...actions.map((action) =>
        h('button', { type: 'button', class: 'link-button status-action', onClick: () => action.run() }, action.label),
      ),
    );
    this.status.classList.toggle('form-status--error', kind === 'error');
    if (fadeMs > 0) this.statusTimer = setTimeout(() => this.status.replaceChildren(), fadeMs);
  }

  // --- building --------------------------------------------------------------

  private promptControl(): HTMLTextAreaElement {
    const id = uid('prompt');
    const hintId = uid('hint');
    return h('textarea', {
      id,
      class: 'input textarea prompt',
      rows: 5,
      'data-testid': 'prompt',
      placeholder: this.ctx.strings['form.promptPlaceholder'],
      'aria-describedby': hintId,
      spellcheck: 'true',
      onInput: () => {
        this.history.typed();
        this.ctx.form.prompt = this.prompt.value;
        this.updateCounter();
        this.ctx.changed('text', 'prompt');
      },
      onKeydown: (e: KeyboardEvent) => this.history.promptKey(e),
    });
  }

  private promptField(): HTMLElement {
    const s = this.ctx.strings;
    const hintId = this.prompt.getAttribute('aria-describedby') ?? '';
    return this.field('prompt', this.prompt.id, s['form.prompt'], this.prompt, {
      extraHead: [this.counter, this.history.button],
      after: [this.history.menu],
      hint: h('p', { id: hintId, class: 'hint' }, format(s['form.promptHint'], isMac() ? '⌘Enter' : 'Ctrl+Enter')),
    });
  }

  private negativeControl(): HTMLTextAreaElement {
    const negative = h('textarea', {
      id: uid('negative'),
      class: 'input textarea',
      rows: 2,
      'data-testid': 'negative-prompt',
      placeholder: this.ctx.strings['form.negativePromptPlaceholder'],
      onInput: () => {
        this.ctx.form.negativePrompt = negative.value;
        this.ctx.changed('text', 'negative_prompt');
      },
    });
    return negative;
  }

  private modelControl(): HTMLSelectElement {
    const model = h(
      'select',
      {
        id: uid('model'),
        class: 'input select',
        'data-testid': 'model',
        onChange: () => {
          this.ctx.form.model = model.value;
          this.options.applyModel();
          this.ctx.changed('model', 'model');
        },
      },
      ...MODELS.map((m) => h('option', { value: `${m.name} ${m.version}` }, m.label)),
    );
    return model;
  }

  /** The options that do not decide the image's shape, the advanced ones folded, and Reset. */
  private optionsFieldset(): HTMLElement {
    const s = this.ctx.strings;
    const grid = h('div', { class: 'option-grid' }, ...BASIC_OPTIONS.map((f) => this.options.build(f)));
    const advanced = h(
      'details',
      { class: 'advanced' },
      h('summary', null, s['form.advanced']),
      h('div', { class: 'option-grid option-grid--wide' }, ...ADVANCED_OPTIONS.map((f) => this.options.build(f))),
    );
    const reset = h(
      'button',
      { type: 'button', class: 'link-button', onClick: () => this.ctx.resetOptions() },
      icon('discard'),
      h('span', null, s['form.resetOptions']),
    );
    return h(
      'fieldset',
      { class: 'options' },
      h('legend', { class: 'section-label' }, s['form.options']),
      h('p', { class: 'hint' }, s['hint.serviceDefault']),
      grid,
      advanced,
      h('div', { class: 'options-foot' }, reset),
    );
  }

  private formElement(
    promptField: HTMLElement,
    negativeField: HTMLElement,
    modelGroup: HTMLElement,
    finish: HTMLElement,
    lower: HTMLElement[],
    bar: HTMLElement,
  ): HTMLElement {
    const fields = [this.target.element, promptField, negativeField, modelGroup, finish, this.referencesSlot];
    return formElement(this.ctx, [...fields, ...lower, this.generalError, bar]);
  }

  private field(name: string, id: string, label: string, control: HTMLElement, extra: FieldExtras = {}): HTMLElement {
    const { wrapper, error } = labelledField(name, id, label, control, extra);
    this.slots.set(name, { wrapper, control, error });
    return wrapper;
  }

  private updateCounter(): void {
    const length = this.prompt.value.length;
    this.counter.textContent = `${length.toLocaleString(this.ctx.lang)} / ${PROMPT_MAX.toLocaleString(this.ctx.lang)}`;
    this.counter.classList.toggle('counter--over', length > PROMPT_MAX);
  }

  /** A prompt from the history, as if typed (the caret at its end). */
  private setPrompt(text: string): void {
    this.prompt.value = text;
    this.ctx.form.prompt = text;
    this.updateCounter();
    this.ctx.changed('text', 'prompt');
    this.prompt.setSelectionRange(text.length, text.length);
  }
}

interface FieldExtras {
  extraHead?: HTMLElement[];
  after?: HTMLElement[];
  hint?: HTMLElement;
}

/** A labelled control with its error line, which the control's description names. */
function labelledField(name: string, id: string, label: string, control: HTMLElement, extra: FieldExtras) {
  const errorId = uid('error');
  const error = h('p', {
    id: errorId,
    class: 'field-error',
    'data-testid': 'field-error',
    'data-field': name,
    role: 'alert',
    hidden: true,
  });
  const described = [control.getAttribute('aria-describedby'), errorId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  const wrapper = h(
    'div',
    { class: 'field', 'data-field': name },
    h(
      'div',
      { class: 'field-head' },
      h('label', { for: id, class: 'field-label', title: label }, label),
      ...(extra.extraHead ?? []),
    ),
    control,
    ...(extra.after ?? []),
    error,
    extra.hint,
  );
  return { wrapper, error };
}

/** The form: its heading, then its parts in order; submitting it generates. */
function formElement(ctx: StudioContext, parts: HTMLElement[]): HTMLElement {
  const headingId = uid('heading');
  return h(
    'form',
    {
      class: 'pane-section form',
      'aria-labelledby': headingId,
      novalidate: true,
      onSubmit: (e: Event) => {
        e.preventDefault();
        ctx.generate();
      },
    },
    h('h2', { id: headingId, class: 'section-title' }, icon('sparkle'), h('span', null, ctx.strings['form.heading'])),
    ...parts,
  );
}

/** Where a problem of the whole request (not of one field) is said, above the Generate button. */
function requestError(): HTMLElement {
  return h('p', {
    class: 'field-error',
    'data-testid': 'field-error',
    'data-field': '(request)',
    role: 'alert',
    hidden: true,
  });
}
