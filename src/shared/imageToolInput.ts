/**
 * The language-model tool's name and input, shared by the tool (src/host/imageTool.ts) and the
 * test that holds the manifest's `contributes.languageModelTools` to it. No `vscode` import.
 */
import * as z from 'zod/mini';
import { ASPECT_RATIOS, MAX_REFERENCES_ANY_MODEL, MODELS, RESOLUTIONS, modelKey } from '../core/models';

/** VS Code's rules: letters, digits, `_` and `-`, no `copilot_` or `vscode_` prefix. */
export const IMAGE_TOOL_NAME = 'aigcImage_generateImage';

/** The tool's input, as the manifest declares it and checked again when it is invoked. */
export const imageToolInputSchema = z.object({
  prompt: z.string().check(z.minLength(1), z.maxLength(10_000)),
  model: z.optional(z.enum(MODELS.map(modelKey) as [string, ...string[]])),
  aspectRatio: z.optional(z.enum(ASPECT_RATIOS)),
  resolution: z.optional(z.enum(RESOLUTIONS)),
  negativePrompt: z.optional(z.string().check(z.maxLength(10_000))),
  referenceImages: z.optional(z.array(z.string().check(z.maxLength(500))).check(z.maxLength(MAX_REFERENCES_ANY_MODEL))),
  targetPath: z.optional(z.string().check(z.maxLength(500))),
});
export type ImageToolInput = z.infer<typeof imageToolInputSchema>;
