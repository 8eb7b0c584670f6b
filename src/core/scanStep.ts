/**
 * What a window does with a task it finds in the shared journal. Every window scans the journal
 * (at start-up, on a timer, when the key or the gateway changes); this is the decision it makes
 * for each record, as a pure function so it can be tested as a table, like the lifecycle.
 */
import { type TaskRecord, isCollectable, isPastRetention, isTerminal } from './lifecycle';

/** How long an ended task stays listed (its row in the Studio, the task pickers). */
export const KEEP_ENDED_MS = 24 * 60 * 60 * 1000;

export type ScanStep =
  /** this window collects it already */
  | 'skip'
  /** ended long ago: remove it from the journal */
  | 'forget'
  /** ended: list it (and remove its temporary files at start-up) */
  | 'listEnded'
  /** another window holds its lease: list it as theirs */
  | 'elsewhere'
  /** older than the gateway keeps results: end it as discarded */
  | 'expire'
  /** waiting for the user's decision (uncertain, blocked): list it and ask, once */
  | 'ask'
  /** collectable, but there is no key or no gateway to collect it with */
  | 'waitForSetup'
  /** collectable, but submitted to another gateway than the one configured now */
  | 'otherOrigin'
  /** collectable here and now: take its lease and collect it */
  | 'collect';

export interface ScanFacts {
  now: number;
  /** This window runs a collector for it. */
  collectedHere: boolean;
  /** Another window holds a fresh lease on it (only looked up for records that are not over). */
  heldElsewhere: boolean;
  /** The configured gateway's origin, or undefined when the key or the base URL is missing. */
  apiOrigin: string | undefined;
}

export function scanStep(record: TaskRecord, facts: ScanFacts): ScanStep {
  if (facts.collectedHere) return 'skip';
  if (isTerminal(record.phase))
    return facts.now - (record.endedAt ?? record.updatedAt) > KEEP_ENDED_MS ? 'forget' : 'listEnded';
  if (facts.heldElsewhere) return 'elsewhere';
  if (isPastRetention(record, facts.now)) return 'expire';
  if (!isCollectable(record.phase)) return 'ask';
  if (facts.apiOrigin === undefined) return 'waitForSetup';
  if (record.apiOrigin !== facts.apiOrigin) return 'otherOrigin';
  return 'collect';
}
