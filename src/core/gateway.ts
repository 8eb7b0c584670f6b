/**
 * Submit / query / cancel over HTTP. `fetch` is injected so the same client runs
 * in the extension host, in plain-Node tests and in the benchmarks.
 *
 * The API key only ever travels to the configured origin: gateway-supplied URLs
 * (status_url, response_url, cancel_url) on any other origin are not used.
 */
import { API_KEY_PROBLEMS, apiKeyProblem } from './apiKeyCheck';
import { readCapped } from './readCapped';
import { GenerationError, neverConnected, oneLine, redact, toGenerationError } from './errors';
import type { CreateTaskBody } from './request';
import {
  type NormalisedAnswer,
  type SubmittedTask,
  type TaskRef,
  type GatewayAnswer,
  normaliseAnswer,
  normaliseSubmit,
} from './gatewayAnswer';

export const CREATE_PATH = '/tencent-vod/v1/aigc-image';
export const DEFAULT_QUERY_PATH = '/tencent-vod/v1/query/{task_id}';

export type { TaskRef } from './gatewayAnswer';

export interface Exchange {
  method: string;
  url: string;
  status?: number;
  ms: number;
  /** The answer body (redacted, capped) for the log. */
  body?: string;
  error?: string;
}

export interface GatewayConfig {
  baseUrl: string;
  apiKey: string;
  queryPath?: string;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Per-request timeout; the overall deadline belongs to the caller. */
  requestTimeoutMs?: number;
  /** Called for every HTTP exchange, for the log. */
  onExchange?: (exchange: Exchange) => void;
}

export type CancelOutcome = 'requested' | 'unsupported' | 'alreadyDone';

const MAX_LOGGED_BODY = 4000;
/** A task answer is a few KB; a gateway (or something posing as one) may not fill memory. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** A create is retried only after a short wait; a longer Retry-After is reported instead. */
const MAX_SUBMIT_RETRY_WAIT_MS = 10_000;

/** A failed create that certainly created nothing: the request never connected, or the gateway refused it for its rate limit. */
export function createdNothing(error: GenerationError): boolean {
  return neverConnected(error) || error.kind === 'rateLimited';
}

/** Parses and checks a base URL; plain http is only allowed for loopback hosts. */
export function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new GenerationError({
      kind: 'config',
      template: 'The base URL "{0}" is not a valid URL (setting aigcImage.baseUrl).',
      args: [oneLine(baseUrl, 80)],
      field: 'aigcImage.baseUrl',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GenerationError({
      kind: 'config',
      template: 'The base URL must start with https:// (setting aigcImage.baseUrl).',
      field: 'aigcImage.baseUrl',
    });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new GenerationError({
      kind: 'config',
      template:
        'The base URL uses plain http:// for {0}: the API key would travel unencrypted. Use https:// (http:// is only accepted for localhost).',
      args: [url.hostname],
      field: 'aigcImage.baseUrl',
    });
  }
  if (url.username || url.password) {
    throw new GenerationError({
      kind: 'config',
      template: 'The base URL must not contain a user name or password (setting aigcImage.baseUrl).',
      field: 'aigcImage.baseUrl',
    });
  }
  return url;
}

/** The query path: a path on the API (`/…{task_id}…`), never something that could change the host. */
function checkQueryPath(queryPath: string): string {
  const field = 'aigcImage.queryPath';
  if (!queryPath.includes('{task_id}')) {
    throw new GenerationError({
      kind: 'config',
      template: 'The query path must contain {task_id} (setting aigcImage.queryPath).',
      field,
    });
  }
  if (
    !queryPath.startsWith('/') ||
    queryPath.startsWith('//') ||
    /[@\\\s?#]/.test(queryPath.replace('{task_id}', ''))
  ) {
    throw new GenerationError({
      kind: 'config',
      template:
        'The query path must be a path on the gateway, starting with "/" and without "@", backslashes, "?", "#" or spaces (setting aigcImage.queryPath).',
      field,
    });
  }
  return queryPath;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export class GatewayClient {
  readonly apiOrigin: string;
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly queryPath: string;

  constructor(private readonly config: GatewayConfig) {
    const url = parseBaseUrl(config.baseUrl);
    this.apiOrigin = url.origin;
    this.base = url.href.replace(/\/+$/, '');
    this.fetchImpl = config.fetch ?? fetch;
    const keyProblem = apiKeyProblem(config.apiKey);
    // Never echo the key: the message names the kind of character only.
    if (keyProblem)
      throw new GenerationError({
        kind: 'auth',
        template: API_KEY_PROBLEMS[keyProblem].template,
        field: 'aigcImage.apiKey',
      });
    this.queryPath = checkQueryPath(config.queryPath?.trim() || DEFAULT_QUERY_PATH);
    // The path is joined to the base as text, so prove the result stays on the API origin.
    this.onApiOrigin(this.queryUrl('probe'), 'aigcImage.queryPath');
  }

  /**
   * Creates a task. Retried only when the failure certainly created nothing (the connection
   * was never made, or the gateway said it is over its rate limit): anything else may have
   * reached the gateway, and a second create could bill twice (de-duplication by `session_id`
   * is a gateway feature this client does not count on).
   */
  async submit(
    body: CreateTaskBody,
    options: { signal?: AbortSignal; attempts?: number } = {},
  ): Promise<SubmittedTask> {
    const attempts = Math.max(1, options.attempts ?? 3);
    let lastError: GenerationError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const raw = await this.request('POST', this.base + CREATE_PATH, options.signal, JSON.stringify(body));
        const submitted = normaliseSubmit(raw);
        return {
          ...submitted,
          statusUrl: this.ownUrl(submitted.statusUrl),
          responseUrl: this.ownUrl(submitted.responseUrl),
          cancelUrl: this.ownUrl(submitted.cancelUrl),
        };
      } catch (error) {
        lastError = toGenerationError(error);
        const wait = lastError.retryAfterMs ?? 500 * 2 ** (attempt - 1);
        if (
          !createdNothing(lastError) ||
          attempt === attempts ||
          options.signal?.aborted ||
          wait > MAX_SUBMIT_RETRY_WAIT_MS
        )
          throw lastError;
        await sleep(wait, options.signal);
      }
    }
    throw lastError!;
  }

  /** One status look-up; a queue-style completion is followed to its result. */
  async query(task: TaskRef, signal?: AbortSignal): Promise<GatewayAnswer> {
    const url = task.statusUrl ?? this.queryUrl(task.taskId);
    const answer = await this.requestState(url, task.taskId, signal);
    if (answer.status !== 'resultReady') return answer;
    const resultUrl = this.ownUrl(answer.resultUrl) ?? task.responseUrl ?? this.queryUrl(task.taskId);
    const result = await this.requestState(resultUrl, task.taskId, signal);
    if (result.status === 'resultReady') {
      throw new GenerationError({
        kind: 'invalidResponse',
        template: 'The image service reported the task complete but gave no images.',
        details: `result at ${resultUrl} said resultReady again`,
      });
    }
    return result;
  }

  /** Asks the gateway to cancel; without a cancel URL the task keeps running upstream. */
  async cancel(task: TaskRef, signal?: AbortSignal): Promise<CancelOutcome> {
    if (!task.cancelUrl) return 'unsupported';
    try {
      await this.request('PUT', task.cancelUrl, signal);
      return 'requested';
    } catch (error) {
      const e = toGenerationError(error);
      if (e.kind === 'badRequest') return 'alreadyDone';
      throw e;
    }
  }

  queryUrl(taskId: string): string {
    return this.base + this.queryPath.replace('{task_id}', encodeURIComponent(taskId));
  }

  /** A gateway-supplied URL, resolved against the base; dropped unless on the API origin. */
  private ownUrl(url: string | undefined): string | undefined {
    if (!url) return undefined;
    try {
      const resolved = new URL(url, this.base + '/');
      if (resolved.origin !== this.apiOrigin) {
        this.config.onExchange?.({
          method: 'SKIP',
          url: resolved.origin,
          ms: 0,
          error: 'gateway URL on another origin ignored; the key is sent only to the configured base URL',
        });
        return undefined;
      }
      return resolved.href;
    } catch {
      return undefined;
    }
  }

  private async requestState(url: string, taskId: string, signal?: AbortSignal): Promise<NormalisedAnswer> {
    const raw = await this.request('GET', url, signal);
    return this.withoutKey(normaliseAnswer(raw, taskId));
  }

  /**
   * A failed task's code and message are the gateway's words, shown in the task's note and kept
   * in the journal: like its error answers, they may echo the key it was sent.
   */
  private withoutKey(answer: NormalisedAnswer): NormalisedAnswer {
    if (answer.status !== 'failed') return answer;
    const secrets = [this.config.apiKey];
    return { ...answer, code: redact(answer.code, secrets), message: redact(answer.message, secrets) };
  }

  /** Every URL the key is attached to passes here: built from settings or handed out by the gateway. */
  private onApiOrigin(url: string, field?: string): void {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = '';
    }
    if (origin !== this.apiOrigin) {
      throw new GenerationError({
        kind: 'config',
        template: 'Refused to send the API key to {0}: only {1} (setting aigcImage.baseUrl) receives it.',
        args: [origin || 'an invalid URL', this.apiOrigin],
        field: field ?? 'aigcImage.baseUrl',
      });
    }
  }

  private async request(method: string, url: string, signal?: AbortSignal, body?: string): Promise<unknown> {
    this.onApiOrigin(url);
    const started = Date.now();
    const timeout = AbortSignal.timeout(this.config.requestTimeoutMs ?? 30_000);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.config.apiKey}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.config.userAgent) headers['User-Agent'] = this.config.userAgent;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method, headers, body, signal: combined, redirect: 'manual' });
    } catch (error) {
      this.log({ method, url, ms: Date.now() - started, error: String(error) });
      if (signal?.aborted) throw signal.reason ?? error;
      if (timeout.aborted) {
        throw new GenerationError({
          kind: 'network',
          template: 'The image service did not answer within {0} seconds.',
          args: [Math.round((this.config.requestTimeoutMs ?? 30_000) / 1000)],
          cause: error,
        });
      }
      throw toGenerationError(error);
    }
    const text = await this.readAnswer(response, method, url, started, signal);
    const logged = redact(text.slice(0, MAX_LOGGED_BODY), [this.config.apiKey]);
    this.log({ method, url, status: response.status, ms: Date.now() - started, body: logged });
    if (response.status >= 300 && response.status < 400) {
      // Following a redirect could carry the key to another host; a gateway that needs one is misconfigured.
      throw new GenerationError({
        kind: 'invalidResponse',
        template: 'The image service answered with a redirect (HTTP {0}); check the base URL.',
        args: [response.status],
        httpStatus: response.status,
        details: response.headers.get('location') ?? undefined,
      });
    }
    if (!response.ok && response.status !== 202) {
      throw httpError(response.status, text, response.headers, this.config.apiKey);
    }
    const parsed = parseJson(text, response.headers.get('content-type'));
    if (parsed === undefined) {
      throw new GenerationError({
        kind: 'invalidResponse',
        template: 'The image service sent an answer that is not JSON (HTTP {0}).',
        args: [response.status],
        httpStatus: response.status,
        details: logged,
      });
    }
    const failure = errorInBody(parsed);
    if (failure)
      throw errorForCode(failure.code, failure.message, response.status, failure.requestId, logged, [
        this.config.apiKey,
      ]);
    return parsed;
  }

  /** The answer's text, read up to MAX_ANSWER_BYTES: a larger answer is refused, not read on. */
  private async readAnswer(
    response: Response,
    method: string,
    url: string,
    started: number,
    signal?: AbortSignal,
  ): Promise<string> {
    try {
      const read = await readCapped(response, MAX_ANSWER_BYTES);
      if (read.truncated) {
        this.log({
          method,
          url,
          status: response.status,
          ms: Date.now() - started,
          error: `answer larger than ${MAX_ANSWER_BYTES} bytes, not read further`,
        });
        throw new GenerationError({
          kind: 'invalidResponse',
          template: 'The image service sent an answer of more than {0} KB; it was not read.',
          args: [MAX_ANSWER_BYTES / 1024],
          httpStatus: response.status,
        });
      }
      return read.text;
    } catch (error) {
      if (error instanceof GenerationError) throw error;
      this.log({ method, url, status: response.status, ms: Date.now() - started, error: String(error) });
      if (signal?.aborted) throw signal.reason ?? error;
      throw toGenerationError(error);
    }
  }

  private log(exchange: Exchange): void {
    this.config.onExchange?.({ ...exchange, url: redact(exchange.url, [this.config.apiKey]) });
  }
}

function parseJson(text: string, contentType: string | null): unknown {
  if (contentType && /html/i.test(contentType)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface BodyFailure {
  code: string;
  message: string;
  requestId?: string;
}

/** A field of an answer where the protocol puts text: anything else (an object, a list) says nothing. */
function textOf(value: unknown, fallback: string): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : fallback;
}

/** A create/query refused in the body: Tencent `Response.Error` or an envelope `code != 0`. */
function errorInBody(parsed: unknown): BodyFailure | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const response = record.Response as Record<string, unknown> | undefined;
  const error = response?.Error as Record<string, unknown> | undefined;
  if (error && typeof error === 'object') {
    return {
      code: textOf(error.Code, 'Error'),
      message: textOf(error.Message, ''),
      requestId: typeof response?.RequestId === 'string' ? response.RequestId : undefined,
    };
  }
  if ('code' in record && (typeof record.code === 'number' || typeof record.code === 'string')) {
    const code = Number(record.code);
    if (Number.isFinite(code) && code !== 0 && code !== 200) {
      return { code: String(record.code), message: textOf(record.message, '') };
    }
  }
  return undefined;
}

/** The server's own message, if its error body has one. */
function serverMessage(text: string): { code?: string; message?: string; requestId?: string } {
  try {
    const parsed = JSON.parse(text) as unknown;
    const failure = errorInBody(parsed);
    if (failure) return failure;
    if (typeof parsed === 'object' && parsed !== null) {
      const r = parsed as Record<string, unknown>;
      const message = r.message ?? r.detail ?? r.error ?? (r.error as Record<string, unknown> | undefined)?.message;
      if (typeof message === 'string') return { message };
    }
  } catch {
    // not JSON: an HTML page from a proxy, or plain text
  }
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  if (title) return { message: title.trim() };
  if (/<html/i.test(text)) return {};
  return { message: text.trim() || undefined };
}

/** Retry-After in seconds or as an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

export function httpError(status: number, text: string, headers: Headers, apiKey = ''): GenerationError {
  const server = serverMessage(text);
  const details = redact(text.slice(0, MAX_LOGGED_BODY), [apiKey]);
  const message = server.message ? oneLine(redact(server.message, [apiKey])) : '';
  const common = { httpStatus: status, details, code: server.code, requestId: server.requestId };
  if (status === 401 || status === 403) {
    return new GenerationError({
      ...common,
      kind: 'auth',
      template: 'The API key was refused (HTTP {0}). Set a valid key with "AIGC Image: Set API Key".',
      args: [status],
    });
  }
  if (status === 402) {
    return new GenerationError({
      ...common,
      kind: 'balance',
      template: 'The image service needs payment (HTTP 402): {0}',
      args: [message || 'the account balance is insufficient'],
    });
  }
  if (status === 429) {
    return new GenerationError({
      ...common,
      kind: 'rateLimited',
      template: 'The image service is rate limiting requests (HTTP 429). Trying again shortly.',
      retryAfterMs: parseRetryAfter(headers.get('retry-after')),
    });
  }
  if (status === 404) {
    return new GenerationError({
      ...common,
      kind: 'notFound',
      template: 'The image service does not know this task or path (HTTP 404){0}',
      args: [message ? `: ${message}` : '.'],
    });
  }
  if (status >= 500) {
    return new GenerationError({
      ...common,
      kind: 'server',
      template: 'The image service failed (HTTP {0}){1}',
      args: [status, message ? `: ${message}` : '. Try again later.'],
    });
  }
  if (server.code) return errorForCode(server.code, server.message ?? '', status, server.requestId, details, [apiKey]);
  return new GenerationError({
    ...common,
    kind: 'badRequest',
    template: 'The image service refused the request (HTTP {0}): {1}',
    args: [status, message || 'no reason given'],
  });
}

/** Maps a gateway error code (Tencent style) to the error kind users act on. */
function errorForCode(
  rawCode: string,
  message: string,
  status: number,
  requestId: string | undefined,
  details: string,
  secrets: readonly string[],
): GenerationError {
  // A gateway may echo the key it was sent (in its message, even in its code): never in a message of ours.
  const code = oneLine(redact(rawCode, secrets), 120);
  const common = { httpStatus: status, code, requestId, details };
  const text = oneLine(redact(message || code, secrets));
  if (/^AuthFailure|Unauthorized|InvalidApiKey|^401$|^403$/i.test(code)) {
    return new GenerationError({
      ...common,
      kind: 'auth',
      template: 'The API key was refused ({0}). Set a valid key with "AIGC Image: Set API Key".',
      args: [code],
    });
  }
  if (/RequestLimitExceeded|LimitExceeded|^429$/i.test(code)) {
    return new GenerationError({
      ...common,
      kind: 'rateLimited',
      template: 'The image service is over its request limit ({0}).',
      args: [code],
    });
  }
  if (/balance|arrear|insufficient|^402$/i.test(`${code} ${message}`)) {
    return new GenerationError({
      ...common,
      kind: 'balance',
      template: 'The account has no balance left: {0}',
      args: [text],
    });
  }
  if (/^InternalError|^5\d\d$/i.test(code)) {
    return new GenerationError({ ...common, kind: 'server', template: 'The image service failed: {0}', args: [text] });
  }
  if (/^ResourceNotFound|^404$/i.test(code)) {
    return new GenerationError({
      ...common,
      kind: 'notFound',
      template: 'The image service does not know this task: {0}',
      args: [text],
    });
  }
  return new GenerationError({
    ...common,
    kind: 'badRequest',
    template: 'The image service refused the request: {0} ({1})',
    args: [text, code],
  });
}

/** Sleeps, rejecting at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
