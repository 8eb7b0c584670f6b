/**
 * "Save as style": a style made of what the user chose (the form's prompt as the template, its
 * negative prompt, model, shape, finished file and workspace references), and the styles file
 * with it added. Only what was chosen is kept, so the style says only what it changes; another
 * file's content is kept as it was, and a file that is not a styles file is never written over.
 */
import type { StyleChoices } from './styleApply';
import { STYLES_FILE, type Style, styleSchema, stylesFileSchema } from './styles';

/** The choices a style can hold, with the prompt that becomes its template. */
export interface SavedChoices extends StyleChoices {
  prompt: string;
  /** Workspace-relative paths of local reference images (others cannot be part of a shared style). */
  references?: string[];
}

/** The style the choices make, or the first field the style schema refuses (named as in the file). */
export function styleFromChoices(choices: SavedChoices): { style: Style } | { problem: SaveProblem } {
  const text = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const raw = {
    prompt: text(choices.prompt),
    negativePrompt: text(choices.negativePrompt),
    model: text(choices.model),
    aspectRatio: text(choices.aspectRatio),
    resolution: text(choices.resolution),
    size: choices.size ? `${choices.size.width}x${choices.size.height}` : undefined,
    format: choices.format,
    transparent: choices.transparent || undefined,
    references: choices.references?.length ? choices.references : undefined,
  };
  const kept = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
  const parsed = styleSchema.safeParse(kept);
  if (parsed.success) return { style: parsed.data };
  const issue = parsed.error.issues[0]!;
  return {
    problem: { template: 'The style cannot be saved: {0} {1}', args: [issue.path.join('.') || 'style', issue.message] },
  };
}

/** What is there already under `name` (to ask before replacing it), or a reason the file cannot take it. */
export type StyleSaving = { text: string; replaces: boolean } | { problem: SaveProblem };

/** An English template for the host to translate. */
export interface SaveProblem {
  template: string;
  args: string[];
}

/** The styles file's new text with `style` under `name`; `current` undefined: there is no file yet. */
export function fileWithStyle(current: string | undefined, name: string, style: Style): StyleSaving {
  let raw: unknown = { styles: {} };
  if (current !== undefined && current.trim() !== '') {
    try {
      raw = JSON.parse(current);
    } catch (error) {
      return {
        problem: {
          template: '{0} is not valid JSON: {1}',
          args: [STYLES_FILE, error instanceof Error ? error.message : String(error)],
        },
      };
    }
  }
  const outer = stylesFileSchema.safeParse(raw);
  if (!outer.success)
    return {
      problem: { template: '{0} is not a styles file: fix it, then save the style again.', args: [STYLES_FILE] },
    };
  const file = raw as { styles: Record<string, unknown> };
  const replaces = Object.prototype.hasOwnProperty.call(file.styles, name);
  const next = { ...file, styles: { ...file.styles, [name]: style } };
  return { text: `${JSON.stringify(next, null, 2)}\n`, replaces };
}
