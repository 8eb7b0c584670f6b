/** What a user can do with a saved image: open, reveal, copy a Markdown link, insert it. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { notify } from './display';

/** Text documents an image reference can be inserted into. */
const INSERTABLE = new Set(['markdown', 'html', 'mdx']);

let lastInsertableEditor: vscode.TextEditor | undefined;

/** Remembers the last Markdown/HTML editor, since clicking a notification does not keep one active. */
export function trackInsertableEditors(): vscode.Disposable {
  const remember = (editor: vscode.TextEditor | undefined) => {
    if (editor && INSERTABLE.has(editor.document.languageId)) lastInsertableEditor = editor;
  };
  remember(vscode.window.activeTextEditor);
  return vscode.window.onDidChangeActiveTextEditor(remember);
}

function altText(prompt: string): string {
  return prompt
    .replace(/[[\]\r\n]+/g, ' ')
    .trim()
    .slice(0, 80);
}

function relativeLink(from: string, file: string): string {
  const rel = path.relative(from, file).split(path.sep).join('/');
  return encodeURI(rel.startsWith('.') ? rel : `./${rel}`)
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29');
}

export function markdownLink(file: string, prompt: string, relativeTo: string): string {
  return `![${altText(prompt)}](${relativeLink(relativeTo, file)})`;
}

export function htmlImage(file: string, prompt: string, relativeTo: string): string {
  const alt = altText(prompt).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<img src="${relativeLink(relativeTo, file)}" alt="${alt}">`;
}

export async function copyMarkdownLink(file: string, prompt: string, workspaceRoot?: string): Promise<void> {
  const base = workspaceRoot ?? path.dirname(file);
  await vscode.env.clipboard.writeText(markdownLink(file, prompt, base));
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Markdown link copied'), 3000);
}

/** Inserts a reference to the image at the cursor of the active (or last) Markdown/HTML editor. */
export async function insertIntoEditor(file: string, prompt: string): Promise<boolean> {
  const active = vscode.window.activeTextEditor;
  const editor = active && INSERTABLE.has(active.document.languageId) ? active : lastInsertableEditor;
  if (!editor || editor.document.isClosed) {
    void notify('info', vscode.l10n.t('Open a Markdown or HTML file to insert the image into.'));
    return false;
  }
  const dir = editor.document.uri.scheme === 'file' ? path.dirname(editor.document.uri.fsPath) : path.dirname(file);
  const snippet =
    editor.document.languageId === 'html' ? htmlImage(file, prompt, dir) : markdownLink(file, prompt, dir);
  return editor.edit((edit) => edit.replace(editor.selection, snippet));
}

export async function revealInExplorer(file: string): Promise<void> {
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(file));
}

export async function openImage(file: string): Promise<void> {
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), { preview: true, preserveFocus: false });
}

/** After a success: open the first image and offer the follow-up actions. */
export async function showSavedResult(files: string[], prompt: string, workspaceRoot?: string): Promise<void> {
  const first = files[0];
  if (!first) return;
  await openImage(first);
  const reveal = vscode.l10n.t('Reveal in Explorer');
  const copy = vscode.l10n.t('Copy Markdown Link');
  const insert = vscode.l10n.t('Insert into Editor');
  const shown = workspaceRoot ? path.relative(workspaceRoot, first) : first;
  const choice = await notify('info', vscode.l10n.t('Image saved: {0}', shown), reveal, copy, insert);
  if (choice === reveal) await revealInExplorer(first);
  else if (choice === copy) await copyMarkdownLink(first, prompt, workspaceRoot);
  else if (choice === insert) await insertIntoEditor(first, prompt);
}
