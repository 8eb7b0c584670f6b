/**
 * The language-model tool's name and input, shared by the tool (src/host/imageTool.ts) and the
 * test that holds the manifest's `contributes.languageModelTools` to it. No `vscode` import.
 *
 * An argument the tool does not know is refused, not dropped: an agent that passes `width` to a
 * tool that ignores it believes it got that width, and the user pays for an image of another size.
 */
import * as z from 'zod/mini';
import { type FinishSpec, MAX_FINISHED_SIDE, type OutputFormat, formatOfPath, keyColourFor } from '../core/finish';
import { outputFormatSchema, qualitySchema } from '../core/finishSchema';
import { MAX_VARIATIONS } from './batch';
import { STYLE_NAME_MAX } from '../core/styles';
import { ASPECT_RATIOS, MAX_REFERENCES_ANY_MODEL, MODELS, RESOLUTIONS, modelKey } from '../core/models';

/** VS Code's rules: letters, digits, `_` and `-`, no `copilot_` or `vscode_` prefix. */
export const IMAGE_TOOL_NAME = 'aigcImage_generateImage';

const side = z
  .int({ error: () => `must be a whole number of pixels from 1 to ${MAX_FINISHED_SIDE}` })
  .check(
    z.gte(1, `must be a whole number of pixels from 1 to ${MAX_FINISHED_SIDE}`),
    z.lte(MAX_FINISHED_SIDE, `must be a whole number of pixels from 1 to ${MAX_FINISHED_SIDE}`),
  );

const shape = {
  prompt: z.string().check(z.minLength(1), z.maxLength(10_000)),
  model: z.optional(z.enum(MODELS.map(modelKey) as [string, ...string[]])),
  aspectRatio: z.optional(z.enum(ASPECT_RATIOS)),
  resolution: z.optional(z.enum(RESOLUTIONS)),
  negativePrompt: z.optional(z.string().check(z.maxLength(10_000))),
  referenceImages: z.optional(z.array(z.string().check(z.maxLength(500))).check(z.maxLength(MAX_REFERENCES_ANY_MODEL))),
  targetPath: z.optional(z.string().check(z.maxLength(500))),
  width: z.optional(side),
  height: z.optional(side),
  transparent: z.optional(z.boolean()),
  format: z.optional(outputFormatSchema),
  quality: z.optional(qualitySchema),
  count: z.optional(
    z
      .int({ error: () => `must be a whole number from 1 to ${MAX_VARIATIONS}` })
      .check(
        z.gte(1, `must be a whole number from 1 to ${MAX_VARIATIONS}`),
        z.lte(MAX_VARIATIONS, `must be a whole number from 1 to ${MAX_VARIATIONS}`),
      ),
  ),
  /** A project style by name; absent: the project's default style; '': none. */
  style: z.optional(z.string().check(z.maxLength(STYLE_NAME_MAX))),
};

/** The arguments the tool takes, in the order the manifest lists them. */
export const IMAGE_TOOL_ARGUMENTS = Object.keys(shape) as (keyof typeof shape)[];

type ToolFields = z.infer<z.ZodMiniObject<typeof shape>>;

/** The format the finished file will have: the one asked for, else the target's extension; undefined: the model's. */
export function askedFormat(input: Pick<ToolFields, 'format' | 'targetPath'>): OutputFormat | undefined {
  return input.format ?? (input.targetPath ? formatOfPath(input.targetPath) : undefined);
}

/** Arguments that contradict each other, each message naming the fields involved. */
function contradiction(input: ToolFields): { path: string; message: string } | undefined {
  if ((input.width === undefined) !== (input.height === undefined))
    return {
      path: input.width === undefined ? 'width' : 'height',
      message: 'give width and height together, or neither',
    };
  if ((input.count ?? 1) > 1 && input.targetPath)
    return {
      path: 'count',
      message: `count ${input.count} cannot be combined with targetPath "${input.targetPath}": a target path holds one image; leave out targetPath to save ${input.count} images in the output folder`,
    };
  const target = input.targetPath ? formatOfPath(input.targetPath) : undefined;
  if (input.format && target && input.format !== target)
    return {
      path: 'format',
      message: `format ${input.format} does not match targetPath "${input.targetPath}" (a ${target} file name): change one of them`,
    };
  if (input.transparent && askedFormat(input) === 'jpeg')
    return {
      path: 'transparent',
      message: `transparent cannot be combined with ${input.format ? 'format jpeg' : `targetPath "${input.targetPath}"`}: JPEG has no alpha channel; use png, webp or avif`,
    };
  return undefined;
}

/** The tool's input, as the manifest declares it and checked again when it is invoked. */
export const imageToolInputSchema = z.strictObject(shape).check(
  z.superRefine((input, context) => {
    const problem = contradiction(input);
    if (problem) context.addIssue({ code: 'custom', path: [problem.path], message: problem.message, input });
  }),
);
export type ImageToolInput = z.infer<typeof imageToolInputSchema>;

/**
 * What the model reads when its arguments cannot be used (English: models read it best), or
 * undefined when they can. Unknown arguments are named with the list of known ones, so the
 * agent can correct its call instead of believing an ignored argument took effect.
 */
export function toolInputProblem(input: unknown): string | undefined {
  const parsed = imageToolInputSchema.safeParse(input);
  if (parsed.success) return undefined;
  const unknown = parsed.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
  if (unknown.length > 0)
    return `Unknown argument${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}: nothing was sent. The tool takes only: ${IMAGE_TOOL_ARGUMENTS.join(', ')}. Change the call and try again.`;
  const issue = parsed.error.issues[0]!;
  return `Invalid input ${issue.path.join('.') || 'input'}: ${issue.message}. Nothing was sent. Change it and call the tool again.`;
}

/** The finished file the arguments ask for, without its path (the host resolves it); undefined: the model's image as it is. */
export function finishSpecOf(input: ImageToolInput): Omit<FinishSpec, 'path'> | undefined {
  const format = askedFormat(input);
  const size =
    input.width !== undefined && input.height !== undefined ? { width: input.width, height: input.height } : undefined;
  if (!size && !input.transparent && !input.format && input.quality === undefined) return undefined;
  return {
    ...(size ? { size } : {}),
    ...(format ? { format } : {}),
    ...(input.quality !== undefined ? { quality: input.quality } : {}),
    ...(input.transparent ? { transparent: { key: keyColourFor(input.prompt) } } : {}),
  };
}
