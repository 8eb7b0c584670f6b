/**
 * A document named an image that did not exist (the missing-image quick fix), and the file made
 * for it landed under another name: the finished file at `-2` beside one made meanwhile, or, for
 * a task without a finished file (one started by an earlier version), the image under its true
 * extension (a PNG asked for as `.jpg`).
 * Which file that is, is `referenceMove`'s decision (core/referenceMove.ts): the finished file
 * when one was asked for, never the original in the output folder. The reference is pointed at
 * it — where it was written when the task started or, if the text moved since, at its one
 * occurrence in the document.
 *
 * It runs in the window that collected the task, whenever that is: at once, in the background
 * after the foreground wait ended, or after a reload. A document without unsaved changes is saved
 * after the edit, so the file on disk (what other windows, git and the build read) names the
 * image; one with unsaved changes is edited and left to its user. Undo reverts the edit.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DocumentLink } from '../core/lifecycle';
import type { ReferenceMove } from '../core/referenceMove';
import type { Log } from './log';
import { notify } from './display';

export async function followLink({ reference, asked, saved }: ReferenceMove, log: Log): Promise<void> {
  if (path.resolve(saved) === path.resolve(asked)) return;
  const uri = vscode.Uri.file(reference.document);
  // Only a document of this workspace is edited (the record comes from the shared task journal).
  if (!vscode.workspace.getWorkspaceFolder(uri)) return;
  const document = await vscode.workspace.openTextDocument(uri);
  const range = whereWritten(document, reference);
  const savedName = vscode.workspace.asRelativePath(saved, false);
  if (!range) {
    log.info(
      'task',
      `${vscode.workspace.asRelativePath(uri, false)} no longer names ${reference.written} once; its reference was left as it is`,
    );
    void notify(
      'warning',
      vscode.l10n.t(
        'The image was saved as {0}, but {1} no longer refers to {2} in one place: update the reference there.',
        savedName,
        path.basename(reference.document),
        reference.written,
      ),
    );
    return;
  }
  const oldName = path.basename(asked);
  const newName = path.basename(saved);
  const written = reference.written.endsWith(oldName)
    ? `${reference.written.slice(0, -oldName.length)}${newName}`
    : reference.written.replace(path.extname(reference.written), path.extname(saved));
  const hadChanges = document.isDirty;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, written, {
    label: vscode.l10n.t('Point the reference at the generated image'),
    needsConfirmation: false,
  });
  if (!(await vscode.workspace.applyEdit(edit))) return;
  if (!hadChanges) await document.save();
  log.info('task', `pointed ${reference.written} in ${vscode.workspace.asRelativePath(uri, false)} at ${written}`);
}

/** The reference where it was written, or its only occurrence if the text around it changed. */
function whereWritten(document: vscode.TextDocument, reference: DocumentLink): vscode.Range | undefined {
  const there = new vscode.Range(document.positionAt(reference.start), document.positionAt(reference.end));
  if (document.getText(there) === reference.written) return there;
  const text = document.getText();
  const first = text.indexOf(reference.written);
  if (first < 0 || text.indexOf(reference.written, first + 1) >= 0) return undefined;
  return new vscode.Range(document.positionAt(first), document.positionAt(first + reference.written.length));
}
