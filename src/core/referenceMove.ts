/**
 * Where a document's reference to a missing image should point once its task has landed. The
 * quick fix asks for a finished file at the path the document names; it lands there, and the
 * document is left as it is, unless the name was taken meanwhile and the file became `og-2.jpg`:
 * then the reference follows the finished file, never the original in the output folder (a
 * file of another size and format than the one the document asked for). A task without a finish
 * keeps the older rule: the reference follows the image to its true extension.
 */
import type { DocumentLink, TaskRecord } from './lifecycle';

export interface ReferenceMove {
  reference: DocumentLink;
  /** The file the document names. */
  asked: string;
  /** The file that was saved for it (the same path when nothing has to move). */
  saved: string;
}

export function referenceMove(record: TaskRecord): ReferenceMove | undefined {
  const { reference, exactPath, finish } = record.target;
  if (record.phase !== 'landed' || !reference) return undefined;
  const image = record.images?.[0];
  if (finish?.path) {
    const finished = image?.finished?.path;
    return finished ? { reference, asked: finish.path, saved: finished } : undefined;
  }
  const landed = image?.landed?.path;
  return exactPath && landed ? { reference, asked: exactPath, saved: landed } : undefined;
}
