/**
 * "Adjust crop…": the original with the finished file's crop frame over it. The frame keeps the
 * finished size's shape and moves with the arrow keys (Shift: ten times as far) or the pointer;
 * Enter (or Save) makes the finished file again from the original with that box, Escape cancels.
 * The frame is one focusable element that says where it is, so the whole job works by keyboard
 * and by screen reader. The host checks the box again (inside the original, a listed result).
 */
import { type CropBox, type PixelSize, movedCrop } from '../../src/core/finish';
import type { GalleryItem } from '../../src/shared/galleryItem';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { format, h, uid } from './dom';

export type Recrop = (item: string, crop: CropBox) => Promise<{ ok: boolean; message?: string }>;

/** One step of the arrow keys: about half a percent of the original's long side. */
function stepOf(source: PixelSize): number {
  return Math.max(1, Math.round(Math.max(source.width, source.height) / 200));
}

export class CropDialog {
  private readonly element: HTMLElement;
  private readonly frame: HTMLElement;
  private readonly live = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'crop-position' });
  private readonly error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  private readonly image: HTMLImageElement;
  private readonly save: HTMLButtonElement;
  private source: PixelSize | undefined;
  private box: CropBox;
  private busy = false;

  constructor(
    private readonly strings: StudioStrings,
    private readonly item: GalleryItem & { finished: NonNullable<GalleryItem['finished']> },
    private readonly recrop: Recrop,
    private readonly done: (message?: string) => void,
  ) {
    const s = strings;
    const headingId = uid('heading');
    const hintId = uid('hint');
    this.box = { ...item.finished.crop! };
    this.image = h('img', { class: 'crop-image', src: item.thumb, alt: item.prompt, draggable: 'false' });
    this.frame = h('div', {
      class: 'crop-frame',
      tabindex: 0,
      role: 'application',
      'aria-describedby': hintId,
      'data-testid': 'crop-frame',
      onKeydown: (e: KeyboardEvent) => this.key(e),
      onPointerdown: (e: PointerEvent) => this.drag(e),
    });
    this.save = h(
      'button',
      {
        type: 'button',
        class: 'button button--primary',
        'data-testid': 'crop-save',
        onClick: () => void this.submit(),
      },
      s['crop.save'],
    );
    this.element = h(
      'div',
      { class: 'crop-backdrop' },
      h(
        'div',
        {
          class: 'crop-dialog',
          role: 'dialog',
          'aria-modal': 'true',
          'aria-labelledby': headingId,
          'data-testid': 'crop-dialog',
          onKeydown: (e: KeyboardEvent) => this.dialogKey(e),
        },
        h('h2', { id: headingId, class: 'section-title' }, s['crop.heading']),
        h('p', { id: hintId, class: 'hint' }, s['crop.hint']),
        h('div', { class: 'crop-stage' }, this.image, this.frame),
        this.live,
        this.error,
        h(
          'div',
          { class: 'crop-buttons' },
          this.save,
          h(
            'button',
            {
              type: 'button',
              class: 'button button--secondary',
              'data-testid': 'crop-cancel',
              onClick: () => this.close(),
            },
            s['crop.cancel'],
          ),
        ),
      ),
    );
  }

  open(): void {
    document.body.append(this.element);
    const ready = () => {
      this.source = { width: this.image.naturalWidth, height: this.image.naturalHeight };
      this.place(false);
      this.frame.focus();
    };
    if (this.image.complete && this.image.naturalWidth > 0) ready();
    else this.image.addEventListener('load', ready, { once: true });
  }

  private close(message?: string): void {
    this.element.remove();
    this.done(message);
  }

  private move(dx: number, dy: number): void {
    if (!this.source) return;
    this.box = movedCrop(this.box, dx, dy, this.source);
    this.place(true);
  }

  /** Draws the frame over the image (in percent, so it follows the layout) and says where it is. */
  private place(announce: boolean): void {
    const source = this.source;
    if (!source) return;
    const { left, top, width, height } = this.box;
    Object.assign(this.frame.style, {
      left: `${(left / source.width) * 100}%`,
      top: `${(top / source.height) * 100}%`,
      width: `${(width / source.width) * 100}%`,
      height: `${(height / source.height) * 100}%`,
    });
    const label = format(this.strings['crop.frame'], width, height, left, top);
    this.frame.setAttribute('aria-label', label);
    if (announce) this.live.textContent = label;
  }

  private key(e: KeyboardEvent): void {
    if (!this.source) return;
    const step = stepOf(this.source) * (e.shiftKey ? 10 : 1);
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    this.move(...move);
  }

  private dialogKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
    } else if (e.key === 'Enter' && e.target === this.frame) {
      e.preventDefault();
      void this.submit();
    } else if (e.key === 'Tab') {
      // Modal: the focus stays inside the dialog.
      const stops = [this.frame, ...this.element.querySelectorAll<HTMLElement>('button')];
      const at = stops.indexOf(document.activeElement as HTMLElement);
      const next = stops[(at + (e.shiftKey ? stops.length - 1 : 1)) % stops.length];
      e.preventDefault();
      next?.focus();
    }
  }

  /** Dragging: the pointer's travel on screen, in the original's pixels. */
  private drag(e: PointerEvent): void {
    const source = this.source;
    if (!source || e.button !== 0) return;
    e.preventDefault();
    this.frame.focus();
    this.frame.setPointerCapture(e.pointerId);
    const scale = source.width / this.image.getBoundingClientRect().width;
    const start = { x: e.clientX, y: e.clientY, box: this.box };
    const moved = (m: PointerEvent) => {
      this.box = movedCrop(start.box, (m.clientX - start.x) * scale, (m.clientY - start.y) * scale, source);
      this.place(false);
    };
    const ended = () => {
      this.frame.removeEventListener('pointermove', moved);
      this.place(true);
    };
    this.frame.addEventListener('pointermove', moved);
    this.frame.addEventListener('pointerup', ended, { once: true });
    this.frame.addEventListener('pointercancel', ended, { once: true });
  }

  private async submit(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.save.setAttribute('aria-busy', 'true');
    this.save.textContent = this.strings['crop.saving'];
    try {
      const answer = await this.recrop(this.item.id, this.box);
      if (answer.ok) {
        this.close(answer.message);
        return;
      }
      this.error.textContent = answer.message ?? '';
      this.error.hidden = false;
    } catch {
      // The host could not answer: its notice and log say why; the dialog stays for another try.
    } finally {
      this.busy = false;
      this.save.removeAttribute('aria-busy');
      this.save.textContent = this.strings['crop.save'];
    }
  }
}
