/**
 * The A/B view of the compare dialog: two near-identical tries are told apart by flipping one
 * over the other in the same place and at the same size, as designers do, rather than by looking
 * from one side to the other. F flips, Space keeps the image shown, Escape (handled by the
 * dialog) goes back to all images. The visible label and the live region say which is A and B.
 */
import type { GalleryItem } from '../../src/shared/galleryItem';
import { type Side, otherSide } from '../../src/shared/comparePair';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { format, h, setHidden, uid } from './dom';

export interface FlipHost {
  nameOf(index: number): string;
  isKept(index: number): boolean;
  toggleKept(index: number): void;
  say(text: string): void;
  back(): void;
}

export class CompareFlip {
  readonly element: HTMLElement;
  private readonly image: HTMLImageElement;
  private readonly label: HTMLElement;
  private pair: Record<Side, number> = { A: 0, B: 0 };
  private side: Side = 'A';

  constructor(
    private readonly strings: StudioStrings,
    private readonly items: readonly GalleryItem[],
    private readonly host: FlipHost,
  ) {
    const s = strings;
    const hintId = uid('flip-hint');
    this.image = h('img', { class: 'compare-flip-image', alt: '', 'data-testid': 'compare-flip-image' });
    this.label = h('p', { class: 'compare-flip-label', 'data-testid': 'compare-flip-label' });
    const button = (text: string, testId: string, run: () => void) =>
      h('button', { type: 'button', class: 'button button--secondary', 'data-testid': testId, onClick: run }, text);
    this.element = h(
      'div',
      {
        class: 'compare-flip',
        hidden: true,
        role: 'group',
        tabindex: 0,
        'aria-label': s['compare.flipGroup'],
        'aria-describedby': hintId,
        'data-testid': 'compare-flip',
        onKeydown: (e: KeyboardEvent) => this.key(e),
      },
      this.label,
      this.image,
      h('p', { id: hintId, class: 'hint' }, s['compare.flipHint']),
      h(
        'div',
        { class: 'crop-buttons' },
        button(s['compare.flip'], 'compare-flip-button', () => this.flip()),
        button(s['compare.keepShown'], 'compare-flip-keep', () => this.keep()),
        button(s['compare.back'], 'compare-flip-back', () => host.back()),
      ),
    );
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  /** Shows A first, in the place B will take: the eye stays still and sees only what differs. */
  show(pair: Record<Side, number>): void {
    this.pair = pair;
    this.side = 'A';
    setHidden(this.element, false);
    this.draw();
    this.element.focus();
  }

  hide(): void {
    setHidden(this.element, true);
  }

  /** The image shown now, by its index in the dialog. */
  get shown(): number {
    return this.pair[this.side];
  }

  /** A kept image changed elsewhere (or here): the label says so. */
  draw(): void {
    const s = this.strings;
    const index = this.shown;
    const item = this.items[index]!;
    const name = this.host.nameOf(index);
    const kept = this.host.isKept(index) ? s['compare.kept'] : s['compare.notKept'];
    this.image.src = item.finished?.thumb ?? item.thumb;
    this.image.alt = format(s['compare.side'], this.side, name);
    this.label.textContent = format(s['compare.flipLabel'], this.side, name, kept);
    this.element.dataset.side = this.side;
  }

  private flip(): void {
    this.side = otherSide(this.side);
    this.draw();
    this.announce();
  }

  private keep(): void {
    this.host.toggleKept(this.shown);
    this.draw();
    this.announce();
  }

  private announce(): void {
    const s = this.strings;
    const kept = this.host.isKept(this.shown) ? s['compare.kept'] : s['compare.notKept'];
    this.host.say(format(s['compare.flipShown'], this.side, this.host.nameOf(this.shown), kept, otherSide(this.side)));
  }

  /** Called by the dialog once the view is open, so the first image is announced too. */
  announceOpen(): void {
    this.announce();
  }

  private key(e: KeyboardEvent): void {
    if (e.target !== this.element || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'f' || e.key === 'F') {
      e.preventDefault();
      this.flip();
    } else if (e.key === ' ') {
      e.preventDefault();
      this.keep();
    }
  }
}
