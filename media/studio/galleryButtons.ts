/** The buttons each result in the gallery offers: one per gallery action of the protocol. No DOM here, so tests read it. */
import type { GalleryAction } from '../../src/shared/galleryItem';
import type { StringKey } from '../../src/shared/studioStrings';

export interface GalleryButton {
  action: GalleryAction;
  icon: string;
  label: StringKey;
  testId: string;
}

export const GALLERY_BUTTONS: readonly GalleryButton[] = [
  { action: 'open', icon: 'go-to-file', label: 'gallery.open', testId: 'gallery-open' },
  { action: 'reveal', icon: 'folder-opened', label: 'gallery.reveal', testId: 'gallery-reveal' },
  { action: 'copyLink', icon: 'markdown', label: 'gallery.copyLink', testId: 'gallery-copy-link' },
  { action: 'insert', icon: 'insert', label: 'gallery.insert', testId: 'gallery-insert' },
  { action: 'useAsReference', icon: 'file-media', label: 'gallery.useAsReference', testId: 'gallery-use-as-reference' },
  { action: 'reuseSettings', icon: 'edit', label: 'gallery.reuseSettings', testId: 'gallery-reuse-settings' },
  { action: 'variation', icon: 'debug-rerun', label: 'gallery.variation', testId: 'gallery-variation' },
  { action: 'exportAssets', icon: 'package', label: 'gallery.exportAssets', testId: 'gallery-export-assets' },
  { action: 'moreLikeThis', icon: 'copy', label: 'gallery.moreLikeThis', testId: 'gallery-more-like-this' },
  { action: 'saveAsStyle', icon: 'symbol-color', label: 'gallery.saveAsStyle', testId: 'gallery-save-as-style' },
  { action: 'moveToTrash', icon: 'trash', label: 'gallery.moveToTrash', testId: 'gallery-move-to-trash' },
];

/** Only a result with a finished file offers these: the card shows the finished file, they reach the original. */
export const FINISHED_BUTTONS: readonly GalleryButton[] = [
  { action: 'openOriginal', icon: 'file-media', label: 'gallery.openOriginal', testId: 'gallery-open-original' },
];
