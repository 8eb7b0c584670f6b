/**
 * "Generate a Variation" of a saved result starts at once, from a sidecar that may have come with
 * a cloned repository. Its gallery card shows the sidecar's `prompt` and `model`; the `request`
 * recorded beside them can say anything (another prompt, another model, Permanent storage,
 * checks off, reference URLs on someone else's server). So a variation is made from what the
 * card shows: that prompt, that model, the shape of the original, and its reference images found
 * again as workspace files. Everything that costs money or turns a check off comes from the
 * user's settings, never from the sidecar; a URL or VOD file id from a sidecar is never sent.
 */
import { ASPECT_RATIOS, type AspectRatio, type ModelSpec, findModel } from './models';
import type { Sidecar, SidecarReference } from './sidecar';

export type VariationPlan =
  | {
      ok: true;
      model: ModelSpec;
      prompt: string;
      /** The original's shape, for a model that takes one: it costs nothing and checks nothing. */
      aspectRatio?: AspectRatio;
      /** The local reference images, to be found again in the workspace (and read only where allowed). */
      references: SidecarReference[];
    }
  | { ok: false; problem: 'unknownModel' | 'remoteReference' };

export function planVariation(sidecar: Pick<Sidecar, 'prompt' | 'model' | 'request' | 'references'>): VariationPlan {
  const model = findModel(sidecar.model.name, sidecar.model.version);
  if (!model) return { ok: false, problem: 'unknownModel' };
  const references = localReferences(sidecar);
  if (!references) return { ok: false, problem: 'remoteReference' };
  const aspect = sidecar.request.output_config?.aspect_ratio;
  const aspectRatio =
    model.supportsAspectRatio && (ASPECT_RATIOS as readonly string[]).includes(aspect ?? '')
      ? (aspect as AspectRatio)
      : undefined;
  return { ok: true, model, prompt: sidecar.prompt, ...(aspectRatio ? { aspectRatio } : {}), references };
}

/**
 * One local reference per image the result was made from (as many as the card counts), or
 * undefined when any of them was a URL or a VOD file id: such a variation would not be the
 * result the card shows, and those are sent only from the Studio's form, where they are seen.
 */
function localReferences(sidecar: Pick<Sidecar, 'request' | 'references'>): SidecarReference[] | undefined {
  const locals = sidecar.references ?? [];
  const infos = sidecar.request.file_infos;
  if (!infos) return locals;
  const references: SidecarReference[] = [];
  for (const info of infos) {
    // Local files are recorded as a note in place of their data: URL; their paths are in `references`, in order.
    if (info.type !== 'Url' || !info.url?.startsWith('data:')) return undefined;
    references.push(locals[references.length] ?? {});
  }
  return references;
}
