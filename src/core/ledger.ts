/**
 * The spend ledger: how many billed images each model made per local day and per month, counted
 * from the durable records alone (the task journals and the ledger's own log of the billed tasks
 * it has seen end), so every window, and the same window after a reload, counts the same. Pure: the records come in, the counts go out; what is
 * billed is decided here, in one place (docs/spending.md says why).
 */

/** One billed task as a durable record shows it. */
export interface BilledTask {
  /** The gateway's task id: the same task seen in the journal and in a sidecar counts once. */
  taskId: string;
  /** `modelKey` of the model that made it ("GEM 3.0"). */
  model: string;
  /** When the gateway accepted it (ms since the epoch). */
  at: number;
  /** Ended billed (landed, or discarded after it was accepted): it will never change, so the log keeps it. */
  final?: boolean;
}

/** The journal fields the ledger reads (a subset of TaskRecord, so any version's record fits). */
export interface JournalFacts {
  id: string;
  phase: string;
  ref?: { taskId: string };
  body: { model_name: string; model_version: string };
  createdAt: number;
  submittedAt?: number;
}

/**
 * A journal record's billed task, or undefined when nothing was billed. A task id means the
 * gateway accepted the create; `refused` after that is the gateway's FAILURE, which it does not
 * bill. A create still in flight (`submitting`) or whose answer was lost (`uncertain`) counts
 * too, under the record's own id: it may be billed, and a cap must hold while it is sent. A
 * create the gateway refused ends `refused` without an id and never counts (docs/spending.md).
 */
export function billedFromRecord(record: JournalFacts): BilledTask | undefined {
  const taskId = record.ref?.taskId;
  const inFlight = !taskId && (record.phase === 'submitting' || record.phase === 'uncertain');
  if (!(taskId || inFlight) || record.phase === 'refused') return undefined;
  return {
    taskId: taskId ?? `local:${record.id}`,
    model: `${record.body.model_name} ${record.body.model_version}`,
    at: record.submittedAt ?? record.createdAt,
    ...(taskId && (record.phase === 'landed' || record.phase === 'discarded') ? { final: true } : {}),
  };
}

/** Counts per model: model key → images. */
export type ModelCounts = Record<string, number>;

export interface Ledger {
  /** Local day (`2026-12-04`) → counts per model. */
  days: Record<string, ModelCounts>;
  /** Local month (`2026-12`) → counts per model. */
  months: Record<string, ModelCounts>;
  /** Distinct billed tasks counted. */
  tasks: number;
}

/** The local calendar day of a time, as `YYYY-MM-DD`. */
export function localDay(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The local month of a time, as `YYYY-MM`. */
export function localMonth(at: number): string {
  return localDay(at).slice(0, 7);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Counts each task once (by task id, whichever record names it first), per day and month. */
export function buildLedger(tasks: Iterable<BilledTask>): Ledger {
  const seen = new Set<string>();
  const ledger: Ledger = { days: {}, months: {}, tasks: 0 };
  for (const task of tasks) {
    if (seen.has(task.taskId)) continue;
    seen.add(task.taskId);
    ledger.tasks++;
    add((ledger.days[localDay(task.at)] ??= {}), task.model);
    add((ledger.months[localMonth(task.at)] ??= {}), task.model);
  }
  return ledger;
}

function add(counts: ModelCounts, model: string): void {
  counts[model] = (counts[model] ?? 0) + 1;
}

/** All models together. */
export function total(counts: ModelCounts | undefined): number {
  return Object.values(counts ?? {}).reduce((sum, n) => sum + n, 0);
}

/** What the ledger holds for the day and month of `now`. */
export function usageAt(ledger: Ledger, now: number): { day: ModelCounts; month: ModelCounts } {
  return { day: ledger.days[localDay(now)] ?? {}, month: ledger.months[localMonth(now)] ?? {} };
}
