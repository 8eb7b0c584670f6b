/**
 * What the missing-image quick fix makes: the file the document names, exactly. Its format is the
 * one the name asks for (`og.jpg` is a JPEG, whatever the model paints), its size the one the
 * document gives (`width="1200" height="630"`) when it gives one, and it is placed at that path;
 * the paid original lands in the output folder first. Pure, shared by the quick fix's titles, its
 * command and the Studio it fills in.
 */
import { type FinishSpec, MAX_FINISHED_SIDE, type OutputFormat, type PixelSize, formatOfPath } from './finish';

/** How a format is written in a title: the names people know it by. */
export const FORMAT_NAMES: Record<OutputFormat, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF' };

/**
 * The finished file for a missing `target` (absolute path) of the `stated` size; undefined when
 * the name's extension is not a format a finished file can have (that image is saved as the
 * model made it, as before).
 */
export function missingImageFinish(target: string, stated: PixelSize | undefined): FinishSpec | undefined {
  const format = formatOfPath(target);
  return format ? { ...(stated ? { size: stated } : {}), format, path: target } : undefined;
}

/** "1200×630 JPEG" (or "JPEG" without a size): what a title says will be made. */
export function finishLabel(spec: Pick<FinishSpec, 'size' | 'format'>): string {
  const format = spec.format ? FORMAT_NAMES[spec.format] : '';
  const size = spec.size ? `${spec.size.width}×${spec.size.height}` : '';
  return [size, format].filter(Boolean).join(' ');
}

/**
 * The size passed to the quick fix's command, checked: a command can be run with anything (a
 * command link in any rendered text), and the size decides what is made and paid for.
 */
export function sizeArgument(value: unknown): PixelSize | undefined {
  // A plain check, not the zod schema: this runs in the quick fix, which loads at activation.
  if (typeof value !== 'object' || value === null) return undefined;
  const { width, height } = value as { width?: unknown; height?: unknown };
  const side = (n: unknown): n is number =>
    Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_FINISHED_SIDE;
  return side(width) && side(height) ? { width, height } : undefined;
}
