/** Every command the extension contributes, registered in one place. */
import * as vscode from 'vscode';
import type { ReferenceSource } from './core/references';
import type { ApiKeyStore } from './host/apiKey';
import type { Log } from './host/log';
import { gatherQuickInput, parseQuickOptions } from './host/quickGenerate';
import { readOutputSettings } from './host/settings';
import { type TaskRunner, describe } from './host/taskRunner';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  log: Log;
  keys: ApiKeyStore;
  runner: TaskRunner;
  /** Opens (or reveals) the Studio panel, attaching these images. */
  openStudio?: (attach: vscode.Uri[]) => void;
}

const IMAGE_EXTENSION = /\.(png|jpe?g|webp)$/i;

/** Explorer passes (clicked, selection); the editor title passes (uri). Anything else is ignored. */
export function imageUrisFromArgs(clicked: unknown, selection: unknown): vscode.Uri[] {
  const candidates = Array.isArray(selection) && selection.length > 0 ? selection : [clicked];
  const seen = new Set<string>();
  return candidates.filter((u): u is vscode.Uri => {
    if (!(u instanceof vscode.Uri) || u.scheme !== 'file' || !IMAGE_EXTENSION.test(u.path)) return false;
    if (seen.has(u.toString())) return false;
    seen.add(u.toString());
    return true;
  });
}

/** The image shown in the active image preview, if any. */
function activePreviewImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && IMAGE_EXTENSION.test(input.uri.path) ? input.uri : undefined;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const { context, log, keys, runner } = deps;

  const generate = async (arg?: unknown) => {
    const given = parseQuickOptions(arg);
    if (!given?.prompt && deps.openStudio) {
      deps.openStudio([]);
      return undefined;
    }
    const input = await gatherQuickInput('generate', [], context.globalState, given);
    return input ? runner.start(input) : undefined;
  };

  const restyle = async (clicked?: unknown, selection?: unknown, options?: unknown) => {
    let images = imageUrisFromArgs(clicked, selection);
    if (images.length === 0) {
      const preview = activePreviewImage();
      if (preview) images = [preview];
    }
    if (images.length === 0) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: true,
        filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
        openLabel: vscode.l10n.t('Restyle'),
      });
      images = imageUrisFromArgs(undefined, picked ?? []);
      if (images.length === 0) return undefined;
    }
    const given = parseQuickOptions(options);
    if (!given?.prompt && deps.openStudio) {
      deps.openStudio(images);
      return undefined;
    }
    const references: ReferenceSource[] = images.map((u) => ({ kind: 'file', path: u.fsPath }));
    const input = await gatherQuickInput('restyle', references, context.globalState, given);
    return input ? runner.start(input) : undefined;
  };

  const setApiKey = async (value?: unknown) => {
    // A string argument lets automation (and the walkthrough's tests) set the key without the input box.
    if (typeof value === 'string' && value.trim()) {
      await keys.store(value);
      return true;
    }
    return keys.promptAndStore();
  };

  const clearApiKey = async () => {
    await keys.clear();
    void vscode.window.showInformationMessage(vscode.l10n.t('API key removed from secret storage.'));
  };

  const openOutputFolder = async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder first: generated images are saved inside the workspace.'));
      return;
    }
    const target = vscode.Uri.joinPath(folder.uri, ...readOutputSettings(folder.uri).outputFolder.split(/[\\/]+/));
    try {
      await vscode.workspace.fs.stat(target);
    } catch {
      void vscode.window.showInformationMessage(vscode.l10n.t('No images have been generated in this workspace yet.'));
      return;
    }
    await vscode.commands.executeCommand('revealInExplorer', target);
  };

  const cancelTask = async (id?: unknown) => {
    if (typeof id === 'string') {
      runner.cancel(id);
      return;
    }
    const running = runner.views().filter((v) => ['submitting', 'queued', 'running'].includes(v.phase));
    if (running.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No image task is running.'));
      return;
    }
    const picked = await vscode.window.showQuickPick(
      running.map((v) => ({ label: v.prompt.slice(0, 80), description: `${v.model} · ${describe(v)}`, detail: v.taskId, id: v.id })),
      { title: vscode.l10n.t('Cancel Image Task'), placeHolder: vscode.l10n.t('Choose the task to stop') },
    );
    if (picked) runner.cancel(picked.id);
  };

  const register = (id: string, handler: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        log.error('command', `${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', id, error instanceof Error ? error.message : String(error)));
        return undefined;
      }
    });

  return vscode.Disposable.from(
    register('aigcImage.generate', generate),
    register('aigcImage.restyle', restyle),
    register('aigcImage.setApiKey', setApiKey),
    register('aigcImage.clearApiKey', clearApiKey),
    register('aigcImage.openOutputFolder', openOutputFolder),
    register('aigcImage.showLog', () => log.show()),
    register('aigcImage.cancelTask', cancelTask),
  );
}

