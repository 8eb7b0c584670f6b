/**
 * The styles file as a user meets it: opened for editing, made first (with one example style)
 * when the folder has none, and a style added from the Studio's form or a gallery card. An existing file is never
 * replaced whole, and an existing style only after asking.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fileWithStyle, styleFromChoices } from '../core/styleSave';
import { styleLine } from '../core/resultStyle';
import { STYLES_FILE, STYLE_NAME_MAX, isValidName } from '../core/styles';
import { finishSpecFor } from '../shared/finishFields';
import type { FormValues } from '../shared/formValues';
import { ask, notify } from './display';

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

/**
 * The Studio's form saved as a style of the first folder's file: its prompt becomes the template
 * (with `{prompt}` where the user put it; without, the next prompt follows it), with the form's
 * negative prompt, model, shape, finished file and workspace references. Asks for the name, and
 * before replacing a style of that name; then opens the file.
 */
export async function saveFormAsStyle(form: FormValues): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void notify('info', vscode.l10n.t('Open a folder first: project styles live in its .vscode/aigc-styles.json.'));
    return;
  }
  const finish = finishSpecFor(form.finish, form.prompt);
  const made = styleFromChoices({
    prompt: form.prompt,
    negativePrompt: form.negativePrompt,
    model: form.model,
    aspectRatio: form.options.aspect_ratio,
    resolution: form.options.resolution,
    ...(finish?.size ? { size: finish.size } : {}),
    ...(finish?.format ? { format: finish.format } : {}),
    ...(finish?.transparent ? { transparent: true } : {}),
    references: referencesIn(folder, form),
  });
  return saveStyle(folder, made, form.style ?? '');
}

/**
 * `made` saved under a name the user gives (suggested: `suggested`) in `folder`'s styles file,
 * after asking before a style of that name is replaced; then the file is opened at the style.
 */
export async function saveStyle(
  folder: vscode.WorkspaceFolder,
  made: ReturnType<typeof styleFromChoices>,
  suggested: string,
): Promise<void> {
  if ('problem' in made) return void notify('error', vscode.l10n.t(made.problem.template, ...made.problem.args));
  const name = (
    await vscode.window.showInputBox({
      title: vscode.l10n.t('Save as Style'),
      prompt: vscode.l10n.t('The style’s name in {0}', STYLES_FILE),
      value: suggested,
      validateInput: (value) =>
        isValidName(value.trim())
          ? undefined
          : vscode.l10n.t('A name of 1 to {0} characters, without control characters', STYLE_NAME_MAX),
    })
  )?.trim();
  if (!name || !isValidName(name)) return;
  const uri = vscode.Uri.joinPath(folder.uri, STYLES_FILE);
  const current = await vscode.workspace.fs.readFile(uri).then(
    (bytes) => new TextDecoder().decode(bytes),
    () => undefined,
  );
  const saving = fileWithStyle(current, name, made.style);
  if ('problem' in saving) return void notify('error', vscode.l10n.t(saving.problem.template, ...saving.problem.args));
  if (saving.replaces) {
    const replace = vscode.l10n.t('Replace');
    const choice = await ask(
      'warning',
      vscode.l10n.t('Replace the style "{0}" in {1}?', name, STYLES_FILE),
      {},
      replace,
    );
    if (choice !== replace) return;
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(saving.text));
  const at = new vscode.Position(styleLine(saving.text, name), 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(at, at) });
}

/** The form's local references inside `folder`, relative to it: only those can be shared with the repository. */
function referencesIn(folder: vscode.WorkspaceFolder, form: FormValues): string[] {
  return form.references.flatMap((entry) => {
    if (entry.kind !== 'file') return [];
    const uri = vscode.Uri.parse(entry.uri);
    if (vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() !== folder.uri.toString()) return [];
    return [path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/')];
  });
}
