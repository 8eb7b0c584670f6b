/**
 * Workspace-relative paths as agents and the Studio's form name files ("assets/hero.png";
 * "folder/assets/hero.png" in a multi-root workspace), resolved to a file inside a workspace
 * folder — or the reason they are not one, for the caller to word.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatOfPath } from '../core/finish';
import { IMAGE_FILE_NAME } from '../core/models';
import { RESERVED_NAME, isReallyInside, isUncPath, windowsReservedPart } from '../core/naming';

export type WorkspacePathProblem = 'notRelative' | 'noFolder';
export type ImageTargetProblem = WorkspacePathProblem | 'notImage' | 'outside' | 'reservedName';

/** A workspace-relative path as a file inside a workspace folder (by its spelling: links are not followed here). */
export function resolveWorkspacePath(relative: string): { uri: vscode.Uri } | { problem: WorkspacePathProblem } {
  const cleaned = relative.trim().replace(/^\.\//, '');
  // `C:foo.png` is not absolute, yet on Windows it names a file relative to drive C's current folder.
  const drive = /^[a-zA-Z]:/.test(cleaned);
  if (
    !cleaned ||
    drive ||
    path.isAbsolute(cleaned) ||
    path.win32.isAbsolute(cleaned) ||
    isUncPath(cleaned) ||
    cleaned.split(/[\\/]/).includes('..')
  ) {
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
 * Where an image may be saved by name: a PNG, JPEG or WebP file name (AVIF too for a finished file) inside a local workspace
 * folder also after symbolic links are followed, so a link in the workspace cannot lead the
 * write out of it, and no part of it a name Windows keeps for a device or a drive.
 */
export async function resolveImageTarget(
  relative: string,
  options: { finished?: boolean } = {},
): Promise<{ uri: vscode.Uri } | { problem: ImageTargetProblem }> {
  const resolved = resolveWorkspacePath(relative);
  if ('problem' in resolved) return resolved;
  if (windowsReservedPart(relative.trim())) return { problem: 'reservedName' };
  // A finished file is encoded here, so it may take a format no model returns (AVIF).
  const named = options.finished
    ? formatOfPath(resolved.uri.path) !== undefined
    : IMAGE_FILE_NAME.test(resolved.uri.path);
  if (!named) return { problem: 'notImage' };
  const folder = vscode.workspace.getWorkspaceFolder(resolved.uri);
  if (!folder || folder.uri.scheme !== 'file' || !(await isReallyInside(folder.uri.fsPath, resolved.uri.fsPath)))
    return { problem: 'outside' };
  return resolved;
}

/** The Studio's message for such a target, naming the reserved part. */
export function reservedNameMessage(target: string): string {
  return vscode.l10n.t(RESERVED_NAME.template, target, windowsReservedPart(target) ?? target);
}

/** How resolveWorkspacePath names a file back: with the folder's name only in a multi-root workspace. */
export function workspaceRelativePath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}
