/**
 * The task journal: one JSON file per task in a folder that every window of a workspace (or
 * every empty window) shares, plus a lease per task so exactly one extension host collects it.
 *
 * - A record is written to a temporary file, flushed, and renamed over `<id>.json`: a reader
 *   sees the old or the new record, never half of one, and a crash loses at most the last step.
 * - A lease is a file `<id>.lease.<generation>` created with O_EXCL: of two hosts that try the
 *   same generation, exactly one succeeds. The holder touches it (heartbeat); a lease whose
 *   holder stopped touching it, or whose process is gone, is taken over by creating the next
 *   generation — again exclusively — so a takeover race also has one winner. A holder that
 *   finds a newer generation (or its own file gone) has lost the lease and stops.
 * - Requests from windows that do not hold a task's lease (discard, collect now) are left as
 *   `<id>.request.json` for the holder to pick up.
 * - The image steps of a landing task are appended to `<id>.steps` (journalSteps.ts) rather than
 *   rewriting the record, so what is written per image does not grow with the task.
 * - A record is read back through its schema (taskRecordSchema.ts): one that fails it is not
 *   acted on but set aside as `<id>.json.invalid`, never deleted, since it may be a billed task.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { type LifecycleEvent, type TaskRecord, advance, newRecord } from './lifecycle';
import { STEPS_SUFFIX, imageStepOf, readSteps, replay, stepLine } from './journalSteps';
import { TASK_ID, isNewerRecord, readTaskRecord } from './taskRecordSchema';

export interface LeaseOwner {
  /** Unique per extension host. */
  id: string;
  pid: number;
  host: string;
}

export interface JournalOptions {
  /** A lease not touched for this long is stale. */
  staleMs?: number;
  now?: () => number;
  /** Whether a process on this machine is alive (injected by tests). */
  isAlive?: (pid: number) => boolean;
  /** Called after a host decided to claim a lease and before it does: lets tests line several hosts up there. */
  beforeClaim?: (id: string) => Promise<void>;
}

export const DEFAULT_STALE_MS = 20_000;
export const HEARTBEAT_MS = 5_000;

const RECORD_SUFFIX = '.json';
const REQUEST_SUFFIX = '.request.json';
/** A record that failed its schema, kept beside the others for a person to look at. */
export const INVALID_SUFFIX = '.invalid';
const LEASE = /^(.+)\.lease\.(\d+)$/;
const leaseSchema = z.object({ owner: z.string(), pid: z.number(), host: z.string() });

export const REQUEST_ACTIONS = ['discard', 'collectNow', 'cancel'] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];
const requestSchema = z.object({ action: z.enum(REQUEST_ACTIONS), at: z.number() });

export function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class TaskJournal {
  readonly staleMs: number;
  private readonly now: () => number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly beforeClaim: ((id: string) => Promise<void>) | undefined;
  /** Bytes of records this journal has written: what a task costs the disk, measured by tests and benchmarks. */
  bytesWritten = 0;

  constructor(
    readonly dir: string,
    readonly owner: LeaseOwner,
    options: JournalOptions = {},
  ) {
    this.staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    this.now = options.now ?? Date.now;
    this.isAlive = options.isAlive ?? defaultIsAlive;
    this.beforeClaim = options.beforeClaim;
  }

  /**
   * Every record that can be trusted. One that cannot (damaged, hand-edited) is set aside and
   * reported through `onInvalid`; the others load as usual.
   */
  async list(onInvalid?: (file: string, reason: string) => void): Promise<TaskRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const records: TaskRecord[] = [];
    for (const name of names) {
      if (!name.endsWith(RECORD_SUFFIX) || name.endsWith(REQUEST_SUFFIX) || name.startsWith('.')) continue;
      const id = name.slice(0, -RECORD_SUFFIX.length);
      const record = await this.read(id, (reason) => onInvalid?.(name, reason));
      if (record) records.push(record);
    }
    return records;
  }

  /**
   * The record of a task, or undefined. A record that fails its schema is never acted on: it is
   * renamed `<id>.json.invalid` (kept, not deleted: it may describe a billed task) and
   * `onInvalid` says why. A record of a newer version is left alone for that version.
   */
  async read(id: string, onInvalid?: (reason: string) => void): Promise<TaskRecord | undefined> {
    const file = this.recordPath(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      await this.reject(file, 'not JSON', onInvalid);
      return undefined;
    }
    if (isNewerRecord(raw)) {
      onInvalid?.('written by a newer version of the extension; left for it');
      return undefined;
    }
    const reading = readTaskRecord(raw);
    if (!reading.ok) {
      await this.reject(file, reading.reason, onInvalid);
      return undefined;
    }
    if (reading.record.id !== id) {
      await this.reject(file, 'its id does not match its name', onInvalid);
      return undefined;
    }
    const steps = readSteps(await readFile(this.stepsPath(id), 'utf8').catch(() => ''));
    if (!steps.ok) {
      await this.reject(file, steps.reason, onInvalid);
      return undefined;
    }
    return replay(reading.record, steps.steps);
  }

  /** Sets a record aside, with its steps, and says why. */
  private async reject(file: string, reason: string, onInvalid?: (reason: string) => void): Promise<void> {
    const aside = await setAside(file).catch(() => undefined);
    await setAside(`${file.slice(0, -RECORD_SUFFIX.length)}${STEPS_SUFFIX}`).catch(() => undefined);
    onInvalid?.(aside ? `${reason}; set aside as ${path.basename(aside)}` : reason);
  }

  /**
   * Journals the record an event led to: an image step of a task still landing is appended to
   * its steps, anything else rewrites the record.
   */
  async commit(record: TaskRecord, event: LifecycleEvent): Promise<void> {
    const step = imageStepOf(event, record);
    if (!step) return this.write(record);
    const text = stepLine(step);
    const handle = await open(this.stepsPath(record.id), 'a');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.bytesWritten += Buffer.byteLength(text);
  }

  /** Atomic replace: temp file, flush, rename. The record holds every step so far, so the steps go. */
  async write(record: TaskRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const text = `${JSON.stringify(record, null, 1)}\n`;
    await writeAtomically(this.recordPath(record.id), text);
    this.bytesWritten += Buffer.byteLength(text);
    await unlink(this.stepsPath(record.id)).catch(ignoreMissing);
  }

  async remove(id: string): Promise<void> {
    await unlink(this.recordPath(id)).catch(ignoreMissing);
    await unlink(this.stepsPath(id)).catch(ignoreMissing);
    await unlink(path.join(this.dir, `${id}${REQUEST_SUFFIX}`)).catch(ignoreMissing);
    for (const lease of await this.leaseFiles(id)) await unlink(path.join(this.dir, lease.name)).catch(ignoreMissing);
  }

  /**
   * Takes the task's lease when nobody (alive) holds it. Resolves to the lease, or undefined
   * when another live host holds it or won the race for it.
   */
  async tryAcquire(id: string): Promise<Lease | undefined> {
    await mkdir(this.dir, { recursive: true });
    const current = await this.currentLease(id);
    if (current) {
      if (current.owner === this.owner.id) return new Lease(this, id, current.generation);
      if (current.fresh) return undefined;
    }
    const generation = (current?.generation ?? 0) + 1;
    await this.beforeClaim?.(id);
    const file = this.leasePath(id, generation);
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ owner: this.owner.id, pid: this.owner.pid, host: this.owner.host }));
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw error;
    }
    // Older generations are history now; a newer one means someone else was faster after all.
    for (const lease of await this.leaseFiles(id)) {
      if (lease.generation > generation) {
        await unlink(file).catch(ignoreMissing);
        return undefined;
      }
      if (lease.generation < generation) await unlink(path.join(this.dir, lease.name)).catch(ignoreMissing);
    }
    return new Lease(this, id, generation);
  }

  /** Who holds the task now, and whether that lease is alive. */
  async holder(id: string): Promise<{ owner: string; fresh: boolean } | undefined> {
    const current = await this.currentLease(id);
    return current ? { owner: current.owner, fresh: current.fresh } : undefined;
  }

  /** Leaves a request for the host that holds the task. */
  async request(id: string, action: RequestAction): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(path.join(this.dir, `${id}${REQUEST_SUFFIX}`), JSON.stringify({ action, at: this.now() }));
  }

  /** The pending request for a task, removed as it is read. */
  async takeRequest(id: string): Promise<RequestAction | undefined> {
    const file = path.join(this.dir, `${id}${REQUEST_SUFFIX}`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    await unlink(file).catch(ignoreMissing);
    try {
      const parsed = requestSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.action : undefined;
    } catch {
      return undefined;
    }
  }

  recordPath(id: string): string {
    return path.join(this.dir, `${id}${RECORD_SUFFIX}`);
  }

  stepsPath(id: string): string {
    return path.join(this.dir, `${id}${STEPS_SUFFIX}`);
  }

  leasePath(id: string, generation: number): string {
    return path.join(this.dir, `${id}.lease.${generation}`);
  }

  async leaseFiles(id: string): Promise<{ name: string; generation: number }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const m = LEASE.exec(name);
      return m && m[1] === id ? [{ name, generation: Number(m[2]) }] : [];
    });
  }

  private async currentLease(id: string): Promise<{ generation: number; owner: string; fresh: boolean } | undefined> {
    const files = (await this.leaseFiles(id)).sort((a, b) => b.generation - a.generation);
    const newest = files[0];
    if (!newest) return undefined;
    const file = path.join(this.dir, newest.name);
    try {
      const [info, text] = await Promise.all([stat(file), readFile(file, 'utf8')]);
      const parsed = leaseSchema.safeParse(JSON.parse(text || '{}'));
      if (!parsed.success) {
        // Being written this very moment by its creator (created empty, then filled): treat as held.
        return { generation: newest.generation, owner: '', fresh: this.now() - info.mtimeMs < this.staleMs };
      }
      const { owner, pid, host } = parsed.data;
      const beating = this.now() - info.mtimeMs < this.staleMs;
      const gone = host === this.owner.host && pid !== this.owner.pid && !this.isAlive(pid);
      return { generation: newest.generation, owner, fresh: beating && !gone };
    } catch {
      // Removed between listing and reading: released.
      return undefined;
    }
  }
}

/** A held lease. `beat()` keeps it alive and says whether it is still ours. */
export class Lease {
  private lost = false;

  constructor(
    private readonly journal: TaskJournal,
    readonly id: string,
    readonly generation: number,
  ) {}

  /** Touches the lease; false when another host has taken it over (stop collecting at once). */
  async beat(): Promise<boolean> {
    if (this.lost) return false;
    const file = this.journal.leasePath(this.id, this.generation);
    const now = new Date();
    try {
      await utimes(file, now, now);
    } catch {
      this.lost = true;
      return false;
    }
    return this.valid();
  }

  /** Whether no newer generation exists: checked before every step that cannot be undone. */
  async valid(): Promise<boolean> {
    if (this.lost) return false;
    const files = await this.journal.leaseFiles(this.id);
    const mine = files.some((f) => f.generation === this.generation);
    if (!mine || files.some((f) => f.generation > this.generation)) this.lost = true;
    return !this.lost;
  }

  async release(): Promise<void> {
    if (this.lost) return;
    this.lost = true;
    await unlink(this.journal.leasePath(this.id, this.generation)).catch(ignoreMissing);
  }
}

/**
 * Renames `file` to `<file>.invalid` (or `<file>.<n>.invalid` when that is taken) without
 * replacing anything: an earlier record set aside under that name is kept too.
 */
export async function setAside(file: string): Promise<string | undefined> {
  for (let n = 1; n <= 100; n++) {
    const target = n === 1 ? `${file}${INVALID_SUFFIX}` : `${file}.${n}${INVALID_SUFFIX}`;
    try {
      await link(file, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'ENOENT') return undefined;
      // No hard links on this file system: a rename, once the name is known to be free.
      if (
        await stat(target).then(
          () => true,
          () => false,
        )
      )
        continue;
      await rename(file, target);
      return target;
    }
    await unlink(file).catch(ignoreMissing);
    return target;
  }
  return undefined;
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/** Writes `text` to `file` so that readers see either the old or the new content. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Applies one event to a task that no host is working on (the user's decision on an uncertain
 * or blocked task, or the retention period on a forgotten one). Resolves to the new record,
 * `'held'` when a live host holds the task (leave it a request instead), or undefined when the
 * record is gone.
 */
export async function transact(
  journal: TaskJournal,
  id: string,
  event: LifecycleEvent,
  now: number,
): Promise<TaskRecord | 'held' | undefined> {
  const lease = await journal.tryAcquire(id);
  if (!lease) return 'held';
  try {
    const record = await journal.read(id);
    if (!record) return undefined;
    const next = advance(record, event, now);
    if (next !== record) await journal.write(next);
    return next;
  } finally {
    await lease.release();
  }
}

/** The single-file store of earlier versions (`tasks.json`), whose unfinished tasks move into the journal. */
const LEGACY_FILE = 'tasks.json';

const legacySchema = z.array(
  z.looseObject({
    id: z.string(),
    kind: z.enum(['generate', 'restyle']),
    ref: z.optional(z.looseObject({ taskId: z.string() })),
    body: z.looseObject({ model_name: z.string(), model_version: z.string(), prompt: z.string() }),
    references: z.optional(z.array(z.looseObject({}))),
    apiOrigin: z.string(),
    submittedAt: z.number(),
    target: z.looseObject({ outputFolder: z.string(), writeSidecar: z.boolean() }),
    state: z.string(),
  }),
);

/**
 * Moves the unfinished tasks of an earlier version's `tasks.json` (in `dir`) into the journal,
 * then renames that file so this happens once. A task that was being submitted becomes
 * uncertain; one that was waiting or saving is waited for again (saving starts over).
 */
export async function importLegacyStore(dir: string, journal: TaskJournal, now: number): Promise<TaskRecord[]> {
  const file = path.join(dir, LEGACY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const imported: TaskRecord[] = [];
  let parsed: ReturnType<typeof legacySchema.safeParse> | undefined;
  try {
    parsed = legacySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  for (const old of parsed?.success ? parsed.data : []) {
    if (!['submitting', 'waiting', 'saving'].includes(old.state) || !TASK_ID.test(old.id)) continue;
    if (await journal.read(old.id)) continue;
    const fresh = newRecord({
      id: old.id,
      kind: old.kind,
      body: old.body,
      references: old.references ?? [],
      apiOrigin: old.apiOrigin,
      target: old.target,
      createdAt: old.submittedAt,
    });
    // Submitted: waiting since then; otherwise the create was in flight when its window closed.
    const base: TaskRecord = old.ref
      ? { ...fresh, phase: 'waiting', ref: old.ref, submittedAt: old.submittedAt, updatedAt: now }
      : advance(fresh, { type: 'restarted' }, now);
    await journal.write(base);
    imported.push(base);
  }
  await rename(file, `${file}.migrated`).catch(() => undefined);
  return imported;
}
