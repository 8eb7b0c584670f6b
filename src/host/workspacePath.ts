/**
 * Workspace-relative paths as agents and the Studio's form name files ("assets/hero.png";
 * "folder/assets/hero.png" in a multi-root workspace), resolved to a file inside a workspace
 * folder — or the reason they are not one, for the caller to word.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IMAGE_FILE_NAME } from '../core/models';
import { isReallyInside, isUncPath } from '../core/naming';

export type WorkspacePathProblem = 'notRelative' | 'noFolder';
export type ImageTargetProblem = WorkspacePathProblem | 'notImage' | 'outside';

/** A workspace-relative path as a file inside a workspace folder (by its spelling: links are not followed here). */
export function resolveWorkspacePath(relative: string): { uri: vscode.Uri } | { problem: WorkspacePathProblem } {
  const cleaned = relative.trim().replace(/^\.\//, '');
  if (!cleaned || path.isAbsolute(cleaned) || path.win32.isAbsolute(cleaned) || isUncPath(cleaned) || cleaned.split(/[\\/]/).includes('..')) {
    return { problem: 'notRelative' };
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) return { problem: 'noFolder' };
  // "folder-name/…" picks a folder of a multi-root workspace; otherwise the first folder.
  const [first, ...rest] = cleaned.split(/[\\/]+/);
  const named = folders.length > 1 ? folders.find((f) => f.name === first) : undefined;
  const folder = named ?? folders[0]!;
  return { uri: vscode.Uri.joinPath(folder.uri, ...(named ? rest : [first!, ...rest])) };
}

/**
 * Where an image may be saved by name: a PNG, JPEG or WebP file name inside a local workspace
 * folder also after symbolic links are followed, so a link in the workspace cannot lead the
 * write out of it.
 */
export async function resolveImageTarget(relative: string): Promise<{ uri: vscode.Uri } | { problem: ImageTargetProblem }> {
  const resolved = resolveWorkspacePath(relative);
  if ('problem' in resolved) return resolved;
  if (!IMAGE_FILE_NAME.test(resolved.uri.path)) return { problem: 'notImage' };
  const folder = vscode.workspace.getWorkspaceFolder(resolved.uri);
  if (!folder || folder.uri.scheme !== 'file' || !(await isReallyInside(folder.uri.fsPath, resolved.uri.fsPath))) return { problem: 'outside' };
  return resolved;
}

/** How resolveWorkspacePath names a file back: with the folder's name only in a multi-root workspace. */
export function workspaceRelativePath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}
