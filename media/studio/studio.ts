/**
 * The Studio panel, built from the host's `init` (strings, defaults, tasks, results): it puts the
 * parts together (form, references, picker, tasks, gallery), hands each host message to the part
 * it is for, and is the context the parts share. What each job needs lives in its own module:
 * requests (pendingRequests), persistence (persistedState), Generate (generateFlow), errors
 * (formValidation), attaching (referenceIntake), drops, pastes, the focus, notices.
 */
import type { MessageTable } from '../../src/shared/coreMessages';
import type { FormValues, ReferenceEntry } from '../../src/shared/formValues';
import type { HostMessage } from '../../src/shared/hostMessages';
import { RECROP_REQUEST } from '../../src/shared/studioRequests';
import type { StudioStrings } from '../../src/shared/studioStrings';
import type { StudioContext } from './context';
import { format, h, icon } from './dom';
import { EstimateView } from './estimate';
import { FormView } from './form';
import { FormValidation } from './formValidation';
import { GalleryView } from './gallery';
import { GenerateFlow } from './generateFlow';
import { post } from './host';
import { listenForDrops } from './listenForDrops';
import { listenForPaste } from './listenForPaste';
import { type NoticeLevel, Notices } from './notices';
import { PendingRequests } from './pendingRequests';
import { PersistedState, clone, flushState } from './persistedState';
import { PickerView } from './picker';
import { ReferenceIntake } from './referenceIntake';
import { ReferencesView } from './references';
import { rememberFocus } from './rememberFocus';
import { TasksView } from './tasks';

export type InitMessage = Extract<HostMessage, { type: 'init' }>;

export class Studio implements StudioContext {
  readonly strings: StudioStrings;
  readonly lang: string;
  readonly table: MessageTable;
  private readonly defaults: FormValues;
  private readonly state: PersistedState;
  private readonly requests = new PendingRequests(post);
  private readonly listeners = new AbortController();
  private readonly notices: Notices;
  private readonly formView: FormView;
  private readonly estimateView: EstimateView;
  private readonly refsView: ReferencesView;
  private readonly pickerView: PickerView;
  private readonly tasksView: TasksView;
  private readonly galleryView: GalleryView;
  private readonly intake: ReferenceIntake;
  private readonly validation: FormValidation;
  private readonly generation: GenerateFlow;
  private reportedPaths = '';

  constructor(
    init: InitMessage,
    private readonly root: HTMLElement,
  ) {
    this.strings = init.strings as StudioStrings;
    this.lang = init.lang;
    this.table = init.messages;
    this.defaults = init.defaults;
    this.state = new PersistedState(init.defaults);
    document.documentElement.lang = init.lang;
    this.notices = new Notices(this.strings['tasks.dismiss']);
    this.formView = new FormView(this);
    this.estimateView = new EstimateView(this);
    this.refsView = new ReferencesView(this);
    this.pickerView = new PickerView(this, init.hasWorkspace, this.state.picker, (picker) =>
      this.state.update({ picker }),
    );
    this.tasksView = new TasksView(this, this.state.dismissed, (dismissed) => this.state.update({ dismissed }));
    this.galleryView = new GalleryView(
      this,
      this.state.galleryFilter,
      (galleryFilter) => this.state.update({ galleryFilter }),
      (item, crop) => this.requests.request(RECROP_REQUEST, { item, crop }).answer,
    );
    this.intake = this.createIntake();
    this.validation = this.createValidation();
    this.generation = this.createGenerateFlow();
    this.mount(init);
    this.listen();
    post({ type: 'listImages' });
    const restored = this.form.references.flatMap((r) => (r.kind === 'file' ? [r.uri] : []));
    if (restored.length > 0) this.intake.inspect(restored, 'refresh');
    this.reportReferences();
    this.formView.focusPrompt();
  }

  get form(): FormValues {
    return this.state.form;
  }

  dispose(): void {
    this.requests.dispose();
    this.listeners.abort();
    this.galleryView.dispose();
  }

  receive(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        return;
      case 'images':
        this.pickerView.setImages(message.folders, message.truncated);
        return;
      case 'reply':
      case 'requestFailed':
        this.requests.complete(message);
        return;
      case 'attach':
        this.intake.attach(message.items, { fromHost: true });
        this.formView.focusPrompt();
        return;
      case 'fillForm':
        this.fill(message.form, message.focus);
        return;
      case 'generateDone':
        this.generation.done(message);
        return;
      case 'tasks':
        this.tasksView.render(message.tasks);
        return;
      case 'gallery':
        this.galleryView.setItems(message.items, message.total, message.highlight);
        this.generation.listed(message.items);
        return;
      case 'history':
        this.formView.setHistory(message.prompts);
        return;
      case 'focusPrompt':
        this.formView.focusPrompt();
        return;
      case 'notice':
        this.notify(message.level, message.message);
        return;
      case 'spending':
        this.estimateView.set(message);
        return;
      case 'styles':
        this.formView.style.setStyles(message);
        return;
      default: {
        const unexpected: never = message;
        console.warn('[studio] unhandled message', unexpected);
      }
    }
  }

  // --- StudioContext -------------------------------------------------------------

  changed(part: 'text' | 'model' | 'options' | 'references' | 'referenceText', field?: string): void {
    this.validation.edited(field);
    this.estimateView.render();
    if (part === 'model' || part === 'options') this.formView.refreshFinish();
    if (part === 'model' || part === 'references') this.refsView.render();
    if (part === 'references') {
      this.pickerView.refreshSelection();
      this.reportReferences();
    }
    this.validation.check();
    this.state.save();
  }

  attach(entries: ReferenceEntry[], options: { inspect?: boolean } = {}): void {
    this.intake.attach(entries, options);
  }

  detach(uri: string): void {
    this.intake.detach(uri);
  }

  isAttached(uri: string): boolean {
    return this.intake.isAttached(uri);
  }

  isChecking(uri: string): boolean {
    return this.intake.isChecking(uri);
  }

  notify(level: NoticeLevel, message: string): void {
    this.notices.show(level, message);
  }

  generate(): void {
    this.generation.generate();
  }

  resetOptions(): void {
    this.form.options = clone(this.defaults.options);
    this.formView.sync();
    this.changed('options');
  }

  removeTarget(): void {
    this.clearTarget();
    // The button is gone with the target; the prompt is where the user goes on.
    this.formView.focusPrompt();
  }

  // --- building ------------------------------------------------------------------

  private createIntake(): ReferenceIntake {
    return new ReferenceIntake({
      strings: this.strings,
      requests: this.requests,
      form: () => this.form,
      changed: (field) => this.changed('references', field),
      render: () => this.refsView.render(),
      notify: (level, message) => this.notify(level, message),
    });
  }

  private createValidation(): FormValidation {
    return new FormValidation({
      form: () => this.form,
      table: this.table,
      fixFields: this.strings['form.fixFields'],
      formView: this.formView,
      refsView: this.refsView,
      root: this.root,
    });
  }

  private createGenerateFlow(): GenerateFlow {
    return new GenerateFlow({
      strings: this.strings,
      requests: this.requests,
      form: () => this.form,
      formView: this.formView,
      validation: this.validation,
      revealTasks: () => this.tasksView.reveal(),
      revealResult: (file) => this.galleryView.reveal(file),
      clearTarget: () => this.clearTarget(),
    });
  }

  /** Replaces the loading placeholder with the panel and draws what `init` brought. */
  private mount(init: InitMessage): void {
    const root = this.root;
    this.formView.referencesSlot.append(this.refsView.element);
    this.formView.element.querySelector('.generate-bar .generate')?.after(this.estimateView.element);
    this.refsView.pickerSlot.append(this.pickerView.element);
    root.setAttribute('aria-label', this.strings['studio.title']);
    root.replaceChildren(
      h('h1', { class: 'visually-hidden' }, this.strings['studio.title']),
      h('div', { class: 'column column--form' }, this.formView.element),
      h('div', { class: 'column column--results' }, this.tasksView.element, this.galleryView.element),
      this.notices.element,
      h(
        'div',
        { class: 'drop-overlay', 'aria-hidden': 'true' },
        h('div', { class: 'drop-overlay-label' }, icon('cloud-upload'), h('span', null, this.strings['refs.dropHere'])),
      ),
    );
    root.classList.remove('studio--loading');
    root.removeAttribute('aria-busy');
    this.formView.sync();
    this.formView.setHistory(init.history);
    this.refsView.render();
    this.tasksView.render(init.tasks);
    this.galleryView.setItems(init.gallery, init.galleryTotal);
    this.validation.check();
  }

  // --- the form as the host knows it ----------------------------------------------

  private fill(form: FormValues, focus?: 'generate'): void {
    this.state.form = clone(form);
    this.validation.reset();
    this.formView.sync();
    this.estimateView.render();
    this.refsView.render();
    this.pickerView.refreshSelection();
    this.validation.check();
    this.state.save();
    this.reportReferences();
    this.reportShown();
    this.formView.element.scrollIntoView({ block: 'start' });
    // More Like This leaves nothing to type: the next step is to read the form and press Generate.
    const generate =
      focus === 'generate' && this.formView.element.querySelector<HTMLElement>('[data-testid="generate"]');
    if (generate) generate.focus();
    else this.formView.focusPrompt();
  }

  /** The host's view of the attached local files (also what the integration test reads). */
  private reportReferences(): void {
    const paths = this.form.references.flatMap((r) => (r.kind === 'file' && r.path ? [r.path] : []));
    const joined = paths.join('\n');
    if (joined === this.reportedPaths) return;
    this.reportedPaths = joined;
    post({ type: 'references', paths });
  }

  private clearTarget(): void {
    delete this.form.target;
    this.formView.showTarget(undefined);
    this.changed('text', 'target');
    this.reportShown();
  }

  /** What the host filled in, as the form now shows it (the host learns a removed target the same way). */
  private reportShown(): void {
    post({ type: 'formShown', prompt: this.form.prompt, ...(this.form.target ? { target: this.form.target } : {}) });
  }

  // --- the page ----------------------------------------------------------------------

  private listen(): void {
    const signal = this.listeners.signal;
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
          e.preventDefault();
          this.generate();
        }
      },
      { signal },
    );
    listenForDrops(this.root, signal, {
      dropped: (uris) => this.intake.addUris(uris),
      refused: (names) => this.notify('warning', format(this.strings['refs.rejected'], names.join(', '))),
    });
    listenForPaste(signal, (uris) => this.intake.addUris(uris));
    rememberFocus(this.root, signal, () => this.formView.prompt);
    window.addEventListener('pagehide', flushState, { signal });
  }
}
