/**
 * A local stand-in for the image gateway (see docs/protocol.md), its result CDN and an
 * unrelated third host, as three real HTTP servers on 127.0.0.1.
 *
 * It speaks each answer shape the extension must accept (Tencent-native, queue,
 * envelope), runs tasks on a clock (queued → running with progress → finished),
 * records every request, and injects faults on demand, so the client is tested
 * over real sockets rather than against mocks of itself.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { CONTENT_TYPES, EXTENSIONS, type ImageFormat, formatFromExtension, paddedImage } from './images';
import { keyColourAsked } from './keyColour';
import { SceneImageCache } from './sceneImages';
import type { Backdrop, SceneParams } from './scenes';
import { kindNamedIn } from './shapes';
import { resultSize } from './sizes';

export type SimMode = 'native' | 'queue' | 'envelope';

/**
 * What a running task reports as its progress (the protocol: "Progress is not a clock"):
 * - `linear`: 0 → 100 with time; `none`: no progress field at all; `zero`: 0 until the end;
 * - `stuck99`: 99 after a quarter of the running time, until the end;
 * - `jumps`: 0, then 30, then 80, in steps; `constant50`: "50" throughout, as one gateway does.
 */
export type SimProgress = 'linear' | 'none' | 'zero' | 'stuck99' | 'jumps' | 'constant50';

/** Where an envelope puts the task detail: `{data: {data: {Response: …}}}` as documented, or the Response's contents bare. */
export type SimEnvelopeNesting = 'wrapped' | 'bare';

/** Where a careless gateway echoes the API key a request carried: its task ids, or its result URLs' query (`?auth=<key>`). */
export type SimKeyEcho = 'taskId' | 'fileUrl';

export interface SimOptions {
  mode: SimMode;
  apiKey: string;
  /** Running time of a task, after it leaves the queue. */
  taskDurationMs: number;
  /** Time a task sits queued (with a queue position) before it runs. */
  queueMs: number;
  imageFormat: ImageFormat;
  /** Pad served images to about this many bytes (streamed). */
  imageBytes?: number;
  /** The Content-Type the CDN gives images (default: the format's own, e.g. image/png). */
  imageContentType?: string;
  progress: SimProgress;
  /**
   * For this long after create, a query answers TaskNotExist (as Tencent does while a new task
   * propagates): HTTP 200 with `Response.Error` (native), HTTP 200 with a non-zero `code`
   * (envelope), HTTP 404 (queue).
   */
  invisibleMs: number;
  /** Optional fields the protocol names, malformed: FinishTime "N/A", ExpireTime "0000-00-00", Progress "--", StorageMode 0. */
  malformedFields: boolean;
  envelopeNesting: SimEnvelopeNesting;
  /** Nothing in the protocol forbids a gateway to put the key in what it hands back; a client must not pass it on. */
  keyEcho: SimKeyEcho[];
  /**
   * Result URLs signed as a CDN with URL authentication signs them (`?t=<expiry>&sign=<hex>`): a
   * credential for that file until it expires. The CDN serves the file whatever the query.
   */
  signedUrls: boolean;
  /**
   * How many `FileInfos` a finished task lists (the protocol: one is typical; nothing in the
   * answer's shape limits them). The first is served at the task's own file name, the n-th
   * (from 0) at `<task id>_<n>`.
   */
  imagesPerTask: number;
  /**
   * Images at the pixel sizes each model really answers with (sizes.ts: 1920×1080 for GEM 16:9
   * 1080P, about a megapixel from Hunyuan, …) instead of small ones (long side 128). Read when a
   * task is created.
   */
  realSizes: boolean;
  /** Levels (0–255) of per-pixel jitter on a painted key colour, as some models add; 0 paints it exact. */
  keyNoise: number;
  /** Given as every finished task's `FileUrl` instead of its CDN address: a gateway's broken link (`https://xn--/x.png`). */
  fileUrl?: string;
  quiet: boolean;
}

export type FaultKind =
  | { kind: 'http'; status: number; message?: string; retryAfterSeconds?: number }
  | { kind: 'reset' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'malformedJson' }
  | { kind: 'htmlError' }
  | { kind: 'violation' }
  | { kind: 'expiredUrl' }
  | { kind: 'notImage' }
  | { kind: 'truncated' }
  | { kind: 'oversized'; bytes: number }
  /** (CDN) the image, with its full Content-Length, `bytes` at a time every `everyMs`: a CDN that trickles. */
  | { kind: 'trickle'; bytes: number; everyMs: number }
  | { kind: 'redirect' }
  /** HTTP 200 with an error in the body: `Response.Error` (native), a non-zero `code` (envelope); HTTP 500 in the queue shape. */
  | { kind: 'bodyError'; code?: string; message?: string }
  /** (create) the task runs its time and then FINISHes with this error (not a content-policy one unless you say so). */
  | { kind: 'taskFailure'; errCode?: number; errCodeExt?: string; message?: string }
  /**
   * (create) the model ignores a prompt's request for a flat key-colour background and paints its
   * usual scenery, or (`checkerboard`) a drawn grey-and-white checkerboard as if that were transparency.
   */
  | { kind: 'ignoresKeyColour'; paints?: 'scenery' | 'checkerboard' }
  /** An answer (API: HTTP 200 JSON that never closes its string; CDN: an HTTP 500 page) of `bytes` bytes, streamed. */
  | { kind: 'huge'; bytes: number };

export type FaultRoute = 'create' | 'query' | 'status' | 'response' | 'cancel' | 'cdn' | 'any';

export interface Fault {
  route: FaultRoute;
  fault: FaultKind;
  /** How many matching requests it hits; default 1, Infinity for all until cleared. */
  times?: number;
  /** Instead of a count: every matching request for this long (an outage). */
  forMs?: number;
}

export type SimServer = 'api' | 'cdn' | 'third';

export interface RecordedRequest {
  server: SimServer;
  method: string;
  /** Path including the query string. */
  path: string;
  /** Lower-case names, as received. */
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface SimTaskFailure {
  errCode: number;
  errCodeExt: string;
  message: string;
}

export interface SimTask {
  id: string;
  requestId: string;
  /** The parsed create body. */
  body: unknown;
  sessionId?: string;
  createdAt: number;
  /** When it leaves the queue and starts running. */
  startAt: number;
  /** createdAt + queueMs + taskDurationMs (shorter for a refused task). */
  doneAt: number;
  cancelled: boolean;
  cancelledAt?: number;
  /** Query and status look-ups received for this task. */
  statusRequests: number;
  format: ImageFormat;
  storageMode: 'Temporary' | 'Permanent';
  failure?: SimTaskFailure;
  /** What its images show, decided at create; each image adds its own seed (its file name). */
  scene: Omit<SceneParams, 'seed'>;
}

export interface Simulator {
  readonly apiOrigin: string;
  readonly cdnOrigin: string;
  readonly thirdOrigin: string;
  readonly apiKey: string;
  readonly options: Readonly<SimOptions>;
  readonly requests: RecordedRequest[];
  readonly tasks: Map<string, SimTask>;
  configure(p: Partial<SimOptions>): void;
  fault(f: Fault): void;
  clearFaults(): void;
  cdnSawAuthorization(): boolean;
  /** Bytes of 'huge' fault answers written so far. */
  hugeBytesSent(): number;
  /**
   * What a task's `index`-th image shows (or, for a name that is no task, what the CDN serves at
   * `/files/<name>.*`): give it to renderScene for the pixels and the subject's true coverage.
   */
  sceneOf(taskId: string, index?: number): SceneParams;
  /** Forgets requests, tasks, faults and the CDN flag, and restores the options given at start. */
  reset(): void;
  close(): Promise<void>;
}

export interface SimListen {
  /** Fixed API port (0 = random). */
  apiPort?: number;
  cdnPort?: number;
  thirdPort?: number;
}

export const DEFAULT_OPTIONS: Readonly<SimOptions> = {
  mode: 'native',
  apiKey: 'sim-key',
  taskDurationMs: 3000,
  queueMs: 0,
  imageFormat: 'png',
  progress: 'linear',
  invisibleMs: 0,
  malformedFields: false,
  envelopeNesting: 'wrapped',
  keyEcho: [],
  signedUrls: false,
  imagesPerTask: 1,
  realSizes: false,
  keyNoise: 0,
  quiet: false,
};

/** How long a session_id stays taken: a repeat within it is refused (docs/protocol.md: a repeat within 3 days is rejected). */
const SESSION_RETENTION_MS = 3 * 24 * 3600_000;

/** The model/version pairs the gateway accepts (docs/protocol.md), independent of the client's own catalogue. */
export const SIM_MODELS: Readonly<Record<string, readonly string[]>> = {
  GEM: ['2.5', '3.0'],
  Qwen: ['0925'],
  Hunyuan: ['3.0'],
};

export const CREATE_PATH = '/tencent-vod/v1/aigc-image';

/** Content-policy refusals are decided on the input, so they end well before a normal task would. */
const VIOLATION_AFTER_MS = 300;
/** How long a Temporary result URL claims to stay valid. */
const URL_LIFETIME_MS = 24 * 3600_000;

const API_FAULTS = new Set<FaultKind['kind']>([
  'http',
  'reset',
  'slow',
  'malformedJson',
  'htmlError',
  'redirect',
  'violation',
  'bodyError',
  'taskFailure',
  'ignoresKeyColour',
  'huge',
]);
const CDN_FAULTS = new Set<FaultKind['kind']>([
  'http',
  'reset',
  'slow',
  'malformedJson',
  'htmlError',
  'redirect',
  'expiredUrl',
  'notImage',
  'truncated',
  'oversized',
  'trickle',
  'huge',
]);

/** Faults that change the task a create makes, so they apply there only. */
const CREATE_FAULTS = new Set<FaultKind['kind']>(['violation', 'taskFailure', 'ignoresKeyColour']);

type ApiRoute =
  | { route: 'create' }
  | { route: 'query'; id: string }
  | { route: 'status'; id: string }
  | { route: 'response'; id: string }
  | { route: 'cancel'; id: string }
  | { route: 'unknown' };

type Phase = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Faults taken by a create that shape the task it makes. */
interface CreateFaults {
  violation: boolean;
  failure?: Extract<FaultKind, { kind: 'taskFailure' }>;
  keyIgnored?: Extract<FaultKind, { kind: 'ignoresKeyColour' }>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface FaultSlot {
  route: FaultRoute;
  fault: FaultKind;
  left: number;
  /** Epoch ms until which a timed fault (an outage) lasts. */
  until?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function newTaskId(): string {
  return `251007502-AigcImage-${randomBytes(16).toString('hex')}`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const done = () => resolve(Buffer.concat(parts).toString('utf8'));
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', done);
    // A client that hangs up mid-body still gets its request recorded (the promise settles once).
    req.on('close', done);
    req.on('error', done);
  });
}

function headerRecord(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A create body's `output_config`, or nothing. */
function outputConfigOf(body: unknown): Record<string, unknown> {
  return isRecord(body) && isRecord(body.output_config) ? body.output_config : {};
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Tencent error codes for simulated HTTP failures, so the native body looks like the real thing. */
function nativeCode(status: number): string {
  if (status === 400) return 'InvalidParameter';
  if (status === 401) return 'AuthFailure';
  if (status === 402) return 'FailedOperation.InsufficientBalance';
  if (status === 403) return 'UnauthorizedOperation';
  if (status === 404) return 'ResourceNotFound';
  if (status === 429) return 'RequestLimitExceeded';
  if (status >= 500) return 'InternalError';
  return 'FailedOperation';
}

function defaultMessage(status: number): string {
  return http.STATUS_CODES[status]
    ? `simulated HTTP ${status} ${http.STATUS_CODES[status]}`
    : `simulated HTTP ${status}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is just an unknown id
  }
}

/** Later values win, but an explicit undefined does not wipe a default. */
function mergeOptions(base: SimOptions, patch: Partial<SimOptions>): SimOptions {
  const next: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) next[key] = value;
  }
  // JSON (the control server) cannot send undefined, so null or 0 switches padding off, and '' the broken FileUrl.
  if ('imageBytes' in patch && !patch.imageBytes) delete next.imageBytes;
  if ('fileUrl' in patch && !patch.fileUrl) delete next.fileUrl;
  return next as unknown as SimOptions;
}

function routeOf(method: string, pathname: string): ApiRoute {
  // Any prefix is accepted so a base URL with a path (https://gw/api) works too.
  if (method === 'POST' && /^(?:\/.*)?\/tencent-vod\/v1\/aigc-image\/?$/.test(pathname)) return { route: 'create' };
  let m = /^(?:\/.*)?\/tencent-vod\/v1\/(?:query|aigc-image)\/([^/]+)\/?$/.exec(pathname);
  if (m && method === 'GET') return { route: 'query', id: safeDecode(m[1]!) };
  // `/queue/requests/{id}` is what this simulator hands out; `/{owner}/{alias}/requests/{id}` is the
  // layout @fal-ai/client builds itself from an endpoint id (the benchmark points it here).
  m =
    /^(?:\/.*)?\/queue\/requests\/([^/]+)(\/status|\/cancel)?\/?$/.exec(pathname) ??
    /^\/[^/]+\/[^/]+\/requests\/([^/]+)(\/status|\/cancel)?\/?$/.exec(pathname);
  if (m) {
    const id = safeDecode(m[1]!);
    if (m[2] === '/status' && method === 'GET') return { route: 'status', id };
    if (m[2] === '/cancel' && method === 'PUT') return { route: 'cancel', id };
    if (m[2] === undefined && method === 'GET') return { route: 'response', id };
  }
  return { route: 'unknown' };
}

export async function startSimulator(opts: Partial<SimOptions> = {}, listen: SimListen = {}): Promise<Simulator> {
  const initial = mergeOptions(DEFAULT_OPTIONS, opts);
  let options: SimOptions = { ...initial };
  const requests: RecordedRequest[] = [];
  const tasks = new Map<string, SimTask>();
  const sessions = new Map<string, string>();
  let faults: FaultSlot[] = [];
  let cdnAuth = false;
  /** Bytes of 'huge' answers actually written (the client may hang up long before the end). */
  let hugeBytesSent = 0;
  /** Bumped by reset so a delayed (slow-fault) answer from an earlier test cannot create a task in the next one. */
  let epoch = 0;
  const timers = new Set<NodeJS.Timeout>();
  const images = new SceneImageCache();
  let apiOrigin = '';
  let cdnOrigin = '';
  let thirdOrigin = '';

  const log = (line: string) => {
    if (!options.quiet) console.log(`[sim ${new Date().toISOString().slice(11, 23)}] ${line}`);
  };

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  /** The next fault for a request on `route`; 'unknown' (an API path with no route) only meets 'any'. */
  function takeFault(route: Exclude<FaultRoute, 'any'> | 'unknown'): FaultKind | undefined {
    const now = Date.now();
    faults = faults.filter((f) => (f.until !== undefined ? f.until > now : f.left > 0));
    const slot = faults.find((f) => f.route === route || (f.route === 'any' && route !== 'cdn'));
    if (!slot) return undefined;
    if (slot.until === undefined) slot.left--;
    return slot.fault;
  }

  // ---- what images show ---------------------------------------------------

  /**
   * The scene at a CDN file name: a task's (the name is its id, `_<n>` for its n-th image), seeded
   * by the name so each image differs; any other name is a scenery square.
   */
  function sceneNamed(name: string): SceneParams {
    const task = tasks.get(name.replace(/_\d+$/, ''));
    if (task) return { ...task.scene, seed: name };
    const { width, height } = resultSize(undefined, {}, options.realSizes);
    return { width, height, seed: name, backdrop: { kind: 'scenery' } };
  }

  // ---- task clock -------------------------------------------------------

  function phaseOf(task: SimTask, now: number): Phase {
    if (task.cancelled && (task.cancelledAt ?? 0) < task.doneAt) return 'cancelled';
    if (now < task.startAt) return 'queued';
    if (now < task.doneAt) return 'running';
    return task.failure ? 'failed' : 'succeeded';
  }

  function linearProgress(task: SimTask, now: number): number {
    const span = task.doneAt - task.startAt;
    if (span <= 0) return 100;
    return Math.max(0, Math.min(100, Math.floor(((now - task.startAt) / span) * 100)));
  }

  /** What a running task reports, in the configured progress shape; undefined: no progress field. */
  function progressOf(task: SimTask, now: number): number | undefined {
    const linear = linearProgress(task, now);
    switch (options.progress) {
      case 'linear':
        return linear;
      case 'none':
        return undefined;
      case 'zero':
        return 0;
      case 'stuck99':
        return linear >= 25 ? 99 : 0;
      case 'jumps':
        return linear < 20 ? 0 : linear < 60 ? 30 : 80;
      case 'constant50':
        return 50;
    }
  }

  /** Tasks created earlier that are still waiting, i.e. ahead of this one. */
  function queuePosition(task: SimTask, now: number): number {
    let ahead = 0;
    for (const other of tasks.values()) {
      if (other !== task && other.createdAt <= task.createdAt && phaseOf(other, now) === 'queued') ahead++;
    }
    return ahead;
  }

  function fileUrl(task: SimTask, index: number): string {
    if (options.fileUrl !== undefined) return options.fileUrl;
    const name = index === 0 ? task.id : `${task.id}_${index}`;
    const query = new URLSearchParams();
    if (options.signedUrls) {
      query.set('t', Math.floor((task.doneAt + URL_LIFETIME_MS) / 1000).toString(16));
      query.set('sign', createHash('md5').update(`sim-cdn-secret/${name}`).digest('hex'));
    }
    if (options.keyEcho.includes('fileUrl')) query.set('auth', options.apiKey);
    const search = query.toString() ? `?${query.toString()}` : '';
    return `${cdnOrigin}/files/${encodeURIComponent(name)}.${EXTENSIONS[task.format]}${search}`;
  }

  function outputFileInfos(task: SimTask): Record<string, unknown>[] {
    const bad = options.malformedFields;
    return Array.from({ length: Math.max(1, options.imagesPerTask) }, (_, index) => ({
      FileType: EXTENSIONS[task.format],
      StorageMode: bad ? 0 : task.storageMode,
      MediaName: 'aigcImageGenFile',
      FileId: task.storageMode === 'Permanent' ? `5285890${(parseInt(task.id.slice(-10), 16) + index) % 1e12}` : '',
      FileUrl: fileUrl(task, index),
      ExpireTime: bad ? '0000-00-00' : task.storageMode === 'Temporary' ? iso(task.doneAt + URL_LIFETIME_MS) : '',
    }));
  }

  /** DescribeTaskDetail as Tencent VOD answers it. */
  function nativeDetail(task: SimTask, now: number): { Response: Record<string, unknown> } {
    const phase = phaseOf(task, now);
    const status = {
      queued: 'WAITING',
      running: 'PROCESSING',
      succeeded: 'FINISH',
      failed: 'FINISH',
      cancelled: 'ABORTED',
    }[phase];
    const body = isRecord(task.body) ? task.body : {};
    const output = isRecord(body.output_config) ? body.output_config : {};
    const fileInfos = Array.isArray(body.file_infos) ? body.file_infos.filter(isRecord) : [];
    const ended = phase === 'succeeded' || phase === 'failed' || phase === 'cancelled';
    const endedAt = phase === 'cancelled' ? (task.cancelledAt ?? now) : task.doneAt;
    const progress =
      phase === 'queued'
        ? 0
        : phase === 'running'
          ? progressOf(task, now)
          : phase === 'cancelled'
            ? linearProgress(task, endedAt)
            : 100;
    const bad = options.malformedFields;
    return {
      Response: {
        TaskType: 'AigcImageTask',
        Status: status,
        CreateTime: bad ? '' : iso(task.createdAt),
        BeginProcessTime: phase === 'queued' ? '' : iso(task.startAt),
        FinishTime: ended ? (bad ? 'N/A' : iso(endedAt)) : '',
        AigcImageTask: {
          TaskId: task.id,
          Status: status,
          ErrCode: phase === 'failed' ? task.failure!.errCode : 0,
          ErrCodeExt: phase === 'failed' ? task.failure!.errCodeExt : '',
          Message: phase === 'failed' ? task.failure!.message : phase === 'cancelled' ? 'Task aborted' : '',
          ...(progress === undefined ? {} : { Progress: bad && phase === 'running' ? '--' : progress }),
          Input: {
            ModelName: str(body.model_name) ?? '',
            ModelVersion: str(body.model_version) ?? '',
            Prompt: str(body.prompt) ?? '',
            NegativePrompt: str(body.negative_prompt) ?? '',
            EnhancePrompt: str(body.enhance_prompt) ?? '',
            FileInfos: fileInfos.map((f) => ({
              Type: str(f.type) ?? '',
              FileId: str(f.file_id) ?? '',
              Url: str(f.url) ?? '',
              Text: str(f.text) ?? '',
            })),
            OutputConfig: {
              StorageMode: task.storageMode,
              Resolution: str(output.resolution) ?? '',
              AspectRatio: str(output.aspect_ratio) ?? '',
              PersonGeneration: str(output.person_generation) ?? '',
              InputComplianceCheck: str(output.input_compliance_check) ?? '',
              OutputComplianceCheck: str(output.output_compliance_check) ?? '',
            },
          },
          Output: { FileInfos: phase === 'succeeded' ? outputFileInfos(task) : [] },
          SessionId: task.sessionId ?? '',
          SessionContext: str(body.session_context) ?? '',
          TasksPriority: typeof body.tasks_priority === 'number' ? body.tasks_priority : 0,
          ExtInfo: str(body.ext_info) ?? '',
        },
        RequestId: randomUUID(),
      },
    };
  }

  function envelopeDetail(task: SimTask, now: number): unknown {
    const phase = phaseOf(task, now);
    const status = {
      queued: 'QUEUED',
      running: 'IN_PROGRESS',
      succeeded: 'SUCCESS',
      failed: 'FAILURE',
      cancelled: 'FAILURE',
    }[phase];
    const data: Record<string, unknown> = { task_id: task.id, status };
    // Envelope gateways report progress as a percentage string.
    const progress = progressOf(task, now);
    if (phase === 'running' && progress !== undefined) data.progress = options.malformedFields ? '--' : `${progress}%`;
    if (phase === 'succeeded') data.progress = '100%';
    if (phase === 'failed') data.fail_reason = task.failure!.message;
    if (phase === 'cancelled') data.fail_reason = 'Task cancelled';
    const detail = nativeDetail(task, now);
    data.data = options.envelopeNesting === 'bare' ? detail.Response : detail;
    return { code: 0, message: '', data };
  }

  function queueUrls(task: SimTask, origin: string) {
    const base = `${origin}/queue/requests/${encodeURIComponent(task.id)}`;
    return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
  }

  /** fal-style queue status; a cancelled request reports COMPLETED with a cancellation error, as fal does. */
  function queueStatus(task: SimTask, now: number, origin: string): Answer {
    const phase = phaseOf(task, now);
    const common = { request_id: task.id, ...queueUrls(task, origin) };
    switch (phase) {
      case 'queued':
        return {
          status: 202,
          body: { status: 'IN_QUEUE', queue_position: queuePosition(task, now), logs: [], metrics: {}, ...common },
        };
      case 'running':
        return {
          status: 202,
          body: {
            status: 'IN_PROGRESS',
            logs: [
              {
                message: `generating (${linearProgress(task, now)}%)`,
                level: 'INFO',
                source: 'user',
                timestamp: new Date(now).toISOString(),
              },
            ],
            metrics: {},
            ...common,
          },
        };
      case 'cancelled':
        return {
          status: 200,
          body: { status: 'COMPLETED', error: 'Request was cancelled', logs: [], metrics: {}, ...common },
        };
      default:
        return {
          status: 200,
          body: {
            status: 'COMPLETED',
            logs: [],
            metrics: { inference_time: (task.doneAt - task.startAt) / 1000 },
            ...common,
          },
        };
    }
  }

  // ---- answers in the current mode's shapes -------------------------------

  function errorAnswer(status: number, message: string, code = nativeCode(status)): Answer {
    switch (options.mode) {
      case 'native':
        return { status, body: { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } } };
      case 'queue':
        // FastAPI-style, as fal answers
        return { status, body: { detail: message } };
      case 'envelope':
        return { status, body: { code: status, message, data: null } };
    }
  }

  function createAnswer(task: SimTask, origin: string): Answer {
    switch (options.mode) {
      case 'native':
        return { status: 200, body: { Response: { TaskId: task.id, RequestId: task.requestId } } };
      case 'queue':
        return {
          status: 200,
          body: {
            status: 'IN_QUEUE',
            request_id: task.id,
            ...queueUrls(task, origin),
            queue_position: queuePosition(task, Date.now()),
            logs: [],
            metrics: {},
          },
        };
      case 'envelope':
        return { status: 200, body: { code: 0, message: 'success', data: { task_id: task.id } } };
    }
  }

  function validateCreate(body: unknown): string | undefined {
    if (!isRecord(body)) return 'The request body must be a JSON object.';
    const name = body.model_name;
    const version = body.model_version;
    if (typeof name !== 'string' || !name) return 'model_name is required.';
    if (typeof version !== 'string' || !version) return 'model_version is required.';
    const versions = SIM_MODELS[name];
    if (!versions) return `Unsupported model_name ${name}; supported: ${Object.keys(SIM_MODELS).join(', ')}.`;
    if (!versions.includes(version))
      return `Unsupported model_version ${version} for ${name}; supported: ${versions.join(', ')}.`;
    if (typeof body.prompt !== 'string' || !body.prompt.trim()) return 'prompt is required and must not be empty.';
    if (body.session_id !== undefined && (typeof body.session_id !== 'string' || body.session_id.length > 50)) {
      return 'session_id must be a string of at most 50 characters.';
    }
    return undefined;
  }

  /** What the model will paint for a create body: its size, subject and backdrop. */
  function sceneForCreate(body: Record<string, unknown>, keyIgnored: CreateFaults['keyIgnored']): SimTask['scene'] {
    const prompt = str(body.prompt) ?? '';
    const { width, height } = resultSize(body.model_name, outputConfigOf(body), options.realSizes);
    const key = keyColourAsked(prompt);
    const backdrop: Backdrop =
      key && !keyIgnored
        ? { kind: 'key', colour: key, noise: options.keyNoise }
        : key && keyIgnored?.paints === 'checkerboard'
          ? { kind: 'checkerboard' }
          : { kind: 'scenery' };
    const subject = kindNamedIn(prompt);
    return { width, height, backdrop, ...(subject ? { subject } : {}) };
  }

  function create(raw: string, { violation, failure, keyIgnored }: CreateFaults, origin: string): Answer {
    let body: unknown;
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      return errorAnswer(400, 'The request body is not valid JSON.', 'InvalidParameter');
    }
    const problem = validateCreate(body);
    if (problem) return errorAnswer(400, problem, 'InvalidParameterValue');
    const record = body as Record<string, unknown>;
    const sessionId = str(record.session_id) || undefined;
    const now = Date.now();
    const knownId = sessionId ? sessions.get(sessionId) : undefined;
    const known = knownId ? tasks.get(knownId) : undefined;
    // The protocol: a repeat within 3 days is rejected with an error (and does not reveal the first task).
    if (known && now - known.createdAt < SESSION_RETENTION_MS) {
      return errorAnswer(
        400,
        `The session_id ${sessionId} was already used within the last 3 days.`,
        'InvalidParameterValue.SessionIdDuplicated',
      );
    }
    const startAt = now + Math.max(0, options.queueMs);
    const output = outputConfigOf(record);
    const task: SimTask = {
      // Only a request with the configured key gets this far, so that is the key it carried.
      id: options.keyEcho.includes('taskId') ? `${newTaskId()}-${options.apiKey}` : newTaskId(),
      requestId: randomUUID(),
      body,
      sessionId,
      createdAt: now,
      startAt,
      doneAt:
        startAt +
        (violation ? Math.min(VIOLATION_AFTER_MS, options.taskDurationMs) : Math.max(0, options.taskDurationMs)),
      cancelled: false,
      statusRequests: 0,
      format: options.imageFormat,
      storageMode: output.storage_mode === 'Permanent' ? 'Permanent' : 'Temporary',
      failure: violation
        ? {
            errCode: 10001,
            errCodeExt: 'InvalidParameter.VoilationContent',
            message: 'The input violates the content policy.',
          }
        : failure
          ? {
              errCode: failure.errCode ?? 70000,
              errCodeExt: failure.errCodeExt ?? 'InternalError',
              message: failure.message ?? 'The model failed to generate an image.',
            }
          : undefined,
      scene: sceneForCreate(record, keyIgnored),
    };
    tasks.set(task.id, task);
    if (sessionId) sessions.set(sessionId, task.id);
    return createAnswer(task, origin);
  }

  /**
   * A task the gateway does not know (yet): Tencent answers HTTP 200 with `Response.Error`,
   * envelope gateways HTTP 200 with a non-zero code, queue gateways HTTP 404.
   */
  function notFound(id: string): Answer {
    return errorInBody('ResourceNotFound.TaskNotExist', `The task ${id} does not exist.`, 404, 404);
  }

  function bodyError(fault: Extract<FaultKind, { kind: 'bodyError' }>): Answer {
    return errorInBody(
      fault.code ?? 'InternalError',
      fault.message ?? 'simulated error in an HTTP 200 answer',
      Number(fault.code) || 500,
      500,
    );
  }

  /**
   * An error where each shape puts one: HTTP 200 with `Response.Error` (native), HTTP 200 with the
   * non-zero `envelopeCode` (envelope), and HTTP `queueStatus` (queue, which has no error in a body).
   */
  function errorInBody(code: string, message: string, envelopeCode: number, queueStatus: number): Answer {
    switch (options.mode) {
      case 'native':
        return {
          status: 200,
          body: { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } },
        };
      case 'envelope':
        return { status: 200, body: { code: envelopeCode, message, data: null } };
      case 'queue':
        return { status: queueStatus, body: { detail: message } };
    }
  }

  /** A task is visible to queries only `invisibleMs` after its create. */
  function visible(id: string, now: number): SimTask | undefined {
    const task = tasks.get(id);
    return task && now - task.createdAt >= options.invisibleMs ? task : undefined;
  }

  function handleApi(route: ApiRoute, raw: string, faults: CreateFaults, origin: string): Answer {
    const now = Date.now();
    switch (route.route) {
      case 'create':
        return create(raw, faults, origin);
      case 'query': {
        const task = visible(route.id, now);
        if (!task) return notFound(route.id);
        return { status: 200, body: options.mode === 'envelope' ? envelopeDetail(task, now) : nativeDetail(task, now) };
      }
      case 'status': {
        const task = visible(route.id, now);
        return task ? queueStatus(task, now, origin) : notFound(route.id);
      }
      case 'response': {
        const task = tasks.get(route.id);
        if (!task) return notFound(route.id);
        const phase = phaseOf(task, now);
        if (phase === 'queued' || phase === 'running')
          return { status: 400, body: { detail: 'Request is still in progress' } };
        return { status: 200, body: nativeDetail(task, now) };
      }
      case 'cancel': {
        const task = tasks.get(route.id);
        if (!task) return notFound(route.id);
        const phase = phaseOf(task, now);
        if (phase === 'succeeded' || phase === 'failed') return { status: 400, body: { status: 'ALREADY_COMPLETED' } };
        if (!task.cancelled) {
          task.cancelled = true;
          task.cancelledAt = now;
        }
        return { status: 202, body: { status: 'CANCELLATION_REQUESTED' } };
      }
      case 'unknown':
        return errorAnswer(404, 'No such API path.', 'UnsupportedOperation');
    }
  }

  // ---- HTTP plumbing -------------------------------------------------------

  function sendJson(res: http.ServerResponse, answer: Answer): void {
    if (res.destroyed) return;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      ...answer.headers,
    });
    res.end(text);
  }

  /** Faults every server shares; returns true when the request has been answered. */
  async function applyCommonFault(
    fault: FaultKind,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    asError: (status: number, message: string) => Answer,
    server: SimServer,
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'reset':
        req.socket.destroy();
        return true;
      case 'slow': {
        const started = epoch;
        await delay(fault.delayMs);
        // The client gave up (or the test moved on): answering now would only leak into the next test.
        if (res.destroyed || req.socket.destroyed || started !== epoch) {
          req.socket.destroy();
          return true;
        }
        return false;
      }
      case 'http': {
        const answer = asError(fault.status, fault.message ?? defaultMessage(fault.status));
        if (fault.retryAfterSeconds !== undefined)
          answer.headers = { ...answer.headers, 'Retry-After': String(fault.retryAfterSeconds) };
        sendJson(res, answer);
        return true;
      }
      case 'malformedJson': {
        const text = '{"Response": {"TaskId": "251007502-AigcImage-';
        res.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(text),
        });
        res.end(text);
        return true;
      }
      case 'htmlError': {
        const html =
          '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
        res.writeHead(502, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) });
        res.end(html);
        return true;
      }
      case 'redirect':
        res.writeHead(302, { Location: thirdOrigin + (req.url ?? '/'), 'Content-Length': 0 });
        res.end();
        return true;
      case 'huge': {
        // Streamed with back-pressure; how much went out is counted, so a test can see the client hang up early.
        const status = server === 'api' ? 200 : 500;
        res.writeHead(status, {
          'Content-Type': status === 200 ? 'application/json' : 'text/html',
          'Content-Length': fault.bytes,
        });
        const head = Buffer.from(status === 200 ? '{"Response": {"Padding": "' : '<html><body>');
        const block = Buffer.alloc(64 * 1024, 0x61);
        let sent = 0;
        const pump = () => {
          while (sent < fault.bytes && !res.destroyed) {
            const piece = sent === 0 ? head : block.subarray(0, Math.min(block.length, fault.bytes - sent));
            sent += piece.length;
            hugeBytesSent += piece.length;
            if (!res.write(piece)) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end();
        };
        pump();
        return true;
      }
      default:
        return false;
    }
  }

  function record(server: SimServer, req: http.IncomingMessage, body: string): void {
    const headers = headerRecord(req);
    if (server !== 'api' && headers.authorization !== undefined) cdnAuth = true;
    requests.push({ server, method: req.method ?? 'GET', path: req.url ?? '/', headers, body, at: Date.now() });
  }

  function logOnFinish(server: SimServer, req: http.IncomingMessage, res: http.ServerResponse, started: number): void {
    res.on('close', () => {
      const status = res.headersSent ? String(res.statusCode) : 'reset';
      log(`${server.padEnd(5)} ${req.method} ${req.url} -> ${status} (${Date.now() - started} ms)`);
    });
  }

  async function onApi(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    logOnFinish('api', req, res, started);
    const body = await readBody(req);
    record('api', req, body);
    const url = new URL(req.url ?? '/', 'http://sim');
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if ('id' in route && (route.route === 'query' || route.route === 'status')) {
      const task = tasks.get(route.id);
      if (task) task.statusRequests++;
    }
    // Status URLs use the host the client called, so they stay on its origin (localhost vs 127.0.0.1).
    const origin = req.headers.host ? `http://${req.headers.host}` : apiOrigin;

    let violation = false;
    let failure: Extract<FaultKind, { kind: 'taskFailure' }> | undefined;
    let keyIgnored: Extract<FaultKind, { kind: 'ignoresKeyColour' }> | undefined;
    const fault = takeFault(route.route);
    if (fault) {
      if (fault.kind === 'violation') violation = route.route === 'create';
      else if (fault.kind === 'taskFailure') failure = fault;
      else if (fault.kind === 'ignoresKeyColour') keyIgnored = fault;
      else if (fault.kind === 'bodyError') {
        sendJson(res, bodyError(fault));
        return;
      } else if (await applyCommonFault(fault, req, res, (status, message) => errorAnswer(status, message), 'api'))
        return;
    }

    const auth = req.headers.authorization;
    if (auth !== `Bearer ${options.apiKey}`) {
      // The gateway's auth layer answers in the Tencent shape whatever the task shape.
      sendJson(res, {
        status: 401,
        body: {
          Response: {
            Error: {
              Code: 'AuthFailure',
              Message: auth ? 'The API key is not valid.' : 'Missing Authorization: Bearer <API key>.',
            },
            RequestId: randomUUID(),
          },
        },
      });
      return;
    }
    sendJson(res, handleApi(route, body, { violation, failure, keyIgnored }, origin));
  }

  function sendImage(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    stream: { size: number; chunks(): Iterable<Buffer> },
    format: ImageFormat,
  ): void {
    res.writeHead(200, {
      'Content-Type': options.imageContentType ?? CONTENT_TYPES[format],
      'Content-Length': stream.size,
      'Cache-Control': 'max-age=86400',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // pipe() respects back-pressure, so a large image is never held in memory at once.
    Readable.from(stream.chunks()).pipe(res);
  }

  /** Sends `bytes` a few at a time, until the end or until the client hangs up. */
  function trickle(
    res: http.ServerResponse,
    bytes: Buffer,
    format: ImageFormat,
    pace: { bytes: number; everyMs: number },
  ): void {
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[format], 'Content-Length': bytes.length });
    let sent = 0;
    const started = epoch;
    const next = () => {
      if (res.destroyed || started !== epoch) return void res.destroy();
      const piece = bytes.subarray(sent, sent + Math.max(1, pace.bytes));
      sent += piece.length;
      if (sent >= bytes.length) return void res.end(piece);
      res.write(piece);
      const timer = setTimeout(() => {
        timers.delete(timer);
        next();
      }, pace.everyMs);
      timers.add(timer);
    };
    next();
  }

  function cdnNotFound(
    res: http.ServerResponse,
    status = 404,
    code = 'NoSuchKey',
    message = 'The specified key does not exist.',
  ): void {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
    res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
    res.end(xml);
  }

  async function onFiles(server: 'cdn' | 'third', req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    logOnFinish(server, req, res, started);
    const body = await readBody(req);
    record(server, req, body);
    const url = new URL(req.url ?? '/', 'http://sim');
    const m = /^\/files\/([^/]+)\.([A-Za-z]+)$/.exec(url.pathname);
    const format = m ? formatFromExtension(m[2]!) : undefined;
    if (!m || !format || (req.method !== 'GET' && req.method !== 'HEAD')) {
      cdnNotFound(res);
      return;
    }
    const name = safeDecode(m[1]!);
    // Painted only when something is sent: most faults answer without an image.
    const image = () => images.get(sceneNamed(name), format);

    // The third origin only stands in for "somewhere else": no faults there, or a redirect would loop.
    const fault = server === 'cdn' ? takeFault('cdn') : undefined;
    if (fault) {
      const plainError = (status: number, message: string): Answer => ({ status, body: { error: message } });
      if (await applyCommonFault(fault, req, res, plainError, 'cdn')) return;
      switch (fault.kind) {
        case 'expiredUrl':
          // What an expired signed VOD/COS URL answers.
          cdnNotFound(res, 403, 'AccessDenied', 'Request has expired');
          return;
        case 'notImage': {
          const html =
            '<!DOCTYPE html><html><head><title>Not an image</title></head><body>Sorry, this is a web page.</body></html>';
          res.writeHead(200, { 'Content-Type': CONTENT_TYPES.png, 'Content-Length': Buffer.byteLength(html) });
          res.end(html);
          return;
        }
        case 'truncated': {
          const bytes = await image();
          res.writeHead(200, { 'Content-Type': CONTENT_TYPES[format], 'Content-Length': bytes.length * 2 + 1000 });
          res.write(bytes.subarray(0, Math.ceil(bytes.length / 2)), () => req.socket.end());
          return;
        }
        case 'oversized':
          sendImage(req, res, paddedImage(format, fault.bytes, await image()), format);
          return;
        case 'trickle':
          trickle(res, await image(), format, fault);
          return;
        default:
          break;
      }
    }
    const plain = await image();
    const stream =
      options.imageBytes !== undefined && options.imageBytes > 0
        ? paddedImage(format, options.imageBytes, plain)
        : { size: plain.length, chunks: () => [plain] };
    sendImage(req, res, stream, format);
  }

  const wrap =
    (handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) =>
    (req: http.IncomingMessage, res: http.ServerResponse) => {
      handler(req, res).catch((error: unknown) => {
        console.error('[sim] handler failed:', error);
        if (!res.headersSent) sendJson(res, { status: 500, body: { error: String(error) } });
        else res.destroy();
      });
    };

  const apiServer = http.createServer(wrap(onApi));
  const cdnServer = http.createServer(wrap((req, res) => onFiles('cdn', req, res)));
  const thirdServer = http.createServer(wrap((req, res) => onFiles('third', req, res)));

  async function listenOn(server: http.Server, port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  apiOrigin = await listenOn(apiServer, listen.apiPort);
  cdnOrigin = await listenOn(cdnServer, listen.cdnPort);
  thirdOrigin = await listenOn(thirdServer, listen.thirdPort);

  const closeServer = (server: http.Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  return {
    apiOrigin,
    cdnOrigin,
    thirdOrigin,
    get apiKey() {
      return options.apiKey;
    },
    get options() {
      return options;
    },
    requests,
    tasks,
    configure(p: Partial<SimOptions>) {
      options = mergeOptions(options, p);
    },
    fault(f: Fault) {
      const allowed = f.route === 'cdn' ? CDN_FAULTS : API_FAULTS;
      if (!allowed.has(f.fault.kind)) throw new Error(`fault ${f.fault.kind} does not apply to route ${f.route}`);
      if (CREATE_FAULTS.has(f.fault.kind) && f.route !== 'create')
        throw new Error(`fault ${f.fault.kind} applies to route create only`);
      if (f.forMs !== undefined) {
        faults.push({ route: f.route, fault: f.fault, left: Infinity, until: Date.now() + f.forMs });
        return;
      }
      const times = f.times ?? 1;
      if (times > 0) faults.push({ route: f.route, fault: f.fault, left: times });
    },
    clearFaults() {
      faults = [];
    },
    cdnSawAuthorization() {
      return cdnAuth;
    },
    sceneOf(taskId: string, index = 0) {
      return sceneNamed(index === 0 ? taskId : `${taskId}_${index}`);
    },
    hugeBytesSent() {
      return hugeBytesSent;
    },
    reset() {
      epoch++;
      requests.length = 0;
      tasks.clear();
      sessions.clear();
      faults = [];
      cdnAuth = false;
      hugeBytesSent = 0;
      images.clear();
      options = { ...initial };
    },
    async close() {
      epoch++;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([closeServer(apiServer), closeServer(cdnServer), closeServer(thirdServer)]);
    },
  };
}
