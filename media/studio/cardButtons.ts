/** A gallery card's toolbar: every result's actions, and for a finished file its original and its crop. */
import type { GalleryAction, GalleryItem } from '../../src/shared/galleryItem';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { h, icon } from './dom';
import { GALLERY_BUTTONS, FINISHED_BUTTONS, type GalleryButton } from './galleryButtons';

export interface CardActions {
  act(action: GalleryAction): void;
  adjustCrop(): void;
  /** Opens the compare view; absent when the result has no other tries of its request listed. */
  compare?: () => void;
}

/** The buttons in toolbar order; the first is the toolbar's one tab stop (arrow keys move between them). */
export function cardButtons(s: StudioStrings, item: GalleryItem, actions: CardActions): HTMLButtonElement[] {
  const button = (label: string, testId: string, name: string, run: () => void) =>
    h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'data-testid': testId,
        // Shown above the toolbar on hover and on keyboard focus (studio.css), not only as a tooltip.
        'data-label': label,
        'aria-label': label,
        tabindex: -1,
        onClick: run,
      },
      icon(name),
    );
  const action = ({ action: a, icon: name, label, testId }: GalleryButton) =>
    button(s[label], testId, name, () => actions.act(a));
  const finished = item.finished;
  const buttons = [
    ...GALLERY_BUTTONS.map(action),
    ...(finished ? FINISHED_BUTTONS.map(action) : []),
    ...(finished?.crop
      ? [button(s['gallery.adjustCrop'], 'gallery-adjust-crop', 'screen-full', () => actions.adjustCrop())]
      : []),
    ...(actions.compare ? [button(s['gallery.compare'], 'gallery-compare', 'split-horizontal', actions.compare)] : []),
  ];
  buttons[0]!.tabIndex = 0;
  return buttons;
}
