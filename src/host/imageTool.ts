/**
 * A language-model tool agents in VS Code's chat can call (and users can name with
 * `#generateImage`): it generates an image and saves it as a file in the workspace, through the
 * same generation service as every other way in. Every call is billed, so it asks first.
 */
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { asSentence, quotedForModel } from '../core/displayText';
import { formatTemplate } from '../core/errors';
import { imageSize } from '../core/imageFormat';
import { type ModelSpec, modelKey, parseModelKey } from '../core/models';
import { windowsReservedPart } from '../core/naming';
import type { NotedRequest } from '../core/requestNotes';
import type { FinishSpec } from '../core/finish';
import type { ReferenceSource } from '../core/references';
import { finishedAnswerLines } from '../shared/imageToolAnswer';
import {
  IMAGE_TOOL_NAME,
  type ImageToolInput,
  askedFormat,
  finishSpecOf,
  imageToolInputSchema,
  toolInputProblem,
} from '../shared/imageToolInput';
import type { ApiKeyStore } from './apiKey';
import { setupMessage } from './connection';
import { display, secretsInUse } from './display';
import { type GenerationResult, type GenerationService, OVER_CAP } from './generationService';
import type { Log } from './log';
import { describeRequest } from './requestSummary';
import { madeDescription } from './finishDescription';
import type { ProjectStyles, StyleLookup } from './projectStyles';
import { describeAdds } from './projectStyles';
import { STYLES_FILE } from '../core/styles';
import { type Settings, defaultOutputConfig, readBudget, readSettings } from './settings';
import { toolSpendLine } from './spendingText';
import { type ImageTargetProblem, resolveImageTarget, resolveWorkspacePath } from './workspacePath';

export type { ImageToolInput };

export interface ImageToolDeps {
  log: Log;
  keys: ApiKeyStore;
  generations: GenerationService;
  styles: ProjectStyles;
}

/** The call as the style makes it: its prompt, choices and finish, with the style to record; or what to tell the model. */
type StyledCall =
  | {
      input: ImageToolInput;
      finish: Omit<FinishSpec, 'path'> | undefined;
      style?: Extract<StyleLookup, { kind: 'styled' }>;
    }
  | { problem: string };

/** The agent's arguments are its explicit choices; the style (named, else the project's default) fills the rest. */
async function styledCall(input: ImageToolInput, styles: ProjectStyles): Promise<StyledCall> {
  const size =
    input.width !== undefined && input.height !== undefined ? { width: input.width, height: input.height } : undefined;
  const format = askedFormat(input);
  const lookup = await styles.lookup(input.style, input.prompt, {
    ...(input.negativePrompt ? { negativePrompt: input.negativePrompt } : {}),
    ...(input.model ? { model: input.model } : {}),
    ...(input.aspectRatio ? { aspectRatio: input.aspectRatio } : {}),
    ...(input.resolution ? { resolution: input.resolution } : {}),
    ...(size ? { size } : {}),
    ...(format ? { format } : {}),
    ...(input.transparent !== undefined ? { transparent: input.transparent } : {}),
  });
  switch (lookup.kind) {
    case 'none':
      if (input.style && !vscode.workspace.isTrusted)
        return {
          problem: forModel(
            'Project styles are not used in Restricted Mode: nothing was sent. Call again without style, or ask the user to trust the workspace.',
          ),
        };
      return { input, finish: finishSpecOf(input) };
    case 'unknown':
      return {
        problem: forModel(
          'There is no style {0} in {1}: nothing was sent. The styles are: {2}. Call again with one of them, or with style "" for none.',
          JSON.stringify(display(lookup.name, 64)),
          STYLES_FILE,
          lookup.names.map((n) => JSON.stringify(display(n, 64))).join(', ') || '(none)',
        ),
      };
    case 'broken':
      return {
        problem: forModel(
          '{0}: nothing was sent. Ask the user to fix the style, or call again with style "" for none.',
          lookup.message,
        ),
      };
    case 'styled': {
      const { styled } = lookup;
      const styledInput: ImageToolInput = {
        ...input,
        prompt: styled.prompt,
        ...(styled.negativePrompt ? { negativePrompt: styled.negativePrompt } : {}),
        ...(styled.model ? { model: styled.model } : {}),
        ...(styled.aspectRatio ? { aspectRatio: styled.aspectRatio as ImageToolInput['aspectRatio'] } : {}),
        ...(styled.resolution ? { resolution: styled.resolution as ImageToolInput['resolution'] } : {}),
      };
      const finish = styled.finish && {
        ...styled.finish,
        ...(input.quality !== undefined ? { quality: input.quality } : {}),
      };
      return { input: styledInput, finish, style: lookup };
    }
  }
}

/** What the model reads when a path it gave cannot be used. */
function pathProblem(problem: ImageTargetProblem, relative: string): string {
  switch (problem) {
    case 'noFolder':
      return forModel('No folder is open, so there is nowhere in the project to save an image.');
    case 'notImage':
      return forModel(
        'Target path must end in .png, .jpg, .jpeg or .webp (or .avif with width and height, format or transparent).',
      );
    case 'notRelative':
    case 'outside':
      return forModel('"{0}" must be a path relative to the workspace, inside it.', relative);
    case 'reservedName':
      return forModel(
        '"{0}" is a name Windows reserves for a device or a drive (such as CON, NUL, COM1, LPT1 or a ":"); choose another name for {1}.',
        windowsReservedPart(relative) ?? relative,
        relative,
      );
  }
}

/**
 * What a call sends: the agent's choices over the user's defaults. The confirmation describes
 * this very request, so what costs money or turns a check off is seen before it is billed.
 */
function toolRequest(
  input: Partial<ImageToolInput>,
  settings: Settings,
): { model: ModelSpec; request: NotedRequest & Record<string, unknown> } {
  const model = (input.model && parseModelKey(input.model)) || settings.defaultModel;
  return {
    model,
    request: {
      model_name: model.name,
      model_version: model.version,
      prompt: input.prompt,
      negative_prompt: input.negativePrompt,
      enhance_prompt: settings.defaults.enhancePrompt,
      output_config: {
        ...defaultOutputConfig(settings, model),
        ...(input.aspectRatio ? { aspect_ratio: input.aspectRatio } : {}),
        ...(input.resolution ? { resolution: input.resolution } : {}),
      },
    },
  };
}

export class ImageTool implements vscode.LanguageModelTool<ImageToolInput> {
  constructor(private readonly deps: ImageToolDeps) {}

  async prepareInvocation(
    options: vscode.LanguageModelToolInvocationPrepareOptions<ImageToolInput>,
  ): Promise<vscode.PreparedToolInvocation> {
    const settings = readSettings();
    // Input the tool would refuse sends nothing; the rest is shown as it would be sent, style applied.
    const valid = imageToolInputSchema.safeParse(options.input);
    const call = valid.success ? await styledCall(valid.data, this.deps.styles) : undefined;
    const styled = call && 'input' in call ? call : undefined;
    const input: Partial<ImageToolInput> = styled?.input ?? options.input;
    const { model, request } = toolRequest(styled ? input : {}, settings);
    const finish = styled?.finish;
    const style = styled?.style?.applied;
    const count = valid.success ? (valid.data.count ?? 1) : 1;
    const host = hostOf(settings.baseUrl);
    const lines = [
      ...(style
        ? [
            `**${vscode.l10n.t('Style')}:** ${escapeMarkdown(style.name)} (${escapeMarkdown(style.source)})`,
            ...describeAdds(style).map((line) => `- ${escapeMarkdown(line)}`),
          ]
        : []),
      `**${vscode.l10n.t('Prompt')}:** ${escapeMarkdown(input.prompt ?? '')}`,
      ...(input.negativePrompt
        ? [`**${vscode.l10n.t('Negative prompt')}:** ${escapeMarkdown(input.negativePrompt)}`]
        : []),
      `**${vscode.l10n.t('Model')}:** ${describeRequest(model, request)}`,
      ...(input.referenceImages?.length
        ? [
            `**${vscode.l10n.t('Reference images')}:** ${input.referenceImages.map((p) => `\`${escapeMarkdown(p)}\``).join(', ')}`,
          ]
        : []),
      `**${vscode.l10n.t('Saved to')}:** ${input.targetPath ? `\`${escapeMarkdown(input.targetPath)}\`` : vscode.l10n.t('the output folder')}`,
      ...(finish ? [`**${vscode.l10n.t('Makes')}:** ${madeDescription(finish)}`] : []),
      `**${vscode.l10n.t('Image service')}:** ${host || vscode.l10n.t('not set up')}`,
      '',
      count > 1
        ? vscode.l10n.t('{0} images are made from this request; each is billed by the image service.', count)
        : vscode.l10n.t('Each image is billed by the image service.'),
      ...this.spendLines(modelKey(model), count),
    ];
    return {
      invocationMessage:
        count > 1
          ? vscode.l10n.t('Generating {0} images with {1}', count, model.label)
          : vscode.l10n.t('Generating an image with {0}', model.label),
      confirmationMessages: {
        title: count > 1 ? vscode.l10n.t('Generate {0} images?', count) : vscode.l10n.t('Generate an image?'),
        message: new vscode.MarkdownString(lines.join('  \n')),
      },
    };
  }

  /** Which paid image of today this would be (from the ledger as last built; none before its first build). */
  private spendLines(model: string, count: number): string[] {
    const ledger = this.deps.generations?.gate.snapshot();
    return ledger ? [toolSpendLine(ledger, readBudget(), model, count)] : [];
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<ImageToolInput>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    const text = (value: string) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
    // Refused here, before anything is billed: an argument dropped silently would be believed applied.
    const problem = toolInputProblem(options.input);
    const parsed = imageToolInputSchema.safeParse(options.input);
    if (problem || !parsed.success) {
      this.deps.log.info('tool', `${IMAGE_TOOL_NAME}: input refused, nothing sent: ${problem ?? 'invalid input'}`);
      return text(problem ?? 'Invalid input.');
    }
    const call = await styledCall(parsed.data, this.deps.styles);
    if ('problem' in call) {
      this.deps.log.info('tool', `${IMAGE_TOOL_NAME}: style refused, nothing sent: ${call.problem}`);
      return text(call.problem);
    }
    const input = call.input;
    const style = call.style;
    // The confirmation the user just accepted showed what the style adds: that is the consent.
    if (style) await this.deps.styles.agree(style.applied);
    const { model, request } = toolRequest(input, readSettings());
    const references: ReferenceSource[] = [...(style?.references ?? [])];
    for (const reference of input.referenceImages ?? []) {
      const resolved = resolveWorkspacePath(reference);
      if ('problem' in resolved)
        return text(forModel('Reference image: {0}', pathProblem(resolved.problem, reference)));
      references.push({ kind: 'file' as const, path: resolved.uri.fsPath });
    }
    const asked = call.finish;
    let target: string | undefined;
    if (input.targetPath) {
      const resolved = await resolveImageTarget(input.targetPath, { finished: asked !== undefined });
      if ('problem' in resolved) {
        return text(
          resolved.problem === 'notImage'
            ? pathProblem(resolved.problem, input.targetPath)
            : forModel('Target path: {0}', pathProblem(resolved.problem, input.targetPath)),
        );
      }
      target = resolved.uri.fsPath;
    }
    // A finished file takes the target; the paid original then lands untouched in the output folder.
    const finish: FinishSpec | undefined = asked && { ...asked, ...(target ? { path: target } : {}) };
    const exactPath = finish ? undefined : target;
    this.deps.log.info(
      'tool',
      `${IMAGE_TOOL_NAME}: ${model.label}, ${references.length} reference(s), target ${input.targetPath ?? '(output folder)'}${finish ? `, finish ${JSON.stringify({ ...finish, path: undefined })}` : ''}`,
    );
    const results = await this.deps.generations.generateMany(
      {
        // The style's references are its look, not images to restyle: only the agent's own make it a restyle.
        kind: input.referenceImages?.length ? 'restyle' : 'generate',
        references,
        reveal: false,
        stopWaiting: token,
        ...(exactPath ? { exactPath } : {}),
        ...(finish ? { finish } : {}),
        ...(style ? { style: style.applied } : {}),
        ...(style?.styled.outputFolder ? { outputFolder: style.styled.outputFolder } : {}),
        request,
      },
      input.count ?? 1,
    );
    const described = { ...input, ...(asked?.transparent ? { transparent: true } : {}) };
    if (results.length === 1) return text(await this.describe(results[0]!, described));
    return text(await this.describeBatch(results, described));
  }

  /** Every image of a batch, numbered: the saved ones with their paths, the others with what happened. */
  private async describeBatch(results: GenerationResult[], input: ImageToolInput): Promise<string> {
    const saved = results.filter((r) => r.status === 'landed').length;
    const parts = [forModel('{0} of {1} images were saved.', saved, results.length)];
    for (const [index, result] of results.entries()) {
      parts.push(forModel('Image {0}:', index + 1), await this.describe(result, input));
    }
    return parts.join('\n');
  }

  /**
   * What the model reads back: where the image is, a ready Markdown link, or one line on what to
   * change. Whatever the image service said is quoted as data, never handed over as instructions.
   */
  private async describe(result: GenerationResult, input: ImageToolInput): Promise<string> {
    const said = result.error
      ? quotedForModel(formatTemplate(result.error.template, result.error.args), { secrets: secretsInUse() })
      : '«»';
    switch (result.status) {
      case 'landed':
        return landedAnswer(result, input);
      case 'notStarted':
        return forModel(
          'AIGC Image Studio is not set up: {0} Ask the user to run "AIGC Image: Set API Key" and set aigcImage.baseUrl, then call the tool again.',
          setupMessage((await this.deps.keys.get()) ? 'noBaseUrl' : 'noKey'),
        );
      case 'invalid':
        return forModel(
          'Not sent: {0} Change that and call the tool again.',
          asSentence(result.error ? display(formatTemplate(result.error.template, result.error.args)) : ''),
        );
      case 'refused':
        return forModel('The image service refused the request. Its answer, quoted as data: {0}', said);
      case 'background':
        return forModel(
          'The image is still being generated; it will be saved in the workspace when it finishes. Do not call the tool again for it.',
        );
      case 'uncertain':
        return forModel(
          'The request may have reached the image service, but its answer was lost; the user was asked whether to send it again. Do not call the tool again for it.',
        );
      case 'blocked':
        return forModel(
          'The image is ready but could not be saved where asked; the user was asked to choose a folder. The reason, quoted as data: {0}',
          said,
        );
      case 'discarded':
        return result.error?.template === OVER_CAP
          ? forModel(
              'Not sent: it would pass the spending cap the user set, and the user did not allow it. Do not call the tool again unless the user asks.',
            )
          : forModel('The user cancelled the image.');
    }
  }
}

/**
 * Where the images are and what they are. With a finished file, its measured size, format and
 * alpha come first and the original is named as such; an original alone is described from its bytes.
 */
async function landedAnswer(result: GenerationResult, input: ImageToolInput): Promise<string> {
  const relative = (file: string) => vscode.workspace.asRelativePath(file, false);
  const link = (file: string) =>
    `![${input.prompt
      .replace(/[[\]\r\n]+/g, ' ')
      .trim()
      .slice(0, 80)}](${encodeURI(relative(file))})`;
  const finished = result.finished ?? [];
  const lines = finishedAnswerLines({
    files: result.files,
    finished,
    unfinished: result.unfinished?.map((reason) => display(reason)),
    transparentAsked: input.transparent === true,
    shown: (file) => display(relative(file)),
    link,
  });
  // Originals without a finished file of their own are the result as they are.
  for (const file of result.files.slice(finished.length)) {
    lines.push(forModel('Saved {0} ({1}).', display(relative(file)), await describeImage(file)), link(file));
  }
  const first = finished[0]?.path ?? result.files[0];
  if (input.targetPath && first && relative(first) !== input.targetPath.replace(/^\.\//, '')) {
    lines.push(
      forModel(
        'The image service returned another format or the name was taken, so the file is named differently from {0}: refer to the path above.',
        display(input.targetPath),
      ),
    );
  }
  return lines.join('\n');
}

/** What the language model reads back: English, whatever the UI language (models read it best). */
function forModel(template: string, ...args: (string | number)[]): string {
  return formatTemplate(template, args);
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return '';
  }
}

function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&')
    .replace(/\s+/g, ' ')
    .slice(0, 500);
}

/** "PNG, 1024×1024, 812 KB" from the file's own bytes. */
async function describeImage(file: string): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const head = new Uint8Array(64 * 1024);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const { size } = await handle.stat();
      const dims = imageSize(head.subarray(0, bytesRead));
      const format = path.extname(file).slice(1).toUpperCase();
      return [format, dims ? `${dims.width}×${dims.height}` : undefined, `${Math.max(1, Math.round(size / 1024))} KB`]
        .filter(Boolean)
        .join(', ');
    } finally {
      await handle.close();
    }
  } catch {
    return path.extname(file).slice(1).toUpperCase();
  }
}
