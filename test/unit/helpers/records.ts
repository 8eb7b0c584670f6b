/**
 * Task records for tests, built one way: the lifecycle's own constructor, then what a test
 * changes; for the state machine's tables, records reached through events only (never by writing
 * `phase`), so a record in a test is one the lifecycle can really produce.
 */
import type { GatewayAnswer } from '../../../src/core/gatewayAnswer';
import { type TaskPhase, type TaskRecord, advance, newRecord } from '../../../src/core/lifecycle';
import type { CreateTaskBody } from '../../../src/core/request';

export interface RecordOptions {
  id?: string;
  prompt?: string;
  body?: Partial<CreateTaskBody>;
  apiOrigin?: string;
  workspaceRoot?: string;
  createdAt?: number;
  /** Fields set after construction (a phase reached through events is better: see lifecycle.test.ts). */
  patch?: Partial<TaskRecord>;
}

let counter = 0;

/** A new record (phase `submitting`) for a GEM 2.5 generation saved in `generated-images`. */
export function aRecord(options: RecordOptions = {}): TaskRecord {
  return {
    ...newRecord({
      id: options.id ?? `r${++counter}`,
      kind: 'generate',
      body: { model_name: 'GEM', model_version: '2.5', prompt: options.prompt ?? 'a fox', ...options.body },
      references: [],
      apiOrigin: options.apiOrigin ?? 'https://gw.example',
      target: { workspaceRoot: options.workspaceRoot ?? '/w', outputFolder: 'generated-images', writeSidecar: true },
      createdAt: options.createdAt ?? Date.now(),
    }),
    ...options.patch,
  };
}

export const T0 = 1_700_000_000_000;
export const note = { kind: 'server', template: 'x', at: T0 };

export function record(patch: Partial<TaskRecord> = {}): TaskRecord {
  return {
    ...newRecord({
      id: 'r1',
      kind: 'generate',
      body: { model_name: 'GEM', model_version: '2.5', prompt: 'a fox' },
      references: [],
      apiOrigin: 'https://gw.example',
      target: { workspaceRoot: '/w', outputFolder: 'generated-images', writeSidecar: true },
      createdAt: T0,
    }),
    ...patch,
  };
}

export const succeeded = (urls: string[], finishedAt?: string): GatewayAnswer => ({
  taskId: 't',
  status: 'succeeded',
  images: urls.map((url) => ({ url })),
  ...(finishedAt ? { finishedAt } : {}),
});

export const landedFile = (path: string) => ({ path, bytes: 10, format: 'png', sha256: 'h' });

/** A record in each phase. */
export function inPhase(phase: TaskPhase): TaskRecord {
  const submitted = advance(record(), { type: 'submitted', ref: { taskId: 't' } }, T0 + 1);
  switch (phase) {
    case 'submitting':
      return record();
    case 'uncertain':
      return advance(record(), { type: 'submitUnknown', note }, T0 + 1);
    case 'waiting':
      return submitted;
    case 'landing':
      return advance(submitted, { type: 'upstream', state: succeeded(['https://cdn/a.png']) }, T0 + 2);
    case 'blocked':
      return advance(inPhase('landing'), { type: 'needsFolder', note }, T0 + 3);
    case 'landed':
      return advance(inPhase('landing'), { type: 'imageLanded', index: 0, file: landedFile('/w/a.png') }, T0 + 3);
    case 'refused':
      return advance(record(), { type: 'submitRefused', note }, T0 + 1);
    case 'discarded':
      return advance(submitted, { type: 'discard', reason: 'user' }, T0 + 2);
  }
}

/** A waiting task that has finished upstream with these images and is landing them. */
export function landingWith(urls: string[]): TaskRecord {
  return advance(inPhase('waiting'), { type: 'upstream', state: succeeded(urls) }, T0 + 3);
}
