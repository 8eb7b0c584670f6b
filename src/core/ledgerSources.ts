/**
 * Where the ledger's billed tasks come from, read from disk: the task journals of every
 * workspace (they sit side by side under the extension's global storage, so a cap counts what
 * every window and every workspace sent today) and the sidecars of landed images, which outlive
 * the journal's records (an ended record is forgotten after a day). Reading is cheap on a second
 * pass: a sidecar whose size and time are unchanged is not read again.
 */
import { lstat, readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { type BilledTask, billedFromRecord, billedFromSidecar } from './ledger';
import { readSidecarFile } from './sidecarFile';

/** Only what the ledger reads of a journal record: a record of another version still counts. */
const journalFacts = z.looseObject({
  id: z.string(),
  phase: z.string(),
  ref: z.optional(z.looseObject({ taskId: z.string() })),
  body: z.looseObject({ model_name: z.string(), model_version: z.string() }),
  createdAt: z.number(),
  submittedAt: z.optional(z.number()),
});

const RECORD = /^[A-Za-z0-9_-]{1,80}\.json$/;
const READ_CONCURRENCY = 16;

/** The billed tasks of every journal folder under `tasksRoot` (`<global storage>/tasks`). */
export async function readJournalTasks(tasksRoot: string): Promise<BilledTask[]> {
  const folders = await readdir(tasksRoot).catch(() => [] as string[]);
  const files = (
    await Promise.all(
      folders.map(async (folder) => {
        const names = await readdir(path.join(tasksRoot, folder)).catch(() => [] as string[]);
        return names.filter((name) => RECORD.test(name)).map((name) => path.join(tasksRoot, folder, name));
      }),
    )
  ).flat();
  const tasks = await mapLimited(files, async (file) => {
    try {
      const parsed = journalFacts.safeParse(JSON.parse(await readFile(file, 'utf8')));
      return parsed.success ? billedFromRecord(parsed.data) : undefined;
    } catch {
      // Removed or being replaced this moment: the next read sees it.
      return undefined;
    }
  });
  return tasks.filter((t): t is BilledTask => t !== undefined);
}

/** Sidecars already read, by path, with the size and time they had. */
export class SidecarTasks {
  private readonly known = new Map<string, { stamp: string; task: BilledTask | undefined }>();
  /** Sidecar files read (not reused) so far: how much a refresh really costs. */
  reads = 0;

  /** The billed tasks the given sidecar files name. */
  async read(files: readonly string[]): Promise<BilledTask[]> {
    const wanted = new Set(files);
    for (const file of this.known.keys()) if (!wanted.has(file)) this.known.delete(file);
    const tasks = await mapLimited(files, (file) => this.readOne(file));
    return tasks.filter((t): t is BilledTask => t !== undefined);
  }

  private async readOne(file: string): Promise<BilledTask | undefined> {
    const info = await lstat(file).catch(() => undefined);
    if (!info) {
      this.known.delete(file);
      return undefined;
    }
    const stamp = `${info.size}:${info.mtimeMs}`;
    const cached = this.known.get(file);
    if (cached?.stamp === stamp) return cached.task;
    this.reads++;
    const read = await readSidecarFile(file);
    const task = 'sidecar' in read ? billedFromSidecar(read.sidecar) : undefined;
    this.known.set(file, { stamp, task });
    return task;
  }
}

async function mapLimited<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker));
  return results;
}
