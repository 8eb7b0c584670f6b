/**
 * Drives one task through its lifecycle (lifecycle.ts) while this extension host holds the
 * task's lease: submit, wait, land, with every step journalled before the next. It never
 * gives up on a billed task: failures become a `problem` and a later try, and only the
 * gateway's definitive answer, the user or the retention period end a task.
 *
 * The collector stops (leaving the record as it is, for the next host) when `stop()` is called
 * (the window closes) or when another host has taken its lease over.
 */
import { type GenerationError, toGenerationError } from './errors';
import { type GatewayClient, createdNothing } from './gateway';
import { HEARTBEAT_MS, type Lease, type TaskJournal } from './journal';
import { LandingError, landImages } from './landing';
import { type MinimumPace, downloadFailureOf } from './download';
import { type DurationBook, durationKey } from './durationBook';
import {
  type LifecycleEvent,
  MAX_IMAGES_PER_TASK,
  type Note,
  RETENTION_MS,
  type TaskRecord,
  UNUSABLE_URL_TRIES,
  advance,
  isPastRetention,
  isTerminal,
  waitsForCollectNow,
} from './lifecycle';
import { pollUntilDone } from './poll';
import type { CreateTaskBody } from './request';
import { isFinal } from './gatewayAnswer';

export interface CollectorDeps {
  journal: TaskJournal;
  client: Pick<GatewayClient, 'submit' | 'query' | 'cancel' | 'apiOrigin'>;
  /** `Bearer …`, sent to the API origin only (some gateways serve results there). */
  authorization?: string;
  extensionVersion: string;
  /** The create body with its inline images: the one just built, or read again from the files after a reload. */
  bodyFor(record: TaskRecord): Promise<CreateTaskBody>;
  fetch?: typeof fetch;
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Per image; see LandingDeps. */
  maxBytes?: number;
  /** All images of the task together; see LandingDeps. */
  maxTaskBytes?: number;
  /** The slowest a download may be (tests make it small, so a trickle is seen in milliseconds). */
  pace?: MinimumPace;
  /** Durations this model took on this gateway before, and where to add this one's. */
  durations?: Pick<DurationBook, 'durations' | 'record'>;
}

export interface CollectOptions {
  lease: Lease;
  /** From this moment (epoch ms) the wait is in the background: slower looks, no notification. */
  backgroundAfter: number;
  /** Look at once (a resumed task may have finished meanwhile). */
  lookNow?: boolean;
  heartbeatMs?: number;
  onChange?: (collector: TaskCollector) => void;
}

/** A note for the user from an error: its template and arguments (the host translates them). */
export function noteFrom(error: GenerationError, now: number): Note {
  return {
    kind: error.kind,
    template: error.template,
    ...(error.args.length ? { args: [...error.args] } : {}),
    ...(error.code ? { code: error.code } : {}),
    at: now,
  };
}

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

/** Waits between landing attempts that failed for a reason worth retrying (CDN errors, a full disk). */
export function landingDelay(failuresInRow: number, background: boolean): number {
  return Math.min(background ? 60_000 : 30_000, 250 * 2 ** Math.max(0, failuresInRow - 1));
}

const FOLDER_CODES = new Set(['outsideWorkspace', 'noFolder', 'EACCES', 'EPERM', 'EROFS']);

export class TaskCollector {
  private current: TaskRecord;
  private readonly now: () => number;
  private readonly stopper = new AbortController();
  /** The wait or landing in progress; aborted to act on cancel, discard or "collect now". */
  private step: AbortController | undefined;
  private readonly wakers = new Set<() => void>();
  private applying: Promise<TaskRecord>;
  private lookNow: boolean;
  private cancelAsked = false;
  private discardAsked = false;
  private stoppedWaiting = false;
  private landingFailures = 0;
  /** The latest sleep between looks: a finish lies, on average, half of it before it was seen. */
  private lastSleepMs = 0;
  /** This host submitted the task and has watched it since: its duration is worth learning. */
  private watchedFromStart = false;
  /** The error behind the latest problem or outcome, with its details, for the log and the UI. */
  lastError: GenerationError | undefined;
  backgroundAfter: number;

  constructor(
    record: TaskRecord,
    private readonly deps: CollectorDeps,
    private readonly options: CollectOptions,
  ) {
    this.current = record;
    this.applying = Promise.resolve(record);
    this.now = deps.now ?? Date.now;
    this.backgroundAfter = options.backgroundAfter;
    this.lookNow = options.lookNow ?? false;
  }

  get record(): TaskRecord {
    return this.current;
  }

  get id(): string {
    return this.current.id;
  }

  /** Someone is watching: before the foreground deadline, and the user has not stopped waiting. */
  get foreground(): boolean {
    return !this.stoppedWaiting && !isTerminal(this.current.phase) && this.now() < this.backgroundAfter;
  }

  get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  /**
   * The user's "Cancel": while the create request is in flight, cancel as soon as it answers;
   * while waiting, ask the gateway to cancel where it can, or else stop waiting (the task keeps
   * running upstream and is collected in the background). A finished task is not cancelled.
   */
  cancel(): void {
    if (this.current.phase === 'submitting') {
      this.cancelAsked = true;
      void this.apply({ type: 'cancelWhenSubmitted' });
    } else if (this.current.phase === 'waiting') {
      this.cancelAsked = true;
      this.step?.abort();
    }
  }

  /** The user's "Discard": forget the task (a landed image stays where it is). */
  discard(): void {
    this.discardAsked = true;
    this.step?.abort();
    this.wake();
  }

  /** Look (or try to land) now instead of after the current delay; unusable image addresses get another round. */
  collectNow(): void {
    this.lookNow = true;
    this.landingFailures = 0;
    void this.apply({ type: 'retry' });
    this.wake();
  }

  /** The foreground wait ends (deadline, or the user stopped watching); the task goes on in the background. */
  stopWaiting(): void {
    if (this.stoppedWaiting) return;
    this.stoppedWaiting = true;
    this.changed();
  }

  /** Stop working on the task, leaving it for the next host (the window is closing, or the lease was lost). */
  stop(): void {
    this.stopper.abort();
    this.wake();
  }

  /** Works until the task is terminal, needs the user (uncertain, blocked), or `stop()`. */
  async run(): Promise<TaskRecord> {
    const beat = setInterval(() => void this.heartbeat(), this.options.heartbeatMs ?? HEARTBEAT_MS);
    try {
      for (;;) {
        await this.applying;
        if (this.stopped) return this.current;
        if (this.discardAsked) {
          await this.apply({ type: 'discard', reason: 'user' });
          return this.current;
        }
        if (isPastRetention(this.current, this.now())) {
          await this.apply({ type: 'discard', reason: 'retention' });
          return this.current;
        }
        switch (this.current.phase) {
          case 'submitting':
            await this.submit();
            break;
          case 'waiting':
            await this.wait();
            break;
          case 'landing':
            if (waitsForCollectNow(this.current)) await this.waitForUser();
            else await this.land();
            break;
          default:
            return this.current;
        }
      }
    } finally {
      clearInterval(beat);
      await this.applying.catch(() => undefined);
    }
  }

  // --- steps ---------------------------------------------------------------------

  private async submit(): Promise<void> {
    let body: CreateTaskBody;
    try {
      body = await this.deps.bodyFor(this.current);
    } catch (error) {
      // Nothing was sent: a reference image that can no longer be read, say.
      this.lastError = toGenerationError(error);
      await this.apply({ type: 'submitRefused', note: noteFrom(this.lastError, this.now()) });
      return;
    }
    try {
      // Only the window closing interrupts a create in flight: a user's cancel waits for its answer.
      const submitted = await this.deps.client.submit(body, { signal: this.stopper.signal });
      const { taskId, statusUrl, responseUrl, cancelUrl } = submitted;
      await this.apply({
        type: 'submitted',
        ref: { taskId, statusUrl, responseUrl, cancelUrl },
        requestId: submitted.requestId,
      });
      this.watchedFromStart = true;
      this.log(
        'info',
        `submitted ${taskId} (request ${submitted.requestId ?? '-'}) ${this.current.body.model_name} ${this.current.body.model_version}`,
      );
    } catch (error) {
      if (this.stopped) return;
      const e = toGenerationError(error);
      this.lastError = e;
      if (submitFailure(e) === 'refused') {
        await this.apply({ type: 'submitRefused', note: noteFrom(e, this.now()) });
      } else {
        this.log('warn', `the create request may have reached the gateway, its answer was lost: ${e.message}`);
        await this.apply({
          type: 'submitUnknown',
          note: {
            kind: 'uncertain',
            template: 'The answer to the submission was lost: {0}',
            args: [e.message],
            at: this.now(),
          },
        });
      }
    }
  }

  private async wait(): Promise<void> {
    if (this.cancelAsked || this.current.cancelWhenSubmitted) {
      await this.performCancel();
      if (this.stopped || this.discardAsked) return;
    }
    const ref = this.current.ref!;
    const step = (this.step = new AbortController());
    const signal = AbortSignal.any([this.stopper.signal, step.signal]);
    const lookNow = this.lookNow;
    this.lookNow = false;
    const { body } = this.current;
    const key = durationKey(this.deps.client.apiOrigin, body.model_name, body.model_version);
    const durations = (await this.deps.durations?.durations(key).catch(() => [])) ?? [];
    try {
      const final = await pollUntilDone(this.deps.client, ref, {
        signal,
        lookNow,
        durations,
        submittedAt: this.current.submittedAt,
        backgroundAfter: () => (this.foreground ? this.backgroundAfter : this.now()),
        now: this.now,
        sleep: (ms, s) => {
          this.lastSleepMs = ms;
          return this.sleep(ms, s);
        },
        onState: (state) => {
          if (!isFinal(state)) void this.apply({ type: 'upstream', state });
        },
        onRetry: (e, ms) => {
          this.lastError = e;
          this.log('warn', `task ${ref.taskId}: ${e.message} (looking again in ${ms} ms)`);
          if (this.current.problem?.template !== e.template)
            void this.apply({ type: 'problem', note: noteFrom(e, this.now()) });
        },
      });
      if (final.status === 'succeeded' && this.watchedFromStart && !lookNow && this.current.submittedAt !== undefined) {
        const duration = this.now() - this.current.submittedAt - this.lastSleepMs / 2;
        void this.deps.durations?.record(key, duration).catch(() => undefined);
      }
      await this.apply({ type: 'upstream', state: final });
      if (final.status === 'failed') this.lastError = undefined;
      if (final.status === 'succeeded' && final.images.length > MAX_IMAGES_PER_TASK) {
        this.log(
          'warn',
          `task ${ref.taskId}: the image service gave ${final.images.length} images; the first ${MAX_IMAGES_PER_TASK} are saved, ${final.images.length - MAX_IMAGES_PER_TASK} left out`,
        );
      }
    } catch (error) {
      if (toGenerationError(error).kind !== 'aborted') throw error;
      // Interrupted by cancel, discard or stop: the loop decides what comes next.
      this.lookNow = true;
    }
  }

  private async performCancel(): Promise<void> {
    this.cancelAsked = false;
    const ref = this.current.ref!;
    if (!ref.cancelUrl || this.current.cancelRequested) {
      // No cancel on this gateway: the task runs (and is billed) anyway, so its image is collected.
      this.log(
        'info',
        `stopped waiting for ${ref.taskId}; the gateway has no cancel for it, it is collected when it finishes`,
      );
      this.stopWaiting();
      return;
    }
    try {
      const outcome = await this.deps.client.cancel(ref, this.stopper.signal);
      if (outcome === 'requested') {
        await this.apply({ type: 'cancelRequested' });
        this.log('info', `cancellation requested for ${ref.taskId}`);
      } else {
        this.log('info', `task ${ref.taskId} had already finished when the cancel arrived; it is collected`);
      }
    } catch (error) {
      if (this.stopped) return;
      const e = toGenerationError(error);
      this.lastError = e;
      this.log('warn', `cancel of ${ref.taskId} failed: ${e.message}; still waiting for it`);
      await this.apply({ type: 'problem', note: noteFrom(e, this.now()) });
    }
    this.lookNow = true;
  }

  private async land(): Promise<void> {
    const step = (this.step = new AbortController());
    const signal = AbortSignal.any([this.stopper.signal, step.signal]);
    try {
      await landImages(this.current, {
        apply: (event) => this.apply(event),
        apiOrigin: this.deps.client.apiOrigin,
        authorization: this.deps.authorization,
        extensionVersion: this.deps.extensionVersion,
        stillOurs: () => this.options.lease.valid(),
        fetch: this.deps.fetch,
        signal,
        maxBytes: this.deps.maxBytes,
        maxTaskBytes: this.deps.maxTaskBytes,
        pace: this.deps.pace,
        now: this.now,
        log: (level, message) => this.log(level, message),
      });
      this.landingFailures = 0;
      if (this.current.phase === 'landed')
        this.log('info', `task ${this.current.ref?.taskId} saved ${this.files().join(', ')}`);
      this.logLeftOut();
    } catch (error) {
      const { index, error: e } = error instanceof LandingError ? error : { index: 0, error: toGenerationError(error) };
      if (e.code === 'leaseLost') {
        this.log('warn', `task ${this.current.ref?.taskId}: another window took it over`);
        this.stop();
        return;
      }
      if (this.stopped || step.signal.aborted || e.kind === 'aborted') return;
      this.lastError = e;
      const note = noteFrom(e, this.now());
      if (e.kind === 'fileSystem' && e.code && FOLDER_CODES.has(e.code)) {
        this.log('warn', `task ${this.current.ref?.taskId}: ${e.message}; waiting for another folder`);
        await this.apply({ type: 'needsFolder', note });
        return;
      }
      const failure = downloadFailureOf(e);
      this.landingFailures++;
      this.log(
        'warn',
        `task ${this.current.ref?.taskId} image ${index + 1}: ${e.message}${e.details ? ` (${e.details})` : ''}`,
      );
      if (failure === 'notImage' || failure === 'tooLarge') {
        await this.apply({ type: 'notAnImage', index, note });
        if (this.current.phase === 'landing') await this.refreshUrls(signal);
      } else if (failure === 'badUrl') {
        await this.apply({ type: 'unusableUrl', index, note });
        if (waitsForCollectNow(this.current)) {
          this.log(
            'warn',
            `task ${this.current.ref?.taskId} image ${index + 1}: no usable address after ${UNUSABLE_URL_TRIES} tries; waiting for Collect Now or Discard`,
          );
          return;
        }
        await this.refreshUrls(signal);
      } else if (failure === 'expired') {
        await this.apply({ type: 'problem', note });
        await this.refreshUrls(signal);
      } else {
        await this.apply({ type: 'problem', note });
      }
      if (this.current.phase === 'landing') {
        await this.sleep(landingDelay(this.landingFailures, !this.foreground), signal).catch(() => undefined);
      }
    }
  }

  /**
   * Holds the task, without a request, until the user says Collect Now or Discard (or the
   * results are gone upstream): asking again on a timer would ask for days.
   */
  private async waitForUser(): Promise<void> {
    const untilGone = RETENTION_MS - (this.now() - (this.current.submittedAt ?? this.current.createdAt));
    await this.sleep(Math.max(1, untilGone), this.stopper.signal).catch(() => undefined);
  }

  /** Asks the gateway for the task again: expired or broken image URLs come back fresh. */
  private async refreshUrls(signal: AbortSignal): Promise<void> {
    try {
      const state = await this.deps.client.query(this.current.ref!, signal);
      if (state.status === 'succeeded') await this.apply({ type: 'upstream', state });
    } catch (error) {
      const e = toGenerationError(error);
      if (e.kind === 'aborted') return;
      this.log('warn', `task ${this.current.ref?.taskId}: could not get fresh image URLs: ${e.message}`);
    }
  }

  /** Images left out by the task's byte limit, named in the log once the landing is over. */
  private logLeftOut(): void {
    const images = this.current.images ?? [];
    const leftOut = images.flatMap((image, index) => (image.leftOut ? [index + 1] : []));
    if (leftOut.length > 0)
      this.log(
        'warn',
        `task ${this.current.ref?.taskId}: image(s) ${leftOut.join(', ')} left out: the task's images would pass its byte limit`,
      );
  }

  // --- plumbing --------------------------------------------------------------------

  /** Applies events one after another, journalling each; a journal that cannot be written is logged, never fatal. */
  private apply(event: LifecycleEvent): Promise<TaskRecord> {
    this.applying = this.applying.then(async () => {
      const next = advance(this.current, event, this.now());
      if (next === this.current) return next;
      this.current = next;
      try {
        await this.deps.journal.commit(next, event);
      } catch (error) {
        this.log('error', `could not write the task journal: ${toGenerationError(error).message}`);
      }
      this.changed();
      return next;
    });
    return this.applying;
  }

  private changed(): void {
    try {
      this.options.onChange?.(this);
    } catch (error) {
      this.log('error', `a task listener failed: ${String(error)}`);
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    if (!(await this.options.lease.beat().catch(() => false))) {
      this.log(
        'warn',
        `lost the lease on task ${this.current.ref?.taskId ?? this.current.id}; another window collects it`,
      );
      this.stop();
      return;
    }
    const request = await this.deps.journal.takeRequest(this.current.id).catch(() => undefined);
    if (request === 'discard') this.discard();
    else if (request === 'collectNow') this.collectNow();
    else if (request === 'cancel') this.cancel();
  }

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** A sleep that "collect now" (and discard, and stop) ends early. */
  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout>;
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        reject(signal!.reason);
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      timer = setTimeout(done, ms);
      this.wakers.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  files(): string[] {
    return (this.current.images ?? []).flatMap((image) => (image.landed ? [image.landed.path] : []));
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.deps.log?.(level, message);
  }
}
