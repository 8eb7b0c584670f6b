/**
 * The ways making a finished file can fail, as GenerationErrors of kind 'processing'. The worker
 * sends a code and a detail across the thread; this turns them into the one error type callers
 * handle, with an English template the host translates.
 */
import { basename } from 'node:path';
import { GenerationError } from '../core/errors';

export const PROCESSING_CODES = [
  'corruptImage',
  'libraryUnavailable',
  'workerCrashed',
  'workerStopped',
  'cropOutside',
] as const;
export type ProcessingCode = (typeof PROCESSING_CODES)[number];

export function corruptImage(file: string, details?: string): GenerationError {
  return new GenerationError({
    kind: 'processing',
    code: 'corruptImage',
    template: 'The image {0} could not be read: it is damaged or not an image.',
    args: [basename(file)],
    details,
  });
}

export function libraryUnavailable(details?: string): GenerationError {
  return new GenerationError({
    kind: 'processing',
    code: 'libraryUnavailable',
    template: 'The image library could not be loaded, so no finished file was made.',
    details,
  });
}

export function workerCrashed(exitCode: number): GenerationError {
  return new GenerationError({
    kind: 'processing',
    code: 'workerCrashed',
    template: 'The image worker stopped unexpectedly (exit code {0}) before the finished file was made.',
    args: [exitCode],
  });
}

export function workerStopped(): GenerationError {
  return new GenerationError({
    kind: 'processing',
    code: 'workerStopped',
    template: 'The image worker was shut down before the finished file was made.',
  });
}

export function cropOutside(crop: string, width: number, height: number): GenerationError {
  return new GenerationError({
    kind: 'processing',
    code: 'cropOutside',
    template: 'The crop {0} lies outside the image ({1}×{2} pixels).',
    args: [crop, width, height],
  });
}

/** The GenerationError for a code the worker sent; `args` are the ones it named. */
export function processingError(
  code: ProcessingCode,
  args: readonly (string | number)[],
  details?: string,
): GenerationError {
  switch (code) {
    case 'corruptImage':
      return corruptImage(String(args[0] ?? ''), details);
    case 'libraryUnavailable':
      return libraryUnavailable(details);
    case 'workerCrashed':
      return workerCrashed(Number(args[0] ?? -1));
    case 'workerStopped':
      return workerStopped();
    case 'cropOutside':
      return cropOutside(String(args[0] ?? ''), Number(args[1] ?? 0), Number(args[2] ?? 0));
    default: {
      const never: never = code;
      throw new Error(`unknown processing code ${String(never)}`);
    }
  }
}
