/**
 * The form's "finished asset" fields — an exact size, a format, a transparent background — and
 * what they become: field issues (the webview shows them as the user types, the host checks
 * again), the FinishSpec a generation carries, and the line saying what the model will be asked
 * for. The webview only says "transparent"; the key colour is chosen on the host from the prompt,
 * so a webview cannot make the worker key out a colour of its choosing. Pure: no `vscode`, no DOM.
 */
import * as z from 'zod/mini';
import {
  ALPHA_FORMATS,
  type FinishSpec,
  MAX_FINISHED_SIDE,
  OUTPUT_FORMATS,
  type OutputFormat,
  type PixelSize,
  keyColourFor,
} from '../core/finish';
import type { FieldIssue } from '../core/request';
import { shortText } from './payloadBounds';

/** Padding kept around the subject when "Trim to subject" is ticked, in pixels of the original. */
export const TRIM_PADDING = 16;

/** The finish fields as the form holds them: the sides as typed, '' for "keep the model's format". */
export const formFinishSchema = z.object({
  width: shortText,
  height: shortText,
  format: z.enum(['', ...OUTPUT_FORMATS]),
  transparent: z.boolean(),
  trim: z.boolean(),
});
export type FormFinish = z.infer<typeof formFinishSchema>;

export const EMPTY_FINISH: FormFinish = { width: '', height: '', format: '', transparent: false, trim: false };

/** The English templates of the finish fields' messages (localized like the core's, see coreMessages.ts). */
export const FINISH_MESSAGES = {
  bothSides: 'needs both a width and a height',
  side: `must be a whole number of pixels from 1 to ${MAX_FINISHED_SIDE}`,
  opaqueFormat: 'JPEG cannot be transparent: choose PNG, WebP or AVIF',
} as const;

const WHOLE = /^\s*\d+\s*$/;

function side(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  const value = Number(text.trim());
  return value >= 1 && value <= MAX_FINISHED_SIDE ? value : undefined;
}

/** The exact size the fields ask for; undefined when none (or not a valid one). */
export function finishSize(finish: FormFinish | undefined): PixelSize | undefined {
  if (!finish) return undefined;
  const width = side(finish.width);
  const height = side(finish.height);
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}

/** What is wrong with the finish fields, each issue naming its field (`finish.size`, `finish.format`). */
export function finishIssues(finish: FormFinish | undefined): FieldIssue[] {
  if (!finish) return [];
  const issues: FieldIssue[] = [];
  const typed = [finish.width, finish.height].map((t) => t.trim() !== '');
  if (typed[0] !== typed[1]) issues.push({ field: 'finish.size', message: FINISH_MESSAGES.bothSides });
  else if (typed[0] && (side(finish.width) === undefined || side(finish.height) === undefined))
    issues.push({ field: 'finish.size', message: FINISH_MESSAGES.side });
  if (finish.transparent && finish.format !== '' && !ALPHA_FORMATS.includes(finish.format))
    issues.push({ field: 'finish.format', message: FINISH_MESSAGES.opaqueFormat });
  return issues;
}

/**
 * The spec a generation carries for valid fields, with the key colour chosen for this prompt;
 * undefined when nothing is asked (no finished file is made).
 */
export function finishSpecFor(finish: FormFinish | undefined, prompt: string): FinishSpec | undefined {
  if (!finish) return undefined;
  const size = finishSize(finish);
  const format: OutputFormat | undefined = finish.format === '' ? undefined : finish.format;
  const spec: FinishSpec = {
    ...(size ? { size } : {}),
    ...(format ? { format } : {}),
    ...(finish.transparent
      ? { transparent: { key: keyColourFor(prompt), ...(finish.trim ? { trimPadding: TRIM_PADDING } : {}) } }
      : {}),
  };
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/** The fields a quick fix (or a saved spec) fills in. */
export function finishFieldsFrom(size?: PixelSize, format?: OutputFormat): FormFinish {
  return {
    ...EMPTY_FINISH,
    ...(size ? { width: String(size.width), height: String(size.height) } : {}),
    ...(format ? { format } : {}),
  };
}
