/**
 * The gateway side of the user's "Cancel" once the task has an id. A gateway with a cancel URL is
 * asked to cancel; without one the task runs (and is billed) anyway, so the user only stops
 * waiting and its image is still collected.
 */
import type { CollectorContext } from './collectorContext';
import { toGenerationError } from './errors';
import { noteFrom } from './noteFrom';

/** Asks the gateway to cancel where it can; true when it was asked, so the task is looked at again at once. */
export async function requestCancel(ctx: CollectorContext, stopWaiting: () => void): Promise<boolean> {
  const record = ctx.record();
  const ref = record.ref!;
  if (!ref.cancelUrl || record.cancelRequested) {
    ctx.log(
      'info',
      `stopped waiting for ${ref.taskId}; the gateway has no cancel for it, it is collected when it finishes`,
    );
    stopWaiting();
    return false;
  }
  try {
    const outcome = await ctx.deps.client.cancel(ref, ctx.stopSignal);
    if (outcome === 'requested') {
      await ctx.apply({ type: 'cancelRequested' });
      ctx.log('info', `cancellation requested for ${ref.taskId}`);
    } else {
      ctx.log('info', `task ${ref.taskId} had already finished when the cancel arrived; it is collected`);
    }
  } catch (error) {
    if (ctx.stopSignal.aborted) return false;
    const e = toGenerationError(error);
    ctx.setLastError(e);
    ctx.log('warn', `cancel of ${ref.taskId} failed: ${e.message}; still waiting for it`);
    await ctx.apply({ type: 'problem', note: noteFrom(e, ctx.now()) });
  }
  return true;
}
