/**
 * One normaliser for every answer shape the gateways use (see docs/protocol.md):
 * Tencent-native `{Response: …}`, queue-style `{status, status_url, …}` and the
 * task envelope `{code, message, data: …}`. Everything downstream sees only GatewayAnswer.
 */
import * as z from 'zod/mini';
import { GenerationError, oneLine } from './errors';

export interface ResultImage {
  url: string;
  /** Present for `Permanent` storage: the VOD media file id. */
  fileId?: string;
  expiresAt?: string;
  storageMode?: string;
}

interface StateBase {
  taskId: string;
  requestId?: string;
}

export type GatewayAnswer =
  | (StateBase & { status: 'queued'; position?: number })
  | (StateBase & { status: 'running'; progress?: number })
  | (StateBase & { status: 'succeeded'; images: ResultImage[]; finishedAt?: string })
  | (StateBase & { status: 'failed'; code: string; message: string; contentPolicy: boolean })
  | (StateBase & { status: 'cancelled' });

/** Queue-style gateways report completion on `status_url` and give the images at `response_url`. */
export type NormalisedAnswer = GatewayAnswer | (StateBase & { status: 'resultReady'; resultUrl: string });

export interface SubmittedTask {
  taskId: string;
  requestId?: string;
  statusUrl?: string;
  responseUrl?: string;
  cancelUrl?: string;
  /** The state the create answer already reveals (queue position), if any. */
  initial?: GatewayAnswer;
}

/** Everything needed to find a task again, also after a window reload. */
export type TaskRef = Pick<SubmittedTask, 'taskId' | 'statusUrl' | 'responseUrl' | 'cancelUrl'>;

/**
 * Optional fields never fail an answer: a gateway that sends `"FinishTime": "N/A"`, a null
 * progress or a number where a string belongs still has a task and its images. Such a value
 * is read as unknown (undefined); only the fields the state depends on are checked strictly.
 */
const lenientText = z.optional(z.catch(z.optional(z.nullable(z.string())), undefined));
const numberish = z.optional(z.catch(z.optional(z.nullable(z.union([z.number(), z.string()]))), undefined));

const tencentFileInfo = z.looseObject({
  FileUrl: lenientText,
  FileId: lenientText,
  ExpireTime: lenientText,
  StorageMode: lenientText,
});

const tencentError = z.looseObject({ Code: lenientText, Message: lenientText });

const tencentTask = z.looseObject({
  TaskId: z.optional(z.string()),
  Status: z.optional(z.string()),
  Progress: numberish,
  ErrCode: numberish,
  ErrCodeExt: lenientText,
  Message: lenientText,
  Output: z.optional(
    z.catch(
      z.optional(
        z.nullable(z.looseObject({ FileInfos: z.optional(z.nullable(z.array(z.catch(tencentFileInfo, {})))) })),
      ),
      undefined,
    ),
  ),
});

const tencentResponse = z.looseObject({
  Response: z.looseObject({
    TaskId: z.optional(z.string()),
    RequestId: lenientText,
    Status: z.optional(z.string()),
    FinishTime: lenientText,
    Error: z.optional(tencentError),
    AigcImageTask: z.optional(z.nullable(tencentTask)),
  }),
});

const queueAnswer = z.looseObject({
  status: z.string(),
  request_id: z.optional(z.string()),
  queue_position: numberish,
  status_url: z.optional(z.string()),
  response_url: z.optional(z.string()),
  cancel_url: z.optional(z.string()),
  error: z.optional(z.unknown()),
});

const envelopeAnswer = z.looseObject({
  code: z.union([z.number(), z.string()]),
  message: lenientText,
  data: z.optional(
    z.nullable(
      z.looseObject({
        task_id: z.optional(z.string()),
        status: z.optional(z.string()),
        progress: numberish,
        fail_reason: lenientText,
        data: z.optional(z.unknown()),
      }),
    ),
  ),
});

/** What fal-style queues return at `response_url`. */
const imagesAnswer = z.looseObject({
  images: z.array(z.looseObject({ url: z.string() })),
  request_id: z.optional(z.string()),
});

/** A timestamp the gateway sent, as it sent it, or undefined when it is missing or not a real time ("N/A", "0000-00-00"). */
export function validTime(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  // Year 1971 or later: zero dates ("0000-00-00", "1970-01-01T00:00:00Z") mean "unknown", not the epoch.
  if (!Number.isFinite(ms) || ms < 365 * 24 * 3600_000) return undefined;
  return value;
}

function toNumber(value: number | string | null | undefined): number | undefined {
  if (value === null) return undefined;
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number.parseFloat(String(value).replace('%', ''));
  return Number.isFinite(n) ? n : undefined;
}

function clampProgress(value: number | string | null | undefined): number | undefined {
  const n = toNumber(value);
  return n === undefined ? undefined : Math.max(0, Math.min(100, Math.round(n)));
}

function invalid(raw: unknown, what: string): GenerationError {
  return new GenerationError({
    kind: 'invalidResponse',
    template: 'The image service sent an answer this extension does not understand ({0}).',
    args: [what],
    details: oneLine(JSON.stringify(raw) ?? String(raw), 2000),
  });
}

export function isContentPolicyCode(code: string): boolean {
  return /vo?ilation|violation|content.?(policy|audit)|sensitive/i.test(code);
}

function failedState(base: StateBase, code: string, message: string): GatewayAnswer {
  return { ...base, status: 'failed', code, message: message || code, contentPolicy: isContentPolicyCode(code) };
}

function fromTencent(answer: z.infer<typeof tencentResponse>, taskIdHint: string): NormalisedAnswer {
  const r = answer.Response;
  const task = r.AigcImageTask ?? undefined;
  const base: StateBase = { taskId: task?.TaskId ?? r.TaskId ?? taskIdHint, requestId: r.RequestId ?? undefined };
  if (r.Error) return failedState(base, r.Error.Code ?? 'Error', r.Error.Message ?? '');
  const status = (task?.Status ?? r.Status ?? '').toUpperCase();
  if (!status) {
    if (r.TaskId) return { ...base, status: 'queued' };
    throw invalid(answer, 'no task status');
  }
  switch (status) {
    case 'WAITING':
      return { ...base, status: 'queued' };
    case 'PROCESSING':
      return { ...base, status: 'running', progress: clampProgress(task?.Progress) };
    case 'FINISH': {
      const errCode = toNumber(task?.ErrCode) ?? 0;
      const errExt = task?.ErrCodeExt ?? '';
      if (errCode !== 0 || errExt) {
        return failedState(base, errExt || String(errCode), task?.Message ?? '');
      }
      const images = (task?.Output?.FileInfos ?? [])
        .filter((f) => f.FileUrl)
        .map((f) => ({
          url: f.FileUrl!,
          fileId: f.FileId || undefined,
          expiresAt: validTime(f.ExpireTime),
          storageMode: f.StorageMode || undefined,
        }));
      if (images.length === 0) throw invalid(answer, 'finished without images');
      return { ...base, status: 'succeeded', images, finishedAt: validTime(r.FinishTime) };
    }
    case 'ABORTED':
    case 'CANCELED':
    case 'CANCELLED':
      return { ...base, status: 'cancelled' };
    default:
      return { ...base, status: 'running' };
  }
}

function fromQueue(answer: z.infer<typeof queueAnswer>, taskIdHint: string): NormalisedAnswer {
  const base: StateBase = { taskId: answer.request_id ?? taskIdHint, requestId: answer.request_id };
  const errorText = typeof answer.error === 'string' ? answer.error : answer.error ? JSON.stringify(answer.error) : '';
  switch (answer.status.toUpperCase()) {
    case 'IN_QUEUE':
      return { ...base, status: 'queued', position: toNumber(answer.queue_position) };
    case 'IN_PROGRESS':
      return { ...base, status: 'running' };
    case 'COMPLETED':
      if (/cancel/i.test(errorText)) return { ...base, status: 'cancelled' };
      if (errorText) return failedState(base, 'Failed', errorText);
      if (!answer.response_url) throw invalid(answer, 'completed without response_url');
      return { ...base, status: 'resultReady', resultUrl: answer.response_url };
    case 'CANCELLED':
    case 'CANCELED':
    case 'CANCELLATION_REQUESTED':
      return { ...base, status: 'cancelled' };
    case 'FAILED':
    case 'ERROR':
      return failedState(base, 'Failed', errorText || 'The task failed.');
    default:
      return { ...base, status: 'running' };
  }
}

/** The task detail inside an envelope: `{Response: …}` as documented, or the Response's contents bare. */
function nestedDetail(inner: unknown): ReturnType<typeof tencentResponse.safeParse> {
  const wrapped = tencentResponse.safeParse(inner);
  if (wrapped.success || typeof inner !== 'object' || inner === null || 'Response' in inner) return wrapped;
  return tencentResponse.safeParse({ Response: inner });
}

function fromEnvelope(answer: z.infer<typeof envelopeAnswer>, taskIdHint: string): NormalisedAnswer {
  const code = toNumber(answer.code);
  const data = answer.data ?? undefined;
  const base: StateBase = { taskId: data?.task_id ?? taskIdHint };
  if (code !== undefined && code !== 0 && code !== 200) {
    return failedState(base, String(answer.code), answer.message ?? '');
  }
  const inner = data?.data;
  const status = (data?.status ?? '').toUpperCase();
  switch (status) {
    case '':
    case 'NOT_START':
    case 'SUBMITTED':
    case 'QUEUED':
      return { ...base, status: 'queued' };
    case 'IN_PROGRESS':
      return { ...base, status: 'running', progress: clampProgress(data?.progress) };
    case 'FAILURE': {
      const nested = nestedDetail(inner);
      if (nested.success) {
        const state = fromTencent(nested.data, base.taskId);
        if (state.status === 'failed') return state;
      }
      return failedState(base, 'FAILURE', data?.fail_reason ?? answer.message ?? '');
    }
    case 'SUCCESS': {
      const nested = nestedDetail(inner);
      if (!nested.success) throw invalid(answer, 'success without a task detail');
      const state = fromTencent(nested.data, base.taskId);
      return { ...state, taskId: base.taskId };
    }
    default:
      return { ...base, status: 'running', progress: clampProgress(data?.progress) };
  }
}

/**
 * Turns any gateway answer into a state. `taskIdHint` is the id the caller
 * already knows (answers do not always repeat it).
 */
export function normaliseAnswer(raw: unknown, taskIdHint = ''): NormalisedAnswer {
  const native = tencentResponse.safeParse(raw);
  if (native.success) return fromTencent(native.data, taskIdHint);
  const envelope = envelopeAnswer.safeParse(raw);
  if (envelope.success) return fromEnvelope(envelope.data, taskIdHint);
  const queue = queueAnswer.safeParse(raw);
  if (queue.success) return fromQueue(queue.data, taskIdHint);
  const images = imagesAnswer.safeParse(raw);
  if (images.success) {
    return {
      taskId: taskIdHint || images.data.request_id || '',
      requestId: images.data.request_id,
      status: 'succeeded',
      images: images.data.images.map((i) => ({ url: i.url })),
    };
  }
  throw invalid(raw, 'unknown shape');
}

/** Reads a create answer: the task id plus whatever URLs the gateway hands out. */
export function normaliseSubmit(raw: unknown): SubmittedTask {
  const native = tencentResponse.safeParse(raw);
  if (native.success) {
    const state = fromTencent(native.data, '');
    if (state.status === 'failed') throw failureToError(state);
    if (!native.data.Response.TaskId) throw invalid(raw, 'no TaskId');
    return { taskId: native.data.Response.TaskId, requestId: native.data.Response.RequestId ?? undefined };
  }
  const envelope = envelopeAnswer.safeParse(raw);
  if (envelope.success) {
    const state = fromEnvelope(envelope.data, '');
    if (state.status === 'failed') throw failureToError(state);
    if (!state.taskId) throw invalid(raw, 'no task_id');
    return { taskId: state.taskId };
  }
  const queue = queueAnswer.safeParse(raw);
  if (queue.success) {
    const { request_id: id, status_url, response_url, cancel_url } = queue.data;
    if (!id) throw invalid(raw, 'no request_id');
    const state = fromQueue(queue.data, id);
    return {
      taskId: id,
      requestId: id,
      statusUrl: status_url,
      responseUrl: response_url,
      cancelUrl: cancel_url,
      initial: state.status === 'queued' || state.status === 'running' ? state : undefined,
    };
  }
  throw invalid(raw, 'unknown create answer');
}

/** A failed task as an error the user sees in one line. */
export function failureToError(state: Extract<GatewayAnswer, { status: 'failed' }>): GenerationError {
  if (state.contentPolicy) {
    return new GenerationError({
      kind: 'contentPolicy',
      template: 'The image service refused the content ({0}). Change the prompt or reference images and try again.',
      args: [state.code],
      code: state.code,
      requestId: state.requestId,
      details: state.message,
    });
  }
  if (/RequestLimitExceeded/i.test(state.code)) {
    return new GenerationError({
      kind: 'rateLimited',
      template: 'The image service is over its request limit ({0}). Try again in a moment.',
      args: [state.code],
      code: state.code,
      requestId: state.requestId,
      details: state.message,
    });
  }
  if (/balance|arrear|insufficient/i.test(`${state.code} ${state.message}`)) {
    return new GenerationError({
      kind: 'balance',
      template: 'The account has no balance left: {0}',
      args: [oneLine(state.message)],
      code: state.code,
      requestId: state.requestId,
    });
  }
  return new GenerationError({
    kind: 'taskFailed',
    template: 'The task failed: {0} ({1})',
    args: [oneLine(state.message), state.code],
    code: state.code,
    requestId: state.requestId,
    details: state.message,
  });
}

export function isFinal(state: GatewayAnswer): boolean {
  return state.status === 'succeeded' || state.status === 'failed' || state.status === 'cancelled';
}
