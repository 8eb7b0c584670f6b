/**
 * Which local files may be read and sent to the gateway as reference images: files inside a
 * workspace folder once symbolic links are followed, and files the user picked in a file dialog
 * during this session. Nothing else — not a path named in a committed sidecar, a dropped file
 * from elsewhere, nor a link in the workspace that leads out of it. Picks are not remembered
 * across sessions.
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GenerationError } from '../core/errors';
import { isInside, isUncPath } from '../core/naming';

export class ReferenceAccess {
  private readonly picked = new Set<string>();

  /** The user chose these files in an open dialog (Browse…, Restyle without a selection). */
  async grantPicked(uris: readonly vscode.Uri[]): Promise<void> {
    for (const uri of uris) {
      const real = await this.realPath(uri);
      if (real) this.picked.add(real);
    }
  }

  async mayRead(uri: vscode.Uri): Promise<boolean> {
    const real = await this.realPath(uri);
    if (!real) return false;
    if (this.picked.has(real)) return true;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const root = await realpath(folder.uri.fsPath).catch(() => undefined);
      if (root && isInside(root, real)) return true;
    }
    return false;
  }

  /**
   * A task sent again (Submit Again, after a reload too) reads its reference images from their
   * files once more: each is held to the same check as when it was first attached. The file at a
   * recorded path may since have become a link out of the workspace, a workspace may have lost a
   * folder, and a file picked in a dialog is granted for that session only.
   */
  async checkAgain(files: readonly string[]): Promise<void> {
    for (const file of files) {
      if (await this.mayRead(vscode.Uri.file(file))) continue;
      throw new GenerationError({
        kind: 'referenceImage',
        field: 'file_infos',
        template:
          'Reference image {0} is no longer a file this window may send (it is outside the workspace now, or was picked before a reload), so nothing was sent.',
        args: [path.basename(file)],
      });
    }
  }

  /** The file's real path (links followed), or undefined for what is not a readable local file. */
  private async realPath(uri: vscode.Uri): Promise<string | undefined> {
    if (uri.scheme !== 'file' || isUncPath(uri.fsPath)) return undefined;
    return realpath(uri.fsPath).catch(() => undefined);
  }
}
