/**
 * What the collector's steps (submit, wait, cancel, land) share of it. The steps live in files of
 * their own so each can be read whole; the collector keeps the order they run in and the user's
 * requests. A step sees the record as it is now, changes it only through `apply` (journalled,
 * one event after another), and stops when `stopSignal` says the collector stopped.
 */
import type { MinimumPace } from './download';
import type { DurationBook } from './durationBook';
import type { GenerationError } from './errors';
import type { ImageFinisher } from './finish';
import type { GatewayClient } from './gateway';
import type { TaskJournal } from './journal';
import type { LifecycleEvent, TaskRecord } from './lifecycle';
import type { CreateTaskBody } from './request';

export type LogLevel = 'info' | 'warn' | 'error';

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
  log?: (level: LogLevel, message: string) => void;
  /** Per image; see LandingDeps. */
  maxBytes?: number;
  /** All images of the task together; see LandingDeps. */
  maxTaskBytes?: number;
  /** The slowest a download may be (tests make it small, so a trickle is seen in milliseconds). */
  pace?: MinimumPace;
  /** The image library that makes finished files (exact size, format, transparency); see finishing.ts. */
  finisher?: ImageFinisher;
  /** Durations this model took on this gateway before, and where to add this one's. */
  durations?: Pick<DurationBook, 'durations' | 'record'>;
}

export interface CollectorContext {
  readonly deps: CollectorDeps;
  /** Aborted when the collector stops: the window closes, or another host took the lease over. */
  readonly stopSignal: AbortSignal;
  readonly now: () => number;
  record(): TaskRecord;
  /** Applies an event to the record and journals it; a journal that cannot be written is logged, never fatal. */
  apply(event: LifecycleEvent): Promise<TaskRecord>;
  /** Keeps the error behind the latest problem or outcome (none for a definitive answer), for the log and the UI. */
  setLastError(error: GenerationError | undefined): void;
  log(level: LogLevel, message: string): void;
  /** A sleep that "collect now", discard and stop end early. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
