/** The quick flow: prompt box, model pick, then generate with the saved defaults. */
import * as vscode from 'vscode';
import { MODELS, type ModelSpec, modelKey, parseModelKey } from '../core/models';
import type { ReferenceSource } from '../core/references';
import { defaultOutputConfig, readSettings } from './settings';
import type { GenerationInput } from './generationService';
import { notify } from './display';

/** globalState key of the model last used, shared with the Studio panel. */
export const LAST_MODEL = 'aigcImage.lastModel';

/** Options a caller (a keybinding, another extension, a test) may pass to the commands. */
export interface QuickOptions {
  prompt?: string;
  /** Prefills the prompt box (the selection, a missing image's alt text); the user can edit it. */
  promptSuggestion?: string;
  model?: string;
  negativePrompt?: string;
  options?: Record<string, unknown>;
  reveal?: boolean;
}

export function parseQuickOptions(arg: unknown): QuickOptions | undefined {
  if (typeof arg === 'string') return { prompt: arg };
  if (typeof arg !== 'object' || arg === null || arg instanceof vscode.Uri) return undefined;
  const o = arg as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    prompt: text(o.prompt),
    model: text(o.model),
    negativePrompt: text(o.negativePrompt),
    options: typeof o.options === 'object' && o.options !== null ? (o.options as Record<string, unknown>) : undefined,
    reveal: typeof o.reveal === 'boolean' ? o.reveal : undefined,
  };
}

function selectedText(): string {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return '';
  return editor.document.getText(editor.selection).trim().slice(0, 2000);
}

async function askPrompt(kind: GenerationInput['kind'], suggestion?: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: kind === 'restyle' ? vscode.l10n.t('Restyle Image') : vscode.l10n.t('Generate Image'),
    prompt:
      kind === 'restyle'
        ? vscode.l10n.t('Describe how the image should change')
        : vscode.l10n.t('Describe the image to generate'),
    value: suggestion ?? selectedText(),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The prompt must not be empty.')),
  });
}

async function pickModel(memento: vscode.Memento): Promise<ModelSpec | undefined> {
  const last = parseModelKey(memento.get<string>(LAST_MODEL, '')) ?? readSettings().defaultModel;
  const ordered = [last, ...MODELS.filter((m) => m !== last)];
  const picked = await vscode.window.showQuickPick(
    ordered.map((m) => ({
      label: m.label,
      description: modelKey(m),
      detail: [
        m.supportsAspectRatio ? vscode.l10n.t('Aspect ratio, image descriptions') : '',
        vscode.l10n.t('Up to {0} reference image(s)', m.maxReferences),
      ]
        .filter(Boolean)
        .join(' · '),
      model: m,
    })),
    { title: vscode.l10n.t('Model'), placeHolder: vscode.l10n.t('Choose the model'), ignoreFocusOut: true },
  );
  if (picked) await memento.update(LAST_MODEL, modelKey(picked.model));
  return picked?.model;
}

/**
 * Gathers a GenerationInput. Interactive unless a prompt is given; with a prompt,
 * the model is the given one or the default, and nothing is asked.
 */
export async function gatherQuickInput(
  kind: GenerationInput['kind'],
  references: ReferenceSource[],
  memento: vscode.Memento,
  given: QuickOptions = {},
): Promise<GenerationInput | undefined> {
  const settings = readSettings();
  const prompt = given.prompt ?? (await askPrompt(kind, given.promptSuggestion));
  if (!prompt) return undefined;
  const model = given.model
    ? parseModelKey(given.model)
    : given.prompt !== undefined
      ? settings.defaultModel
      : await pickModel(memento);
  if (!model) {
    if (given.model) void notify('error', vscode.l10n.t('Unknown model "{0}".', given.model));
    return undefined;
  }
  return {
    kind,
    references,
    reveal: given.reveal,
    request: {
      model_name: model.name,
      model_version: model.version,
      prompt,
      negative_prompt: given.negativePrompt,
      enhance_prompt: settings.defaults.enhancePrompt,
      output_config: defaultOutputConfig(settings, model),
      ...given.options,
    },
  };
}
