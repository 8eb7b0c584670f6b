/** Every command the extension contributes, registered in one place. */
import * as vscode from 'vscode';
import { IMAGE_FILE_NAME } from './core/models';
import type { ReferenceSource } from './core/references';
import type { ApiKeyStore } from './host/apiKey';
import type { Log } from './host/log';
import { type GenerationService, statusLine } from './host/generationService';
import {
  GENERATE_MISSING_COMMAND,
  type MissingImage,
  generateMissingImage,
  referencedFile,
  studioPrefillFor,
} from './host/missingImages';
import { gatherQuickInput, parseQuickOptions } from './host/quickGenerate';
import { readOutputSettings } from './host/settings';
import { type TaskAction, isEndedStatus } from './core/lifecycle';
import { sizeArgument } from './core/missingImageFinish';
import type { ReferenceAccess } from './host/referenceAccess';
import type { ProjectStyles } from './host/projectStyles';
import type { StudioPrefill } from './host/studio/formController';
import type { TaskSupervisor } from './host/taskSupervisor';
import type { TaskView } from './host/taskView';
import { notify } from './host/display';
import type { AssetCommandDeps } from './host/assetSets';
import { lazy } from './host/lazy';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  log: Log;
  keys: ApiKeyStore;
  tasks: TaskSupervisor;
  generations: GenerationService;
  access: ReferenceAccess;
  /** Opens (or reveals) the Studio panel, attaching these images, or filled in for one image. */
  openStudio?: (attach: vscode.Uri[], prefill?: StudioPrefill) => void;
  /** The project's styles, loaded on first use. */
  styles: () => Promise<ProjectStyles>;
}

/** Explorer passes (clicked, selection); the editor title passes (uri). Anything else is ignored. */
export function imageUrisFromArgs(clicked: unknown, selection: unknown): vscode.Uri[] {
  const candidates = Array.isArray(selection) && selection.length > 0 ? selection : [clicked];
  const seen = new Set<string>();
  return candidates.filter((u): u is vscode.Uri => {
    if (!(u instanceof vscode.Uri) || u.scheme !== 'file' || !IMAGE_FILE_NAME.test(u.path)) return false;
    if (seen.has(u.toString())) return false;
    seen.add(u.toString());
    return true;
  });
}

/** The image shown in the active image preview, if any. */
function activePreviewImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && IMAGE_FILE_NAME.test(input.uri.path) ? input.uri : undefined;
}

/** The quick fix's argument, checked: a command can be run with anything. */
function parseMissingImage(arg: unknown): MissingImage | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const document = a.document instanceof vscode.Uri ? a.document : undefined;
  const target = text(a.target);
  const written = text(a.written);
  if (!document || !target || !written || typeof a.start !== 'number' || typeof a.end !== 'number') return undefined;
  // The target must be the file the reference names, inside the workspace.
  const resolved = referencedFile(document, written);
  if (!resolved || resolved.fsPath !== target || !vscode.workspace.getWorkspaceFolder(resolved)) return undefined;
  const size = sizeArgument(a.size);
  return {
    document,
    target,
    written,
    start: a.start,
    end: a.end,
    prompt: text(a.prompt) ?? '',
    ...(text(a.aspectRatio) ? { aspectRatio: text(a.aspectRatio) } : {}),
    ...(size ? { size } : {}),
    ...(a.direct === true ? { direct: true } : {}),
  };
}

type Handler = (...args: never[]) => unknown;
/** Builds a command's handler from what it needs; one named function per command. */
type CommandFactory = (deps: CommandDeps) => Handler;

function generate(deps: CommandDeps): Handler {
  return async (arg?: unknown) => {
    const given = parseQuickOptions(arg);
    if (!given?.prompt && deps.openStudio) {
      deps.openStudio([]);
      return undefined;
    }
    const input = await gatherQuickInput('generate', [], deps.context.globalState, given);
    return input ? deps.generations.generate(input) : undefined;
  };
}

/** The clicked or selected Explorer images, else the image in the active preview, else a file dialog. */
async function imagesToRestyle(deps: CommandDeps, clicked: unknown, selection: unknown): Promise<vscode.Uri[]> {
  const images = imageUrisFromArgs(clicked, selection);
  if (images.length > 0) return images;
  const preview = activePreviewImage();
  if (preview) return [preview];
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
    openLabel: vscode.l10n.t('Restyle'),
  });
  const chosen = imageUrisFromArgs(undefined, picked ?? []);
  if (chosen.length > 0) await deps.access.grantPicked(chosen);
  return chosen;
}

function restyle(deps: CommandDeps): Handler {
  return async (clicked?: unknown, selection?: unknown, options?: unknown) => {
    const images = await imagesToRestyle(deps, clicked, selection);
    if (images.length === 0) return undefined;
    const given = parseQuickOptions(options);
    if (!given?.prompt && deps.openStudio) {
      deps.openStudio(images);
      return undefined;
    }
    const references: ReferenceSource[] = images.map((u) => ({ kind: 'file', path: u.fsPath }));
    const input = await gatherQuickInput('restyle', references, deps.context.globalState, given);
    return input ? deps.generations.generate(input) : undefined;
  };
}

/** The editor's selection as the prompt (editable), then the model: the quick flow. */
function generateFromSelection(deps: CommandDeps): Handler {
  return async () => {
    // The prompt box starts from the selection (quickGenerate's selectedText).
    const input = await gatherQuickInput('generate', [], deps.context.globalState);
    return input ? deps.generations.generate(input) : undefined;
  };
}

/** "…" opens the Studio filled in (the user generates from there); "with <model>" starts at once. */
function generateMissing(deps: CommandDeps): Handler {
  return async (arg?: unknown) => {
    const missing = parseMissingImage(arg);
    if (!missing) return undefined;
    if (!missing.direct && deps.openStudio) {
      deps.openStudio([], studioPrefillFor(missing));
      return undefined;
    }
    return generateMissingImage(deps.generations, deps.context.globalState, missing, deps.styles);
  };
}

/**
 * No argument is taken: a command link in any rendered text (a notification, a hover, a
 * Markdown preview) can pass one, and a key chosen by someone else is theirs to read.
 * Automation stores a key through the extension's API instead.
 */
function setApiKey(deps: CommandDeps): Handler {
  return () => deps.keys.promptAndStore();
}

function clearApiKey(deps: CommandDeps): Handler {
  return async () => {
    await deps.keys.clear();
    void notify('info', vscode.l10n.t('API key removed from secret storage.'));
  };
}

function openOutputFolder(): Handler {
  return async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void notify('info', vscode.l10n.t('Open a folder first: generated images are saved inside the workspace.'));
      return;
    }
    const target = vscode.Uri.joinPath(folder.uri, ...readOutputSettings(folder.uri).outputFolder.split(/[\\/]+/));
    try {
      await vscode.workspace.fs.stat(target);
    } catch {
      void notify('info', vscode.l10n.t('No images have been generated in this workspace yet.'));
      return;
    }
    await vscode.commands.executeCommand('revealInExplorer', target);
  };
}

function showLog(deps: CommandDeps): Handler {
  return () => deps.log.show();
}

/** Carries out one of the actions a task offers (the same ones the Studio shows). */
async function act(deps: CommandDeps, view: TaskView, action: TaskAction): Promise<void> {
  const { tasks, generations } = deps;
  switch (action) {
    case 'cancel':
    case 'stopWaiting':
      return tasks.cancel(view.id);
    case 'collectNow':
      return tasks.collectNow(view.id);
    case 'discard':
      return tasks.discard(view.id);
    case 'resubmit':
      return void (await generations.followDecision(await tasks.resubmit(view.id)));
    case 'chooseFolder':
      return void (await generations.followDecision(await tasks.chooseFolder(view.id)));
  }
}

function actionLabel(action: TaskAction): string {
  return {
    cancel: vscode.l10n.t('Cancel Task'),
    stopWaiting: vscode.l10n.t('Stop Waiting'),
    collectNow: vscode.l10n.t('Collect Now'),
    discard: vscode.l10n.t('Discard'),
    resubmit: vscode.l10n.t('Submit Again'),
    chooseFolder: vscode.l10n.t('Choose Folder'),
  }[action];
}

async function pickTask(views: TaskView[], title: string): Promise<TaskView | undefined> {
  const picked = await vscode.window.showQuickPick(
    views.map((v) => ({
      label: v.prompt.slice(0, 80),
      description: `${v.model} · ${statusLine(v)}`,
      detail: v.taskId,
      view: v,
    })),
    { title, placeHolder: vscode.l10n.t('Choose a task') },
  );
  return picked?.view;
}

function cancelTask(deps: CommandDeps): Handler {
  return async (id?: unknown) => {
    if (typeof id === 'string') return deps.tasks.cancel(id);
    const cancellable = deps.tasks
      .views()
      .filter((v) => v.actions.includes('cancel') || v.actions.includes('stopWaiting'));
    if (cancellable.length === 0) {
      void notify('info', vscode.l10n.t('No image task is running.'));
      return undefined;
    }
    const view = await pickTask(cancellable, vscode.l10n.t('Cancel Image Task'));
    return view ? act(deps, view, view.actions.includes('cancel') ? 'cancel' : 'stopWaiting') : undefined;
  };
}

/** Every task that is not over, with what can be done with it. */
function showTasks(deps: CommandDeps): Handler {
  return async () => {
    const open = deps.tasks.views().filter((v) => !isEndedStatus(v.status));
    if (open.length === 0) {
      void notify('info', vscode.l10n.t('No image task is running.'));
      return;
    }
    const view = await pickTask(open, vscode.l10n.t('Image Tasks'));
    if (!view || view.actions.length === 0) return;
    const action = await vscode.window.showQuickPick(
      view.actions.map((a) => ({ label: actionLabel(a), action: a })),
      { title: view.prompt.slice(0, 80), placeHolder: statusLine(view) },
    );
    if (action) await act(deps, view, action.action);
  };
}

/** The Studio's task buttons: (task id, action), both checked here. */
function taskAction(deps: CommandDeps): Handler {
  return async (id?: unknown, action?: unknown) => {
    const view = deps.tasks.views().find((v) => v.id === id);
    if (view && typeof action === 'string' && (view.actions as string[]).includes(action))
      await act(deps, view, action as TaskAction);
  };
}

/** The asset exports' code loads with the first export, not at activation. */
const loadAssetSets = lazy(() => import('./host/assetSets.js'));

function assetDeps(deps: CommandDeps): AssetCommandDeps {
  return {
    log: deps.log,
    extensionVersion: deps.tasks.extensionVersion(),
    extensionPath: deps.context.extensionPath,
  };
}

/** From the Explorer (clicked, selection) or with an image's Uri (the Studio's gallery card). */
function exportWebIcons(deps: CommandDeps): Handler {
  return async (clicked?: unknown, selection?: unknown) => {
    const assets = await loadAssetSets();
    const image = await assets.imageToExport(clicked, selection);
    return image ? assets.exportWebIcons(assetDeps(deps), image) : undefined;
  };
}

function exportAssets(deps: CommandDeps): Handler {
  return async (clicked?: unknown, selection?: unknown) => {
    const assets = await loadAssetSets();
    const image = await assets.imageToExport(clicked, selection);
    return image ? assets.exportAssets(assetDeps(deps), image) : undefined;
  };
}

/** The first folder's styles file, made with one example style when there is none, opened for editing. */
function openStyles(): Handler {
  return async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void notify('info', vscode.l10n.t('Open a folder first: project styles live in its .vscode/aigc-styles.json.'));
      return undefined;
    }
    const { openStylesFile } = await import('./host/styleFile.js');
    const file = await openStylesFile(folder);
    if (!vscode.workspace.isTrusted)
      void notify(
        'info',
        vscode.l10n.t('Project styles are not used in Restricted Mode: trust this workspace to use them.'),
      );
    return file;
  };
}

/** Every command the extension registers, by id: the manifest's `contributes.commands` and the internal ones. */
export function createCommands(): Record<string, CommandFactory> {
  return {
    'aigcImage.generate': generate,
    'aigcImage.generateFromSelection': generateFromSelection,
    [GENERATE_MISSING_COMMAND]: generateMissing,
    'aigcImage.restyle': restyle,
    'aigcImage.setApiKey': setApiKey,
    'aigcImage.clearApiKey': clearApiKey,
    'aigcImage.openOutputFolder': openOutputFolder,
    'aigcImage.showLog': showLog,
    'aigcImage.cancelTask': cancelTask,
    'aigcImage.showTasks': showTasks,
    'aigcImage.taskAction': taskAction,
    'aigcImage.exportWebIcons': exportWebIcons,
    'aigcImage.exportAssets': exportAssets,
    'aigcImage.openStyles': openStyles,
  };
}

/** Registers every command, each wrapped once: a failure is logged whole and shown as one line. */
export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const register = (id: string, handler: Handler) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        deps.log.error(
          'command',
          `${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        void notify(
          'error',
          vscode.l10n.t('{0} failed: {1}', id, error instanceof Error ? error.message : String(error)),
        );
        return undefined;
      }
    });
  return vscode.Disposable.from(
    ...Object.entries(createCommands()).map(([id, factory]) => register(id, factory(deps))),
  );
}
