/**
 * "Export as Web Icons" and "Export Assets…" on any image in the workspace (the Explorer's
 * context menu, the Studio's gallery card): the VS Code side of core/assetExport.ts — which
 * image, which set, progress that can be stopped between files, and what to do with the result.
 * Files are written only beside the source, inside the workspace, so Restricted Mode allows it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as AssetExport from '../core/assetExport';
import type { ExportDeps, ExportResult } from '../core/assetExport';
import { SIZED_SETS, iconLinkLines, manifestIconLines, parseSizeList } from '../core/assetSets';
import { isGenerationError } from '../core/errors';
import type { PixelSize } from '../core/finish';
import { isReallyInside } from '../core/naming';
import { display, notify } from './display';
import { localizedMessage } from './errorUi';
import { imageFinisher } from './imaging';
import { lazy } from './lazy';
import type { Log } from './log';

export interface AssetCommandDeps {
  log: Log;
  extensionVersion: string;
  /** Where the extension is installed: the image engine's worker script is found from it. */
  extensionPath: string;
}

/** Images an asset set can be made from (what the image library reads). */
export const EXPORTABLE_IMAGE = /\.(png|jpe?g|webp|avif)$/i;

const loadExport = lazy(() => import('../core/assetExport.js'));

/** The image a command was run on: the Explorer's (clicked, selection), the gallery's Uri, or a file dialog. */
export async function imageToExport(clicked: unknown, selection?: unknown): Promise<vscode.Uri | undefined> {
  const given = [clicked, ...(Array.isArray(selection) ? (selection as unknown[]) : [])].find(
    (u): u is vscode.Uri => u instanceof vscode.Uri && u.scheme === 'file' && EXPORTABLE_IMAGE.test(u.path),
  );
  if (given) return given;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp', 'avif'] },
    openLabel: vscode.l10n.t('Export'),
  });
  return picked?.[0];
}

/** Why the image cannot be exported from, or undefined: its folder must be in the workspace, links followed. */
async function placeProblem(image: vscode.Uri): Promise<string | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(image);
  if (folder?.uri.scheme === 'file' && (await isReallyInside(folder.uri.fsPath, image.fsPath))) return undefined;
  return vscode.l10n.t(
    'Exported files are saved beside the image, so it must be inside the workspace: {0}',
    display(image.fsPath),
  );
}

/** Runs an export in a cancellable progress notification; one readable line when it fails. */
async function runExport(
  deps: AssetCommandDeps,
  image: vscode.Uri,
  job: (module: typeof AssetExport, deps: ExportDeps) => Promise<ExportResult>,
): Promise<ExportResult | undefined> {
  const name = display(path.basename(image.fsPath));
  const problem = await placeProblem(image);
  if (problem) {
    void notify('error', problem);
    return undefined;
  }
  try {
    const finisher = imageFinisher(deps.extensionPath);
    const module = await loadExport();
    return await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Exporting from {0}', name),
        cancellable: true,
      },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return job(module, {
          finisher,
          extensionVersion: deps.extensionVersion,
          signal: abort.signal,
          onFile: (file, done, total) => progress.report({ message: display(file), increment: done ? 100 / total : 0 }),
        });
      },
    );
  } catch (error) {
    deps.log.error('export', `export from ${image.fsPath} failed: ${String(error)}`);
    const why = isGenerationError(error) ? localizedMessage(error) : display(String(error));
    void notify('error', vscode.l10n.t('Nothing more was exported from {0}; it is unchanged. {1}', name, why));
    return undefined;
  }
}

/** How a result's files are summed up: what was made, what was cropped or enlarged, whether it stopped early. */
function resultNotes(result: ExportResult, image: vscode.Uri): string[] {
  const notes: string[] = [];
  if (result.squareCropped)
    notes.push(vscode.l10n.t('{0} is not square: its centre was used.', display(path.basename(image.fsPath))));
  const enlarged = Math.max(0, ...result.files.map((f) => f.upscale ?? 0));
  if (enlarged > 1)
    notes.push(vscode.l10n.t('The image was enlarged up to {0}× for the largest size: it may look soft.', enlarged));
  if (result.stopped) notes.push(vscode.l10n.t('Stopped: {0} file(s) were made.', result.files.length));
  return notes;
}

/** The lines to paste, in an untitled HTML document: what a user copies from, with nothing saved for them. */
async function showIconLines(result: ExportResult, image: vscode.Uri): Promise<void> {
  const folder = vscode.workspace.asRelativePath(result.folder!, false);
  const comment = (text: string) => `<!-- ${text.replace(/--/g, '- -')} -->`;
  const content = [
    comment(vscode.l10n.t('Web icons made from {0}, in {1}.', path.basename(image.fsPath), folder)),
    ...resultNotes(result, image).map(comment),
    comment(vscode.l10n.t('Copy the files to the root of your site, then put these lines in its <head>:')),
    ...iconLinkLines(),
    '',
    comment(vscode.l10n.t('site.webmanifest lists these icons; to add them to a manifest you already have, paste:')),
    '<!--',
    ...manifestIconLines(),
    '-->',
    '',
  ].join('\n');
  const document = await vscode.workspace.openTextDocument({ language: 'html', content });
  await vscode.window.showTextDocument(document, { preview: false });
}

async function revealFirst(result: ExportResult, summary: string): Promise<void> {
  const reveal = vscode.l10n.t('Reveal in Explorer');
  if ((await notify('info', summary, reveal)) === reveal && result.files[0])
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.folder ?? result.files[0].path));
}

/** Export as Web Icons: the set in a new folder beside the image, then the lines to paste. */
export async function exportWebIcons(deps: AssetCommandDeps, image: vscode.Uri): Promise<ExportResult | undefined> {
  const result = await runExport(deps, image, (module, exportDeps) => module.exportWebIcons(image.fsPath, exportDeps));
  if (!result) return undefined;
  await showIconLines(result, image);
  if (result.stopped) void notify('info', resultNotes(result, image).join(' '));
  return result;
}

/** Copies of the image at exact sizes beside it, in its format. */
export async function exportSizes(
  deps: AssetCommandDeps,
  image: vscode.Uri,
  sizes: readonly PixelSize[],
): Promise<ExportResult | undefined> {
  const result = await runExport(deps, image, (module, exportDeps) =>
    module.exportSizes(image.fsPath, sizes, exportDeps),
  );
  if (!result) return undefined;
  const names = result.files.map((f) => display(path.basename(f.path))).join(', ');
  const summary = [vscode.l10n.t('Saved beside {0}: {1}.', display(path.basename(image.fsPath)), names)];
  void revealFirst(result, [...summary, ...resultNotes(result, image)].join(' '));
  return result;
}

type Choice = { kind: 'icons' } | { kind: 'sizes'; sizes: PixelSize[] };

/** The Custom sizes box: a list like `64, 128x64, 256`, refused with a message naming the wrong item. */
async function askSizes(): Promise<PixelSize[] | undefined> {
  const message = (text: string) => {
    const parsed = parseSizeList(text);
    return 'problem' in parsed ? vscode.l10n.t(parsed.problem.template, ...parsed.problem.args) : undefined;
  };
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Custom sizes'),
    prompt: vscode.l10n.t('Sizes in pixels, separated by commas: 64 is a square, 128x64 is width x height.'),
    placeHolder: '64, 128x64, 256',
    validateInput: (text) => message(text),
  });
  const parsed = typed === undefined ? undefined : parseSizeList(typed);
  return parsed && 'sizes' in parsed ? parsed.sizes : undefined;
}

async function chooseSet(): Promise<Choice | undefined> {
  const size = (s: PixelSize) => `${s.width}×${s.height}`;
  const items: (vscode.QuickPickItem & { choice?: Choice })[] = [
    {
      label: vscode.l10n.t('Web icons'),
      description: 'favicon.ico, apple-touch-icon, 192, 512, site.webmanifest',
      choice: { kind: 'icons' },
    },
    {
      label: vscode.l10n.t('Social card'),
      description: size(SIZED_SETS.socialCard),
      choice: { kind: 'sizes', sizes: [SIZED_SETS.socialCard] },
    },
    {
      label: vscode.l10n.t('README banner'),
      description: size(SIZED_SETS.readmeBanner),
      choice: { kind: 'sizes', sizes: [SIZED_SETS.readmeBanner] },
    },
    { label: vscode.l10n.t('Custom sizes…') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Export Assets') });
  if (!picked) return undefined;
  if (picked.choice) return picked.choice;
  const sizes = await askSizes();
  return sizes ? { kind: 'sizes', sizes } : undefined;
}

/** Export Assets…: choose a set, then make it. */
export async function exportAssets(deps: AssetCommandDeps, image: vscode.Uri): Promise<ExportResult | undefined> {
  const choice = await chooseSet();
  if (!choice) return undefined;
  return choice.kind === 'icons' ? exportWebIcons(deps, image) : exportSizes(deps, image, choice.sizes);
}
