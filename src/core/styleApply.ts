/**
 * What a style does to one generation, decided in one place for every way in (Studio, quick fix,
 * agent tool), so the same style and prompt always make the same request:
 *
 * - the prompt goes into the style's template at `{prompt}` (after it, without one);
 * - the negative prompts add up: the style's, then the user's;
 * - model, aspect ratio, resolution, size, format and transparency: a choice the user (or the
 *   agent) made explicitly wins; the style fills what they left open;
 * - reference images: the style's come first, then the user's;
 * - output folder: the style's, unless the image has an exact target.
 *
 * Alongside, the list of what the style added, shown before its first billed use and recorded
 * in the sidecar. Pure: no `vscode`, no I/O.
 */
import { type FinishSpec, type OutputFormat, type PixelSize, keyColourFor } from './finish';
import { PROMPT_SLOT, type NamedStyle, type Style, sizeOf } from './styles';

/** What the user (or the agent) chose explicitly; absent fields are theirs to leave to the style. */
export interface StyleChoices {
  negativePrompt?: string;
  model?: string;
  aspectRatio?: string;
  resolution?: string;
  size?: PixelSize;
  format?: OutputFormat;
  transparent?: boolean;
}

/** One thing a style adds, by the style field's name (a `Style` key); `value` is display text. */
export interface StyleAddition {
  field: string;
  value: string;
}

/** The style a generation used, as the sidecar records it. */
export interface AppliedStyle {
  name: string;
  /** The styles file, workspace-relative. */
  source: string;
  /** sha256 of the style's canonical JSON: which version of the style it was. */
  sha256: string;
  adds: StyleAddition[];
}

export interface StyledRequest {
  prompt: string;
  negativePrompt?: string;
  model?: string;
  aspectRatio?: string;
  resolution?: string;
  /** The finished file to make (no path: the caller places it); undefined: the model's image as it is. */
  finish?: Omit<FinishSpec, 'path'>;
  /** The style's reference images, workspace-relative, to send before the user's. */
  references: string[];
  outputFolder?: string;
  adds: StyleAddition[];
}

/** The prompt inside the template: at every `{prompt}`, or after the template when it has none. */
export function promptFromTemplate(template: string | undefined, prompt: string): string {
  const user = prompt.trim();
  if (!template?.trim()) return user;
  if (template.includes(PROMPT_SLOT)) return template.split(PROMPT_SLOT).join(user).trim();
  return user ? `${template.trim()} ${user}` : template.trim();
}

function joinNegatives(style: string | undefined, user: string | undefined): string | undefined {
  const parts = [style, user].map((part) => part?.trim()).filter((part): part is string => !!part);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Applies `named` to the user's prompt and explicit choices. */
export function applyStyle(named: NamedStyle, prompt: string, choices: StyleChoices): StyledRequest {
  const style = named.style;
  const adds: StyleAddition[] = [];
  const take = <T>(
    field: keyof Style,
    chosen: T | undefined,
    fromStyle: T | undefined,
    shown?: string,
  ): T | undefined => {
    if (chosen !== undefined) return chosen;
    if (fromStyle !== undefined) adds.push({ field, value: shown ?? String(fromStyle) });
    return fromStyle;
  };
  if (style.prompt?.trim()) adds.push({ field: 'prompt', value: style.prompt.trim() });
  const finalPrompt = promptFromTemplate(style.prompt, prompt);
  if (style.negativePrompt?.trim()) adds.push({ field: 'negativePrompt', value: style.negativePrompt.trim() });
  const negativePrompt = joinNegatives(style.negativePrompt, choices.negativePrompt);
  const model = take('model', choices.model, style.model);
  const aspectRatio = take('aspectRatio', choices.aspectRatio, style.aspectRatio);
  const resolution = take('resolution', choices.resolution, style.resolution);
  const styleSize = style.size !== undefined ? sizeOf(style.size) : undefined;
  const size = take('size', choices.size, styleSize, style.size);
  const format = take('format', choices.format, style.format);
  const transparent = take('transparent', choices.transparent, style.transparent);
  const references = style.references ?? [];
  if (references.length > 0) adds.push({ field: 'references', value: references.join(', ') });
  if (style.outputFolder) adds.push({ field: 'outputFolder', value: style.outputFolder });
  // A style's transparency cannot be kept in a JPEG the user asked for: the user's format wins, the key-out goes.
  const keyOut = transparent === true && format !== 'jpeg';
  const finish: Omit<FinishSpec, 'path'> | undefined =
    size || format || keyOut
      ? {
          ...(size ? { size } : {}),
          ...(format ? { format } : {}),
          ...(keyOut ? { transparent: { key: keyColourFor(finalPrompt) } } : {}),
        }
      : undefined;
  return {
    prompt: finalPrompt,
    references,
    adds,
    ...(negativePrompt ? { negativePrompt } : {}),
    ...(model ? { model } : {}),
    ...(aspectRatio ? { aspectRatio } : {}),
    ...(resolution ? { resolution } : {}),
    ...(finish ? { finish } : {}),
    ...(style.outputFolder ? { outputFolder: style.outputFolder } : {}),
  };
}
