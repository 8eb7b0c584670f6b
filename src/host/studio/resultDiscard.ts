/**
 * A result the user chose not to keep goes to the trash, not oblivion: its image and sidecar, and
 * its finished file and that one's sidecar. Only files that are still what was saved (their
 * sha256 as the sidecar records it) are moved: a file someone edited since, or one whose hash was
 * never recorded, stops the whole result and nothing of it moves. Where there is no trash (a
 * remote or browser-backed file system, code-server), nothing is deleted outright: the result
 * stays and the caller says why. No `vscode` import (the trash is passed in), so it is tested in
 * plain Node on a real file system.
 */
import { sha256Of } from '../../core/landing';
import { sidecarPathFor } from '../../core/naming';

export interface SavedFile {
  /** Absolute path of an image the gallery listed. */
  image: string;
  /** Its hash as its sidecar records it; undefined when the sidecar records none. */
  sha256: string | undefined;
}

/**
 * - `trashed`: every file present and its sidecar are in the trash;
 * - `changed`: a file is not what was saved (or its hash is unknown): nothing was moved;
 * - `noTrash`: the file system has no trash: nothing was deleted.
 */
export type DiscardOutcome = 'trashed' | 'changed' | 'noTrash';

export interface DiscardDeps {
  /** Moves a file to the user's trash (vscode.workspace.fs.delete with useTrash on the host); rejects where there is none. */
  trash(file: string): Promise<void>;
}

/** Discards one result: `files` are its finished file (if any) first, then its original. */
export async function discardResult(files: readonly SavedFile[], deps: DiscardDeps): Promise<DiscardOutcome> {
  const present: string[] = [];
  for (const file of files) {
    const actual = await sha256Of(file.image).catch(() => undefined);
    if (actual === undefined) continue; // Already gone: its sidecar may still be moved below.
    if (file.sha256 === undefined || actual !== file.sha256) return 'changed';
    present.push(file.image);
  }
  for (const image of present) {
    const moved = await deps.trash(image).then(
      () => true,
      () => false,
    );
    if (!moved) return 'noTrash';
  }
  for (const file of files) await deps.trash(sidecarPathFor(file.image)).catch(() => undefined);
  return 'trashed';
}
