/**
 * "Generate image for assets/hero.png…": a quick fix on an image reference (Markdown, HTML,
 * CSS/SCSS, JSX/TSX, Vue, Svelte) to a workspace file that does not exist. The prompt comes
 * from the alt text or the nearest heading, the aspect ratio from width/height. "…" opens the
 * Studio filled in with them and that path as its target; "… with <default model>" starts at
 * once. The image is saved at exactly that path, and when the model returns another format the
 * reference is updated to the true extension (one undoable edit) — never PNG bytes in a `.jpg`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IMAGE_LINK_LANGUAGES, aspectRatioFor, promptFor, linksInRange, type ImageLink } from '../core/imageLinks';
import type { DocumentLink } from '../core/lifecycle';
import { findModel, modelKey } from '../core/models';
import { SCAN_LIMITS } from '../core/scanWindow';
import { exists } from './fileStat';
import type { GenerationResult, GenerationService } from './generationService';
import { gatherQuickInput } from './quickGenerate';
import { describeRequest } from './requestSummary';
import { defaultOutputConfig, readSettings } from './settings';
import type { StudioPrefill } from './studio/formController';
import { notify } from './display';

export const GENERATE_MISSING_COMMAND = 'aigcImage.generateMissingImage';

/** What the quick fix passes to its command. */
export interface MissingImage {
  document: vscode.Uri;
  /** Offsets of the path in the document when the fix was offered. */
  start: number;
  end: number;
  /** The path as written. */
  written: string;
  /** The file it names (absolute). */
  target: string;
  prompt: string;
  aspectRatio?: string;
  /** Straight away with the default model, instead of in the Studio filled in. */
  direct?: boolean;
}

/** The file a reference names: relative to the document, or to its workspace folder for a leading "/". */
export function referencedFile(document: vscode.Uri, written: string): vscode.Uri | undefined {
  if (document.scheme !== 'file') return undefined;
  let clean = written.replace(/[?#].*$/, '');
  try {
    clean = decodeURI(clean);
  } catch {
    // keep it as written
  }
  if (clean.startsWith('/')) {
    const folder = vscode.workspace.getWorkspaceFolder(document);
    return folder ? vscode.Uri.joinPath(folder.uri, ...clean.split('/').filter(Boolean)) : undefined;
  }
  if (clean.startsWith('~') || clean.startsWith('@')) return undefined; // bundler aliases: not a path we can know
  return vscode.Uri.file(path.resolve(path.dirname(document.fsPath), clean));
}

export class MissingImageFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  static readonly selector: vscode.DocumentSelector = IMAGE_LINK_LANGUAGES.map((language) => ({
    language,
    scheme: 'file',
  }));

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
  ): Promise<vscode.CodeAction[]> {
    // A document too large to be written by hand is not even copied out of the editor.
    if (document.offsetAt(document.lineAt(document.lineCount - 1).range.end) > SCAN_LIMITS.documentLength) return [];
    const text = document.getText();
    const actions: vscode.CodeAction[] = [];
    for (const reference of linksInRange(
      text,
      document.languageId,
      document.offsetAt(range.start),
      document.offsetAt(range.end),
    )) {
      const target = referencedFile(document.uri, reference.path);
      if (!target || !vscode.workspace.getWorkspaceFolder(target) || (await exists(target))) continue;
      actions.push(...this.actionsFor(document, reference, target, text));
    }
    return actions;
  }

  private actionsFor(
    document: vscode.TextDocument,
    reference: ImageLink,
    target: vscode.Uri,
    text: string,
  ): vscode.CodeAction[] {
    const shown = vscode.workspace.asRelativePath(target, false);
    const aspectRatio = aspectRatioFor(reference.width, reference.height);
    const args: MissingImage = {
      document: document.uri,
      start: reference.start,
      end: reference.end,
      written: reference.path,
      target: target.fsPath,
      prompt: promptFor(reference, text),
      ...(aspectRatio ? { aspectRatio } : {}),
    };
    const ask = new vscode.CodeAction(vscode.l10n.t('Generate image for {0}…', shown), vscode.CodeActionKind.QuickFix);
    ask.command = { command: GENERATE_MISSING_COMMAND, title: ask.title, arguments: [args] };
    ask.isPreferred = true;
    const direct = new vscode.CodeAction(
      vscode.l10n.t('Generate image for {0} with {1}', shown, directSummary(aspectRatio)),
      vscode.CodeActionKind.QuickFix,
    );
    direct.command = { command: GENERATE_MISSING_COMMAND, title: direct.title, arguments: [{ ...args, direct: true }] };
    return [ask, direct];
  }
}

/**
 * "Gemini 2.5 (GEM) · 16:9 · Permanent storage in your VOD library": what "… with <model>" sends
 * at once (generateMissingImage with `direct`), so its title shows what costs money or turns a
 * check off before the click bills it.
 */
function directSummary(aspectRatio: string | undefined): string {
  const settings = readSettings();
  const model = settings.defaultModel;
  const output = defaultOutputConfig(settings, model);
  const shape =
    aspectRatio && model.supportsAspectRatio
      ? { aspect_ratio: aspectRatio as NonNullable<typeof output.aspect_ratio> }
      : {};
  return describeRequest(model, {
    output_config: { ...output, ...shape },
    enhance_prompt: settings.defaults.enhancePrompt,
  });
}

/** The Studio's form for the missing image: its prompt, aspect ratio and path; the reference follows the saved file. */
export function studioPrefillFor(missing: MissingImage): StudioPrefill {
  return {
    prompt: missing.prompt,
    ...(missing.aspectRatio ? { aspectRatio: missing.aspectRatio } : {}),
    target: missing.target,
    reference: documentReference(missing),
  };
}

/** Where the document names the image, as the task keeps it (the reference follows the file whenever it lands). */
function documentReference(missing: MissingImage): DocumentLink {
  return { document: missing.document.fsPath, start: missing.start, end: missing.end, written: missing.written };
}

/**
 * Generates the missing image at its path, with the default model when `direct` (otherwise,
 * without the Studio, it asks for the prompt and the model); then the reference follows the file.
 */
export async function generateMissingImage(
  generations: GenerationService,
  memento: vscode.Memento,
  missing: MissingImage,
): Promise<GenerationResult | undefined> {
  const settings = readSettings();
  const input = await gatherQuickInput(
    'generate',
    [],
    memento,
    missing.direct
      ? { prompt: missing.prompt, model: modelKey(settings.defaultModel) }
      : { promptSuggestion: missing.prompt },
  );
  if (!input) return undefined;
  // The width and height of an <img> become the aspect ratio, for the models that take one.
  const model = findModel(String(input.request.model_name), String(input.request.model_version));
  if (missing.aspectRatio && model?.supportsAspectRatio) {
    input.request.output_config = {
      ...(input.request.output_config as Record<string, unknown> | undefined),
      aspect_ratio: missing.aspectRatio,
    };
  }
  const result = await generations.generate({
    ...input,
    reveal: false,
    exactPath: missing.target,
    reference: documentReference(missing),
  });
  const saved = result.files[0];
  if (result.status === 'landed' && saved) {
    void notify('info', vscode.l10n.t('Image saved: {0}', vscode.workspace.asRelativePath(saved, false)));
  }
  return result;
}
