/**
 * A generation the user started (the quick fix; the Studio's form), with a project style laid
 * over it: the style is looked up again here by name, whatever the caller showed, and its first
 * billed use is agreed to before anything is sent.
 */
import * as vscode from 'vscode';
import { parseModelKey } from '../core/models';
import type { StyleChoices } from '../core/styleApply';
import type { GenerationInput } from './generationService';
import type { ProjectStyles } from './projectStyles';

/** Why the styled generation does not go ahead: a message for the user, or they declined. */
export type StyleRefusal = { problem: string } | { declined: true };

/**
 * `input` with the style `name` applied (undefined: the project's default; '': none). The
 * caller's explicit choices win over the style's; the finish keeps the caller's path.
 */
export async function withStyle(
  styles: ProjectStyles,
  name: string | undefined,
  input: GenerationInput,
  choices: StyleChoices,
): Promise<GenerationInput | StyleRefusal> {
  const prompt = typeof input.request.prompt === 'string' ? input.request.prompt : '';
  const lookup = await styles.lookup(name, prompt, choices);
  switch (lookup.kind) {
    case 'none':
      return input;
    case 'unknown':
      return {
        problem: vscode.l10n.t(
          'There is no style "{0}" in .vscode/aigc-styles.json. The styles are: {1}',
          lookup.name,
          lookup.names.join(', ') || '—',
        ),
      };
    case 'broken':
      return { problem: lookup.message };
    case 'styled':
      break;
  }
  if (!(await styles.confirm(lookup.applied))) return { declined: true };
  const { styled } = lookup;
  const model = (styled.model && parseModelKey(styled.model)) || undefined;
  const request: Record<string, unknown> = { ...input.request, prompt: styled.prompt };
  if (styled.negativePrompt) request.negative_prompt = styled.negativePrompt;
  if (model) {
    request.model_name = model.name;
    request.model_version = model.version;
  }
  const output = { ...(input.request.output_config as Record<string, unknown> | undefined) };
  const takesAspect = (model ?? parseModelKey(`${String(request.model_name)} ${String(request.model_version)}`))
    ?.supportsAspectRatio;
  if (styled.aspectRatio && takesAspect) output.aspect_ratio = styled.aspectRatio;
  if (!takesAspect) delete output.aspect_ratio;
  if (styled.resolution) output.resolution = styled.resolution;
  request.output_config = output;
  const finish = styled.finish && {
    ...input.finish,
    ...styled.finish,
    ...(input.finish?.path ? { path: input.finish.path } : {}),
  };
  return {
    ...input,
    // The style's references are its look, not images being restyled: the image goes where the caller's would.
    request,
    references: [...lookup.references, ...input.references],
    ...(finish ? { finish } : {}),
    style: lookup.applied,
    ...(styled.outputFolder ? { outputFolder: styled.outputFolder } : {}),
  };
}
