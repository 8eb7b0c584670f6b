/**
 * Reading a sidecar from disk. Sidecars arrive with cloned repositories, so whatever sits at a
 * sidecar's name may be a trap: a symbolic link (to `/dev/zero`, to a private file), a named
 * pipe that blocks whoever opens it, a device, or gigabytes of JSON. A sidecar is read only when
 * it is a regular file of its own — never through a link — and never more than a sidecar's worth
 * of bytes, counted as they are read (a link's or a device's stat size says nothing).
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import * as path from 'node:path';
import { type Sidecar, parseSidecar } from './sidecar';

/** A sidecar is a few KB (a 10 000-character prompt in Chinese makes ~60 KB); a larger file is not ours. */
export const MAX_SIDECAR_BYTES = 96 * 1024;

/** Why a file at a sidecar's name was not taken as one. */
export type SidecarSkip = 'missing' | 'link' | 'notAFile' | 'tooLarge' | 'notASidecar' | 'unreadable';

export type SidecarFile =
  { sidecar: Sidecar; mtimeMs: number; bytesRead: number } | { skipped: SidecarSkip; bytesRead: number };

/** What is worth a line in the log: something at a sidecar's name that no version of this extension writes. */
const SUSPICIOUS: Partial<Record<SidecarSkip, string>> = {
  link: 'it is a symbolic link',
  notAFile: 'it is not a regular file (a pipe, a device or a folder)',
  tooLarge: `it is larger than ${MAX_SIDECAR_BYTES / 1024} KB`,
};

/** Why a read was refused, for the log; undefined for a sidecar, a missing file or other JSON. */
export function suspicion(read: SidecarFile): string | undefined {
  return 'skipped' in read ? SUSPICIOUS[read.skipped] : undefined;
}

// O_NONBLOCK: a pipe swapped in after the check must not hold the open. Both are absent on Windows.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The sidecar at `file`, read without following links and at most `maxBytes` of it, or why not. */
export async function readSidecarFile(file: string, maxBytes = MAX_SIDECAR_BYTES): Promise<SidecarFile> {
  let before: Stats;
  try {
    before = await lstat(file);
  } catch (error) {
    return skipped(isMissing(error) ? 'missing' : 'unreadable');
  }
  if (before.isSymbolicLink()) return skipped('link');
  if (!before.isFile()) return skipped('notAFile');
  if (before.size > maxBytes) return skipped('tooLarge');
  let handle: FileHandle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    // ELOOP: the name became a link after it was looked at.
    return skipped(
      (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'link' : isMissing(error) ? 'missing' : 'unreadable',
    );
  }
  try {
    const opened = await handle.stat();
    // Where O_NOFOLLOW does not exist, a file swapped for another after the lstat is caught here.
    if (!opened.isFile() || opened.ino !== before.ino || opened.dev !== before.dev) return skipped('notAFile');
    const bytes = await readAtMost(handle, maxBytes + 1, opened.size);
    if (bytes.length > maxBytes) return { skipped: 'tooLarge', bytesRead: bytes.length };
    const sidecar = parseSidecar(bytes.toString('utf8'));
    return sidecar
      ? { sidecar, mtimeMs: opened.mtimeMs, bytesRead: bytes.length }
      : { skipped: 'notASidecar', bytesRead: bytes.length };
  } catch {
    return skipped('unreadable');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The image a sidecar file describes, by the sidecar's own name: `hero.png` for `hero.png.json`,
 * and for an earlier version's `hero.json` (then `legacy`). Undefined when the sidecar names no
 * image of that name: a file in it that is not a plain name beside the sidecar is never followed.
 */
export function describedImage(sidecarPath: string, sidecar: Sidecar): { file: string; legacy: boolean } | undefined {
  const base = path.basename(sidecarPath).replace(/\.json$/i, '');
  const plain = sidecar.images.filter((image) => isPlainName(image.file));
  const own = plain.find((image) => image.file === base);
  if (own) return { file: own.file, legacy: false };
  const old = plain.find((image) => image.file.slice(0, image.file.length - path.extname(image.file).length) === base);
  return old ? { file: old.file, legacy: true } : undefined;
}

/**
 * One entry per image: where an image has both this version's sidecar and an earlier version's
 * (an old `hero.json` left beside a new `hero.png.json`), the current one is kept.
 */
export function onePerImage<T extends { image: string; legacy?: boolean }>(entries: readonly T[]): T[] {
  const current = new Set(entries.filter((e) => !e.legacy).map((e) => e.image));
  return entries.filter((e) => !e.legacy || !current.has(e.image));
}

function isPlainName(file: string): boolean {
  return file !== '' && file !== '.' && file !== '..' && !file.includes('/') && !file.includes('\\');
}

async function readAtMost(handle: FileHandle, limit: number, expected: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    // Each read asks for more than the file's size: a short read is its end (one read for a
    // sidecar), and a file that grew meanwhile is still seen whole, up to the limit.
    const chunk = Buffer.allocUnsafe(Math.min(limit - total, Math.max(expected - total + 1, 4096)));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (bytesRead < chunk.length) break;
  }
  return Buffer.concat(chunks, total);
}

function skipped(reason: SidecarSkip): SidecarFile {
  return { skipped: reason, bytesRead: 0 };
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
