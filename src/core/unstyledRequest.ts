/**
 * A saved request as the user wrote it, before its project style was laid over it. The sidecar
 * records what was sent (the prompt inside the style's template, the style's negative prompt and
 * references in front of the user's) and, beside it, what the style added. "More Like This"
 * fills the form with the style's name so the next images keep its look; sending the styled
 * prompt under the style again would wrap it twice. What cannot be undone exactly is not guessed
 * at: the caller then fills the request as it was sent, without the style. Pure: no `vscode`.
 */
import { type AppliedStyle, promptFromTemplate } from './styleApply';
import { PROMPT_SLOT } from './styles';

export interface UnstyledRequest {
  prompt: string;
  /** The user's own negative prompt; absent when only the style gave one. */
  negativePrompt?: string;
  /** How many references at the front of the request were the style's. */
  styleReferences: number;
}

const added = (style: AppliedStyle, field: string) => style.adds.find((add) => add.field === field)?.value;

/** The user's prompt inside `sent`, found by laying it into the template again. */
function userPrompt(template: string | undefined, sent: string): string | undefined {
  if (!template) return sent;
  const parts = template.split(PROMPT_SLOT);
  const slots = parts.length - 1;
  // Without a slot the prompt follows the template; with several, each holds the same prompt.
  const start = slots === 0 ? template.length : parts[0]!.length;
  const length = slots === 0 ? sent.length - start : (sent.length - parts.join('').length) / slots;
  if (!Number.isInteger(length) || length < 0) return undefined;
  const user = sent.slice(start, start + length).trim();
  return promptFromTemplate(template, user) === sent ? user : undefined;
}

/** The user's negative prompt after the style's (the two were joined with ", "). */
function userNegative(styleNegative: string | undefined, sent: string | undefined): string | undefined | null {
  if (!styleNegative) return sent;
  if (sent === styleNegative) return undefined;
  if (sent?.startsWith(`${styleNegative}, `)) return sent.slice(styleNegative.length + 2);
  return null;
}

/** `request`'s prompt, negative prompt and reference count without `style`; undefined when that is not exact. */
export function unstyledRequest(
  request: { prompt: string; negative_prompt?: string | undefined },
  style: AppliedStyle,
): UnstyledRequest | undefined {
  const prompt = userPrompt(added(style, 'prompt'), request.prompt);
  if (prompt === undefined) return undefined;
  const negativePrompt = userNegative(added(style, 'negativePrompt'), request.negative_prompt);
  if (negativePrompt === null) return undefined;
  const references = added(style, 'references');
  return {
    prompt,
    ...(negativePrompt ? { negativePrompt } : {}),
    styleReferences: references ? references.split(', ').length : 0,
  };
}
