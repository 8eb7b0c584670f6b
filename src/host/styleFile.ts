/**
 * The styles file as a user meets it: opened for editing, and made first (with one example style
 * and the schema that gives completion) when the folder has none. An existing file is never
 * written over.
 */
import * as vscode from 'vscode';
import { STYLES_FILE } from '../core/styles';

/** A first style to edit: every common field, so completion shows the rest. */
export const STARTER_STYLES = {
  default: 'brand',
  styles: {
    brand: {
      description: 'Flat illustrations in the product colours',
      prompt: 'Flat vector illustration of {prompt}, brand colours #1f6feb and #ffd33d, plain background',
      negativePrompt: 'photo, text, watermark',
      model: 'GEM 3.0',
      aspectRatio: '16:9',
    },
  },
};

export async function openStylesFile(folder: vscode.WorkspaceFolder): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(folder.uri, STYLES_FILE);
  const present = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (!present) {
    const edit = new vscode.WorkspaceEdit();
    // ignoreIfExists: a file that appeared since the check is kept, not replaced.
    edit.createFile(uri, {
      ignoreIfExists: true,
      contents: new TextEncoder().encode(`${JSON.stringify(STARTER_STYLES, null, 2)}\n`),
    });
    await vscode.workspace.applyEdit(edit);
  }
  await vscode.window.showTextDocument(uri);
  return uri;
}
