/**
 * "Generate 1200×630 JPEG for og.jpg…": a quick fix on an image reference (Markdown, HTML,
 * CSS/SCSS, JSX/TSX, Vue, Svelte) to a workspace file that does not exist, offered with the
 * cursor anywhere on the reference. The prompt comes from the alt text or the nearest heading,
 * the exact size from the size the document gives the image, the format from the name. "…"
 * opens the Studio filled in with them and that path as its target; "… with <default model>"
 * starts at once. The paid original lands in the output folder; the finished file (that size,
 * that format) is made from it at exactly the path the document names, so the document needs no
 * edit — unless the name was taken meanwhile and the file became `og-2.jpg`, which the reference
 * then follows (one undoable edit).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type PixelSize, formatOfPath, requestShapeFor } from '../core/finish';
import {
  IMAGE_LINK_LANGUAGES,
  aspectRatioFor,
  promptFor,
  linksInRange,
  statedSizeOf,
  type ImageLink,
} from '../core/imageLinks';
import type { DocumentLink } from '../core/lifecycle';
import { finishLabel, missingImageFinish } from '../core/missingImageFinish';
import { findModel, modelKey } from '../core/models';
import type { OutputConfig } from '../core/request';
import { SCAN_LIMITS } from '../core/scanWindow';
import { exists } from './fileStat';
import type { GenerationInput, GenerationResult, GenerationService } from './generationService';
import type { ProjectStyles } from './projectStyles';
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
  /** The exact size the document gives the image (its format always comes from `target`'s name). */
  size?: PixelSize;
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
    const size = statedSizeOf(reference);
    const args: MissingImage = {
      document: document.uri,
      start: reference.start,
      end: reference.end,
      written: reference.path,
      target: target.fsPath,
      prompt: promptFor(reference, text),
      ...(aspectRatio ? { aspectRatio } : {}),
      ...(size ? { size } : {}),
    };
    const finish = missingImageFinish(target.fsPath, size);
    const made = finish?.size ? finishLabel(finish) : undefined;
    const ask = new vscode.CodeAction(
      made ? vscode.l10n.t('Generate {0} for {1}…', made, shown) : vscode.l10n.t('Generate image for {0}…', shown),
      vscode.CodeActionKind.QuickFix,
    );
    ask.command = { command: GENERATE_MISSING_COMMAND, title: ask.title, arguments: [args] };
    ask.isPreferred = true;
    const summary = directSummary(args);
    const direct = new vscode.CodeAction(
      made
        ? vscode.l10n.t('Generate {0} for {1} with {2}', made, shown, summary)
        : vscode.l10n.t('Generate image for {0} with {1}', shown, summary),
      vscode.CodeActionKind.QuickFix,
    );
    direct.command = { command: GENERATE_MISSING_COMMAND, title: direct.title, arguments: [{ ...args, direct: true }] };
    return [ask, direct];
  }
}

/**
 * "Gemini 2.5 (GEM) · 16:9 · 1080P · Permanent storage in your VOD library": what "… with
 * <model>" sends at once (generateMissingImage with `direct`), so its title shows what costs
 * money or turns a check off before the click bills it. For an exact size that is the shape the
 * generation service asks for it (`requestShapeFor`), computed here only to be shown.
 */
function directSummary(missing: Pick<MissingImage, 'aspectRatio' | 'size'>): string {
  const settings = readSettings();
  const model = settings.defaultModel;
  const output = defaultOutputConfig(settings, model);
  const { aspectRatio, size } = missing;
  const shape = size
    ? requestShapeFor(model, size)
    : aspectRatio && model.supportsAspectRatio
      ? { aspect_ratio: aspectRatio as NonNullable<typeof output.aspect_ratio> }
      : {};
  return describeRequest(model, {
    output_config: { ...(size ? withoutShape(output) : output), ...shape },
    enhance_prompt: settings.defaults.enhancePrompt,
  });
}

/**
 * The output settings without an aspect ratio or resolution: for an exact size the document
 * decides the shape, and the generation service asks for the one that covers it with the least
 * waste; a default ratio of the user's (1:1 for a 1200×630 card) would only be cropped away.
 */
function withoutShape(output: OutputConfig | undefined): OutputConfig {
  const rest = { ...output };
  delete rest.aspect_ratio;
  delete rest.resolution;
  return rest;
}

/**
 * The quick fix's input with the project's default style. What the document states (size,
 * shape, the target's format) and a model the user picked are explicit; the style fills the rest.
 * A broken default style is said, and the image is made without it only if the user says so.
 */
async function withDefaultStyle(
  input: GenerationInput,
  missing: MissingImage,
  load: () => Promise<ProjectStyles>,
): Promise<GenerationInput | undefined> {
  const { withStyle } = await import('./styledGeneration.js');
  const format = formatOfPath(missing.target);
  const styled = await withStyle(await load(), undefined, input, {
    ...(missing.size ? { size: missing.size } : {}),
    ...(format ? { format } : {}),
    ...(missing.aspectRatio ? { aspectRatio: missing.aspectRatio } : {}),
    ...(missing.direct ? {} : { model: `${String(input.request.model_name)} ${String(input.request.model_version)}` }),
  });
  if (!('problem' in styled)) return 'declined' in styled ? undefined : styled;
  const without = vscode.l10n.t('Generate Without Style');
  return (await notify('warning', styled.problem, without)) === without ? input : undefined;
}

/** The Studio's form for the missing image: its prompt, aspect ratio, size, format and path; the reference follows the saved file. */
export function studioPrefillFor(missing: MissingImage): StudioPrefill {
  const finish = missingImageFinish(missing.target, missing.size);
  return {
    prompt: missing.prompt,
    ...(missing.aspectRatio ? { aspectRatio: missing.aspectRatio } : {}),
    ...(finish?.size ? { size: finish.size } : {}),
    ...(finish?.format ? { format: finish.format } : {}),
    target: missing.target,
    reference: documentReference(missing),
  };
}

/** Where the document names the image, as the task keeps it (the reference follows the file whenever it lands). */
function documentReference(missing: MissingImage): DocumentLink {
  return { document: missing.document.fsPath, start: missing.start, end: missing.end, written: missing.written };
}

/**
 * Generates the missing image, with the default model when `direct` (otherwise, without the
 * Studio, it asks for the prompt and the model): the finished file at its path, or, for a name
 * of another format, the image as the model made it there.
 */
export async function generateMissingImage(
  generations: GenerationService,
  memento: vscode.Memento,
  missing: MissingImage,
  styles: () => Promise<ProjectStyles>,
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
  const finish = missingImageFinish(missing.target, missing.size);
  const output = input.request.output_config as OutputConfig | undefined;
  const model = findModel(String(input.request.model_name), String(input.request.model_version));
  if (finish?.size) {
    input.request.output_config = withoutShape(output);
  } else if (missing.aspectRatio && model?.supportsAspectRatio) {
    // Without an exact size, the width and height of an <img> still give the shape, for the models that take one.
    input.request.output_config = { ...output, aspect_ratio: missing.aspectRatio };
  }
  const styled = await withDefaultStyle(
    {
      ...input,
      reveal: false,
      ...(finish ? { finish } : { exactPath: missing.target }),
      reference: documentReference(missing),
    },
    missing,
    styles,
  );
  if (!styled) return undefined;
  const result = await generations.generate(styled);
  const saved = result.finished?.[0]?.path ?? result.files[0];
  if (result.status === 'landed' && saved) {
    void notify('info', vscode.l10n.t('Image saved: {0}', vscode.workspace.asRelativePath(saved, false)));
  }
  return result;
}
