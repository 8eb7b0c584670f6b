/**
 * The sidecar of a file exported from an image (an icon, a social card): an ordinary sidecar
 * with `derivedFrom` (the source, by a path relative to the sidecar's folder and its hash) and
 * `finish` (crop, filter, format, size), so the file can be made again from its source and a
 * reader can tell when the source has changed. A generated source lends its provenance (prompt,
 * model, request, task id); an image the user brought has none to lend.
 */
import * as path from 'node:path';
import { type CropBox, type OutputFormat, RESAMPLE_FILTER, type PixelSize } from './finish';
import { SIDECAR_KIND, SIDECAR_VERSION, type Sidecar, type SidecarDerivation } from './sidecar';

/** What was made, as measured on the written file. */
export interface MadeImage {
  file: string;
  format: OutputFormat | 'ico';
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  hasAlpha: boolean;
  /** An ICO's entries: the sizes packed into it. */
  entries?: number[];
}

export interface DerivedSidecarInput {
  made: MadeImage;
  source: string;
  sourceSha256: string;
  /** The source's own sidecar, when it is a generated image. */
  sourceSidecar?: Sidecar;
  finish: { crop: CropBox; format: OutputFormat | 'ico'; size: PixelSize; quality?: number; upscale?: number };
  savedAt: Date;
  extensionVersion: string;
}

/** The provenance a generated source hands down (never its images: they describe the source). */
function inherited(sidecar: Sidecar | undefined): Record<string, unknown> {
  if (!sidecar) return {};
  const { taskId, requestId, prompt, negativePrompt, model, request, references, apiOrigin } = sidecar;
  return { taskId, requestId, prompt, negativePrompt, model, request, references, apiOrigin };
}

export function derivedSidecarText(input: DerivedSidecarInput): string {
  const { made } = input;
  const derivation: SidecarDerivation = {
    derivedFrom: {
      file: path.relative(path.dirname(made.file), input.source).split(path.sep).join('/'),
      sha256: input.sourceSha256,
    },
    finish: { filter: RESAMPLE_FILTER, ...input.finish, ...(made.entries ? { entries: made.entries } : {}) },
  };
  const body = {
    kind: SIDECAR_KIND,
    version: SIDECAR_VERSION,
    ...inherited(input.sourceSidecar),
    images: [
      {
        file: path.basename(made.file),
        // A derived file's "where from" is its source, as the task's finished files record it.
        url: derivation.derivedFrom.file,
        format: made.format,
        bytes: made.bytes,
        sha256: made.sha256,
        width: made.width,
        height: made.height,
        hasAlpha: made.hasAlpha,
      },
    ],
    ...derivation,
    timings: {
      ...(input.sourceSidecar ? { submittedAt: input.sourceSidecar.timings.submittedAt } : {}),
      savedAt: input.savedAt.toISOString(),
    },
    generator: `AIGC Image Studio ${input.extensionVersion}`,
  };
  // Written as sidecars are (sidecarText); fields a source did not have are left out by JSON.
  return `${JSON.stringify(body, null, 2)}\n`;
}
