/**
 * The landing step: one try at saving a finished task's images (landing.ts), and what a failure
 * means for the next try. A billed task is never given up here: a refused folder waits for the
 * user to choose another, an address that is not an image or cannot be used earns a fresh query,
 * and anything else is tried again after a capped back-off.
 */
import type { CollectorContext } from './collectorContext';
import { downloadFailureOf } from './download';
import { type GenerationError, toGenerationError } from './errors';
import { type FinishingDeps, finishImages, needsFinishing } from './finishing';
import { LandingError, landImages } from './landing';
import { type Note, UNUSABLE_URL_TRIES, waitsForCollectNow } from './lifecycle';
import { noteFrom } from './noteFrom';

export interface LandingTry {
  /** Aborted by stop, cancel, discard or "collect now". */
  signal: AbortSignal;
  /** Failures in a row, shared with "collect now", which starts the count again. */
  failures: { inRow: number };
  /** The lease is still this host's: checked before any file is put in place. */
  stillOurs(): Promise<boolean>;
  /** Someone is watching: retries come sooner. */
  foreground(): boolean;
  /** Another host took the task over: the collector stops. */
  leaseLost(): void;
}

/** Waits between landing attempts that failed for a reason worth retrying (CDN errors, a full disk). */
export function landingDelay(failuresInRow: number, background: boolean): number {
  return Math.min(background ? 60_000 : 30_000, 250 * 2 ** Math.max(0, failuresInRow - 1));
}

/** Folders the user must replace: waiting would only meet the same refusal. */
const FOLDER_CODES = new Set(['outsideWorkspace', 'noFolder', 'EACCES', 'EPERM', 'EROFS']);

/** Saves what is left of the task's images; after a failure, prepares and waits for the next try. */
export async function tryLanding(ctx: CollectorContext, attempt: LandingTry): Promise<void> {
  try {
    await landImages(ctx.record(), {
      apply: (event) => ctx.apply(event),
      apiOrigin: ctx.deps.client.apiOrigin,
      authorization: ctx.deps.authorization,
      extensionVersion: ctx.deps.extensionVersion,
      stillOurs: () => attempt.stillOurs(),
      fetch: ctx.deps.fetch,
      signal: attempt.signal,
      maxBytes: ctx.deps.maxBytes,
      maxTaskBytes: ctx.deps.maxTaskBytes,
      pace: ctx.deps.pace,
      now: ctx.now,
      log: (level, message) => ctx.log(level, message),
    });
    if (needsFinishing(ctx.record())) await finishImages(ctx.record(), finishingDeps(ctx, attempt));
    attempt.failures.inRow = 0;
    logLanded(ctx);
  } catch (error) {
    await afterFailure(ctx, attempt, error);
  }
}

function finishingDeps(ctx: CollectorContext, attempt: LandingTry): FinishingDeps {
  return {
    apply: (event) => ctx.apply(event),
    apiOrigin: ctx.deps.client.apiOrigin,
    authorization: ctx.deps.authorization,
    extensionVersion: ctx.deps.extensionVersion,
    stillOurs: () => attempt.stillOurs(),
    now: ctx.now,
    log: (level, message) => ctx.log(level, message),
    finisher: ctx.deps.finisher,
  };
}

async function afterFailure(ctx: CollectorContext, attempt: LandingTry, error: unknown): Promise<void> {
  const { index, error: e } = error instanceof LandingError ? error : { index: 0, error: toGenerationError(error) };
  if (e.code === 'leaseLost') {
    ctx.log('warn', `task ${taskIdOf(ctx)}: another window took it over`);
    attempt.leaseLost();
    return;
  }
  if (attempt.signal.aborted || e.kind === 'aborted') return;
  ctx.setLastError(e);
  const note = noteFrom(e, ctx.now());
  if (e.kind === 'fileSystem' && e.code && FOLDER_CODES.has(e.code)) {
    ctx.log('warn', `task ${taskIdOf(ctx)}: ${e.message}; waiting for another folder`);
    await ctx.apply({ type: 'needsFolder', note });
    return;
  }
  attempt.failures.inRow++;
  ctx.log('warn', `task ${taskIdOf(ctx)} image ${index + 1}: ${e.message}${e.details ? ` (${e.details})` : ''}`);
  if (!(await answerFailure(ctx, e, index, note, attempt.signal))) return;
  if (ctx.record().phase === 'landing') {
    await ctx.sleep(landingDelay(attempt.failures.inRow, !attempt.foreground()), attempt.signal).catch(() => undefined);
  }
}

/** Records a failed image by its kind; false when the task now waits for the user rather than a timer. */
async function answerFailure(
  ctx: CollectorContext,
  e: GenerationError,
  index: number,
  note: Note,
  signal: AbortSignal,
): Promise<boolean> {
  const failure = downloadFailureOf(e);
  if (failure === 'notImage' || failure === 'tooLarge') {
    await ctx.apply({ type: 'notAnImage', index, note });
    if (ctx.record().phase === 'landing') await refreshUrls(ctx, signal);
  } else if (failure === 'badUrl') {
    await ctx.apply({ type: 'unusableUrl', index, note });
    if (waitsForCollectNow(ctx.record())) {
      ctx.log(
        'warn',
        `task ${taskIdOf(ctx)} image ${index + 1}: no usable address after ${UNUSABLE_URL_TRIES} tries; waiting for Collect Now or Discard`,
      );
      return false;
    }
    await refreshUrls(ctx, signal);
  } else if (failure === 'expired') {
    await ctx.apply({ type: 'problem', note });
    await refreshUrls(ctx, signal);
  } else {
    await ctx.apply({ type: 'problem', note });
  }
  return true;
}

/** Asks the gateway for the task again: expired or broken image URLs come back fresh. */
async function refreshUrls(ctx: CollectorContext, signal: AbortSignal): Promise<void> {
  try {
    const state = await ctx.deps.client.query(ctx.record().ref!, signal);
    if (state.status === 'succeeded') await ctx.apply({ type: 'upstream', state });
  } catch (error) {
    const e = toGenerationError(error);
    if (e.kind === 'aborted') return;
    ctx.log('warn', `task ${taskIdOf(ctx)}: could not get fresh image URLs: ${e.message}`);
  }
}

/** Names the saved files, and the images left out by the task's byte limit, once the landing is over. */
function logLanded(ctx: CollectorContext): void {
  const record = ctx.record();
  const images = record.images ?? [];
  if (record.phase === 'landed') {
    const files = images.flatMap((image) => [
      ...(image.landed ? [image.landed.path] : []),
      ...(image.finished ? [image.finished.path] : []),
    ]);
    ctx.log('info', `task ${record.ref?.taskId} saved ${files.join(', ')}`);
  }
  const leftOut = images.flatMap((image, index) => (image.leftOut ? [index + 1] : []));
  if (leftOut.length > 0)
    ctx.log(
      'warn',
      `task ${record.ref?.taskId}: image(s) ${leftOut.join(', ')} left out: the task's images would pass its byte limit`,
    );
}

function taskIdOf(ctx: CollectorContext): string | undefined {
  return ctx.record().ref?.taskId;
}
