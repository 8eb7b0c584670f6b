/**
 * The create step: sends the task's create request once and decides what a failure means for
 * the bill. A create that may have reached the gateway is never sent again silently: its lost
 * answer makes the task `uncertain`, for the user to submit again or discard.
 */
import type { CollectorContext } from './collectorContext';
import { type GenerationError, toGenerationError } from './errors';
import { createdNothing } from './gateway';
import { noteFrom } from './noteFrom';
import type { CreateTaskBody } from './request';

/**
 * What a failed create means for the bill. `refused`: the gateway answered that it did not
 * create the task, or the request never reached it. `unknown`: the request may have reached
 * the gateway (a lost answer, a timeout after sending, a 5xx, an answer we cannot read).
 */
export function submitFailure(error: GenerationError): 'refused' | 'unknown' {
  if (createdNothing(error)) return 'refused';
  switch (error.kind) {
    case 'validation':
    case 'referenceImage':
    case 'config':
    case 'auth':
    case 'balance':
    case 'badRequest':
    case 'contentPolicy':
    case 'notFound':
      return 'refused';
    default: {
      // A redirect or a 4xx other than a timeout is the gateway (or its proxy) declining the request.
      const status = error.httpStatus;
      return status !== undefined && status >= 300 && status < 500 && status !== 408 ? 'refused' : 'unknown';
    }
  }
}

/** Sends the create request; true when the gateway gave the task an id (the task now waits). */
export async function submitTask(ctx: CollectorContext): Promise<boolean> {
  let body: CreateTaskBody;
  try {
    body = await ctx.deps.bodyFor(ctx.record());
  } catch (error) {
    // Nothing was sent: a reference image that can no longer be read, say.
    const e = toGenerationError(error);
    ctx.setLastError(e);
    await ctx.apply({ type: 'submitRefused', note: noteFrom(e, ctx.now()) });
    return false;
  }
  try {
    // Only the window closing interrupts a create in flight: a user's cancel waits for its answer.
    const submitted = await ctx.deps.client.submit(body, { signal: ctx.stopSignal });
    const { taskId, statusUrl, responseUrl, cancelUrl } = submitted;
    await ctx.apply({
      type: 'submitted',
      ref: { taskId, statusUrl, responseUrl, cancelUrl },
      requestId: submitted.requestId,
    });
    const { model_name, model_version } = ctx.record().body;
    ctx.log('info', `submitted ${taskId} (request ${submitted.requestId ?? '-'}) ${model_name} ${model_version}`);
    return true;
  } catch (error) {
    if (!ctx.stopSignal.aborted) await recordSubmitFailure(ctx, toGenerationError(error));
    return false;
  }
}

async function recordSubmitFailure(ctx: CollectorContext, e: GenerationError): Promise<void> {
  ctx.setLastError(e);
  if (submitFailure(e) === 'refused') {
    await ctx.apply({ type: 'submitRefused', note: noteFrom(e, ctx.now()) });
    return;
  }
  ctx.log('warn', `the create request may have reached the gateway, its answer was lost: ${e.message}`);
  await ctx.apply({
    type: 'submitUnknown',
    note: {
      kind: 'uncertain',
      template: 'The answer to the submission was lost: {0}',
      args: [e.message],
      at: ctx.now(),
    },
  });
}
