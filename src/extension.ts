import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ApiKeyStore } from './host/apiKey';
import { Log } from './host/log';
import { trackInsertableEditors } from './host/resultActions';
import { createTaskStatusBar } from './host/statusBar';
import type { StudioPanel } from './host/studioPanel';
import { TaskRunner, type TaskView } from './host/taskRunner';
import type { TaskRecord } from './host/taskStore';

/** What the extension exposes to other extensions and to its own integration tests. */
export interface ExtensionApi {
  tasks(): readonly TaskView[];
  /** Submitted tasks whose images have not landed yet. */
  pendingTasks(): readonly TaskRecord[];
  /** Recent log lines (already redacted), for diagnostics. */
  recentLog(): readonly string[];
  /** Resolves when the tasks recorded before activation have been resumed. */
  resumed: Promise<void>;
  /** The Studio panel, as far as tests need to see it. */
  studio: {
    isOpen(): boolean;
    /** Paths of the local reference images attached in the panel's form. */
    attached(): readonly string[];
  };
}

/** STUDIO_VIEW_TYPE of src/shared/protocol.ts; not imported, so activation evaluates none of the panel's modules. */
const STUDIO_VIEW_TYPE = 'aigcImage.studio';

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = new Log();
  const keys = new ApiKeyStore(context, log);
  const runner = new TaskRunner(context, log, keys);
  // The panel's code is loaded by the first command (or restore) that needs it.
  let studio: StudioPanel | undefined;
  let loadingStudio: Promise<StudioPanel> | undefined;
  const loadStudio = () =>
    (loadingStudio ??= import('./host/studioPanel.js').then(({ StudioPanel }) => {
      const panel = new StudioPanel({ context, log, runner });
      context.subscriptions.push(panel);
      studio = panel;
      return panel;
    }));
  const openStudio = (attach: vscode.Uri[]) =>
    void loadStudio()
      .then((panel) => panel.open(attach))
      .catch((error: unknown) => log.error('studio', `the panel could not open: ${String(error)}`));
  context.subscriptions.push(
    log,
    keys,
    runner,
    registerCommands({ context, log, keys, runner, openStudio }),
    vscode.window.registerWebviewPanelSerializer(STUDIO_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => (await loadStudio()).restore(panel),
    }),
    createTaskStatusBar(runner, 'aigcImage.showLog'),
    trackInsertableEditors(),
  );
  // Resuming reads settings and secrets: do it after activation returns.
  const resumed = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
    await keys.refreshLogSecrets();
    await runner.resumeAll();
    await keys.offerMigration();
  });
  resumed.catch((error: unknown) => log.error('activate', `resume failed: ${String(error)}`));
  log.info('activate', `activated in ${(performance.now() - started).toFixed(1)} ms`);
  return {
    tasks: () => runner.views(),
    pendingTasks: () => runner.pendingRecords(),
    recentLog: () => log.recentLines(),
    resumed,
    studio: { isOpen: () => studio?.isOpen() ?? false, attached: () => studio?.attached() ?? [] },
  };
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop every wait; recorded tasks resume on the next activation.
}
