/**
 * "Compare…": the tries of one request side by side, to keep the best and discard the rest. A
 * listbox of the images (arrow keys move, Space keeps, Enter shows one large, Escape goes back),
 * and one button that says what it will do: "Keep 1, discard 2". A and B mark two images to flip
 * between in the same place (compareFlip.ts). Discarded results go to the trash through the host,
 * which checks each one again (a listed result, still what was saved).
 */
import { type ComparePair, type Side, isComplete, markSide, otherSide, sideOf } from '../../src/shared/comparePair';
import type { GalleryItem } from '../../src/shared/galleryItem';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { CompareFlip } from './compareFlip';
import { format, h, setHidden, uid } from './dom';

export class CompareDialog {
  private readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly cells: HTMLElement[];
  private readonly zoom: HTMLElement;
  private readonly zoomImage: HTMLImageElement;
  private readonly apply: HTMLButtonElement;
  private readonly live = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'compare-live' });
  private readonly kept = new Set<number>();
  private readonly flip: CompareFlip;
  private pair: ComparePair = {};
  private at = 0;

  constructor(
    private readonly strings: StudioStrings,
    private readonly items: readonly GalleryItem[],
    private readonly discard: (ids: string[]) => void,
    private readonly done: () => void,
  ) {
    const s = strings;
    const headingId = uid('heading');
    const hintId = uid('hint');
    this.cells = items.map((item, index) => this.cell(item, index));
    this.list = h(
      'div',
      {
        class: 'compare-grid',
        role: 'listbox',
        tabindex: 0,
        'aria-multiselectable': 'true',
        'aria-label': s['compare.list'],
        'aria-describedby': hintId,
        'data-testid': 'compare-grid',
        onKeydown: (e: KeyboardEvent) => this.listKey(e),
      },
      ...this.cells,
    );
    this.zoomImage = h('img', { class: 'compare-zoom-image', alt: '' });
    this.zoom = h(
      'div',
      { class: 'compare-zoom', hidden: true, 'data-testid': 'compare-zoom' },
      this.zoomImage,
      h(
        'button',
        { type: 'button', class: 'button button--secondary', onClick: () => this.unzoom() },
        s['compare.back'],
      ),
    );
    this.flip = this.flipView();
    this.apply = h('button', {
      type: 'button',
      class: 'button button--primary',
      'data-testid': 'compare-apply',
      onClick: () => this.submit(),
    });
    this.element = h(
      'div',
      { class: 'crop-backdrop' },
      h(
        'div',
        {
          class: 'crop-dialog compare-dialog',
          role: 'dialog',
          'aria-modal': 'true',
          'aria-labelledby': headingId,
          'data-testid': 'compare-dialog',
          onKeydown: (e: KeyboardEvent) => this.dialogKey(e),
        },
        h('h2', { id: headingId, class: 'section-title' }, format(s['compare.heading'], items.length)),
        h('p', { id: hintId, class: 'hint' }, s['compare.hint']),
        this.list,
        this.zoom,
        this.flip.element,
        this.live,
        h(
          'div',
          { class: 'crop-buttons' },
          this.apply,
          h(
            'button',
            {
              type: 'button',
              class: 'button button--secondary',
              'data-testid': 'compare-cancel',
              onClick: () => this.close(),
            },
            s['compare.cancel'],
          ),
        ),
      ),
    );
  }

  open(): void {
    document.body.append(this.element);
    this.moveTo(0, false);
    this.updateApply();
    this.list.focus();
  }

  private flipView(): CompareFlip {
    return new CompareFlip(this.strings, this.items, {
      nameOf: (index) => this.nameOf(index),
      isKept: (index) => this.kept.has(index),
      toggleKept: (index) => this.toggle(index, false),
      say: (text) => (this.live.textContent = text),
      back: () => this.unflip(),
    });
  }

  private cell(item: GalleryItem, index: number): HTMLElement {
    const name = item.finished?.relPath ?? item.relPath;
    return h(
      'div',
      {
        id: uid('cell'),
        class: 'compare-cell',
        role: 'option',
        'aria-selected': 'false',
        'data-testid': 'compare-cell',
        onClick: () => {
          this.moveTo(index, false);
          this.toggle(index, true);
        },
      },
      h('img', { class: 'compare-image', src: item.finished?.thumb ?? item.thumb, alt: '' }),
      // The visible text is the name (voice control says what it sees); "Kept" shows only when kept.
      h('span', { class: 'compare-name' }, format(this.strings['compare.cell'], index + 1, name)),
      h('span', { class: 'compare-kept' }, this.strings['compare.kept']),
      h('span', { class: 'compare-side', 'data-testid': 'compare-side' }),
    );
  }

  private close(): void {
    this.element.remove();
    this.done();
  }

  private moveTo(index: number, announce: boolean): void {
    this.at = Math.max(0, Math.min(this.cells.length - 1, index));
    this.cells.forEach((cell, i) => cell.classList.toggle('compare-cell--active', i === this.at));
    const cell = this.cells[this.at]!;
    this.list.setAttribute('aria-activedescendant', cell.id);
    cell.scrollIntoView({ block: 'nearest' });
    if (announce) this.live.textContent = this.state(this.at);
  }

  private state(index: number): string {
    const label = this.nameOf(index);
    return `${label}: ${this.kept.has(index) ? this.strings['compare.kept'] : this.strings['compare.notKept']}`;
  }

  private nameOf(index: number): string {
    return this.cells[index]!.querySelector('.compare-name')?.textContent ?? '';
  }

  private toggle(index: number, announce: boolean): void {
    if (this.kept.has(index)) this.kept.delete(index);
    else this.kept.add(index);
    const cell = this.cells[index]!;
    cell.setAttribute('aria-selected', String(this.kept.has(index)));
    cell.classList.toggle('compare-cell--kept', this.kept.has(index));
    if (announce) this.live.textContent = this.state(index);
    this.updateApply();
  }

  /** A or B on the image at the cursor; with both on two images, the A/B view opens. */
  private mark(side: Side): void {
    this.pair = markSide(this.pair, side, this.at);
    this.cells.forEach((cell, index) => {
      cell.querySelector('.compare-side')!.textContent = sideOf(this.pair, index) ?? '';
    });
    const pair = this.pair;
    if (isComplete(pair)) {
      setHidden(this.list, true);
      this.flip.show(pair);
      this.flip.announceOpen();
    } else {
      this.live.textContent = format(this.strings['compare.marked'], this.nameOf(this.at), side, otherSide(side));
    }
  }

  private unflip(): void {
    this.flip.hide();
    setHidden(this.list, false);
    this.list.focus();
  }

  /** The button says what it will do; with nothing kept (or nothing to discard) it does nothing. */
  private updateApply(): void {
    const keep = this.kept.size;
    const drop = this.items.length - keep;
    this.apply.textContent = format(this.strings['compare.apply'], keep, drop);
    this.apply.setAttribute('aria-disabled', String(keep === 0 || drop === 0));
  }

  private listKey(e: KeyboardEvent): void {
    const columns = Math.max(1, Math.round(this.list.clientWidth / (this.cells[0]?.offsetWidth || 1)));
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: columns,
      ArrowUp: -columns,
      Home: -this.cells.length,
      End: this.cells.length,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.moveTo(this.at + moves[e.key]!, true);
    } else if (e.key === ' ') {
      e.preventDefault();
      this.toggle(this.at, true);
    } else if ((e.key === 'a' || e.key === 'A' || e.key === 'b' || e.key === 'B') && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.mark(e.key.toUpperCase() as Side);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      this.zoomIn();
    }
  }

  private zoomIn(): void {
    const item = this.items[this.at]!;
    this.zoomImage.src = item.finished?.thumb ?? item.thumb;
    this.zoomImage.alt = this.nameOf(this.at);
    setHidden(this.list, true);
    setHidden(this.zoom, false);
    this.zoom.querySelector('button')?.focus();
    this.live.textContent = format(this.strings['compare.zoomed'], this.zoomImage.alt);
  }

  private unzoom(): void {
    setHidden(this.zoom, true);
    setHidden(this.list, false);
    this.list.focus();
  }

  private dialogKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      if (this.flip.open) this.unflip();
      else if (!this.zoom.hidden) this.unzoom();
      else this.close();
    } else if (e.key === 'Tab') {
      // Modal: the focus stays inside the dialog.
      const stops = [this.list, this.flip.element, ...this.element.querySelectorAll<HTMLElement>('button')].filter(
        (stop) => stop.offsetParent !== null,
      );
      const at = stops.indexOf(document.activeElement as HTMLElement);
      const next = stops[(at + (e.shiftKey ? stops.length - 1 : 1)) % stops.length];
      e.preventDefault();
      next?.focus();
    }
  }

  private submit(): void {
    if (this.apply.getAttribute('aria-disabled') === 'true') {
      this.live.textContent = this.strings['compare.keepOne'];
      return;
    }
    this.discard(this.items.filter((_, index) => !this.kept.has(index)).map((item) => item.id));
    this.close();
  }
}
