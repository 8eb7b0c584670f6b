/**
 * Every submitted (billed) task is written down here before anything waits on it,
 * so a cancelled wait, a window reload or a crash never loses it.
 *
 * The records live in a JSON file in the extension's workspace storage folder, written
 * by the extension host itself (temp file + rename) the moment they change. The Memento
 * API was the first choice, but its writes are flushed later by the window: a crash or a
 * closed browser tab (code-server) right after a submit lost the record.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TaskRef } from '../core/gateway';
import type { CreateTaskBody } from '../core/request';

const STORE_FILE = 'tasks.json';
/** Results stay queryable for about three days upstream. */
export const RESULT_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;

export type RecordState =
  /** The create request is on its way; resubmitting with the same session_id is safe. */
  | 'submitting'
  /** Submitted; someone should be waiting for it. */
  | 'waiting'
  /** Finished upstream; its images are being saved. */
  | 'saving'
  | 'done'
  | 'failed'
  | 'cancelled';

export interface ReferenceNote {
  /** Absolute path of a local reference image, so the sidecar can name it. */
  path?: string;
  sha256?: string;
}

export interface TaskRecord {
  /** Local id, stable across reloads. */
  id: string;
  kind: 'generate' | 'restyle';
  ref?: TaskRef;
  requestId?: string;
  /** The request as sent, with data: URLs replaced by a short note (they can be megabytes). */
  body: CreateTaskBody;
  references: ReferenceNote[];
  apiOrigin: string;
  submittedAt: number;
  target: {
    workspaceRoot?: string;
    outputFolder: string;
    /** Explicit folder: beside the source image, or chosen in a dialog. */
    targetDir?: string;
    writeSidecar: boolean;
  };
  state: RecordState;
  finishedAt?: number;
  files?: string[];
  error?: string;
}

export function isUnfinished(record: TaskRecord): boolean {
  return record.state === 'submitting' || record.state === 'waiting' || record.state === 'saving';
}

export class TaskStore {
  private records: TaskRecord[];
  private readonly file: string;

  /** `folder`: the extension's storage folder for this workspace (created when needed). */
  constructor(folder: string) {
    this.file = path.join(folder, STORE_FILE);
    this.records = readRecords(this.file);
  }

  all(): TaskRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  get(id: string): TaskRecord | undefined {
    return this.all().find((r) => r.id === id);
  }

  put(record: TaskRecord): Promise<void> {
    return this.mutate((records) => {
      const index = records.findIndex((r) => r.id === record.id);
      if (index >= 0) records[index] = record;
      else records.push(record);
      return records;
    });
  }

  update(id: string, patch: Partial<TaskRecord>): Promise<TaskRecord | undefined> {
    let updated: TaskRecord | undefined;
    return this.mutate((records) =>
      records.map((r) => {
        if (r.id !== id) return r;
        updated = { ...r, ...patch };
        return updated;
      }),
    ).then(() => updated);
  }

  remove(id: string): Promise<void> {
    return this.mutate((records) => records.filter((r) => r.id !== id));
  }

  /** Drops finished records and ones too old to be collected. Returns the expired unfinished ones. */
  async prune(now = Date.now()): Promise<TaskRecord[]> {
    const expired: TaskRecord[] = [];
    await this.mutate((records) =>
      records.filter((r) => {
        if (!isUnfinished(r)) return false;
        if (now - r.submittedAt > RESULT_RETENTION_MS) {
          expired.push(r);
          return false;
        }
        return true;
      }),
    );
    return expired;
  }

  /** Synchronous on purpose: the record is on disk before the caller goes on to wait. */
  private mutate(change: (records: TaskRecord[]) => TaskRecord[]): Promise<void> {
    try {
      const next = change(this.all());
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(next, null, 1));
      renameSync(temp, this.file);
      this.records = next;
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

function readRecords(file: string): TaskRecord[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(parsed) ? (parsed.filter((r) => r && typeof r === 'object' && typeof r.id === 'string') as TaskRecord[]) : [];
  } catch {
    return [];
  }
}
