/**
 * What this process has read, as the kernel counts it (Linux `/proc/self/io`, every thread,
 * files, pipes and sockets alike): a test can bound the bytes a step reads without trusting the
 * code under test to report them.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const IO = '/proc/self/io';

export function canCountReads(): boolean {
  return existsSync(IO);
}

export async function bytesReadByThisProcess(): Promise<number> {
  const text = await readFile(IO, 'utf8');
  const match = /^rchar:\s*(\d+)$/m.exec(text);
  if (!match) throw new Error(`no rchar line in ${IO}`);
  return Number(match[1]);
}
