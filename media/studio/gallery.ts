/** This workspace's results, newest first: thumbnail, prompt, model, time, and what to do with each. */
import { parseModelKey } from '../../src/core/models';
import type { GalleryAction, GalleryItem } from '../../src/shared/galleryItem';
import type { StudioContext } from './context';
import { format, h, icon, preserveFocus, relativeTime, scrollBehavior, scrollParent, setHidden, uid } from './dom';
import { CompareDialog } from './compareDialog';
import { CropDialog, type Recrop } from './cropDialog';
import { cardButtons } from './cardButtons';
import { post } from './host';

const PAGE = 48;

export class GalleryView {
  readonly element: HTMLElement;
  private readonly grid: HTMLUListElement;
  private readonly status: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly more: HTMLButtonElement;
  private readonly count: HTMLElement;
  private items: GalleryItem[] = [];
  private total = 0;
  private limit = PAGE;
  private readonly highlighted = new Set<string>();
  private readonly cards = new Map<string, HTMLLIElement>();
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private clockTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly ctx: StudioContext,
    initialFilter: string,
    private readonly onFilter: (filter: string) => void,
    private readonly recrop: Recrop,
  ) {
    const s = ctx.strings;
    const headingId = uid('heading');
    this.count = h('span', { class: 'badge badge--quiet' });
    this.filter = h('input', {
      type: 'search',
      class: 'input search-input',
      placeholder: s['gallery.filter'],
      'aria-label': s['gallery.filter'],
      'data-testid': 'gallery-search',
      value: initialFilter,
      onInput: () => {
        clearTimeout(this.filterTimer);
        this.filterTimer = setTimeout(() => {
          this.limit = PAGE;
          this.onFilter(this.filter.value);
          this.render();
        }, 80);
      },
    });
    const refresh = h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        title: s['gallery.refresh'],
        'aria-label': s['gallery.refresh'],
        'data-testid': 'gallery-refresh',
        onClick: () => post({ type: 'refreshGallery' }),
      },
      icon('refresh'),
    );
    this.grid = h('ul', { class: 'gallery-grid', 'aria-labelledby': headingId });
    this.status = h('p', { class: 'gallery-status', role: 'status', 'aria-live': 'polite' });
    this.more = h(
      'button',
      {
        type: 'button',
        class: 'button button--secondary gallery-more',
        hidden: true,
        onClick: () => {
          this.limit += PAGE;
          this.render();
        },
      },
      s['gallery.more'],
    );
    this.element = h(
      'section',
      { class: 'pane-section gallery', 'aria-labelledby': headingId },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: headingId, class: 'section-title' }, icon('library'), h('span', null, s['gallery.heading'])),
        this.count,
        h(
          'div',
          { class: 'section-tools' },
          h('div', { class: 'search search--compact' }, icon('filter', 'search-icon'), this.filter),
          refresh,
        ),
      ),
      this.grid,
      this.status,
      this.more,
    );
    // Relative times ("2 minutes ago") stay true while the panel is open.
    this.clockTimer = setInterval(() => this.refreshTimes(), 30_000);
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !this.more.hidden) {
        this.limit += PAGE;
        this.render();
      }
    }).observe(this.more);
  }

  setItems(items: readonly GalleryItem[], total: number, highlight: readonly string[] = []): void {
    this.items = [...items];
    this.total = total;
    for (const id of highlight) this.highlighted.add(id);
    preserveFocus(
      this.grid,
      () => this.render(),
      () => this.filter,
    );
    if (highlight.length > 0) {
      // New results stand out for a moment, then look like the rest.
      setTimeout(() => {
        for (const id of highlight) {
          this.highlighted.delete(id);
          this.cards.get(id)?.classList.remove('gallery-item--new');
        }
      }, 8000);
    }
    // Only a results column that scrolls on its own follows a new result: in one column that would
    // carry the page (and the form the user is in) a screen or two away.
    const first = highlight[0] && this.cards.get(highlight[0]);
    if (first && scrollParent(first) !== document.scrollingElement)
      first.scrollIntoView({ block: 'nearest', behavior: scrollBehavior() });
  }

  /** Brings the result saved as `file` into view and focuses it (the status line's "Show result"). */
  reveal(file: string): void {
    // "Show Result" names the finished file when there is one: its card is its original's.
    const card = [...this.cards.values()].find((c) => c.dataset.file === file || c.dataset.finishedFile === file);
    const thumb = card?.querySelector<HTMLElement>('.gallery-thumb');
    if (!card || !thumb) return;
    card.scrollIntoView({ block: 'center', behavior: scrollBehavior() });
    thumb.focus({ preventScroll: true });
  }

  dispose(): void {
    clearInterval(this.clockTimer);
  }

  private matches(): GalleryItem[] {
    const terms = this.filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0) return this.items;
    return this.items.filter((item) => {
      const text = `${item.prompt} ${item.model} ${item.relPath}`.toLowerCase();
      return terms.every((t) => text.includes(t));
    });
  }

  private render(): void {
    const s = this.ctx.strings;
    const matches = this.matches();
    const shown = matches.slice(0, this.limit);
    const ids = new Set(shown.map((i) => i.id));
    for (const [id, card] of this.cards) {
      if (!ids.has(id)) {
        card.remove();
        this.cards.delete(id);
      }
    }
    let cursor: Element | null = this.grid.firstElementChild;
    for (const item of shown) {
      let card = this.cards.get(item.id);
      if (!card || card.dataset.version !== version(item)) {
        if (card) {
          if (cursor === card) cursor = card.nextElementSibling;
          card.remove();
        }
        card = this.card(item);
        this.cards.set(item.id, card);
      }
      card.classList.toggle('gallery-item--new', this.highlighted.has(item.id));
      if (card !== cursor) this.grid.insertBefore(card, cursor);
      cursor = card.nextElementSibling;
    }
    const filter = this.filter.value.trim();
    let status = '';
    if (this.items.length === 0) status = s['gallery.empty'];
    else if (matches.length === 0) status = format(s['gallery.noMatch'], filter);
    else if (shown.length < matches.length || this.total > this.items.length)
      status = format(s['gallery.showing'], shown.length, filter ? matches.length : this.total);
    this.status.textContent = status;
    this.status.classList.toggle('gallery-status--empty', this.items.length === 0);
    this.count.textContent = this.total > 0 ? this.total.toLocaleString(this.ctx.lang) : '';
    setHidden(this.more, shown.length >= matches.length);
  }

  private card(item: GalleryItem): HTMLLIElement {
    const s = this.ctx.strings;
    const modelLabel = parseModelKey(item.model)?.label ?? item.model;
    const finished = item.finished;
    const img = h('img', {
      src: finished?.thumb ?? item.thumb,
      alt: item.prompt,
      loading: 'lazy',
      decoding: 'async',
      draggable: 'false',
    });
    img.addEventListener('error', () => img.replaceWith(icon('file-media', 'gallery-broken')), { once: true });
    const time = h(
      'time',
      {
        datetime: new Date(item.createdAt).toISOString(),
        title: new Date(item.createdAt).toLocaleString(this.ctx.lang),
        'data-ms': item.createdAt,
      },
      relativeTime(item.createdAt, this.ctx.lang),
    );
    const promptId = uid('prompt');
    return h(
      'li',
      {
        class: 'gallery-item',
        'data-testid': 'gallery-item',
        'data-id': item.id,
        'data-file': item.file,
        ...(item.finished ? { 'data-finished-file': item.finished.file } : {}),
        'data-version': version(item),
        'data-focus-key': item.id,
        'aria-labelledby': promptId,
      },
      h(
        'button',
        {
          type: 'button',
          // Transparent pixels are drawn over a checkerboard: on a flat panel they would not show.
          class: finished?.hasAlpha ? 'gallery-thumb gallery-thumb--transparent' : 'gallery-thumb',
          'data-testid': 'gallery-thumb',
          title: finished?.relPath ?? item.relPath,
          'aria-label': `${s['gallery.open']}: ${finished?.relPath ?? item.relPath}`,
          onClick: () => this.act(item, 'open'),
        },
        img,
      ),
      h(
        'div',
        { class: 'gallery-caption' },
        h('p', { id: promptId, class: 'gallery-prompt', title: item.prompt }, item.prompt),
        h(
          'p',
          { class: 'gallery-meta' },
          h('span', { class: 'gallery-model', title: item.model }, modelLabel),
          time,
          item.references > 0
            ? h('span', { class: 'gallery-refs' }, icon('file-media'), format(s['gallery.references'], item.references))
            : null,
        ),
        finished
          ? h('p', { class: 'badge gallery-finished', 'data-testid': 'gallery-finished' }, finishedBadge(s, finished))
          : null,
        finished?.keyIgnored
          ? h('p', { class: 'gallery-note', 'data-testid': 'gallery-key-ignored' }, s['gallery.keyIgnored'])
          : null,
      ),
      h(
        'div',
        { class: 'gallery-actions', role: 'toolbar', 'aria-label': item.prompt, onKeydown: rovingToolbar },
        ...cardButtons(this.ctx.strings, item, {
          act: (action) => this.act(item, action),
          adjustCrop: () => this.adjustCrop(item),
          ...(triesOf(this.items, item).length > 1 ? { compare: () => this.compare(item) } : {}),
        }),
      ),
    );
  }

  private adjustCrop(item: GalleryItem): void {
    const finished = item.finished;
    if (!finished?.crop) return;
    const opener = document.activeElement as HTMLElement | null;
    new CropDialog(this.ctx.strings, { ...item, finished }, this.recrop, (message) => {
      if (message) this.ctx.notify('info', message);
      // The card may have been redrawn with the new file: its Adjust crop button, else the opener.
      const again = this.cards.get(item.id)?.querySelector<HTMLElement>('[data-testid="gallery-adjust-crop"]');
      (again ?? opener)?.focus();
    }).open();
  }

  /** The compare view of the tries of this card's request; discarded ones go to the host one by one. */
  private compare(item: GalleryItem): void {
    const opener = document.activeElement as HTMLElement | null;
    const discard = (ids: string[]) => {
      for (const id of ids) post({ type: 'galleryAction', item: id, action: 'moveToTrash' });
    };
    new CompareDialog(this.ctx.strings, triesOf(this.items, item), discard, () => opener?.focus()).open();
  }

  private act(item: GalleryItem, action: GalleryAction): void {
    this.highlighted.delete(item.id);
    this.cards.get(item.id)?.classList.remove('gallery-item--new');
    post({ type: 'galleryAction', item: item.id, action });
  }

  private refreshTimes(): void {
    for (const time of this.grid.querySelectorAll<HTMLTimeElement>('time[data-ms]')) {
      time.textContent = relativeTime(Number(time.dataset.ms), this.ctx.lang);
    }
  }
}

/** The listed results of the same request as `item` (its prompt and model), newest first, at most 8. */
function triesOf(items: readonly GalleryItem[], item: GalleryItem): GalleryItem[] {
  return items.filter((other) => other.prompt === item.prompt && other.model === item.model).slice(0, 8);
}

/** One tab stop per toolbar; arrow keys move between its buttons. */
function rovingToolbar(e: KeyboardEvent): void {
  const toolbar = e.currentTarget as HTMLElement;
  const buttons = [...toolbar.querySelectorAll<HTMLButtonElement>('button')];
  const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (index < 0) return;
  let next = index;
  if (e.key === 'ArrowRight') next = (index + 1) % buttons.length;
  else if (e.key === 'ArrowLeft') next = (index - 1 + buttons.length) % buttons.length;
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = buttons.length - 1;
  else return;
  e.preventDefault();
  buttons[index]!.tabIndex = -1;
  buttons[next]!.tabIndex = 0;
  buttons[next]!.focus();
}

function version(item: GalleryItem): string {
  const finished = item.finished;
  const crop = finished?.crop ? Object.values(finished.crop).join(',') : '';
  return `${item.createdAt}|${item.thumb}|${item.prompt.length}|${finished?.thumb ?? ''}|${crop}`;
}

const FORMAT_NAMES = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF' } as const;

/** "1200×630 JPEG", "1024×1024 PNG · transparent". */
function finishedBadge(s: StudioContext['strings'], finished: NonNullable<GalleryItem['finished']>): string {
  const text = format(s['gallery.badge'], finished.width, finished.height, FORMAT_NAMES[finished.format]);
  return finished.hasAlpha ? format(s['gallery.badgeTransparent'], text) : text;
}
