/**
 * What the agent tool tells the model about finished files: for each, where it is, its pixel
 * size, format and alpha channel as measured, and the original it was made from — so an agent
 * never claims a transparent 1200×630 PNG when it got an opaque one, or an enlarged one. English:
 * models read it best. Pure, so the wording is tested in plain Node.
 */
import { type FinishedFile, OUTPUT_EXTENSIONS } from '../core/finish';

export interface FinishedAnswer {
  /** The originals as landed, in order. */
  files: readonly string[];
  finished?: readonly FinishedFile[];
  /** Why an original could not be finished (already inert text). */
  unfinished?: readonly string[];
  transparentAsked: boolean;
  /** How a file is named to the model: workspace-relative, inert. */
  shown(file: string): string;
  /** The Markdown image link for a file. */
  link(file: string): string;
}

/** "1200×630 PNG with an alpha channel". */
export function factsForModel(file: Pick<FinishedFile, 'width' | 'height' | 'format' | 'hasAlpha'>): string {
  return `${file.width}×${file.height} ${OUTPUT_EXTENSIONS[file.format].toUpperCase()}, ${file.hasAlpha ? 'with an alpha channel' : 'no alpha channel'}`;
}

function finishedLines(file: FinishedFile, original: string | undefined, answer: FinishedAnswer): string[] {
  const lines = [`Saved ${answer.shown(file.path)} (${factsForModel(file)}).`, answer.link(file.path)];
  if (original) lines.push(`Made from the model's original image, kept at ${answer.shown(original)}.`);
  if (file.upscale !== undefined && file.upscale > 1)
    lines.push(`Enlarged ${file.upscale}× — the model's image was smaller than asked.`);
  if (answer.transparentAsked && (file.keyIgnored || !file.hasAlpha))
    lines.push('The background could not be removed; the image is opaque.');
  return lines;
}

/**
 * The lines for every finished file, then one per image that could not be finished (its
 * original, described by the caller, is then the only file).
 */
export function finishedAnswerLines(answer: FinishedAnswer): string[] {
  const lines = (answer.finished ?? []).flatMap((file, index) => finishedLines(file, answer.files[index], answer));
  for (const reason of answer.unfinished ?? [])
    lines.push(`An image could not be finished, so the model's original is saved as it came: ${reason}`);
  return lines;
}
