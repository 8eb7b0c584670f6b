/**
 * The waiting step: looks at a submitted task on the schedule (poll.ts) until the gateway says it
 * finished, journalling every answer on the way, and learns how long the model took when this
 * host saw the whole wait (a later task of the same model is then looked at when it likely ends).
 */
import type { CollectorContext } from './collectorContext';
import { durationKey } from './durationBook';
import { type GenerationError, toGenerationError } from './errors';
import type { TaskRef } from './gateway';
import { type GatewayAnswer, isFinal } from './gatewayAnswer';
import { MAX_IMAGES_PER_TASK } from './lifecycle';
import { noteFrom } from './noteFrom';
import { pollUntilDone } from './poll';

export interface WaitRound {
  /** Aborted by stop, cancel, discard or "collect now". */
  signal: AbortSignal;
  /** Look at once (a resumed task may have finished meanwhile, or the user asked). */
  lookNow: boolean;
  /** This host submitted the task and has watched it since: its duration is worth learning. */
  watchedFromStart: boolean;
  /** From this moment (epoch ms) the wait is in the background: slower looks. */
  readonly backgroundAfter: () => number;
}

/** Waits for the gateway's final answer and applies it; `interrupted` when the round's signal ended the wait. */
export async function waitForFinish(ctx: CollectorContext, round: WaitRound): Promise<'finished' | 'interrupted'> {
  const ref = ctx.record().ref!;
  const { body } = ctx.record();
  const key = durationKey(ctx.deps.client.apiOrigin, body.model_name, body.model_version);
  const durations = (await ctx.deps.durations?.durations(key).catch(() => [])) ?? [];
  // The latest sleep between looks: a finish lies, on average, half of it before it was seen.
  let lastSleepMs = 0;
  try {
    const final = await pollUntilDone(ctx.deps.client, ref, {
      signal: round.signal,
      lookNow: round.lookNow,
      durations,
      submittedAt: ctx.record().submittedAt,
      backgroundAfter: round.backgroundAfter,
      now: ctx.now,
      sleep: (ms, s) => {
        lastSleepMs = ms;
        return ctx.sleep(ms, s);
      },
      onState: (state) => {
        if (!isFinal(state)) void ctx.apply({ type: 'upstream', state });
      },
      onRetry: (e, ms) => reportRetry(ctx, ref, e, ms),
    });
    const { submittedAt } = ctx.record();
    if (final.status === 'succeeded' && round.watchedFromStart && !round.lookNow && submittedAt !== undefined) {
      const duration = ctx.now() - submittedAt - lastSleepMs / 2;
      void ctx.deps.durations?.record(key, duration).catch(() => undefined);
    }
    await applyFinal(ctx, ref, final);
    return 'finished';
  } catch (error) {
    if (toGenerationError(error).kind !== 'aborted') throw error;
    return 'interrupted';
  }
}

/** A look that failed is retried by the schedule; the user sees it as the task's problem, once per kind. */
function reportRetry(ctx: CollectorContext, ref: TaskRef, e: GenerationError, ms: number): void {
  ctx.setLastError(e);
  ctx.log('warn', `task ${ref.taskId}: ${e.message} (looking again in ${ms} ms)`);
  if (ctx.record().problem?.template !== e.template) void ctx.apply({ type: 'problem', note: noteFrom(e, ctx.now()) });
}

async function applyFinal(ctx: CollectorContext, ref: TaskRef, final: GatewayAnswer): Promise<void> {
  await ctx.apply({ type: 'upstream', state: final });
  // A failed finish is the gateway's definitive answer: the outcome says it, not an earlier problem.
  if (final.status === 'failed') ctx.setLastError(undefined);
  if (final.status === 'succeeded' && final.images.length > MAX_IMAGES_PER_TASK) {
    const count = final.images.length;
    ctx.log(
      'warn',
      `task ${ref.taskId}: the image service gave ${count} images; the first ${MAX_IMAGES_PER_TASK} are saved, ${count - MAX_IMAGES_PER_TASK} left out`,
    );
  }
}
