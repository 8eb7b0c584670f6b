/**
 * The Studio webview: builds the panel from the host's `init` (strings, defaults, tasks,
 * results), keeps the form in the webview state so a reload or a hidden tab brings it back,
 * validates as the user types with the core schema, and talks to the host only through
 * the messages of src/shared/protocol.ts.
 */
import { maxReferencesOf, parseModelKey } from '../../src/core/models';
import type { FieldIssue } from '../../src/core/request';
import { localizeMessage } from '../../src/shared/coreMessages';
import { validateForm } from '../../src/shared/formRequest';
import { type FormValues, type ReferenceEntry, formValuesSchema } from '../../src/shared/formValues';
import type { GenerationStatus, HostMessage } from '../../src/shared/hostMessages';
import { GENERATE_REQUEST, INSPECT_REQUEST, type ResponseOf } from '../../src/shared/studioRequests';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { type NoticeAction, type StudioContext, fileKey, referenceKey } from './context';
import { format, h, icon, isSingleColumn } from './dom';
import { FormView } from './form';
import { GalleryView } from './gallery';
import { flushState, onHostMessage, post, readState, saveState } from './host';
import { PendingRequests, RequestRejected } from './pendingRequests';
import { PickerView } from './picker';
import { REORDER_TYPE, ReferencesView } from './references';
import { TasksView } from './tasks';

type InitMessage = Extract<HostMessage, { type: 'init' }>;

interface SavedState {
  v: 1;
  form: FormValues;
  picker: { open: boolean; query: string };
  galleryFilter: string;
  dismissed: string[];
}

const URI_LIST_TYPES = ['application/vnd.code.uri-list', 'text/uri-list'];
const EXTERNAL_DRAG_TYPES = new Set([...URI_LIST_TYPES, 'resourceurls', 'codefiles', 'Files']);
const MAX_NOTICES = 3;

function readSaved(): SavedState | undefined {
  const raw = readState() as Partial<SavedState> | undefined;
  if (!raw || raw.v !== 1) return undefined;
  const form = formValuesSchema.safeParse(raw.form);
  if (!form.success) return undefined;
  return {
    v: 1,
    form: form.data,
    picker: { open: raw.picker?.open !== false, query: typeof raw.picker?.query === 'string' ? raw.picker.query : '' },
    galleryFilter: typeof raw.galleryFilter === 'string' ? raw.galleryFilter : '',
    dismissed: Array.isArray(raw.dismissed) ? raw.dismissed.filter((d): d is string => typeof d === 'string') : [],
  };
}

/** URIs from an Explorer drag (VS Code's own list first), an editor tab, or a browser. */
function droppedUris(data: DataTransfer): string[] {
  const found: string[] = [];
  for (const type of URI_LIST_TYPES) {
    const text = data.getData(type);
    if (!text) continue;
    found.push(...text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#')));
    if (found.length > 0) break;
  }
  if (found.length === 0) {
    try {
      const resources = JSON.parse(data.getData('resourceurls') || '[]') as unknown;
      if (Array.isArray(resources)) found.push(...resources.filter((r): r is string => typeof r === 'string'));
    } catch {
      // not a resource list
    }
  }
  return [...new Set(found)];
}

function isExternalDrag(data: DataTransfer | null): data is DataTransfer {
  if (!data) return false;
  const types = [...data.types];
  return !types.includes(REORDER_TYPE) && types.some((t) => EXTERNAL_DRAG_TYPES.has(t));
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

class Studio implements StudioContext {
  readonly strings: StudioStrings;
  readonly lang: string;
  readonly table: readonly (readonly [string, string])[];
  form: FormValues;
  private readonly defaults: FormValues;
  private readonly state: SavedState;
  private readonly formView: FormView;
  private readonly refsView: ReferencesView;
  private readonly pickerView: PickerView;
  private readonly tasksView: TasksView;
  private readonly galleryView: GalleryView;
  private readonly notices: HTMLElement;
  private readonly listeners = new AbortController();
  private attempted = false;
  private readonly touched = new Set<string>();
  private serverIssues: FieldIssue[] = [];
  private readonly checking = new Set<string>();
  private readonly requests = new PendingRequests(post);
  /** A generate request is waiting for the host's answer. */
  private starting = false;
  /** The fixed target each generation was sent with, until it is done: a landed one is not offered again. */
  private readonly targetOf = new Map<string, string>();
  private reportedPaths = '';
  /** The status line says "fix the marked fields" (cleared once they are fixed). */
  private askedToFix = false;
  private dragDepth = 0;
  /** Where the keyboard focus was last: given back when the panel is shown again. */
  private lastFocused: HTMLElement | undefined;

  constructor(
    init: InitMessage,
    private readonly root: HTMLElement,
  ) {
    this.strings = init.strings as StudioStrings;
    this.lang = init.lang;
    this.table = init.messages;
    this.defaults = init.defaults;
    const saved = readSaved();
    this.state = saved ?? { v: 1, form: clone(init.defaults), picker: { open: true, query: '' }, galleryFilter: '', dismissed: [] };
    this.form = this.state.form;
    document.documentElement.lang = init.lang;

    this.formView = new FormView(this);
    this.refsView = new ReferencesView(this);
    this.pickerView = new PickerView(this, init.hasWorkspace, this.state.picker, (picker) => {
      this.state.picker = picker;
      this.persist();
    });
    this.tasksView = new TasksView(this, this.state.dismissed, (ids) => {
      this.state.dismissed = ids;
      this.persist();
    });
    this.galleryView = new GalleryView(this, this.state.galleryFilter, (filter) => {
      this.state.galleryFilter = filter;
      this.persist();
    });
    this.formView.referencesSlot.append(this.refsView.element);
    this.refsView.pickerSlot.append(this.pickerView.element);
    this.notices = h('div', { class: 'notices', 'aria-live': 'polite' });

    root.setAttribute('aria-label', this.strings['studio.title']);
    root.replaceChildren(
      h('h1', { class: 'visually-hidden' }, this.strings['studio.title']),
      h('div', { class: 'column column--form' }, this.formView.element),
      h('div', { class: 'column column--results' }, this.tasksView.element, this.galleryView.element),
      this.notices,
      h('div', { class: 'drop-overlay', 'aria-hidden': 'true' }, h('div', { class: 'drop-overlay-label' }, icon('cloud-upload'), h('span', null, this.strings['refs.dropHere']))),
    );
    root.classList.remove('studio--loading');
    root.removeAttribute('aria-busy');

    this.formView.sync();
    this.formView.setHistory(init.history);
    this.refsView.render();
    this.tasksView.render(init.tasks);
    this.galleryView.setItems(init.gallery, init.galleryTotal);
    this.validate();
    this.listen();

    post({ type: 'listImages' });
    const restored = this.form.references.flatMap((r) => (r.kind === 'file' ? [r.uri] : []));
    if (restored.length > 0) this.inspect(restored, 'refresh');
    this.reportReferences();
    this.formView.focusPrompt();
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
        this.attach(message.items, { fromHost: true });
        this.formView.focusPrompt();
        return;
      case 'fillForm':
        this.fill(message.form);
        return;
      case 'generateDone':
        this.generateDone(message.requestId, message.status, message.files, message.error);
        return;
      case 'tasks':
        this.tasksView.render(message.tasks);
        return;
      case 'gallery':
        this.galleryView.setItems(message.items, message.total, message.highlight);
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
      default: {
        const unexpected: never = message;
        console.warn('[studio] unhandled message', unexpected);
      }
    }
  }

  // --- StudioContext -------------------------------------------------------------

  changed(part: 'text' | 'model' | 'options' | 'references' | 'referenceText', field?: string): void {
    if (field) this.touched.add(field);
    this.serverIssues = [];
    if (part === 'model' || part === 'references') this.refsView.render();
    if (part === 'references') {
      this.pickerView.refreshSelection();
      this.reportReferences();
    }
    this.validate();
    this.persist();
  }

  attach(entries: ReferenceEntry[], options: { inspect?: boolean; fromHost?: boolean } = {}): void {
    const refs = this.form.references;
    const limit = maxReferencesOf(this.form.model);
    const added: ReferenceEntry[] = [];
    const duplicates: string[] = [];
    const dropped: string[] = [];
    for (const entry of entries) {
      const key = referenceKey(entry);
      const index = refs.findIndex((r) => referenceKey(r) === key);
      if (index >= 0) {
        // The host knows more about a file (thumbnail, size, problem); the user's description stays.
        if (options.fromHost) refs[index] = { ...entry, text: refs[index]!.text ?? entry.text };
        else duplicates.push(entryName(entry));
        continue;
      }
      if (refs.length >= limit) {
        dropped.push(entryName(entry));
        continue;
      }
      refs.push(entry);
      added.push(entry);
    }
    if (options.inspect) {
      const uris = added.flatMap((e) => (e.kind === 'file' ? [e.uri] : []));
      if (uris.length > 0) this.inspect(uris, 'refresh');
    }
    if (dropped.length > 0) {
      const model = parseModelKey(this.form.model)?.label ?? this.form.model;
      const template = limit === 1 ? this.strings['refs.limitDroppedOne'] : this.strings['refs.limitDropped'];
      this.notify('warning', format(template, model, limit, dropped.join(', ')));
    }
    if (duplicates.length > 0) this.notify('info', format(this.strings['refs.duplicate'], duplicates.join(', ')));
    this.changed('references', 'references');
  }

  detach(uri: string): void {
    const key = fileKey(uri);
    const index = this.form.references.findIndex((r) => r.kind === 'file' && fileKey(r.uri) === key);
    if (index < 0) return;
    this.form.references.splice(index, 1);
    this.changed('references', 'references');
  }

  isAttached(uri: string): boolean {
    const key = fileKey(uri);
    return this.form.references.some((r) => r.kind === 'file' && fileKey(r.uri) === key);
  }

  isChecking(uri: string): boolean {
    return this.checking.has(uri);
  }

  notify(level: 'info' | 'warning' | 'error', message: string): void {
    const close = () => {
      notice.classList.add('notice--leaving');
      setTimeout(() => notice.remove(), 150);
    };
    const notice = h(
      'div',
      { class: `notice notice--${level}`, role: level === 'info' ? 'status' : 'alert', 'data-testid': `notice-${level}` },
      icon(level === 'info' ? 'info' : level),
      h('span', { class: 'notice-text' }, message),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': this.strings['tasks.dismiss'], title: this.strings['tasks.dismiss'], onClick: close }, icon('close')),
    );
    this.notices.append(notice);
    while (this.notices.children.length > MAX_NOTICES) this.notices.firstElementChild?.remove();
    if (level === 'info') setTimeout(close, 4000);
  }

  generate(): void {
    // The button stays focusable while a start is pending (see FormView.setBusy): a second press waits.
    if (this.starting) return;
    this.attempted = true;
    const issues = this.validate();
    if (issues.length > 0) {
      this.formView.setStatus(this.strings['form.fixFields'], 'error');
      this.askedToFix = true;
      this.focusFirstIssue();
      return;
    }
    this.starting = true;
    this.formView.setBusy(true);
    this.formView.setStatus('');
    const { requestId, answer } = this.requests.request(GENERATE_REQUEST, { form: this.wireForm() });
    if (this.form.target) this.targetOf.set(requestId, this.form.target);
    answer.then(
      (response) => this.generateAnswered(response),
      (error: unknown) => this.generateUnanswered(requestId, error),
    );
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

  // --- validation ----------------------------------------------------------------

  private validate(): FieldIssue[] {
    const result = validateForm(this.form);
    const issues = [...(result.ok ? [] : result.issues), ...this.serverIssues];
    const localize = (message: string) => localizeMessage(message, this.table);
    this.formView.showIssues(issues, (field) => this.attempted || this.touched.has(field), localize);
    this.refsView.showIssues(issues, localize);
    if (issues.length === 0 && this.askedToFix) {
      this.askedToFix = false;
      this.formView.setStatus('');
    }
    return issues;
  }

  private focusFirstIssue(): void {
    const target = this.formView.firstInvalid() ?? this.root.querySelector<HTMLElement>('.ref--invalid');
    target?.focus();
    target?.scrollIntoView({ block: 'center' });
  }

  /** The form as sent: local files by URI only (the host reads and checks them itself). */
  private wireForm(): FormValues {
    return {
      ...this.form,
      references: this.form.references.map((r) => (r.kind === 'file' ? { kind: 'file', uri: r.uri, ...(r.text ? { text: r.text } : {}) } : r)),
    };
  }

  // --- messages from the host -------------------------------------------------------

  private generateAnswered({ ok, issues }: ResponseOf<typeof GENERATE_REQUEST>): void {
    this.starting = false;
    this.formView.setBusy(false);
    if (ok) {
      this.attempted = false;
      this.touched.clear();
      this.serverIssues = [];
      this.validate();
      // One column: Tasks are far below the form; the status line leads there instead of pointing off screen.
      const actions: NoticeAction[] = isSingleColumn() ? [{ label: this.strings['form.showTasks'], run: () => this.tasksView.reveal() }] : [];
      this.formView.setStatus(this.strings['form.started'], 'info', actions.length > 0 ? 0 : 5000, actions);
      return;
    }
    this.attempted = true;
    this.serverIssues = issues;
    this.validate();
    this.formView.setStatus(this.strings['form.fixFields'], 'error');
    this.askedToFix = true;
    this.focusFirstIssue();
  }

  /** The host could not answer (the log says why, a notice says it failed); a panel that went away does nothing. */
  private generateUnanswered(requestId: string, error: unknown): void {
    if (error instanceof RequestRejected && error.reason === 'disposed') return;
    this.starting = false;
    this.targetOf.delete(requestId);
    this.formView.setBusy(false);
  }

  /** The runner shows its own notification; the panel says it next to the button (and in the task row). */
  private generateDone(requestId: string, status: GenerationStatus, files: readonly string[], error: string | undefined): void {
    const s = this.strings;
    const [file] = files;
    const target = this.targetOf.get(requestId);
    this.targetOf.delete(requestId);
    // The file exists now: a second Generate goes to the output folder, not next to it under another name.
    if (status === 'landed' && target !== undefined && this.form.target === target) this.clearTarget();
    if (status === 'landed' && file) {
      // Said here rather than by scrolling the page to the result: the focus stays where the user is.
      const name = file.split(/[\\/]/).pop() ?? file;
      this.formView.setStatus(format(s['form.landed'], name), 'info', 0, [{ label: s['form.showResult'], run: () => this.galleryView.reveal(file) }]);
    } else if (status === 'background') {
      this.formView.setStatus(s['form.background'], 'info', 8000);
    } else if (status === 'notStarted') {
      this.formView.setStatus(s['form.notStarted'], 'error', 0, [
        { label: s['command.setApiKey'], run: () => post({ type: 'runCommand', command: 'setApiKey' }) },
        { label: s['command.openSettings'], run: () => post({ type: 'runCommand', command: 'openSettings' }) },
      ]);
    } else if (error) {
      this.formView.setStatus(error, 'error', 0, [{ label: s['command.showLog'], run: () => post({ type: 'runCommand', command: 'showLog' }) }]);
    }
  }

  private fill(form: FormValues): void {
    this.form = clone(form);
    this.state.form = this.form;
    this.attempted = false;
    this.touched.clear();
    this.serverIssues = [];
    this.formView.sync();
    this.refsView.render();
    this.pickerView.refreshSelection();
    this.validate();
    this.persist();
    this.reportReferences();
    this.reportShown();
    this.formView.element.scrollIntoView({ block: 'start' });
    this.formView.focusPrompt();
  }

  /** Asks the host about local files; `order` (a drop's URIs, web ones included) is the order to attach in. */
  private inspect(uris: string[], purpose: 'refresh' | 'add', order?: string[]): void {
    for (const uri of uris) this.checking.add(uri);
    const { answer } = this.requests.request(INSPECT_REQUEST, { uris });
    this.refsView.render();
    answer.then(
      ({ items, rejected }) => this.inspected({ purpose, uris, order }, items, rejected),
      (error: unknown) => this.inspectUnanswered(uris, error),
    );
  }

  /** Without an answer the files are no longer being checked: they stay as they were. */
  private inspectUnanswered(uris: string[], error: unknown): void {
    if (error instanceof RequestRejected && error.reason === 'disposed') return;
    for (const uri of uris) this.checking.delete(uri);
    this.refsView.render();
  }

  private inspected(request: { purpose: 'refresh' | 'add'; uris: string[]; order?: string[] | undefined }, items: ReferenceEntry[], rejected: string[]): void {
    for (const uri of request.uris) this.checking.delete(uri);
    if (request.purpose === 'add') {
      const byUri = new Map(items.flatMap((i) => (i.kind === 'file' ? [[i.uri, i] as const] : [])));
      this.attach(
        (request.order ?? request.uris).flatMap((uri): ReferenceEntry[] => {
          if (isWebUrl(uri)) return [{ kind: 'url', url: uri }];
          const item = byUri.get(uri);
          return item ? [item] : [];
        }),
      );
    } else {
      const byUri = new Map(items.flatMap((i) => (i.kind === 'file' ? [[i.uri, i] as const] : [])));
      this.form.references = this.form.references.map((r) => {
        const fresh = r.kind === 'file' ? byUri.get(r.uri) : undefined;
        return fresh ? { ...fresh, ...(r.text ? { text: r.text } : {}) } : r;
      });
      this.state.form = this.form;
      this.changed('references');
    }
    if (rejected.length > 0) this.notify('warning', format(this.strings['refs.rejected'], rejected.join(', ')));
  }

  // --- plumbing ----------------------------------------------------------------------

  private persist(): void {
    // Inline (data:) thumbnails can be large; they are fetched again after a restore.
    const form: FormValues = {
      ...this.form,
      references: this.form.references.map((r) => (r.kind === 'file' && r.thumb?.startsWith('data:') ? { ...r, thumb: undefined } : r)),
    };
    saveState({ ...this.state, form });
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
    document.addEventListener(
      'dragenter',
      (e) => {
        if (!isExternalDrag(e.dataTransfer)) return;
        e.preventDefault();
        this.dragDepth += 1;
        this.root.classList.add('studio--dropping');
      },
      { signal },
    );
    document.addEventListener(
      'dragover',
      (e) => {
        if (!isExternalDrag(e.dataTransfer)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      },
      { signal },
    );
    document.addEventListener(
      'dragleave',
      (e) => {
        if (!isExternalDrag(e.dataTransfer)) return;
        this.dragDepth = Math.max(0, this.dragDepth - 1);
        if (this.dragDepth === 0) this.root.classList.remove('studio--dropping');
      },
      { signal },
    );
    document.addEventListener(
      'drop',
      (e) => {
        if (!isExternalDrag(e.dataTransfer)) return;
        e.preventDefault();
        this.dragDepth = 0;
        this.root.classList.remove('studio--dropping');
        this.dropped(e.dataTransfer);
      },
      { signal },
    );
    document.addEventListener('paste', (e) => this.pasted(e), { signal });
    document.addEventListener(
      'focusin',
      (e) => {
        if (e.target instanceof HTMLElement && this.root.contains(e.target)) this.lastFocused = e.target;
      },
      { signal },
    );
    // Back from another tab or editor the webview's document has the focus but no control does.
    window.addEventListener(
      'focus',
      () => {
        if (document.activeElement && document.activeElement !== document.body) return;
        const target = this.lastFocused?.isConnected && !this.lastFocused.closest('[hidden]') ? this.lastFocused : this.formView.prompt;
        target.focus({ preventScroll: true });
      },
      { signal },
    );
    window.addEventListener('pagehide', flushState, { signal });
  }

  private dropped(data: DataTransfer): void {
    const uris = droppedUris(data);
    if (uris.length === 0 && data.files.length > 0) {
      this.notify('warning', format(this.strings['refs.rejected'], [...data.files].map((f) => f.name).join(', ')));
      return;
    }
    this.addUris(uris);
  }

  /** Web URLs attach as they are; anything else is a local file the host checks first. */
  private addUris(uris: string[]): void {
    const local = uris.filter((u) => !isWebUrl(u));
    if (local.length > 0) this.inspect(local, 'add', uris);
    else if (uris.length > 0) this.attach(uris.map((url) => ({ kind: 'url' as const, url })));
  }

  /** Pasting outside a text field: image URLs and copied files become references. */
  private pasted(event: ClipboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable="true"]') || !event.clipboardData) return;
    const uris = droppedUris(event.clipboardData);
    const text = uris.length > 0 ? [] : (event.clipboardData.getData('text/plain') || '').split(/\r?\n/).map((l) => l.trim());
    const candidates = [...uris, ...text.filter((l) => isWebUrl(l) || /^file:\/\//i.test(l))];
    if (candidates.length === 0) return;
    event.preventDefault();
    this.addUris([...new Set(candidates)]);
  }
}

/** How a notice names a reference: its file name, URL or file ID. */
function entryName(entry: ReferenceEntry): string {
  return entry.kind === 'file' ? (entry.name ?? decodeURIComponent(entry.uri.split('/').pop() ?? entry.uri)) : entry.kind === 'url' ? entry.url : entry.fileId;
}

function isWebUrl(text: string): boolean {
  return /^https?:\/\/\S+$/i.test(text);
}

const root = document.getElementById('studio');
if (root) {
  let studio: Studio | undefined;
  onHostMessage((message) => {
    if (message.type === 'init') {
      studio?.dispose();
      studio = new Studio(message, root);
      return;
    }
    studio?.receive(message);
  });
  post({ type: 'ready' });
}
