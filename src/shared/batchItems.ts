/**
 * The gallery items of a batch that just landed, found by the files its `generateDone` named: the
 * gallery hears of new results a moment after the generation reports them, so the compare view
 * waits until every file is listed rather than open on part of a batch. Pure: no DOM.
 */
import type { GalleryItem } from './galleryItem';

/** The items holding `files` (an image or its finished file), in the order named; undefined while one is not listed. */
export function itemsOfBatch(items: readonly GalleryItem[], files: readonly string[]): GalleryItem[] | undefined {
  const found: GalleryItem[] = [];
  for (const file of files) {
    const item = items.find((candidate) => candidate.file === file || candidate.finished?.file === file);
    if (!item) return undefined;
    if (!found.includes(item)) found.push(item);
  }
  return found;
}
