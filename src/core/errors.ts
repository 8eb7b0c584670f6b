/**
 * Every failure the core can report, as one typed error with a one-line message.
 *
 * Messages are English templates with `{0}` placeholders so the host can pass the
 * same template to `vscode.l10n.t` and show it translated; `details` carries the raw
 * (redacted) server answer for the log, never for the user's notification.
 */

import { redactSecrets } from './displayText';

export type ErrorKind =
  /** the request was refused before sending: a field is invalid */
  | 'validation'
  /** 401/403: the key is missing, wrong or not allowed */
  | 'auth'
  /** 402 or a balance error: the account cannot pay */
  | 'balance'
  /** 400: the gateway refused the request */
  | 'badRequest'
  /** 404: no such task or path */
  | 'notFound'
  /** 429 or RequestLimitExceeded */
  | 'rateLimited'
  /** 5xx */
  | 'server'
  /** connection refused/reset, DNS, TLS */
  | 'network'
  /** the answer was not what the protocol promises */
  | 'invalidResponse'
  /** the task finished with an error */
  | 'taskFailed'
  /** the task finished with a content-policy error */
  | 'contentPolicy'
  /** the overall deadline passed */
  | 'timeout'
  /** the user (or the host) stopped waiting */
  | 'aborted'
  /** a result image could not be fetched or is not an image */
  | 'download'
  /** a reference image is unusable */
  | 'referenceImage'
  /** settings are missing or unsafe */
  | 'config'
  /** a path is unsafe or a file could not be written */
  | 'fileSystem'
  /** making a finished file failed (a corrupt image, no image library): the original stays */
  | 'processing'
  /** a bug or an error nobody foresaw: the message says what failed, never "could not reach" */
  | 'unexpected';

export interface GenerationErrorInit {
  kind: ErrorKind;
  /** English one-line message with `{0}`, `{1}` … placeholders. */
  template: string;
  args?: readonly (string | number)[];
  /** Raw detail for the log (a server body, a stack); must already be redacted. */
  details?: string;
  httpStatus?: number;
  /** The gateway's error code (e.g. `InvalidParameter.VoilationContent`). */
  code?: string;
  requestId?: string;
  /** For rate limits: how long the server asked us to wait. */
  retryAfterMs?: number;
  /** The field a validation error is about, e.g. `output_config.aspect_ratio`. */
  field?: string;
  cause?: unknown;
}

export class GenerationError extends Error {
  readonly kind: ErrorKind;
  readonly template: string;
  readonly args: readonly (string | number)[];
  readonly details?: string;
  readonly httpStatus?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly field?: string;

  constructor(init: GenerationErrorInit) {
    const args = init.args ?? [];
    super(formatTemplate(init.template, args), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GenerationError';
    this.kind = init.kind;
    this.template = init.template;
    this.args = args;
    this.details = init.details;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.field = init.field;
  }

  /** Worth trying the same idempotent request again. */
  get transient(): boolean {
    return this.kind === 'network' || this.kind === 'server' || this.kind === 'rateLimited';
  }
}

export function formatTemplate(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

export function isGenerationError(error: unknown): error is GenerationError {
  return error instanceof GenerationError;
}

/** Connection-level error codes that mean the request never reached the server. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The error code of a failed fetch: undici puts the socket's error in `cause`. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = errnoOf(current);
    if (code) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when a request certainly never reached the server (nothing could have been created). */
export function neverConnected(error: unknown): boolean {
  const code = networkCode(error instanceof GenerationError ? (error.cause ?? error) : error);
  return code !== undefined && NOT_CONNECTED.has(code);
}

/**
 * Wraps anything thrown into a GenerationError so callers handle one type. The message names what
 * really failed: a file-system error names the file, a failed fetch the network, anything else
 * is "unexpected" with its own text.
 */
export function toGenerationError(error: unknown): GenerationError {
  if (error instanceof GenerationError) return error;
  if (isAbortError(error)) {
    return new GenerationError({ kind: 'aborted', template: 'Stopped waiting for the task.', cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  const details = error instanceof Error ? error.stack : undefined;
  const syscall = (error as { syscall?: unknown } | undefined)?.syscall;
  const code = errnoOf(error);
  if (code && typeof syscall === 'string' && !NOT_CONNECTED.has(code) && !/^(ECONNRESET|EPIPE|ETIMEDOUT)$/.test(code)) {
    return fileSystemError(error, code, text, details);
  }
  if (error instanceof TypeError && /fetch failed|terminated|network/i.test(text)) {
    const cause = networkCode(error);
    return new GenerationError({
      kind: 'network',
      template: 'Could not reach the image service: {0}',
      args: [oneLine(cause ? `${text} (${cause})` : text)],
      details,
      cause: error,
    });
  }
  if (code && (NOT_CONNECTED.has(code) || /^(ECONNRESET|EPIPE|ETIMEDOUT|UND_ERR)/.test(code))) {
    return new GenerationError({
      kind: 'network',
      template: 'Could not reach the image service: {0}',
      args: [oneLine(`${text} (${code})`)],
      details,
      cause: error,
    });
  }
  return new GenerationError({
    kind: 'unexpected',
    template: 'Unexpected error: {0}',
    args: [oneLine(text)],
    details,
    cause: error,
  });
}

function fileSystemError(error: unknown, code: string, text: string, details: string | undefined): GenerationError {
  const file = (error as { path?: unknown }).path;
  const where = typeof file === 'string' ? file : '';
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new GenerationError({
      kind: 'fileSystem',
      code,
      template: 'The disk is full: could not write {0}.',
      args: [where || 'the image'],
      details,
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new GenerationError({
      kind: 'fileSystem',
      code,
      template: 'No permission to write {0} ({1}).',
      args: [where || 'the image', code],
      details,
      cause: error,
    });
  }
  return new GenerationError({
    kind: 'fileSystem',
    code,
    template: 'A file operation failed: {0}',
    args: [oneLine(text)],
    details,
    cause: error,
  });
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    (error.name === 'AbortError' || error.name === 'TimeoutError')
  );
}

/** First line of a text, trimmed and capped, for one-line messages. */
export function oneLine(text: string, max = 200): string {
  const first = text.replace(/\s+/g, ' ').trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** Removes a key from any text destined for a log or an error detail. */
export function redact(text: string, secrets: readonly string[] = []): string {
  return redactSecrets(text, secrets);
}
