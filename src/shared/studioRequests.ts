/**
 * The Studio's requests: the webview's messages that the host answers. A request type carries its
 * method and the schemas of its params and of its response. The webview posts
 * `{ type: method, requestId, ...params }` and awaits one promise keyed by that id
 * (media/studio/pendingRequests.ts); the host answers with a `reply` carrying the same id and the
 * response, or with `requestFailed` when it could not answer (src/host/studio/messageRouter.ts).
 * No timers: a request ends with one of the two, or is rejected when its panel goes away.
 */
import * as z from 'zod/mini';
import { cropBoxSchema } from '../core/finishSchema';
import { formValuesSchema, referenceEntrySchema } from './formValues';
import { itemId, shortText } from './payloadBounds';

export const fieldIssueSchema = z.object({ field: z.string(), message: z.string() });

function requestType<const M extends string, P extends z.core.$ZodShape, R extends z.core.$ZodShape>(
  method: M,
  params: P,
  response: R,
) {
  const result = z.object(response);
  return {
    method,
    /** The request as the webview posts it: the method is its message type. */
    message: z.object({ type: z.literal(method), requestId: itemId, ...params }),
    response: result,
    /** The host's answer: the request's id and its response. */
    reply: z.object({ type: z.literal('reply'), method: z.literal(method), requestId: itemId, result }),
  };
}

/** Start a generation with the form as it is: started, or the issues that stopped it before anything was sent (later `generateDone`). */
export const GENERATE_REQUEST = requestType(
  'generate',
  { form: formValuesSchema },
  { ok: z.boolean(), issues: z.array(fieldIssueSchema) },
);

/** Check local images (picked, dropped, restored): the files that can be attached (possibly with a problem) and the names refused. */
export const INSPECT_REQUEST = requestType(
  'inspect',
  { uris: z.array(shortText).check(z.maxLength(100)) },
  { items: z.array(referenceEntrySchema), rejected: z.array(z.string()) },
);

/**
 * Make a result's finished file again from its original with this crop box (Adjust crop): saved,
 * or the one line saying why not.
 */
export const RECROP_REQUEST = requestType(
  'recrop',
  { item: itemId, crop: cropBoxSchema },
  { ok: z.boolean(), message: z.optional(z.string()) },
);

export type StudioRequest = typeof GENERATE_REQUEST | typeof INSPECT_REQUEST | typeof RECROP_REQUEST;
export type RequestMethod = StudioRequest['method'];
export const REQUEST_METHODS = [GENERATE_REQUEST.method, INSPECT_REQUEST.method, RECROP_REQUEST.method] as const;
export type RequestTypeOf<M extends RequestMethod> = Extract<StudioRequest, { method: M }>;
export type RequestMessage<T extends StudioRequest> = z.infer<T['message']>;
export type ParamsOf<T extends StudioRequest> = Omit<RequestMessage<T>, 'type' | 'requestId'>;
export type ResponseOf<T extends StudioRequest> = z.infer<T['response']>;

/** A request the host answered. */
export const replySchema = z.discriminatedUnion('method', [
  GENERATE_REQUEST.reply,
  INSPECT_REQUEST.reply,
  RECROP_REQUEST.reply,
]);

/**
 * Why the host could not answer a request: its handler failed, ended without an answer, or the
 * request was refused by its schema. The details are in the host's log, not in the webview.
 */
export const REQUEST_FAILURES = ['failed', 'unanswered', 'invalid'] as const;
export type RequestFailure = (typeof REQUEST_FAILURES)[number];

/** A request the host could not answer: the webview's promise for it is rejected. */
export const requestFailedSchema = z.object({
  type: z.literal('requestFailed'),
  method: z.enum(REQUEST_METHODS),
  requestId: itemId,
  reason: z.enum(REQUEST_FAILURES),
});

/** What ends a request: its reply, or that the host could not answer. */
export type Completion = z.infer<typeof replySchema> | z.infer<typeof requestFailedSchema>;

/** Enough of a message to answer it: a request's method and id, whatever the rest holds. */
export const requestIdentitySchema = z.object({ type: z.enum(REQUEST_METHODS), requestId: itemId });
