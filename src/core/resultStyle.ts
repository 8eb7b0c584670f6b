/**
 * "Save as Style…" from a gallery card: the style is made of what the card shows (its prompt,
 * model, shape, finished file and workspace references), never of the `request` its sidecar
 * records, which a cloned repository can make say anything (see variation.ts). A style saved
 * here is shared with the team and applied to every later image, so it must not carry a
 * sidecar's hidden extras into the repository's styles file.
 */
import { type OutputFormat, type PixelSize, userPromptOf } from './finish';
import { ASPECT_RATIOS, findModel, modelKey } from './models';
import type { Sidecar } from './sidecar';
import type { SavedChoices } from './styleSave';

/** The finished file the card shows, as its sidecar was read (derivedResult.ts). */
export interface ShownFinish {
  size?: PixelSize;
  format: OutputFormat;
  transparentAsked: boolean;
}

/**
 * The choices a card shows. `references` are the workspace-relative paths of its local reference
 * images that were found again in the workspace (the host checks them); URLs and VOD file ids
 * are never part of a style.
 */
export function choicesFromResult(
  sidecar: Pick<Sidecar, 'prompt' | 'negativePrompt' | 'model' | 'request'>,
  finished: ShownFinish | undefined,
  references: readonly string[],
): SavedChoices {
  const model = findModel(sidecar.model.name, sidecar.model.version);
  const aspect = sidecar.request.output_config?.aspect_ratio;
  const shape =
    model?.supportsAspectRatio && (ASPECT_RATIOS as readonly string[]).includes(aspect ?? '') ? aspect : undefined;
  return {
    // The transparency instruction added for a transparent finish is not the user's prompt.
    prompt: userPromptOf(sidecar.prompt),
    ...(sidecar.negativePrompt ? { negativePrompt: sidecar.negativePrompt } : {}),
    ...(model ? { model: modelKey(model) } : {}),
    ...(shape ? { aspectRatio: shape } : {}),
    ...(finished?.size ? { size: finished.size } : {}),
    ...(finished ? { format: finished.format } : {}),
    ...(finished?.transparentAsked && finished.format !== 'jpeg' ? { transparent: true } : {}),
    ...(references.length ? { references: [...references] } : {}),
  };
}

/**
 * The line of `name`'s entry in a styles file written by fileWithStyle (two-space indent), so
 * the editor opens where the style is; 0 when it cannot be found.
 */
export function styleLine(text: string, name: string): number {
  const styles = text.indexOf('\n  "styles": {');
  const at = text.indexOf(`\n    ${JSON.stringify(name)}: `, Math.max(styles, 0));
  return at < 0 ? 0 : text.slice(0, at + 1).split('\n').length - 1;
}
