/**
 * "Save as Style…" on a gallery card: the card's result (one the gallery listed, never a path
 * the webview names) saved as a style of the first folder's styles file, made of what the card
 * shows (choicesFromResult); its reference images only when they are found again in that folder.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { choicesFromResult } from '../../core/resultStyle';
import { styleFromChoices } from '../../core/styleSave';
import { notify } from '../display';
import { type GalleryEntry, findLocal } from '../gallery';
import { saveStyle } from '../styleFile';

export async function saveResultAsStyle(entry: GalleryEntry): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void notify('info', vscode.l10n.t('Open a folder first: project styles live in its .vscode/aigc-styles.json.'));
    return;
  }
  const derived = entry.finished?.derived;
  const finished = derived && {
    ...(derived.size ? { size: derived.size } : {}),
    format: derived.format,
    transparentAsked: derived.transparentAsked,
  };
  const choices = choicesFromResult(entry.sidecar, finished, await referencesIn(folder, entry));
  await saveStyle(folder, styleFromChoices(choices), entry.sidecar.style?.name ?? '');
}

/** The result's local references found again inside `folder`, relative to it (a style's references are). */
async function referencesIn(folder: vscode.WorkspaceFolder, entry: GalleryEntry): Promise<string[]> {
  const found: string[] = [];
  for (const saved of entry.sidecar.references ?? []) {
    const uri = saved.path ? await findLocal(saved.path, entry.sidecarUri) : undefined;
    if (uri && vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() === folder.uri.toString())
      found.push(path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/'));
  }
  return found;
}
