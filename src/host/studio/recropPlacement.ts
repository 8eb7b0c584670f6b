/**
 * Where a finished file made again with another crop goes. The earlier finished file is replaced
 * only while it is still the one we wrote (its sha256 as its sidecar records it): then it goes to
 * the trash, never deleted outright, and the new file takes its name. A file someone edited since
 * is left alone and the new one gets a free name. Nothing is ever written over an existing file:
 * the name is taken as the landing takes one (placeWithoutOverwrite). No `vscode` import (the
 * trash is passed in), so it is tested in plain Node on a real file system.
 */
import { createHash } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { type FinishReport, OUTPUT_EXTENSIONS } from '../../core/finish';
import { placeWithoutOverwrite } from '../../core/download';
import { sha256Of } from '../../core/landing';
import { sidecarPathFor } from '../../core/naming';

export interface Replaced {
  /** The earlier finished file, its sidecar, and the hash it had when written. */
  file: string;
  sidecar: Record<string, unknown>;
  sha256: string;
}

export interface PlacementDeps {
  /** Moves a file to the user's trash (vscode.workspace.fs.delete with useTrash on the host). */
  trash(file: string): Promise<void>;
  now(): Date;
}

/** The derived sidecar of the new file: the earlier one with the new crop, hash, size and time. */
function newSidecar(
  replaced: Replaced,
  file: string,
  report: FinishReport,
  bytes: Buffer,
  savedAt: Date,
): Record<string, unknown> {
  const old = replaced.sidecar;
  const images = Array.isArray(old.images) ? (old.images as Record<string, unknown>[]) : [];
  const finish = typeof old.finish === 'object' && old.finish !== null ? old.finish : {};
  const { upscale: _upscale, transparency: _transparency, ...kept } = finish as Record<string, unknown>;
  const timings = typeof old.timings === 'object' && old.timings !== null ? old.timings : {};
  return {
    ...old,
    images: [
      {
        ...images[0],
        file: path.basename(file),
        format: report.format,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        width: report.width,
        height: report.height,
        hasAlpha: report.hasAlpha,
      },
    ],
    finish: {
      ...kept,
      crop: report.crop,
      format: report.format,
      ...(report.quality !== undefined ? { quality: report.quality } : {}),
      ...(report.upscale !== undefined && report.upscale > 1 ? { upscale: report.upscale } : {}),
      ...(report.transparency ? { transparency: report.transparency } : {}),
    },
    timings: { ...timings, savedAt: savedAt.toISOString() },
  };
}

/**
 * Puts the file the worker wrote at `made` in place of `replaced` (or beside it under a free
 * name), with its derived sidecar; returns the new file's path. `made` is removed either way.
 */
export async function placeRecropped(
  made: string,
  report: FinishReport,
  replaced: Replaced,
  deps: PlacementDeps,
): Promise<string> {
  try {
    const dir = path.dirname(replaced.file);
    const base = path.basename(replaced.file, path.extname(replaced.file));
    // Where there is no trash (a remote or browser-backed file system), nothing is deleted outright:
    // the earlier file stays and the new crop takes a free name beside it.
    if (
      (await sha256Of(replaced.file).catch(() => undefined)) === replaced.sha256 &&
      (await deps.trash(replaced.file).then(
        () => true,
        () => false,
      ))
    ) {
      await deps.trash(sidecarPathFor(replaced.file)).catch(() => undefined);
    }
    const file = await placeWithoutOverwrite(made, dir, base, OUTPUT_EXTENSIONS[report.format]);
    const bytes = await readFile(file);
    const sidecar = newSidecar(replaced, file, report, bytes, deps.now());
    await writeFile(sidecarPathFor(file), `${JSON.stringify(sidecar, null, 2)}\n`, { flag: 'wx' });
    return file;
  } finally {
    await unlink(made).catch(() => undefined);
  }
}
