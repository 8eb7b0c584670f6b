import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LifecycleEvent, type TaskRecord, advance } from '../../src/core/lifecycle';
import { KEEP_ENDED_MS, type ScanFacts, type ScanStep, scanStep } from '../../src/core/scanStep';
import { aRecord } from './helpers/records';

const T0 = 1_700_000_000_000;
const ORIGIN = 'https://gw.example';
const DAY = 24 * 60 * 60 * 1000;

/** A record moved by lifecycle events from a fresh one created at T0. */
function after(...events: LifecycleEvent[]): TaskRecord {
  return events.reduce((r, e, i) => advance(r, e, T0 + i + 1), aRecord({ id: 'r', apiOrigin: ORIGIN, createdAt: T0 }));
}

const submitted: LifecycleEvent = { type: 'submitted', ref: { taskId: 't' } };
const records = {
  submitting: after(),
  waiting: after(submitted),
  uncertain: after({ type: 'submitUnknown', note: { kind: 'network', template: 'x', at: T0 } }),
  discarded: after(submitted, { type: 'discard', reason: 'user' }),
};

const facts = (patch: Partial<ScanFacts> = {}): ScanFacts => ({
  now: T0 + 1000,
  collectedHere: false,
  heldElsewhere: false,
  apiOrigin: ORIGIN,
  ...patch,
});

describe('what a window does with a task it finds in the journal', () => {
  const table: [string, TaskRecord, Partial<ScanFacts>, ScanStep][] = [
    ['a task this window collects is left to its collector', records.waiting, { collectedHere: true }, 'skip'],
    ['an ended task is listed', records.discarded, {}, 'listEnded'],
    [
      'an ended task is listed even while another window holds a stale lease on it',
      records.discarded,
      { heldElsewhere: true },
      'listEnded',
    ],
    ['an ended task older than a day is forgotten', records.discarded, { now: T0 + KEEP_ENDED_MS + 10 }, 'forget'],
    ['a task another window collects is listed as theirs', records.waiting, { heldElsewhere: true }, 'elsewhere'],
    ['a waiting task older than three days is ended', records.waiting, { now: T0 + 3 * DAY + 10 }, 'expire'],
    ['a task that may have been submitted waits for the user', records.uncertain, {}, 'ask'],
    [
      'a collectable task without a key or gateway waits for the set-up',
      records.waiting,
      { apiOrigin: undefined },
      'waitForSetup',
    ],
    [
      'a task submitted to another gateway is not sent to this one',
      records.waiting,
      { apiOrigin: 'https://other.example' },
      'otherOrigin',
    ],
    ['a waiting task is collected here', records.waiting, {}, 'collect'],
    ['a task whose create never got an answer is collected (it will be sent)', records.submitting, {}, 'collect'],
  ];
  for (const [name, record, patch, step] of table) {
    it(name, () => assert.equal(scanStep(record, facts(patch)), step));
  }
});
