/** Task records for tests, built one way: the lifecycle's own constructor, then what a test changes. */
import type { CreateTaskBody } from '../../../src/core/request';
import { type TaskRecord, newRecord } from '../../../src/core/lifecycle';

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
