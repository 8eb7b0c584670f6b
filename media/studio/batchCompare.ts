/**
 * A batch of two or more images opens the compare view when it lands, with the focus in it:
 * choosing one is the next thing to do. But a batch takes from seconds to minutes, and a modal
 * dialog that appears while the user is typing the next prompt, or working elsewhere, takes
 * their keystrokes. So it opens only if the user is still where they were when they pressed
 * Generate: the Studio has the focus, on the same element, and nothing was typed since. Otherwise
 * the status line and the gallery say the batch landed, and Compare… on a card opens the same view.
 */
import { itemsOfBatch } from '../../src/shared/batchItems';
import type { GalleryItem } from '../../src/shared/galleryItem';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { CompareDialog } from './compareDialog';
import { post } from './host';

let edits = 0;
let counting = false;

/** Where the user is now; the answer says whether they are still there. */
export function placeNow(): () => boolean {
  if (!counting) {
    document.addEventListener('input', () => edits++, true);
    counting = true;
  }
  const at = document.activeElement;
  const editsAt = edits;
  return () =>
    document.hasFocus() &&
    document.activeElement === at &&
    edits === editsAt &&
    document.querySelector('[role="dialog"]') === null;
}

export class BatchCompare {
  private pending: { files: readonly string[]; stillHere: () => boolean } | undefined;
  private items: readonly GalleryItem[] = [];

  constructor(private readonly strings: StudioStrings) {}

  /** A batch landed with these files; the view opens once the gallery lists them all. */
  landed(files: readonly string[], stillHere: () => boolean): void {
    this.pending = { files, stillHere };
    this.tryOpen();
  }

  /** The gallery's items changed. */
  listed(items: readonly GalleryItem[]): void {
    this.items = items;
    this.tryOpen();
  }

  private tryOpen(): void {
    const pending = this.pending;
    const batch = pending && itemsOfBatch(this.items, pending.files);
    if (!pending || !batch) return;
    this.pending = undefined;
    if (batch.length < 2 || !pending.stillHere()) return;
    const opener = document.activeElement as HTMLElement | null;
    const discard = (ids: string[]) => {
      for (const id of ids) post({ type: 'galleryAction', item: id, action: 'moveToTrash' });
    };
    new CompareDialog(this.strings, batch, discard, () => opener?.focus()).open();
  }
}
