/**
 * "Move to Trash" on a gallery card: the host side. The webview only names a card; the files
 * moved are the ones the gallery listed for it, checked against their sidecars by
 * resultDiscard.ts, and the user is told in one line what happened.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GalleryEntry } from '../gallery';
import type { Log } from '../log';
import { type DiscardOutcome, type SavedFile, discardResult } from './resultDiscard';

const OUTCOME_LOG: Record<DiscardOutcome, string> = {
  trashed: 'moved with its sidecar',
  changed: 'kept: changed since it was saved',
  noTrash: 'kept: no trash on this file system',
};

/** The hash the entry's sidecar records for its image. */
function recordedHash(entry: GalleryEntry): string | undefined {
  const name = path.basename(entry.imageUri.fsPath);
  return entry.sidecar.images.find((image) => image.file === name)?.sha256;
}

function trash(file: string): Promise<void> {
  return Promise.resolve(vscode.workspace.fs.delete(vscode.Uri.file(file), { useTrash: true }));
}

/** Moves a listed result (its finished file first) to the trash; returns the line the Studio shows. */
export async function moveResultToTrash(
  entry: GalleryEntry,
  log: Log,
): Promise<{ level: 'info' | 'warning'; message: string }> {
  const files: SavedFile[] = [
    ...(entry.finished ? [{ image: entry.finished.imageUri.fsPath, sha256: recordedHash(entry.finished) }] : []),
    { image: entry.imageUri.fsPath, sha256: recordedHash(entry) },
  ];
  const name = path.basename(entry.imageUri.fsPath);
  const outcome = await discardResult(files, { trash });
  log.info('studio', `move to trash: ${name} ${OUTCOME_LOG[outcome]}`);
  switch (outcome) {
    case 'trashed':
      return { level: 'info', message: vscode.l10n.t('Moved {0} to the trash.', name) };
    case 'changed':
      return {
        level: 'warning',
        message: vscode.l10n.t('{0} was changed since it was saved, so it was not moved to the trash.', name),
      };
    case 'noTrash':
      return {
        level: 'warning',
        message: vscode.l10n.t(
          '{0} was kept: this file system has no trash, and the Studio never deletes a paid image for good. Delete it in the Explorer if you are sure.',
          name,
        ),
      };
  }
}
