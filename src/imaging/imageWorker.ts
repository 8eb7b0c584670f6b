/**
 * The ImageFinisher the host uses: sharp in a worker thread, started on the first job and ended
 * when there is no more work, so nothing of the image library is in memory before it is needed
 * or after. Jobs run one at a time (a 4K decode is 64 MB of pixels; two at once would double
 * it); a worker that dies takes only its job in flight with it, and the next job gets a fresh one.
 */
import { Worker } from 'node:worker_threads';
import { type GenerationError, toGenerationError } from '../core/errors';
import type { FinishReport, FinishSpec, ImageFacts, ImageFinisher } from '../core/finish';
import { processingError, workerCrashed, workerStopped } from './imagingErrors';
import {
  type LibraryFacts,
  type Reply,
  type WorkerOptions,
  finishReportSchema,
  imageFactsSchema,
  libraryFactsSchema,
  replySchema,
} from './messages';

export interface ImageWorkerOptions {
  /** The worker's script: dist/imageWorker.js in the extension, the compiled worker.js in tests. */
  script: string;
  /** How long the worker may sit without work before it is ended; 0 ends it as soon as the queue is empty. */
  idleMs?: number;
  build?: WorkerOptions['build'];
}

type JobBody =
  | { job: 'finish'; input: string; spec: FinishSpec; output: string }
  | { job: 'probe'; input: string }
  | { job: 'library' };

interface InFlight {
  id: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** What a failed reply becomes on this side of the thread. */
function replyError(reply: Extract<Reply, { ok: false }>): GenerationError {
  if (reply.code === 'fileSystem' && reply.file) {
    const { errno, syscall, path } = reply.file;
    return toGenerationError(Object.assign(new Error(reply.message), { code: errno, syscall, path }));
  }
  if (reply.code === 'fileSystem' || reply.code === 'unexpected') return toGenerationError(new Error(reply.message));
  return processingError(reply.code, reply.args, reply.message);
}

export class ImageWorker implements ImageFinisher {
  private worker: Worker | undefined;
  private inFlight: InFlight | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private disposed = false;
  private startedCount = 0;

  constructor(private readonly options: ImageWorkerOptions) {}

  async finish(input: string, spec: FinishSpec, output: string): Promise<FinishReport> {
    return finishReportSchema.parse(await this.run({ job: 'finish', input, spec, output }));
  }

  async probe(input: string): Promise<ImageFacts> {
    return imageFactsSchema.parse(await this.run({ job: 'probe', input }));
  }

  /** Which sharp build the worker loaded, and its libvips version. */
  async library(): Promise<LibraryFacts> {
    return libraryFactsSchema.parse(await this.run({ job: 'library' }));
  }

  /** Workers started so far: a restart after a crash or an idle end shows here. */
  get started(): number {
    return this.startedCount;
  }

  /** Whether a worker thread is alive now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Resolves once no worker is running (at once when none is). */
  idle(): Promise<void> {
    if (!this.worker) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends the worker now; a job in flight rejects with workerStopped, and later jobs are refused. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.inFlight?.reject(workerStopped());
    this.inFlight = undefined;
    await this.end();
  }

  private run(body: JobBody): Promise<unknown> {
    if (this.disposed) return Promise.reject(workerStopped());
    this.queued++;
    const result = this.tail.then(() => this.dispatch(body)).finally(() => this.afterJob());
    this.tail = result.catch(() => undefined);
    return result;
  }

  private dispatch(body: JobBody): Promise<unknown> {
    if (this.disposed) return Promise.reject(workerStopped());
    clearTimeout(this.idleTimer);
    const worker = this.ensureWorker();
    worker.ref();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.inFlight = { id, resolve, reject };
      worker.postMessage({ id, ...body });
    });
  }

  private afterJob(): void {
    this.queued--;
    if (this.queued > 0 || !this.worker) return;
    // An idle worker must not keep the extension host (or a test) alive.
    this.worker.unref();
    const idleMs = this.options.idleMs ?? 60_000;
    if (idleMs === 0) void this.end();
    else this.idleTimer = setTimeout(() => void this.end(), idleMs).unref();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.script, { workerData: { build: this.options.build ?? 'auto' } });
    this.startedCount++;
    worker.on('message', (message: unknown) => this.onReply(message));
    worker.on('error', () => {
      // An uncaught error ends the thread; 'exit' follows and settles the job in flight.
    });
    worker.on('exit', (code) => this.onExit(worker, code));
    this.worker = worker;
    return worker;
  }

  private onReply(message: unknown): void {
    const job = this.inFlight;
    const parsed = replySchema.safeParse(message);
    if (!job) return;
    this.inFlight = undefined;
    if (!parsed.success)
      job.reject(toGenerationError(new Error(`the image worker sent an unreadable reply: ${parsed.error.message}`)));
    else if (parsed.data.id !== job.id)
      job.reject(toGenerationError(new Error(`the image worker answered job ${parsed.data.id}, not ${job.id}`)));
    else if (parsed.data.ok) job.resolve(parsed.data.value);
    else job.reject(replyError(parsed.data));
  }

  private onExit(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.inFlight?.reject(workerCrashed(code));
    this.inFlight = undefined;
    this.settleIdle();
  }

  private async end(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    await worker.terminate();
    this.settleIdle();
  }

  private settleIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
