/**
 * A project's styles: `.vscode/aigc-styles.json`, committed with the code, so every image a team
 * makes for a product can share one look. This is the file's shape (zod, browser-safe) and the
 * reading of it into usable styles plus one problem per broken style, each naming the style and
 * the field: a broken style is not offered, and it never stops the others or a generation
 * without a style.
 *
 * The shipped JSON schema (schemas/aigc-styles.schema.json) gives the editor completion and
 * errors for the same fields; a unit test holds the two together.
 */
import * as z from 'zod/mini';
import { MAX_FINISHED_SIDE, OUTPUT_FORMATS, type PixelSize } from './finish';
import { ASPECT_RATIOS, MAX_REFERENCES_ANY_MODEL, MODELS, RESOLUTIONS, modelKey } from './models';

/** Where the file lives in a workspace folder. */
export const STYLES_FILE = '.vscode/aigc-styles.json';

/** Where the user's prompt goes in a style's template; a template without it is followed by the prompt. */
export const PROMPT_SLOT = '{prompt}';

export const STYLE_NAME_MAX = 64;
export const STYLE_TEXT_MAX = 2000;
const PATH_MAX = 500;

/** `"1200x630"`: an exact size for the finished file. */
export const SIZE_PATTERN = /^(\d{1,4})x(\d{1,4})$/;

/** A folder or file named relative to the workspace folder, never leaving it. */
function isWorkspaceRelative(value: string): boolean {
  const cleaned = value.trim();
  // A leading slash or backslash also covers UNC paths (\\server\share).
  return cleaned.length > 0 && !/^([a-zA-Z]:|[\\/])/.test(cleaned) && !cleaned.split(/[\\/]+/).includes('..');
}

const workspacePath = z
  .string({ error: () => 'must be a text' })
  .check(
    z.maxLength(PATH_MAX, `must be at most ${PATH_MAX} characters`),
    z.refine(isWorkspaceRelative, 'must be a path inside the workspace folder (relative, without "..")'),
  );

const text = z
  .string({ error: () => 'must be a text' })
  .check(z.maxLength(STYLE_TEXT_MAX, `must be at most ${STYLE_TEXT_MAX} characters`));

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: () => `must be one of: ${values.join(', ')}` });
}

export const STYLE_MODELS = MODELS.map(modelKey) as [string, ...string[]];

/** The fields a style may set, each optional: a style says only what it changes. */
export const styleShape = {
  description: z.optional(text),
  prompt: z.optional(text),
  negativePrompt: z.optional(text),
  model: z.optional(oneOf(STYLE_MODELS)),
  aspectRatio: z.optional(oneOf(ASPECT_RATIOS)),
  resolution: z.optional(oneOf(RESOLUTIONS)),
  size: z.optional(
    z
      .string({ error: () => 'must be a text like "1200x630"' })
      .check(
        z.refine(
          (value) => sizeOf(value) !== undefined,
          `must be WxH in pixels, each side 1–${MAX_FINISHED_SIDE}, like "1200x630"`,
        ),
      ),
  ),
  transparent: z.optional(z.boolean({ error: () => 'must be true or false' })),
  format: z.optional(oneOf(OUTPUT_FORMATS)),
  references: z.optional(
    z
      .array(workspacePath, { error: () => 'must be a list of workspace paths' })
      .check(z.maxLength(MAX_REFERENCES_ANY_MODEL, `must list at most ${MAX_REFERENCES_ANY_MODEL} images`)),
  ),
  outputFolder: z.optional(workspacePath),
};

export const STYLE_FIELDS = Object.keys(styleShape);

/** An unknown field is refused, not ignored: a misspelt "negativPrompt" would otherwise seem applied. */
export const styleSchema = z.strictObject(styleShape).check(
  z.superRefine((style, context) => {
    if (style.transparent && style.format === 'jpeg')
      context.addIssue({
        code: 'custom',
        path: ['transparent'],
        message: 'cannot be combined with format jpeg: JPEG has no alpha channel',
        input: style,
      });
  }),
);
export type Style = z.infer<typeof styleSchema>;

/** The file's outer shape; each style is checked on its own below. */
export const stylesFileSchema = z.strictObject({
  $schema: z.optional(z.string()),
  default: z.optional(z.string({ error: () => 'must be the name of a style' })),
  styles: z.record(z.string(), z.unknown(), { error: () => 'must be an object of named styles' }),
});

/** A problem in the file, as an English template for the host to translate. */
export interface StyleProblem {
  /** The style it concerns; absent: the file as a whole. */
  style?: string;
  template: string;
  args: string[];
}

/** A style that can be used, with the hash of its own JSON (what a user consented to). */
export interface NamedStyle {
  name: string;
  style: Style;
  /** Canonical JSON of the style's entry: the same for the same content, whatever the spacing. */
  json: string;
}

export interface StylesFile {
  styles: NamedStyle[];
  /** The default style's name, when it names a style of the file (usable or broken). */
  defaultName?: string;
  problems: StyleProblem[];
}

export const NO_STYLES: StylesFile = { styles: [], problems: [] };

/** `"1200x630"` as pixels; undefined when it is not a size a finished file may have. */
export function sizeOf(value: string): PixelSize | undefined {
  const match = SIZE_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  const fits = (side: number) => side >= 1 && side <= MAX_FINISHED_SIDE;
  return fits(width) && fits(height) ? { width, height } : undefined;
}

export function isValidName(name: string): boolean {
  const control = [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  return name.trim().length > 0 && name.length <= STYLE_NAME_MAX && !control;
}

/** The file's text as styles and problems; never throws. */
export function parseStylesText(source: string): StylesFile {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (error) {
    return {
      styles: [],
      problems: [
        {
          template: '{0} is not valid JSON: {1}',
          args: [STYLES_FILE, error instanceof Error ? error.message : String(error)],
        },
      ],
    };
  }
  return parseStyles(raw);
}

/** Parsed JSON as styles and problems: each broken style is one problem, the others stay usable. */
export function parseStyles(raw: unknown): StylesFile {
  const outer = stylesFileSchema.safeParse(raw);
  if (!outer.success) {
    const [field, message] = issueWords(outer.error.issues[0]!, Object.keys(stylesFileSchema.shape));
    return { styles: [], problems: [{ template: '{0}: {1} {2}', args: [STYLES_FILE, field || 'the file', message] }] };
  }
  const styles: NamedStyle[] = [];
  const problems: StyleProblem[] = [];
  for (const [name, entry] of Object.entries(outer.data.styles)) {
    if (!isValidName(name)) {
      problems.push({
        style: name,
        template: 'Style "{0}": its name must be 1–{1} characters without control characters',
        args: [name.slice(0, STYLE_NAME_MAX), String(STYLE_NAME_MAX)],
      });
      continue;
    }
    const parsed = styleSchema.safeParse(entry);
    if (parsed.success) {
      styles.push({ name, style: parsed.data, json: canonicalJson(entry) });
      continue;
    }
    const [field, message] = issueWords(parsed.error.issues[0]!, STYLE_FIELDS);
    problems.push({ style: name, template: 'Style "{0}": {1} {2}', args: [name, field || 'the style', message] });
  }
  const wanted = outer.data.default;
  let defaultName: string | undefined;
  if (wanted !== undefined && wanted !== '') {
    // A broken default stays the default: callers say what is wrong with it rather than drop it silently.
    if (styles.some((s) => s.name === wanted) || problems.some((p) => p.style === wanted)) defaultName = wanted;
    else
      problems.push({
        template: '{0}: default "{1}" is not one of the styles ({2})',
        args: [STYLES_FILE, wanted, styles.map((s) => s.name).join(', ') || '—'],
      });
  }
  return { styles, problems, ...(defaultName ? { defaultName } : {}) };
}

/** The field an issue concerns ("size", "references.1") and what is wrong with it. */
function issueWords(issue: z.core.$ZodIssue, fields: readonly string[]): [string, string] {
  if (issue.code === 'unrecognized_keys')
    return [issue.keys.join(', '), `is not a field here (the fields are: ${fields.join(', ')})`];
  return [issue.path.map(String).join('.'), issue.message];
}

/** JSON with keys in a fixed order, so a reformatted file keeps its hashes (and its consents). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
