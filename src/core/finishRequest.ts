/**
 * What a finish spec changes in the request before it is sent, and what it may not ask: the shape
 * and tier that cover the size with the least waste, and the key-colour sentence when the
 * background is to be removed. Invalid specs are refused here, before anything is billed, with
 * the field named.
 */
import { GenerationError } from './errors';
import { ALPHA_FORMATS, type FinishSpec, keyColourFor, keyInstruction, requestShapeFor } from './finish';
import { finishSpecSchema } from './finishSchema';
import { findModel, isResolutionTier } from './models';
import { fieldName } from './request';

/** The request with the finish's shape and instruction, and the spec as checked (its key colour chosen). */
export function applyFinish(
  request: Record<string, unknown>,
  finish: FinishSpec,
): { request: Record<string, unknown>; finish: FinishSpec } {
  const checked = checkFinish(finish);
  const prompt = typeof request.prompt === 'string' ? request.prompt : '';
  const next: Record<string, unknown> = { ...request };
  const spec: FinishSpec = { ...checked };
  if (spec.transparent) {
    const key = spec.transparent.key || keyColourFor(prompt);
    spec.transparent = { ...spec.transparent, key };
    next.prompt = `${prompt.trimEnd()}\n\n${keyInstruction(key)}`;
  }
  const model = findModel(String(request.model_name), String(request.model_version));
  if (spec.size && model) {
    const shape = requestShapeFor(model, spec.size);
    const output = { ...(request.output_config as Record<string, unknown> | undefined) };
    const asked = typeof output.resolution === 'string' ? output.resolution : undefined;
    // A tier the user chose is kept (it is about quality); the shape follows the size.
    if (shape.aspect_ratio) output.aspect_ratio = shape.aspect_ratio;
    else delete output.aspect_ratio;
    const resolution = asked && isResolutionTier(asked) && model.supportsAspectRatio ? asked : shape.resolution;
    if (resolution) output.resolution = resolution;
    next.output_config = output;
  }
  return { request: next, finish: spec };
}

/** The spec, or a validation error naming the field (`finish.size.width`, `finish.format`). */
export function checkFinish(finish: FinishSpec): FinishSpec {
  const parsed = finishSpecSchema.safeParse(finish);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldName(['finish', ...issue.path]);
    throw new GenerationError({
      kind: 'validation',
      field,
      template: 'Invalid {0}: {1}',
      args: [field, issue.message],
    });
  }
  const spec = parsed.data as FinishSpec;
  if (spec.transparent && spec.format && !ALPHA_FORMATS.includes(spec.format)) {
    throw new GenerationError({
      kind: 'validation',
      field: 'finish.format',
      template: 'A transparent background needs PNG, WebP or AVIF; {0} has no alpha channel.',
      args: [spec.format.toUpperCase()],
    });
  }
  if (spec.quality !== undefined && (spec.format ?? 'png') === 'png') {
    throw new GenerationError({
      kind: 'validation',
      field: 'finish.quality',
      template: 'Quality applies to JPEG, WebP and AVIF, not to PNG.',
    });
  }
  return spec;
}
