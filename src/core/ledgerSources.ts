/**
 * Where the ledger's billed tasks come from, read from disk: the task journals of every
 * workspace (they sit side by side under the extension's global storage, so a cap counts what
 * every window and every workspace sent today) and the ledger's own log beside them, which keeps
 * each billed task once it has ended (an ended journal record is forgotten after a day).
 *
 * Sidecars are not counted: a sidecar does not say who paid for its image, and a repository
 * holds the images of everyone who commits to it. A teammate's images pulled this morning are
 * not this user's spend.
 */
import { appendFile, lstat, mkdir, readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { type BilledTask, billedFromRecord, localMonth } from './ledger';

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

/** One line of the log: a task the gateway accepted that ended billed. */
const loggedTask = z.object({
  taskId: z.string().check(z.minLength(1), z.maxLength(200)),
  model: z.string().check(z.maxLength(64)),
  at: z.number(),
});

const LOG_FILE = /^billed-\d{4}-\d{2}\.jsonl$/;
/** Months read back: this one and the twelve before it (the chart shows 30 days and month totals). */
const LOG_MONTHS = 13;

/**
 * The ledger's log: `billed-<yyyy-mm>.jsonl` under one folder, a line per billed task that has
 * ended (landed, or discarded after the gateway accepted it), by the month it was accepted. Only
 * ended tasks are written: a task still running may yet be refused (a FAILURE is not billed), and
 * the journal counts it meanwhile. Windows append side by side; a task written twice (two windows
 * saw it end) counts once, by its id. A file unchanged since the last read is not read again.
 */
export class BilledLog {
  private readonly known = new Map<string, { stamp: string; tasks: BilledTask[] }>();
  /** Log files read (not reused) so far: how much a refresh really costs. */
  reads = 0;

  constructor(private readonly folder: string) {}

  async read(): Promise<BilledTask[]> {
    const names = (await readdir(this.folder).catch(() => [] as string[]))
      .filter((name) => LOG_FILE.test(name))
      .sort()
      .slice(-LOG_MONTHS);
    const wanted = new Set(names);
    for (const name of this.known.keys()) if (!wanted.has(name)) this.known.delete(name);
    return (await Promise.all(names.map((name) => this.readOne(name)))).flat();
  }

  /** Writes the tasks that ended billed and are not in the log yet. */
  async record(journal: readonly BilledTask[], logged: readonly BilledTask[]): Promise<BilledTask[]> {
    const known = new Set(logged.map((task) => task.taskId));
    const ended = journal.filter((task) => task.final && !known.has(task.taskId));
    if (ended.length === 0) return [];
    await mkdir(this.folder, { recursive: true });
    const byMonth = new Map<string, string[]>();
    for (const { taskId, model, at } of ended) {
      const lines = byMonth.get(localMonth(at)) ?? [];
      lines.push(JSON.stringify({ taskId, model, at }));
      byMonth.set(localMonth(at), lines);
    }
    // One append per file: lines this short are written whole even when another window appends too.
    for (const [month, lines] of byMonth)
      await appendFile(path.join(this.folder, `billed-${month}.jsonl`), `${lines.join('\n')}\n`, 'utf8');
    return ended;
  }

  private async readOne(name: string): Promise<BilledTask[]> {
    const file = path.join(this.folder, name);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile()) return [];
    const stamp = `${info.size}:${info.mtimeMs}`;
    const cached = this.known.get(name);
    if (cached?.stamp === stamp) return cached.tasks;
    this.reads++;
    const text = await readFile(file, 'utf8').catch(() => '');
    const tasks: BilledTask[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = loggedTask.safeParse(JSON.parse(line));
        // A line cut short by a crash mid-append is skipped; its task is written again while its record lasts.
        if (parsed.success) tasks.push(parsed.data);
      } catch {
        continue;
      }
    }
    this.known.set(name, { stamp, tasks });
    return tasks;
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
