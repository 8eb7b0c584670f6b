/**
 * The Studio panel: one webview panel (reveal-or-create, restored after a reload), the
 * switch over its validated messages, and what it shows of the runner, the workspace's
 * images and the results on disk. Constructed on the first command that needs it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { modelKey, parseModelKey } from '../core/models';
import { type ReferenceSource, inspectReferenceFile } from '../core/references';
import type { FieldIssue } from '../core/request';
import {
  CORE_MESSAGE_TEMPLATES,
  type CoreMessageTemplate,
  type FileReferenceEntry,
  type FormValues,
  type GalleryAction,
  type HostMessage,
  type ReferenceEntry,
  STUDIO_VIEW_TYPE,
  type StudioStrings,
  type TaskRow,
  type WebviewMessage,
  formFromRequest,
  localizeMessage,
  referenceText,
  requestFromForm,
  validateForm,
  webviewMessageSchema,
} from '../shared/protocol';
import { localizedMessage } from './errorUi';
import { GALLERY_LIMIT, type GalleryEntry, Gallery, savedReferences, savedRequest } from './gallery';
import type { Log } from './log';
import { LAST_MODEL } from './quickGenerate';
import { copyMarkdownLink, insertIntoEditor, openImage, revealInExplorer } from './resultActions';
import { readSettings } from './settings';
import { type GenerationInput, type GenerationResult, type GenerationService, describe } from './generationService';
import type { ReferenceAccess } from './referenceAccess';
import type { TaskSupervisor } from './taskSupervisor';
import { buildStudioHtml, createNonce } from './webviewHtml';
import { WorkspaceImages, describeReferenceFile, isImageName } from './workspaceImages';
import { exists, isDirectory } from './fileStat';

export const STUDIO_TITLE = 'AIGC Image Studio';
/** Shared with the quick flow (quickGenerate.ts), so both remember the same last model. */
const HISTORY_KEY = 'aigcImage.promptHistory';
const MAX_HISTORY = 50;
/** Posts the webview does not need to receive late: `init` carries the current state. */
const SNAPSHOTS: ReadonlySet<HostMessage['type']> = new Set(['tasks', 'gallery', 'history', 'images']);

export interface StudioDeps {
  context: vscode.ExtensionContext;
  log: Log;
  tasks: TaskSupervisor;
  generations: GenerationService;
  access: ReferenceAccess;
}

export class StudioPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private gallery: Gallery | undefined;
  private images: WorkspaceImages | undefined;
  private ready = false;
  private queue: HostMessage[] = [];
  private wantsImages = false;
  private attachedPaths: string[] = [];
  /** Runner ids whose saved files were added to the gallery. */
  private readonly collected = new Set<string>();
  private highlight: string[] = [];
  private tasksTimer: ReturnType<typeof setTimeout> | undefined;
  private galleryTimer: ReturnType<typeof setTimeout> | undefined;
  private strings: StudioStrings | undefined;
  private table: [string, string][] | undefined;

  constructor(private readonly deps: StudioDeps) {}

  /** Reveals the panel (creating it when needed) and attaches these images. */
  open(attach: readonly vscode.Uri[] = []): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
    } else {
      const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
      this.adopt(vscode.window.createWebviewPanel(STUDIO_VIEW_TYPE, STUDIO_TITLE, { viewColumn: column, preserveFocus: false }, this.options()));
    }
    if (attach.length > 0) void this.attachFiles(attach);
    this.post({ type: 'focusPrompt' });
  }

  /** Takes over a panel VS Code restored after a reload; the webview restores its own form. */
  restore(panel: vscode.WebviewPanel): void {
    const previous = this.panel;
    if (previous && previous !== panel) {
      previous.dispose();
      this.closed(previous);
    }
    panel.webview.options = this.options();
    this.adopt(panel);
  }

  isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Results the gallery has read, once the webview has asked for them. */
  resultCount(): number | undefined {
    return this.ready ? this.gallery?.list().length : undefined;
  }

  /** Local reference images attached in the form, as the webview last reported them. */
  attached(): readonly string[] {
    return this.attachedPaths;
  }

  dispose(): void {
    this.panel?.dispose();
    this.closed();
  }

  // --- lifecycle -----------------------------------------------------------

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const extension = this.deps.context.extensionUri;
    return {
      enableScripts: true,
      enableFindWidget: true,
      // Kept alive while the tab is hidden: switching tabs must not reload hundreds of thumbnails
      // (and a webview torn down mid-load can leave the next one waiting on VS Code's resource loader).
      retainContextWhenHidden: true,
      localResourceRoots: [
        vscode.Uri.joinPath(extension, 'dist'),
        vscode.Uri.joinPath(extension, 'media'),
        ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri),
      ],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.queue = [];
    const { context, tasks, log } = this.deps;
    this.gallery = new Gallery(context.workspaceState, log);
    this.images = new WorkspaceImages();
    const webview = panel.webview;
    const dist = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', file)).toString();
    webview.html = buildStudioHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: dist('webview.js'),
      styleUri: dist('webview.css'),
      codiconUri: dist('codicon.css'),
      lang: vscode.env.language,
      title: STUDIO_TITLE,
    });
    this.panelDisposables = [
      this.gallery,
      this.images,
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.closed(panel)),
      // Watchers miss some changes (files written into a folder created a moment before):
      // coming back to the panel reads the output folder again (unchanged sidecars are skipped).
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible && this.ready) void this.gallery?.refresh();
      }),
      tasks.onDidChange(() => this.tasksChanged()),
      this.gallery.onDidChange(() => this.scheduleGallery()),
      this.images.onDidChange(() => {
        if (this.wantsImages) void this.sendImages();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        if (this.panel) this.panel.webview.options = this.options();
      }),
    ];
    log.info('studio', 'panel opened');
  }

  private closed(panel: vscode.WebviewPanel | undefined = this.panel): void {
    if (!this.panel || panel !== this.panel) return;
    this.panel = undefined;
    this.ready = false;
    this.queue = [];
    this.wantsImages = false;
    this.attachedPaths = [];
    clearTimeout(this.tasksTimer);
    clearTimeout(this.galleryTimer);
    this.tasksTimer = undefined;
    this.galleryTimer = undefined;
    for (const d of this.panelDisposables) d.dispose();
    this.panelDisposables = [];
    this.gallery = undefined;
    this.images = undefined;
    this.deps.log.info('studio', 'panel closed');
  }

  /** Posts now when the webview listens; otherwise keeps it for after `ready` (snapshots are resent by `init`). */
  private post(message: HostMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      if (!SNAPSHOTS.has(message.type)) this.queue.push(message);
      this.deps.log.trace('studio', `queued ${message.type} until the webview is ready`);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  // --- inbound -------------------------------------------------------------

  private receive(raw: unknown): void {
    const parsed = webviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const text = (() => {
        try {
          return JSON.stringify(raw).slice(0, 500);
        } catch {
          return String(raw);
        }
      })();
      this.deps.log.warn('studio', `ignored an invalid message from the webview: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} ${text}`);
      return;
    }
    this.deps.log.trace('studio', `webview: ${parsed.data.type}`);
    this.handle(parsed.data).catch((error: unknown) => {
      this.deps.log.error('studio', `${parsed.data.type} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.post({ type: 'notice', level: 'error', message: vscode.l10n.t('Something went wrong; see the log for details.') });
    });
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.onReady();
      case 'generate':
        return this.generate(message.requestId, message.form);
      case 'taskAction':
        return void vscode.commands.executeCommand('aigcImage.taskAction', message.taskId, message.action);
      case 'inspect':
        return this.inspect(message.requestId, message.uris);
      case 'listImages':
        this.wantsImages = true;
        return this.sendImages();
      case 'browse':
        return this.browse();
      case 'galleryAction':
        return this.galleryAction(message.item, message.action);
      case 'refreshGallery':
        return this.gallery?.refresh();
      case 'references':
        this.attachedPaths = message.paths;
        return;
      case 'runCommand':
        return this.runCommand(message.command);
      default: {
        const unexpected: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unexpected)}`);
      }
    }
  }

  private async onReady(): Promise<void> {
    const gallery = this.gallery;
    if (!this.panel || !gallery) return;
    await gallery.load();
    const galleryEntries = gallery.list();
    const init: HostMessage = {
      type: 'init',
      lang: vscode.env.language,
      strings: this.uiStrings(),
      messages: this.messageTable(),
      defaults: this.defaultForm(),
      history: this.history(),
      tasks: this.taskRows(),
      gallery: this.galleryItems(galleryEntries),
      galleryTotal: galleryEntries.length,
      hasWorkspace: (vscode.workspace.workspaceFolders?.length ?? 0) > 0,
    };
    if (!this.panel) return;
    this.ready = true;
    void this.panel.webview.postMessage(init);
    this.deps.log.trace('studio', `init sent (${galleryEntries.length} result(s)), then ${this.queue.length} queued message(s)`);
    const queued = this.queue;
    this.queue = [];
    for (const message of queued) this.post(message);
  }

  // --- generating ----------------------------------------------------------

  private async generate(requestId: string, form: FormValues): Promise<void> {
    const checked = await this.checkReferences(form);
    const validation = validateForm({ ...form, references: form.references.map(withoutProblem) });
    const issues: FieldIssue[] = [...(validation.ok ? [] : validation.issues), ...checked.issues].map((issue) => ({
      field: issue.field,
      message: this.localize(issue.message),
    }));
    if (issues.length > 0) {
      this.post({ type: 'generateResult', requestId, ok: false, issues });
      return;
    }
    this.post({ type: 'generateResult', requestId, ok: true, issues: [] });
    await this.remember(form);
    const outcome = await this.run({
      kind: checked.references.some((r) => r.kind === 'file') ? 'restyle' : 'generate',
      request: requestFromForm(form),
      references: checked.references,
      reveal: false,
    });
    const error = outcome.error && outcome.error.kind !== 'aborted' ? localizedMessage(outcome.error, this.deps.log) : undefined;
    this.post({ type: 'generateDone', requestId, status: outcome.status, files: outcome.files, ...(error ? { error } : {}) });
  }

  /** The host reads local files itself: only workspace files and files the user chose here. */
  private async checkReferences(form: FormValues): Promise<{ references: ReferenceSource[]; issues: FieldIssue[] }> {
    const references: ReferenceSource[] = [];
    const issues: FieldIssue[] = [];
    for (const [index, entry] of form.references.entries()) {
      const text = referenceText(form, entry);
      const withText = text ? { text } : {};
      switch (entry.kind) {
        case 'url':
          references.push({ kind: 'url', url: entry.url.trim(), ...withText });
          break;
        case 'fileId':
          references.push({ kind: 'fileId', fileId: entry.fileId.trim(), ...withText });
          break;
        case 'file': {
          const uri = toLocalUri(entry.uri);
          if (!uri || !(await this.deps.access.mayRead(uri))) {
            issues.push({ field: `file_infos[${index}]`, message: this.uiStrings()['refs.outside'] });
            break;
          }
          const inspection = await inspectReferenceFile(uri.fsPath);
          if (inspection.problem) issues.push({ field: `file_infos[${index}]`, message: inspection.problem });
          references.push({ kind: 'file', path: uri.fsPath, ...withText });
          break;
        }
      }
    }
    return { references, issues };
  }

  /** Starts a task and, when it leaves the foreground, adds its results to the gallery. */
  private async run(input: GenerationInput): Promise<GenerationResult> {
    let outcome: GenerationResult;
    try {
      outcome = await this.deps.generations.generate(input);
    } catch (error) {
      this.deps.log.error('studio', `the task could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { id: '', status: 'notStarted', files: [] };
    }
    this.tasksChanged();
    await this.collect(outcome.id, outcome.files);
    return outcome;
  }

  private async collect(id: string, files: readonly string[]): Promise<void> {
    if (this.collected.has(id) || files.length === 0 || !this.gallery) return;
    this.collected.add(id);
    const ids = await this.gallery.addImages(files);
    this.highlight.push(...ids);
    this.scheduleGallery();
  }

  private async remember(form: FormValues): Promise<void> {
    const memento = this.deps.context.globalState;
    const model = parseModelKey(form.model);
    if (model) await memento.update(LAST_MODEL, modelKey(model));
    const prompt = form.prompt.trim();
    if (!prompt) return;
    const history = [prompt, ...this.history().filter((p) => p !== prompt)].slice(0, MAX_HISTORY);
    await memento.update(HISTORY_KEY, history);
    this.post({ type: 'history', prompts: history });
  }

  private history(): string[] {
    const stored = this.deps.context.globalState.get<unknown>(HISTORY_KEY, []);
    return Array.isArray(stored) ? stored.filter((p): p is string => typeof p === 'string') : [];
  }

  /** The form as the settings (`aigcImage.defaults.*`, `defaultModel`) and the last used model make it. */
  private defaultForm(): FormValues {
    const settings = readSettings();
    const model = parseModelKey(this.deps.context.globalState.get<string>(LAST_MODEL, '')) ?? settings.defaultModel;
    const d = settings.defaults;
    return {
      prompt: '',
      negativePrompt: '',
      model: modelKey(model),
      options: {
        // Kept even for a model without aspect ratios: it applies again when the model changes back.
        aspect_ratio: d.aspectRatio ?? '',
        resolution: d.resolution ?? '',
        storage_mode: d.storageMode ?? '',
        person_generation: d.personGeneration ?? '',
        input_compliance_check: d.inputComplianceCheck ?? '',
        output_compliance_check: d.outputComplianceCheck ?? '',
        enhance_prompt: d.enhancePrompt ?? '',
        tasks_priority: '',
        session_id: '',
        session_context: '',
      },
      references: [],
    };
  }

  // --- tasks ---------------------------------------------------------------

  private tasksChanged(): void {
    for (const view of this.deps.tasks.views()) {
      if (view.status === 'landed' && view.files?.length) void this.collect(view.id, view.files);
    }
    if (this.tasksTimer || !this.ready) return;
    this.tasksTimer = setTimeout(() => {
      this.tasksTimer = undefined;
      this.post({ type: 'tasks', tasks: this.taskRows() });
    }, 150);
  }

  private taskRows(): TaskRow[] {
    return this.deps.tasks.views().map((view) => ({
      id: view.id,
      prompt: view.prompt,
      model: view.model,
      phase: view.status,
      ...(view.position !== undefined ? { position: view.position } : {}),
      ...(view.progress !== undefined ? { progress: view.progress } : {}),
      startedAt: view.startedAt,
      status: describe(view),
      actions: view.actions,
      ...(view.elsewhere ? { elsewhere: true } : {}),
      ...(view.files ? { files: view.files } : {}),
    }));
  }

  // --- references ----------------------------------------------------------

  private referenceMessages() {
    return { localize: (problem: string) => this.localize(problem), notLocal: this.uiStrings()['refs.outside'] };
  }

  private async describe(uri: vscode.Uri): Promise<FileReferenceEntry> {
    if (!this.panel) throw new Error('the panel is closed');
    if (!(await this.deps.access.mayRead(uri))) {
      return { kind: 'file', uri: uri.toString(), path: uri.fsPath, name: path.posix.basename(uri.path), problem: this.uiStrings()['refs.outside'] };
    }
    return describeReferenceFile(uri, this.panel.webview, this.referenceMessages());
  }

  private async attachFiles(uris: readonly vscode.Uri[]): Promise<void> {
    const items = await Promise.all(uris.map((u) => this.describe(u)));
    this.post({ type: 'attach', items });
  }

  private async inspect(requestId: string, uris: readonly string[]): Promise<void> {
    const items: ReferenceEntry[] = [];
    const rejected: string[] = [];
    for (const text of uris) {
      const uri = toLocalUri(text);
      const name = uri ? path.posix.basename(uri.path) : text;
      if (!uri || !isImageName(uri.path) || (await isDirectory(uri))) {
        rejected.push(name || text);
        continue;
      }
      // The webview's own spelling of the URI, so it finds the entry it asked about.
      items.push({ ...(await this.describe(uri)), uri: text });
    }
    this.post({ type: 'inspected', requestId, items, rejected });
  }

  private async browse(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      canSelectFiles: true,
      canSelectFolders: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
      openLabel: vscode.l10n.t('Attach'),
      title: vscode.l10n.t('Choose reference images'),
    });
    if (picked && picked.length > 0) {
      await this.deps.access.grantPicked(picked);
      await this.attachFiles(picked);
    }
  }

  private async sendImages(): Promise<void> {
    if (!this.panel || !this.images) return;
    const { folders, truncated } = await this.images.folders(this.panel.webview);
    this.post({ type: 'images', folders, truncated });
  }

  // --- gallery -------------------------------------------------------------

  private galleryItems(entries: readonly GalleryEntry[]) {
    const gallery = this.gallery;
    const webview = this.panel?.webview;
    if (!gallery || !webview) return [];
    return entries.slice(0, GALLERY_LIMIT).map((entry) => gallery.toItem(entry, webview));
  }

  private scheduleGallery(): void {
    if (this.galleryTimer) return;
    this.galleryTimer = setTimeout(() => {
      this.galleryTimer = undefined;
      if (!this.gallery || !this.ready) return;
      const entries = this.gallery.list();
      const highlight = this.highlight;
      this.highlight = [];
      this.post({ type: 'gallery', items: this.galleryItems(entries), total: entries.length, ...(highlight.length ? { highlight } : {}) });
    }, 100);
  }

  private async galleryAction(id: string, action: GalleryAction): Promise<void> {
    const entry = this.gallery?.get(id);
    if (!entry || !(await exists(entry.imageUri))) {
      this.post({ type: 'notice', level: 'warning', message: vscode.l10n.t('This image is no longer on disk.') });
      void this.gallery?.refresh();
      return;
    }
    const file = entry.imageUri.fsPath;
    const prompt = entry.sidecar.prompt;
    switch (action) {
      case 'open':
        return openImage(file);
      case 'reveal':
        return revealInExplorer(file);
      case 'copyLink':
        await copyMarkdownLink(file, prompt, vscode.workspace.getWorkspaceFolder(entry.imageUri)?.uri.fsPath);
        this.post({ type: 'notice', level: 'info', message: vscode.l10n.t('Markdown link copied') });
        return;
      case 'insert':
        if (await insertIntoEditor(file, prompt)) this.post({ type: 'notice', level: 'info', message: vscode.l10n.t('Image inserted into the editor.') });
        return;
      case 'useAsReference':
        return this.attachFiles([entry.imageUri]);
      case 'reuseSettings':
        return this.reuse(entry);
      case 'variation':
        return this.variation(entry);
      default: {
        const unexpected: never = action;
        throw new Error(`unhandled gallery action ${String(unexpected)}`);
      }
    }
  }

  /** Fills the form from a result's request, its reference images included. */
  private async reuse(entry: GalleryEntry): Promise<void> {
    const { references, missing } = await savedReferences(entry);
    const entries: ReferenceEntry[] = [];
    for (const r of references) {
      const text = r.text ? { text: r.text } : {};
      if (r.kind === 'file') entries.push({ ...(await this.describe(vscode.Uri.file(r.path))), ...text });
      else if (r.kind === 'url') entries.push({ kind: 'url', url: r.url, ...text });
      else entries.push({ kind: 'fileId', fileId: r.fileId, ...text });
    }
    this.post({ type: 'fillForm', form: formFromRequest(savedRequest(entry), entries) });
    if (missing.length > 0) {
      this.post({ type: 'notice', level: 'warning', message: vscode.l10n.t('Reference image {0} no longer exists and was left out.', missing.join(', ')) });
    }
  }

  /** The same request again, started at once. */
  private async variation(entry: GalleryEntry): Promise<void> {
    const { references, missing } = await savedReferences(entry);
    if (missing.length > 0) {
      this.post({ type: 'notice', level: 'error', message: vscode.l10n.t('Reference image {0} no longer exists; the variation was not started.', missing.join(', ')) });
      return;
    }
    const outcome = await this.run({
      kind: references.some((r) => r.kind === 'file') ? 'restyle' : 'generate',
      request: savedRequest(entry),
      references,
      reveal: false,
    });
    if (outcome.status === 'notStarted') this.post({ type: 'notice', level: 'warning', message: this.uiStrings()['form.notStarted'] });
  }

  private async runCommand(command: 'setApiKey' | 'openSettings' | 'showLog'): Promise<void> {
    switch (command) {
      case 'setApiKey':
        await vscode.commands.executeCommand('aigcImage.setApiKey');
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'aigcImage.');
        return;
      case 'showLog':
        await vscode.commands.executeCommand('aigcImage.showLog');
        return;
      default: {
        const unexpected: never = command;
        throw new Error(`unhandled command ${String(unexpected)}`);
      }
    }
  }

  // --- strings -------------------------------------------------------------

  private localize(message: string): string {
    return localizeMessage(message, this.messageTable());
  }

  /**
   * Core messages (request validation, reference checks) as English templates, each with
   * the line the panel shows instead, in the order of CORE_MESSAGE_TEMPLATES.
   */
  private messageTable(): [string, string][] {
    this.table ??= CORE_MESSAGE_TEMPLATES.map((template) => [template, coreMessageLines()[template]]);
    return this.table;
  }

  private uiStrings(): StudioStrings {
    this.strings ??= studioStrings();
    return this.strings;
  }
}

/** What the panel shows for each core field message: a short sentence next to the field. */
function coreMessageLines(): Record<CoreMessageTemplate, string> {
  return {
    'must be one of: {0} for {1}': vscode.l10n.t('Choose one of {0} for {1}.', '{0}', '{1}'),
    'must be one of: {0}': vscode.l10n.t('Choose one of: {0}.', '{0}'),
    'is required when type is "File"': vscode.l10n.t('Enter a VOD file ID.'),
    'is required when type is "Url"': vscode.l10n.t('Enter an image URL.'),
    'must be empty when type is "File"': vscode.l10n.t('A VOD file reference takes no URL.'),
    'must be empty when type is "Url"': vscode.l10n.t('A URL reference takes no VOD file ID.'),
    'is required': vscode.l10n.t('Required.'),
    'must not be empty': vscode.l10n.t('Must not be empty.'),
    'must be at most {0} characters': vscode.l10n.t('At most {0} characters.', '{0}'),
    '{0} takes at most 1 reference image': vscode.l10n.t('{0} takes at most 1 reference image: remove the others or choose another model.', '{0}'),
    '{0} takes at most {1} reference images': vscode.l10n.t('{0} takes at most {1} reference images: remove some or choose another model.', '{0}', '{1}'),
    '{0} is {1}, not the aspect ratio {2}': vscode.l10n.t('{0} is {1}, not the aspect ratio {2}: choose a size that matches, or a tier (720P…4K).', '{0}', '{1}', '{2}'),
    'must be a whole number from {0} to {1}': vscode.l10n.t('A whole number from {0} to {1}.', '{0}', '{1}'),
    '(image description) is only supported by {0}': vscode.l10n.t('Image descriptions are only supported by {0}.', '{0}'),
    'is only supported by {0}': vscode.l10n.t('Only supported by {0}.', '{0}'),
    'must be a png, jpeg or webp image': vscode.l10n.t('A data: URL must hold a PNG, JPEG or WebP image.'),
    'must be an http(s) URL or a data: URL of an image': vscode.l10n.t('Enter an http(s) URL (or a data: URL of an image).'),
    'unknown field(s): {0}': vscode.l10n.t('Unknown field(s): {0}.', '{0}'),
    'cannot be read': vscode.l10n.t('Cannot be read.'),
    'is not a PNG, JPEG or WebP image': vscode.l10n.t('Not a PNG, JPEG or WebP image.'),
    'is {0} MB; the limit is {1} MB': vscode.l10n.t('Too large: {0} MB (the limit is {1} MB).', '{0}', '{1}'),
  };
}

/** Every string the webview shows, localized here: the webview has no text of its own. */
export function studioStrings(): StudioStrings {
  return {
    'studio.title': STUDIO_TITLE,
    'form.heading': vscode.l10n.t('New Image'),
    'form.prompt': vscode.l10n.t('Prompt'),
    'form.promptPlaceholder': vscode.l10n.t('Describe the image to generate'),
    'form.promptHint': vscode.l10n.t('{0} generates · Alt+↑/↓ recalls earlier prompts', '{0}'),
    'form.history': vscode.l10n.t('Earlier prompts'),
    'form.historyEmpty': vscode.l10n.t('No earlier prompts yet.'),
    'form.negativePrompt': vscode.l10n.t('Negative prompt'),
    'form.negativePromptPlaceholder': vscode.l10n.t('What the image should not contain (optional)'),
    'form.model': vscode.l10n.t('Model'),
    'form.options': vscode.l10n.t('Options'),
    'form.advanced': vscode.l10n.t('Advanced'),
    'form.default': vscode.l10n.t('Service default'),
    'form.resolutionTiers': vscode.l10n.t('Tier (the service picks the size)'),
    'form.resolutionSizes': vscode.l10n.t('Exact size (aspect ratio)'),
    'form.resetOptions': vscode.l10n.t('Reset to Defaults'),
    'form.generate': vscode.l10n.t('Generate'),
    'form.generating': vscode.l10n.t('Starting…'),
    'form.fixFields': vscode.l10n.t('Fix the marked fields to generate.'),
    'form.started': vscode.l10n.t('Started: follow it under Tasks.'),
    'form.showTasks': vscode.l10n.t('Show Tasks'),
    'form.landed': vscode.l10n.t('Saved {0}.', '{0}'),
    'form.showResult': vscode.l10n.t('Show Result'),
    'form.notStarted': vscode.l10n.t('Not started: the API key or the gateway base URL is not set up.'),
    'form.background': vscode.l10n.t('Still running on the service: it continues in the background and is saved when it finishes.'),
    'option.aspect_ratio': vscode.l10n.t('Aspect ratio'),
    'option.resolution': vscode.l10n.t('Resolution'),
    'option.storage_mode': vscode.l10n.t('Storage'),
    'option.person_generation': vscode.l10n.t('People in images'),
    'option.input_compliance_check': vscode.l10n.t('Input compliance check'),
    'option.output_compliance_check': vscode.l10n.t('Output compliance check'),
    'option.enhance_prompt': vscode.l10n.t('Enhance prompt'),
    'option.tasks_priority': vscode.l10n.t('Priority'),
    'option.session_id': vscode.l10n.t('Session ID'),
    'option.session_context': vscode.l10n.t('Session context'),
    'hint.tasks_priority': vscode.l10n.t('A whole number from -10 to 10 (default 0).'),
    'hint.session_id': vscode.l10n.t('De-duplication key: the same ID within 3 days is refused. Leave empty for a new one per task.'),
    'hint.session_context': vscode.l10n.t('Passed through to the service with the task.'),
    'hint.aspectUnused': vscode.l10n.t('{0} takes no aspect ratio, so none is sent: an exact size sets the shape.', '{0}'),
    'hint.aspectUnusedKept': vscode.l10n.t('{0} takes no aspect ratio: {1} is not sent (it applies again with Gemini). An exact size sets the shape.', '{0}', '{1}'),
    'hint.resolutionTier': vscode.l10n.t('The service picks the pixel size for this tier.'),
    'hint.resolutionExact': vscode.l10n.t('{0} × {1} pixels, aspect ratio {2}.', '{0}', '{1}', '{2}'),
    'hint.storageTemporary': vscode.l10n.t("The service keeps its copy only for a while (its link expires); the image is saved in your project either way."),
    'hint.storagePermanent': vscode.l10n.t('The service also keeps the image in your VOD media library, with a file ID.'),
    'hint.serviceDefault': vscode.l10n.t('“Service default” leaves the option out of the request: the image service applies its own setting.'),
    'value.Temporary': vscode.l10n.t('Temporary'),
    'value.Permanent': vscode.l10n.t('Permanent'),
    'value.AllowAdult': vscode.l10n.t('Allow adults'),
    'value.Disallowed': vscode.l10n.t('Disallowed'),
    'value.Enabled': vscode.l10n.t('Enabled'),
    'value.Disabled': vscode.l10n.t('Disabled'),
    'refs.heading': vscode.l10n.t('Reference images'),
    'refs.count': vscode.l10n.t('{0} of {1}', '{0}', '{1}'),
    'refs.dropHint': vscode.l10n.t('Pick images below, drop them here from the Explorer (hold Shift while dragging), or add a URL or VOD file ID.'),
    'refs.dropHere': vscode.l10n.t('Drop to attach'),
    'refs.empty': vscode.l10n.t('No reference images: the model works from the prompt alone.'),
    'refs.description': vscode.l10n.t('Description (optional)'),
    'refs.descriptionUnsupported': vscode.l10n.t('Image descriptions are only sent to Gemini (GEM) models.'),
    'refs.remove': vscode.l10n.t('Remove'),
    'refs.moveLeft': vscode.l10n.t('Move earlier'),
    'refs.moveRight': vscode.l10n.t('Move later'),
    'refs.itemHint': vscode.l10n.t('Alt+Left or Alt+Right reorders, Delete removes.'),
    'refs.url': vscode.l10n.t('Image URL'),
    'refs.urlPlaceholder': 'https://…',
    'refs.addUrl': vscode.l10n.t('Add URL'),
    'refs.fileId': vscode.l10n.t('VOD file ID'),
    'refs.fileIdPlaceholder': vscode.l10n.t('e.g. 5285890781234567890'),
    'refs.fileIdHint': vscode.l10n.t('A VOD file ID names an image already in your Tencent Cloud VOD (Video on Demand) media library.'),
    'refs.addFileId': vscode.l10n.t('Add File ID'),
    'refs.browse': vscode.l10n.t('Browse…'),
    'refs.fromUrl': vscode.l10n.t('Web image'),
    'refs.fromFileId': vscode.l10n.t('VOD file'),
    'refs.limitDroppedOne': vscode.l10n.t('{0} takes at most 1 reference image. Left out: {2}', '{0}', '{1}', '{2}'),
    'refs.limitDropped': vscode.l10n.t('{0} takes at most {1} reference images. Left out: {2}', '{0}', '{1}', '{2}'),
    'refs.rejected': vscode.l10n.t('Not an image that can be attached: {0}', '{0}'),
    'refs.checking': vscode.l10n.t('Checking…'),
    'refs.outside': vscode.l10n.t('Outside the workspace: attach it with Browse….'),
    'refs.duplicate': vscode.l10n.t('Already attached: {0}', '{0}'),
    'picker.heading': vscode.l10n.t('Workspace images'),
    'picker.search': vscode.l10n.t('Search images by name or folder'),
    'picker.count': vscode.l10n.t('{0} images', '{0}'),
    'picker.countFiltered': vscode.l10n.t('{0} of {1} images', '{0}', '{1}'),
    'picker.noMatch': vscode.l10n.t('No images match “{0}”.', '{0}'),
    'picker.none': vscode.l10n.t('No PNG, JPEG or WebP images in this workspace.'),
    'picker.noFolder': vscode.l10n.t('Open a folder to pick images from it.'),
    'picker.loading': vscode.l10n.t('Looking for images…'),
    'picker.truncated': vscode.l10n.t('Only the first {0} images are listed; search to narrow them down.', '{0}'),
    'picker.toggle': vscode.l10n.t('Show or hide the workspace images'),
    'picker.generated': vscode.l10n.t('Generated'),
    'picker.generatedFirst': vscode.l10n.t('{0} generated here, listed first', '{0}'),
    'tasks.heading': vscode.l10n.t('Tasks'),
    'tasks.cancel': vscode.l10n.t('Cancel Task'),
    'tasks.stopWaiting': vscode.l10n.t('Stop Waiting'),
    'tasks.collectNow': vscode.l10n.t('Collect Now'),
    'tasks.discard': vscode.l10n.t('Discard'),
    'tasks.resubmit': vscode.l10n.t('Submit Again'),
    'tasks.chooseFolder': vscode.l10n.t('Choose Folder'),
    'tasks.dismiss': vscode.l10n.t('Dismiss'),
    'tasks.clearEnded': vscode.l10n.t('Clear Finished'),
    'gallery.heading': vscode.l10n.t('Results'),
    'gallery.filter': vscode.l10n.t('Filter by prompt or model'),
    'gallery.refresh': vscode.l10n.t('Reload from Disk'),
    'gallery.empty': vscode.l10n.t('No images yet. Results are saved in the output folder and listed here.'),
    'gallery.noMatch': vscode.l10n.t('No results match “{0}”.', '{0}'),
    'gallery.more': vscode.l10n.t('Show More'),
    'gallery.showing': vscode.l10n.t('Showing {0} of {1}', '{0}', '{1}'),
    'gallery.references': vscode.l10n.t('{0} reference image(s)', '{0}'),
    'gallery.open': vscode.l10n.t('Open'),
    'gallery.reveal': vscode.l10n.t('Reveal in Explorer'),
    'gallery.copyLink': vscode.l10n.t('Copy Markdown Link'),
    'gallery.insert': vscode.l10n.t('Insert into Editor'),
    'gallery.useAsReference': vscode.l10n.t('Use as Reference'),
    'gallery.reuseSettings': vscode.l10n.t('Reuse Settings'),
    'gallery.variation': vscode.l10n.t('Generate a Variation'),
    'command.setApiKey': vscode.l10n.t('Set API Key'),
    'command.openSettings': vscode.l10n.t('Open Settings'),
    'command.showLog': vscode.l10n.t('Show Log'),
  };
}

function withoutProblem(entry: ReferenceEntry): ReferenceEntry {
  if (entry.kind !== 'file' || !entry.problem) return entry;
  const { problem: _ignored, ...rest } = entry;
  return rest;
}

/**
 * A URI the webview names (picked, dropped, restored) as a local file. Drag data in a
 * remote window carries the workbench's `vscode-remote:` URI of what is a local file here.
 */
export function toLocalUri(text: string): vscode.Uri | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (path.isAbsolute(trimmed) && !/^[a-z][a-z0-9+.-]+:\/\//i.test(trimmed)) return vscode.Uri.file(trimmed);
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(trimmed, true);
  } catch {
    return undefined;
  }
  if (uri.scheme === 'file') return uri;
  if (uri.scheme === 'vscode-remote' && vscode.env.remoteName) return vscode.Uri.file(uri.path);
  return undefined;
}


