/**
 * The image steps of a landing task, appended to `<id>.steps` beside its record instead of
 * rewriting the whole record each time. A record lists all its images, so rewriting it for each
 * image's "placing" and "landed" made the bytes written per image grow with the number of
 * images; an appended line is the same size whatever the task. The record is rewritten (and the
 * steps folded into it) at every other event, so the steps file stays short.
 *
 * Each line is one JSON step, flushed before the step it records is acted on. A crash can leave
 * the last line cut short: a line without its newline is ignored. A whole line that fails its
 * schema means the file was edited, and the record is not trusted (see TaskJournal.read).
 */
import { type LifecycleEvent, type TaskRecord, advance } from './lifecycle';
import { type ImageStep, readImageStep } from './taskRecordSchema';

export const STEPS_SUFFIX = '.steps';

/** The step to append for an event, or undefined when the event rewrites the record. */
export function imageStepOf(event: LifecycleEvent, after: TaskRecord): ImageStep | undefined {
  // An event that ends the landing changes more than one image: the record is written whole.
  if (after.phase !== 'landing') return undefined;
  switch (event.type) {
    case 'placing':
    case 'imageLanded':
      return { type: event.type, index: event.index, file: event.file, at: after.updatedAt };
    case 'imageFinished':
      return { type: event.type, index: event.index, file: event.file, at: after.updatedAt };
    case 'imageLeftOut':
    case 'imageUnfinished':
      return { type: event.type, index: event.index, note: event.note, at: after.updatedAt };
    default:
      return undefined;
  }
}

export function stepLine(step: ImageStep): string {
  return `${JSON.stringify(step)}\n`;
}

/** The steps of a file's text, or why one of its whole lines cannot be trusted. */
export function readSteps(text: string): { ok: true; steps: ImageStep[] } | { ok: false; reason: string } {
  const lines = text.split('\n');
  // The piece after the last newline is empty, or a line a crash cut short.
  lines.pop();
  const steps: ImageStep[] = [];
  for (const [n, line] of lines.entries()) {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return { ok: false, reason: `step ${n + 1} is not JSON` };
    }
    const reading = readImageStep(raw);
    if (!reading.ok) return { ok: false, reason: `step ${n + 1}: ${reading.reason}` };
    steps.push(reading.step);
  }
  return { ok: true, steps };
}

/**
 * The record with its steps applied, in order. Applying a step the record already holds changes
 * nothing (the lifecycle ignores a second "placing" or "landed" for a settled image), so steps
 * left over by a crash between a rewrite and the removal of the file do no harm.
 */
export function replay(record: TaskRecord, steps: readonly ImageStep[]): TaskRecord {
  return steps.reduce((current, { at, ...event }) => advance(current, event, at), record);
}
