import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ApiKeyStore } from './host/apiKey';
import { lazy } from './host/lazy';
import { Log } from './host/log';
import { trackInsertableEditors } from './host/resultActions';
import { reportIgnoredSettingsTo } from './host/settings';
import { type SpendingApi, registerSpending, spendingApi } from './host/spending';
import { createTaskStatusBar } from './host/statusBar';
import type { TaskRecord } from './core/lifecycle';
import { GenerationService } from './host/generationService';
import { MissingImageFixes } from './host/missingImages';
import type { ProjectStyles } from './host/projectStyles';
import type { ImageTool, ImageToolInput } from './host/imageTool';
import { ReferenceAccess } from './host/referenceAccess';
import type { StudioPrefill } from './host/studio/formController';
import type { StudioPanel } from './host/studio/studioPanel';
import type { GalleryAction } from './shared/galleryItem';
import { TaskSupervisor } from './host/taskSupervisor';
import type { TaskView } from './host/taskView';

/** What the extension exposes to other extensions and to its own integration tests. */
export interface ExtensionApi {
  tasks(): readonly TaskView[];
  /** Tasks that are not over yet, whichever window collects them. */
  pendingTasks(): readonly TaskRecord[];
  /** Every task the journal holds (recently ended ones too). */
  allTasks(): readonly TaskRecord[];
  /**
   * Stores an API key in secret storage without the input box (for automation and tests). Only
   * code running in the extension host can call it: no command or link reaches it.
   */
  storeApiKey(key: string): Promise<boolean>;
  /** Recent log lines (already redacted), for diagnostics. */
  recentLog(): readonly string[];
  /** Resolves when the tasks recorded before activation have been resumed. */
  resumed: Promise<void>;
  /** The spend ledger and its cap, as far as tests need to see them. */
  spending: SpendingApi;
  /**
   * Answers the project styles' consent question from now on (`use`: "Use Style"), in place of
   * the modal a test cannot click; returns the questions asked since the first call.
   */
  answerStyleQuestions(answer: 'use' | 'decline'): Promise<readonly string[]>;
  /** The agent tool's confirmation for this input (the project's style applied): its title, a blank line, its Markdown. */
  toolConfirmation(input: Record<string, unknown>): Promise<string>;
  /** The Studio panel, as far as tests need to see it. */
  studio: {
    isOpen(): boolean;
    /** Paths of the local reference images attached in the panel's form. */
    attached(): readonly string[];
    /** Results the panel's gallery has read (undefined until it has loaded). */
    resultCount(): number | undefined;
    /** The prompt and fixed target the panel's form shows, as the webview reported them after the host filled it. */
    shownForm(): { prompt: string; target?: string } | undefined;
    /** The styles the picker offers, and whether it says they are not used here (Restricted Mode). */
    stylesOffered(): { names: string[]; restricted: boolean } | undefined;
    /** Presses a result's button in the gallery (`variation`, `reuseSettings`, …); false when the open panel does not list that image. */
    actOnResult(file: string, action: GalleryAction): Promise<boolean>;
  };
}

/** STUDIO_VIEW_TYPE of src/host/studio/studioPanel.ts; not imported, so activation evaluates none of the panel's modules. */
const STUDIO_VIEW_TYPE = 'aigcImage.studio';
/** IMAGE_TOOL_NAME of src/host/imageTool.ts (the manifest's languageModelTools name); the tool loads on first use. */
const IMAGE_TOOL_NAME = 'aigcImage_generateImage';

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = new Log();
  reportIgnoredSettingsTo((message) => log.warn('settings', message));
  const keys = new ApiKeyStore(context, log);
  const access = new ReferenceAccess();
  const tasks = new TaskSupervisor(context, log, keys, access);
  const generations = new GenerationService(log, keys, tasks, access);
  const { loadStyles, loadImageTool } = lazyStylesAndTool(context, { log, keys, generations });
  // The panel's code is loaded by the first command (or restore) that needs it.
  let studio: StudioPanel | undefined;
  const loadStudio = lazy(() =>
    import('./host/studio/studioPanel.js').then(({ StudioPanel }) => {
      const panel = new StudioPanel({
        context,
        log,
        tasks,
        generations,
        access,
        styles: loadStyles,
        finisher: async () => (await import('./host/imaging.js')).imageFinisher(context.extensionUri),
      });
      context.subscriptions.push(panel);
      studio = panel;
      return panel;
    }),
  );
  const openStudio = (attach: vscode.Uri[], prefill?: StudioPrefill) =>
    void loadStudio()
      .then((panel) => panel.open(attach, prefill))
      .catch((error: unknown) => log.error('studio', `the panel could not open: ${String(error)}`));
  context.subscriptions.push(
    log,
    keys,
    tasks,
    generations,
    registerCommands({ context, log, keys, tasks, generations, access, openStudio, styles: loadStyles }),
    vscode.window.registerWebviewPanelSerializer(STUDIO_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => (await loadStudio()).restore(panel),
    }),
    createTaskStatusBar(tasks, 'aigcImage.showTasks'),
    vscode.languages.registerCodeActionsProvider(MissingImageFixes.selector, new MissingImageFixes(), {
      providedCodeActionKinds: MissingImageFixes.kinds,
    }),
    vscode.lm.registerTool<ImageToolInput>(IMAGE_TOOL_NAME, {
      prepareInvocation: async (options) => (await loadImageTool()).prepareInvocation(options),
      invoke: async (options, token) => (await loadImageTool()).invoke(options, token),
    }),
    trackInsertableEditors(),
  );
  // Resuming reads settings and secrets: do it after activation returns.
  const resumed = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
    await keys.refreshLogSecrets();
    await tasks.resume();
  });
  resumed.catch((error: unknown) => log.error('activate', `resume failed: ${String(error)}`));
  context.subscriptions.push(registerSpending(context, generations.gate, log, resumed));
  log.info('activate', `activated in ${(performance.now() - started).toFixed(1)} ms`);
  return {
    tasks: () => tasks.views(),
    pendingTasks: () => tasks.pendingRecords(),
    allTasks: () => tasks.allRecords(),
    recentLog: () => log.recentLines(),
    storeApiKey: (key) => keys.store(key),
    resumed,
    spending: spendingApi(generations.gate),
    answerStyleQuestions: async (answer) => (await loadStyles()).answerQuestions(answer),
    toolConfirmation: async (input) => {
      const prepared = await (await loadImageTool()).prepareInvocation({ input: input as unknown as ImageToolInput });
      const { title = '', message = '' } = prepared.confirmationMessages ?? {};
      return `${title}\n\n${typeof message === 'string' ? message : message.value}`;
    },
    studio: {
      isOpen: () => studio?.isOpen() ?? false,
      attached: () => studio?.attached() ?? [],
      resultCount: () => studio?.resultCount(),
      shownForm: () => studio?.shownForm(),
      stylesOffered: () => studio?.stylesOffered(),
      actOnResult: async (file, action) => (await studio?.actOnResult(file, action)) ?? false,
    },
  };
}

/** The project's styles bring the schema library: loaded with the first generation that may use one, as the tool is. */
function lazyStylesAndTool(
  context: vscode.ExtensionContext,
  deps: { log: Log; keys: ApiKeyStore; generations: GenerationService },
): { loadStyles: () => Promise<ProjectStyles>; loadImageTool: () => Promise<ImageTool> } {
  const loadStyles = lazy<ProjectStyles>(() =>
    import('./host/projectStyles.js').then(({ ProjectStyles }) => {
      const styles = new ProjectStyles(context.workspaceState);
      context.subscriptions.push(styles);
      return styles;
    }),
  );
  const loadImageTool = lazy<ImageTool>(async () => {
    const [{ ImageTool }, styles] = await Promise.all([import('./host/imageTool.js'), loadStyles()]);
    return new ImageTool({ ...deps, styles });
  });
  return { loadStyles, loadImageTool };
}

export async function deactivate(): Promise<void> {
  // Disposables in context.subscriptions stop every wait; journalled tasks resume in the next window.
  // The image engine is no subscription (activation never loads it): its worker thread is ended here.
  const { disposeImageFinisher } = await import('./host/imaging.js');
  await disposeImageFinisher();
}
