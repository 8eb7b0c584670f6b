/**
 * How long each model took on each gateway, remembered across sessions so the poll schedule can
 * aim its looks (schedule.ts). One small JSON file (a few hundred bytes per model), written
 * atomically; a damaged or foreign file is ignored and starts afresh.
 */
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { writeAtomically } from './journal';
import { type DurationSample, learn, recentSamples } from './schedule';

const bookSchema = z.object({
  version: z.literal(1),
  durations: z.record(
    z.string().check(z.maxLength(300)),
    z.array(z.tuple([z.number(), z.number()])).check(z.maxLength(200)),
  ),
});

/** `https://gw.example.com GEM 2.5`: one distribution per gateway origin and model. */
export function durationKey(apiOrigin: string, modelName: string, modelVersion: string): string {
  return `${apiOrigin} ${modelName} ${modelVersion}`;
}

export class DurationBook {
  private entries = new Map<string, DurationSample[]>();
  private loaded: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Recent durations (ms) of this key, oldest first. */
  async durations(key: string): Promise<number[]> {
    await this.load();
    return recentSamples(this.entries.get(key) ?? [], this.now()).map(([ms]) => ms);
  }

  /** Adds one finished task's duration and writes the file (in the background, one write at a time). */
  async record(key: string, durationMs: number): Promise<void> {
    if (!(durationMs > 0) || !Number.isFinite(durationMs)) return;
    await this.load();
    this.entries.set(key, learn(this.entries.get(key) ?? [], durationMs, this.now()));
    const text = JSON.stringify({ version: 1, durations: Object.fromEntries(this.entries) });
    this.writing = this.writing
      .then(async () => {
        await mkdir(path.dirname(this.file), { recursive: true });
        await writeAtomically(this.file, text);
      })
      .catch(() => undefined);
    await this.writing;
  }

  private load(): Promise<void> {
    this.loaded ??= readFile(this.file, 'utf8').then(
      (text) => {
        try {
          const parsed = bookSchema.safeParse(JSON.parse(text));
          if (parsed.success) {
            const now = this.now();
            for (const [key, samples] of Object.entries(parsed.data.durations)) {
              const recent = recentSamples(samples, now);
              if (recent.length) this.entries.set(key, recent);
            }
          }
        } catch {
          // not JSON: start afresh
        }
      },
      () => undefined,
    );
    return this.loaded;
  }
}
