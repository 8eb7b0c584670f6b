/**
 * Drives one task through its lifecycle (lifecycle.ts) while this extension host holds the
 * task's lease: submit, wait, land, with every step journalled before the next. It never
 * gives up on a billed task: failures become a `problem` and a later try, and only the
 * gateway's definitive answer, the user or the retention period end a task.
 *
 * The collector keeps the order of the steps and the user's requests; the steps themselves are
 * submitTask.ts, waitForFinish.ts, requestCancel.ts and tryLanding.ts, sharing what they need of
 * it through a CollectorContext. It stops (leaving the record as it is, for the next host) when
 * `stop()` is called (the window closes) or when another host has taken its lease over.
 */
import type { CollectorContext, CollectorDeps, LogLevel } from './collectorContext';
import { type GenerationError, toGenerationError } from './errors';
import { HEARTBEAT_MS, type Lease } from './journal';
import {
  type LifecycleEvent,
  RETENTION_MS,
  type TaskRecord,
  advance,
  isPastRetention,
  isTerminal,
  waitsForCollectNow,
} from './lifecycle';
import { requestCancel } from './requestCancel';
import { submitTask } from './submitTask';
import { tryLanding } from './tryLanding';
import { WakeableSleep } from './wakeableSleep';
import { waitForFinish } from './waitForFinish';

export type { CollectorDeps } from './collectorContext';
export { submitFailure } from './submitTask';

export interface CollectOptions {
  lease: Lease;
  /** From this moment (epoch ms) the wait is in the background: slower looks, no notification. */
  backgroundAfter: number;
  /** Look at once (a resumed task may have finished meanwhile). */
  lookNow?: boolean;
  heartbeatMs?: number;
  onChange?: (collector: TaskCollector) => void;
}

export class TaskCollector {
  private current: TaskRecord;
  private readonly now: () => number;
  private readonly stopper = new AbortController();
  /** The wait or landing in progress; aborted to act on cancel, discard or "collect now". */
  private step: AbortController | undefined;
  private readonly sleeper = new WakeableSleep();
  private applying: Promise<TaskRecord>;
  private lookNow: boolean;
  private cancelAsked = false;
  private discardAsked = false;
  private stoppedWaiting = false;
  /** Shared with the landing step, so "collect now" starts its back-off again even mid-sleep. */
  private readonly landingFailures = { inRow: 0 };
  /** This host submitted the task and has watched it since: its duration is worth learning. */
  private watchedFromStart = false;
  private readonly context: CollectorContext;
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
    this.context = {
      deps,
      stopSignal: this.stopper.signal,
      now: this.now,
      record: () => this.current,
      apply: (event) => this.apply(event),
      setLastError: (error) => (this.lastError = error),
      log: (level, message) => this.log(level, message),
      sleep: (ms, signal) => this.sleeper.sleep(ms, signal),
    };
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
    this.sleeper.wakeAll();
  }

  /** Look (or try to land) now instead of after the current delay; unusable image addresses get another round. */
  collectNow(): void {
    this.lookNow = true;
    this.landingFailures.inRow = 0;
    void this.apply({ type: 'retry' });
    this.sleeper.wakeAll();
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
    this.sleeper.wakeAll();
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
        if (!(await this.nextStep())) return this.current;
      }
    } finally {
      clearInterval(beat);
      await this.applying.catch(() => undefined);
    }
  }

  files(): string[] {
    return (this.current.images ?? []).flatMap((image) => (image.landed ? [image.landed.path] : []));
  }

  // --- steps ---------------------------------------------------------------------

  /** Takes the step the task's phase calls for; false when the phase needs no step from this host. */
  private async nextStep(): Promise<boolean> {
    switch (this.current.phase) {
      case 'submitting':
        if (await submitTask(this.context)) this.watchedFromStart = true;
        return true;
      case 'waiting':
        await this.wait();
        return true;
      case 'landing':
        if (waitsForCollectNow(this.current)) await this.waitForUser();
        else await tryLanding(this.context, this.landingTry());
        return true;
      default:
        return false;
    }
  }

  private async wait(): Promise<void> {
    if (this.cancelAsked || this.current.cancelWhenSubmitted) {
      this.cancelAsked = false;
      if (await requestCancel(this.context, () => this.stopWaiting())) this.lookNow = true;
      if (this.stopped || this.discardAsked) return;
    }
    const signal = this.newStep();
    const lookNow = this.lookNow;
    this.lookNow = false;
    const outcome = await waitForFinish(this.context, {
      signal,
      lookNow,
      watchedFromStart: this.watchedFromStart,
      backgroundAfter: () => (this.foreground ? this.backgroundAfter : this.now()),
    });
    // Interrupted by cancel, discard or stop: the loop decides what comes next, and looks at once.
    if (outcome === 'interrupted') this.lookNow = true;
  }

  private landingTry(): Parameters<typeof tryLanding>[1] {
    return {
      signal: this.newStep(),
      failures: this.landingFailures,
      stillOurs: () => this.options.lease.valid(),
      foreground: () => this.foreground,
      leaseLost: () => this.stop(),
    };
  }

  /**
   * Holds the task, without a request, until the user says Collect Now or Discard (or the
   * results are gone upstream): asking again on a timer would ask for days.
   */
  private async waitForUser(): Promise<void> {
    const untilGone = RETENTION_MS - (this.now() - (this.current.submittedAt ?? this.current.createdAt));
    await this.sleeper.sleep(Math.max(1, untilGone), this.stopper.signal).catch(() => undefined);
  }

  /** A signal for the step about to start: aborted by stop, or by the user's cancel, discard or "collect now". */
  private newStep(): AbortSignal {
    const step = (this.step = new AbortController());
    return AbortSignal.any([this.stopper.signal, step.signal]);
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

  /** Keeps the lease, and takes the requests other windows left for the task (they do not hold it). */
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

  private log(level: LogLevel, message: string): void {
    this.deps.log?.(level, message);
  }
}
