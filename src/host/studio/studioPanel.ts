/**
 * The Studio panel's shell: one webview panel (reveal-or-create, restored after a reload), its
 * HTML, the posts it holds until the webview says `ready`, and `init`. What the messages do is
 * the controllers' (form, references, tasks, gallery); the router hands each message to one.
 * Constructed on the first command that needs it.
 */
import * as vscode from 'vscode';
import { GenerationError } from '../../core/errors';
import type { ImageFinisher } from '../../core/finish';
import type { GalleryAction } from '../../shared/galleryItem';
import type { HostMessage } from '../../shared/hostMessages';
import type { Completion } from '../../shared/studioRequests';
import type { GenerationService } from '../generationService';
import type { Log } from '../log';
import type { ReferenceAccess } from '../referenceAccess';
import type { TaskSupervisor } from '../taskSupervisor';
import { StudioSpending } from '../spendingStudio';
import { buildStudioHtml, createNonce } from '../webviewHtml';
import { FormController, type StudioPrefill } from './formController';
import { CropController } from './cropController';
import { GalleryController } from './galleryController';
import { type WebviewHandlers, createMessageRouter } from './messageRouter';
import { ReferencesController } from './referencesController';
import { runSetupCommand } from './setupCommands';
import { STUDIO_TITLE, StudioLocalizer } from './studioLocalizer';
import type { StudioPort } from './studioPort';
import { TasksController } from './tasksController';
import { StylesController } from './stylesController';
import type { ProjectStyles } from '../projectStyles';

/** The panel's view type (the manifest's `onWebviewPanel:` activation event names it too). */
export const STUDIO_VIEW_TYPE = 'aigcImage.studio';

/** Posts the webview does not need to receive late: `init` carries the current state. */
const SNAPSHOTS: ReadonlySet<HostMessage['type']> = new Set(['tasks', 'gallery', 'history', 'images']);

export interface StudioDeps {
  context: vscode.ExtensionContext;
  log: Log;
  tasks: TaskSupervisor;
  generations: GenerationService;
  access: ReferenceAccess;
  /** The image library behind "Adjust crop…" (host/imaging.ts, loaded on first use). */
  finisher?: () => Promise<ImageFinisher>;
  /** The project's styles, loaded on first use. */
  styles: () => Promise<ProjectStyles>;
}

export class StudioPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private ready = false;
  /** The open panel's message router (tests press gallery buttons through it). */
  private receive: ((raw: unknown) => Promise<void>) | undefined;
  private queue: HostMessage[] = [];
  private readonly l10n = new StudioLocalizer();
  private readonly references: ReferencesController;
  private readonly gallery: GalleryController;
  private readonly tasks: TasksController;
  private readonly form: FormController;
  private readonly styles: StylesController;
  private readonly crop: CropController;
  private readonly spending: StudioSpending;

  constructor(private readonly deps: StudioDeps) {
    const port: StudioPort = {
      post: (message) => this.post(message),
      webview: () => this.panel?.webview,
      isReady: () => this.ready,
    };
    const { context, log } = deps;
    this.spending = new StudioSpending(deps.generations.gate, (message) => this.post(message));
    this.references = new ReferencesController(port, deps.access, this.l10n);
    // The gallery starts variations through the tasks controller, which adds results to the gallery.
    this.gallery = new GalleryController(port, this.l10n, {
      workspaceState: context.workspaceState,
      log,
      references: this.references,
      start: (input) => this.tasks.run(input),
      hasStyle: (name) => this.styles.has(name),
    });
    this.tasks = new TasksController(port, this.gallery, { tasks: deps.tasks, generations: deps.generations, log });
    this.styles = new StylesController(port, deps.styles);
    this.form = new FormController(port, this.l10n, {
      globalState: context.globalState,
      access: deps.access,
      log,
      tasks: this.tasks,
      styles: this.styles,
    });
    this.crop = new CropController({
      log,
      listed: (id) => this.gallery.listed(id),
      finisher: deps.finisher ?? noFinisher,
      saved: () => this.gallery.refresh(),
    });
  }

  /** Reveals the panel (creating it when needed) and attaches these images, or fills the form for one image. */
  open(attach: readonly vscode.Uri[] = [], prefill?: StudioPrefill): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
    } else {
      const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
      this.adopt(
        vscode.window.createWebviewPanel(
          STUDIO_VIEW_TYPE,
          STUDIO_TITLE,
          { viewColumn: column, preserveFocus: false },
          this.options(),
        ),
      );
    }
    if (attach.length > 0) void this.references.attachFiles(attach);
    if (prefill) this.form.prefill(prefill);
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
    return this.ready ? this.gallery.count() : undefined;
  }

  /** Local reference images attached in the form, as the webview last reported them. */
  attached(): readonly string[] {
    return this.references.attached();
  }

  /** The prompt and fixed target the form shows, as the webview last reported them after a fill. */
  shownForm(): { prompt: string; target?: string } | undefined {
    return this.form.shownInForm();
  }

  /** The styles the picker was last sent, and whether it says they are not used (Restricted Mode). */
  stylesOffered(): { names: string[]; restricted: boolean } | undefined {
    return this.styles.lastOffered();
  }

  /**
   * Does what a result's button in the gallery does, through the same message the webview sends;
   * false when the gallery does not list that image. Resolves once the action is done.
   */
  async actOnResult(file: string, action: GalleryAction): Promise<boolean> {
    const item = this.gallery.idOf(file);
    if (!item || !this.ready || !this.receive) return false;
    await this.receive({ type: 'galleryAction', item, action });
    return true;
  }

  dispose(): void {
    this.panel?.dispose();
    this.closed();
    this.spending.dispose();
    this.styles.dispose();
  }

  private handlers(): WebviewHandlers {
    return {
      ready: () => this.onReady(),
      generate: (m, reply) => this.form.generate(m.requestId, m.form, reply),
      taskAction: (m) => this.tasks.act(m.taskId, m.action),
      inspect: (m, reply) => this.references.inspect(m.uris, reply),
      listImages: () => this.references.listImages(),
      browse: () => this.references.browse(),
      galleryAction: (m) => this.gallery.act(m.item, m.action),
      refreshGallery: () => this.gallery.refresh(),
      references: (m) => this.references.reported(m.paths),
      runCommand: (m) => runSetupCommand(m.command),
      formShown: (m) => this.form.shown(m.prompt, m.target),
      recrop: (m, reply) => this.crop.recrop(m.item, m.crop, reply),
      saveStyle: async (m) => (await import('../styleFile.js')).saveFormAsStyle(m.form),
    };
  }

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
    const { context, log } = this.deps;
    const webview = panel.webview;
    const dist = (file: string) =>
      webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', file)).toString();
    webview.html = buildStudioHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: dist('webview.js'),
      styleUri: dist('webview.css'),
      codiconUri: dist('codicon.css'),
      lang: vscode.env.language,
      title: STUDIO_TITLE,
    });
    // Replies go to the panel that asked: a request of a closed panel must not complete one of its successor's.
    const receive = (this.receive = createMessageRouter({
      handlers: this.handlers(),
      log,
      reportFailure: () =>
        this.post({
          type: 'notice',
          level: 'error',
          message: vscode.l10n.t('Something went wrong; see the log for details.'),
        }),
      reply: (completion) => this.replyTo(panel, completion),
    }));
    this.panelDisposables = [
      this.gallery.opened(panel),
      this.references.opened(),
      this.tasks.opened(),
      this.form.opened(),
      webview.onDidReceiveMessage((raw: unknown) => void receive(raw)),
      panel.onDidDispose(() => this.closed(panel)),
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
    for (const d of this.panelDisposables) d.dispose();
    this.panelDisposables = [];
    this.deps.log.info('studio', 'panel closed');
  }

  private replyTo(panel: vscode.WebviewPanel, completion: Completion): void {
    if (panel !== this.panel) {
      this.deps.log.trace('studio', `dropped the ${completion.method} reply of a closed panel`);
      return;
    }
    this.post(completion);
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

  private async onReady(): Promise<void> {
    if (!this.panel) return;
    const results = await this.gallery.snapshot();
    if (!this.panel || !results) return;
    const init: HostMessage = {
      type: 'init',
      lang: vscode.env.language,
      strings: this.l10n.strings(),
      messages: this.l10n.messageTable(),
      defaults: this.form.defaults(),
      history: this.form.history(),
      tasks: this.tasks.rows(),
      gallery: results.items,
      galleryTotal: results.total,
      hasWorkspace: (vscode.workspace.workspaceFolders?.length ?? 0) > 0,
    };
    this.ready = true;
    void this.panel.webview.postMessage(init);
    this.deps.log.trace(
      'studio',
      `init sent (${results.total} result(s)), then ${this.queue.length} queued message(s)`,
    );
    const queued = this.queue;
    this.queue = [];
    for (const message of queued) this.post(message);
    void this.spending
      .start()
      .catch((error: unknown) => this.deps.log.warn('studio', `no spending line: ${String(error)}`));
    this.styles
      .send()
      .catch((error: unknown) =>
        this.deps.log.warn('studio', `the project's styles could not be listed: ${String(error)}`),
      );
  }
}

/** Without the image library a crop cannot be made again: said as the landing says it, not silently skipped. */
function noFinisher(): Promise<ImageFinisher> {
  return Promise.reject(
    new GenerationError({
      kind: 'processing',
      code: 'libraryUnavailable',
      template: 'The image library could not be loaded, so the crop was not changed.',
    }),
  );
}
