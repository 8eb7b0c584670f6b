/**
 * The workspace image picker: a searchable grid that draws only the rows in view, so a
 * workspace with ten thousand images scrolls as smoothly as one with ten. Thumbnails load
 * lazily from the webview resource URIs the host gave per folder.
 */
import type { ImageFolder } from '../../src/shared/imageFolder';
import type { StudioContext } from './context';
import { format, h, holdPosition, icon, setHidden, uid } from './dom';

const CELL_MIN_WIDTH = 104;
const ROW_HEIGHT = 122;
const OVERSCAN_ROWS = 2;
/** The list's height when it has more rows than fit (studio.css); fewer rows get a shorter box. */
const VIEWPORT_HEIGHT = 270;

interface PickerEntry {
  uri: string;
  thumb: string;
  name: string;
  /** Folder part of the path (with the workspace folder's name in a multi-root workspace). */
  dir: string;
  search: string;
  /** In the output folder: a result of this extension (listed first, marked). */
  generated: boolean;
}

function encodePath(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

/**
 * The host's listing as picker entries: relative paths per folder turned into URIs. Results of
 * this extension come first, latest date folder first: they are the likeliest references for a variation.
 */
function pickerEntries(folders: readonly ImageFolder[]): PickerEntry[] {
  const multiRoot = folders.length > 1;
  const entries = folders.flatMap((folder) => {
    const uriBase = folder.uri.replace(/\/+$/, '');
    const thumbBase = folder.thumbBase.replace(/\/+$/, '');
    const output = folder.outputFolder ? `${folder.outputFolder.replace(/^\/+|\/+$/g, '')}/` : undefined;
    return folder.files.map((rel) => {
      const slash = rel.lastIndexOf('/');
      const dir = slash >= 0 ? rel.slice(0, slash) : '';
      const shownDir = multiRoot ? (dir ? `${folder.name}/${dir}` : folder.name) : dir;
      const encoded = encodePath(rel);
      return {
        uri: `${uriBase}/${encoded}`,
        thumb: `${thumbBase}/${encoded}`,
        name: rel.slice(slash + 1),
        dir: shownDir,
        search: (multiRoot ? `${folder.name}/${rel}` : rel).toLowerCase(),
        generated: output !== undefined && rel.startsWith(output),
      };
    });
  });
  const generated = entries.filter((e) => e.generated).reverse();
  return generated.length > 0 ? [...generated, ...entries.filter((e) => !e.generated)] : entries;
}

/** One image of the grid; its name comes from the text shown (name, folder, the "generated" mark), so what is read is what is seen. */
function pickerItem(entry: PickerEntry, index: number, total: number, generatedLabel: string): HTMLElement {
  const img = h('img', { src: entry.thumb, alt: '', loading: 'lazy', decoding: 'async', draggable: 'false' });
  img.addEventListener('error', () => img.replaceWith(icon('file-media', 'picker-broken')), { once: true });
  return h(
    'div',
    {
      role: 'option',
      class: 'picker-item',
      'data-testid': 'picker-item',
      'data-index': index,
      'data-uri': entry.uri,
      'aria-posinset': index + 1,
      'aria-setsize': total,
      'data-generated': entry.generated ? 'true' : undefined,
      title: entry.dir ? `${entry.dir}/${entry.name}` : entry.name,
      tabindex: -1,
    },
    h(
      'div',
      { class: 'picker-thumb' },
      img,
      h('span', { class: 'picker-check' }, icon('pass-filled')),
      entry.generated
        ? h('span', { class: 'picker-generated' }, icon('sparkle'), h('span', null, generatedLabel))
        : null,
    ),
    h('span', { class: 'picker-name' }, entry.name),
    h('span', { class: 'picker-dir' }, entry.dir),
  );
}

/**
 * What a key does in the grid: the index it moves to (not yet clamped), back up to the search
 * box from the first row, toggle the active image, or nothing.
 */
function gridStep(
  key: string,
  active: number,
  cols: number,
  pageRows: number,
  total: number,
): number | 'search' | 'toggle' | undefined {
  switch (key) {
    case 'ArrowRight':
      return active + 1;
    case 'ArrowLeft':
      return active - 1;
    case 'ArrowDown':
      return active + cols;
    case 'ArrowUp':
      return active < cols ? 'search' : active - cols;
    case 'PageDown':
      return active + pageRows * cols;
    case 'PageUp':
      return active - pageRows * cols;
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    case 'Enter':
    case ' ':
      return 'toggle';
    default:
      return undefined;
  }
}

export class PickerView {
  readonly element: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly body: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly status: HTMLElement;
  private readonly countBadge: HTMLElement;
  private entries: PickerEntry[] = [];
  private filtered: PickerEntry[] = [];
  private loaded = false;
  private truncated = false;
  private cols = 1;
  /** Index (in `filtered`) of the item that takes the keyboard focus. */
  private active = 0;
  private rendered = new Map<number, HTMLElement>();
  private frame = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ctx: StudioContext,
    private readonly hasWorkspace: boolean,
    initial: { open: boolean; query: string },
    private readonly onState: (state: { open: boolean; query: string }) => void,
  ) {
    const s = ctx.strings;
    const bodyId = uid('picker');
    const gridId = uid('grid');
    this.countBadge = h('span', { class: 'badge badge--quiet' });
    this.toggle = h(
      'button',
      {
        type: 'button',
        class: 'picker-toggle',
        'aria-expanded': String(initial.open),
        'aria-controls': bodyId,
        title: s['picker.toggle'],
        onClick: () => this.setOpen(this.body.hidden),
      },
      icon('chevron-right', 'picker-chevron'),
      h('span', { class: 'section-label' }, s['picker.heading']),
      this.countBadge,
    );
    this.search = h('input', {
      type: 'search',
      class: 'input search-input',
      placeholder: s['picker.search'],
      'aria-label': s['picker.search'],
      'aria-controls': gridId,
      'data-testid': 'picker-search',
      value: initial.query,
      spellcheck: 'false',
      autocomplete: 'off',
      onInput: () => {
        clearTimeout(this.searchTimer);
        this.searchTimer = setTimeout(() => this.applyFilter(), 60);
      },
      onKeydown: (e: KeyboardEvent) => {
        if (e.key === 'ArrowDown' && this.filtered.length > 0) {
          e.preventDefault();
          this.focusItem(this.active);
        } else if (e.key === 'Enter') {
          e.preventDefault();
          if (this.filtered.length === 1) this.toggleEntry(0);
        }
      },
    });
    this.grid = h('div', {
      id: gridId,
      class: 'picker-grid',
      role: 'listbox',
      'aria-multiselectable': 'true',
      'aria-label': s['picker.heading'],
      onKeydown: (e: KeyboardEvent) => this.key(e),
      onClick: (e: MouseEvent) => {
        const item = (e.target as HTMLElement).closest<HTMLElement>('.picker-item');
        if (item) this.toggleEntry(Number(item.dataset.index));
      },
    });
    this.spacer = h('div', { class: 'picker-spacer' }, this.grid);
    this.viewport = h('div', { class: 'picker-viewport', onScroll: () => this.schedule() }, this.spacer);
    this.status = h('p', { class: 'picker-status', role: 'status', 'aria-live': 'polite' });
    this.body = h(
      'div',
      { id: bodyId, class: 'picker-body', hidden: !initial.open },
      h('div', { class: 'search' }, icon('search', 'search-icon'), this.search),
      this.viewport,
      this.status,
    );
    this.element = h('div', { class: `picker${initial.open ? ' picker--open' : ''}` }, this.toggle, this.body);
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    this.updateStatus();
  }

  /**
   * The host's listing: relative paths per folder, turned into URIs here. Results of this
   * extension come first, latest date folder first: they are the likeliest references for a variation.
   */
  setImages(folders: readonly ImageFolder[], truncated: boolean): void {
    this.entries = pickerEntries(folders);
    this.loaded = true;
    this.truncated = truncated;
    this.applyFilter(true);
  }

  /** Attachments changed: update the check marks of what is drawn. */
  refreshSelection(): void {
    for (const [index, element] of this.rendered) this.paintSelection(element, this.filtered[index]);
  }

  private setOpen(open: boolean): void {
    this.body.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    this.element.classList.toggle('picker--open', open);
    this.onState({ open, query: this.search.value });
    if (open) this.schedule();
  }

  private applyFilter(keepScroll = false): void {
    const terms = this.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    this.filtered =
      terms.length === 0 ? this.entries : this.entries.filter((e) => terms.every((t) => e.search.includes(t)));
    this.onState({ open: !this.body.hidden, query: this.search.value });
    this.active = 0;
    for (const element of this.rendered.values()) element.remove();
    this.rendered.clear();
    if (!keepScroll) this.viewport.scrollTop = 0;
    this.updateStatus();
    this.schedule();
  }

  private updateStatus(): void {
    const s = this.ctx.strings;
    const total = this.entries.length;
    const shown = this.filtered.length;
    let text: string;
    if (!this.hasWorkspace) text = s['picker.noFolder'];
    else if (!this.loaded) text = s['picker.loading'];
    else if (total === 0) text = s['picker.none'];
    else if (shown === 0) text = format(s['picker.noMatch'], this.search.value.trim());
    else if (shown === total) text = format(s['picker.count'], total.toLocaleString(this.ctx.lang));
    else
      text = format(
        s['picker.countFiltered'],
        shown.toLocaleString(this.ctx.lang),
        total.toLocaleString(this.ctx.lang),
      );
    const generated = this.filtered.filter((e) => e.generated).length;
    if (this.loaded && generated > 0)
      text += ` · ${format(s['picker.generatedFirst'], generated.toLocaleString(this.ctx.lang))}`;
    if (this.loaded && this.truncated && shown > 0)
      text += ` ${format(s['picker.truncated'], total.toLocaleString(this.ctx.lang))}`;
    this.status.textContent = text;
    this.countBadge.textContent = this.loaded && total > 0 ? total.toLocaleString(this.ctx.lang) : '';
    setHidden(this.viewport, this.loaded && shown === 0);
    this.viewport.classList.toggle('picker-viewport--loading', !this.loaded);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws the rows in view (plus a little overscan), reusing the elements still in range. */
  private render(): void {
    if (this.body.hidden) return;
    const width = this.viewport.clientWidth;
    const cols = Math.max(1, Math.floor(width / CELL_MIN_WIDTH));
    if (cols !== this.cols) {
      this.cols = cols;
      this.grid.style.setProperty('--picker-cols', String(cols));
    }
    const total = this.filtered.length;
    const rows = Math.ceil(total / cols);
    this.spacer.style.height = `${rows * ROW_HEIGHT}px`;
    // One row of four images does not need a box for two rows and a half (the user may still resize it).
    const content = rows * ROW_HEIGHT + 2;
    this.viewport.style.maxHeight = content < VIEWPORT_HEIGHT ? `${content}px` : '';
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || ROW_HEIGHT * 2;
    const firstRow = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN_ROWS);
    const lastRow = Math.min(rows - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN_ROWS);
    const start = firstRow * cols;
    const end = Math.min(total, (lastRow + 1) * cols);
    this.grid.style.transform = `translateY(${firstRow * ROW_HEIGHT}px)`;

    const focusInside = this.grid.contains(document.activeElement);
    if (!focusInside && (this.active < start || this.active >= end))
      this.active = Math.min(Math.max(start, 0), Math.max(total - 1, 0));

    for (const [index, element] of this.rendered) {
      if (index < start || index >= end) {
        element.remove();
        this.rendered.delete(index);
      }
    }
    let cursor: Element | null = this.grid.firstElementChild;
    for (let index = start; index < end; index++) {
      let element = this.rendered.get(index);
      if (!element) {
        element = this.item(index, total);
        this.rendered.set(index, element);
        this.grid.insertBefore(element, cursor);
      } else {
        if (element !== cursor) this.grid.insertBefore(element, cursor);
        cursor = element.nextElementSibling;
      }
      element.tabIndex = index === this.active ? 0 : -1;
    }
  }

  private item(index: number, total: number): HTMLElement {
    const entry = this.filtered[index]!;
    const element = pickerItem(entry, index, total, this.ctx.strings['picker.generated']);
    this.paintSelection(element, entry);
    return element;
  }

  private paintSelection(element: HTMLElement, entry: PickerEntry | undefined): void {
    const selected = !!entry && this.ctx.isAttached(entry.uri);
    element.setAttribute('aria-selected', String(selected));
    element.classList.toggle('picker-item--selected', selected);
  }

  private toggleEntry(index: number): void {
    const entry = this.filtered[index];
    if (!entry) return;
    this.active = index;
    // The attached card appears above the picker: the thumbnail under the pointer or the focus must not move away.
    holdPosition(this.viewport, () => {
      if (this.ctx.isAttached(entry.uri)) {
        this.ctx.detach(entry.uri);
      } else {
        this.ctx.attach([{ kind: 'file', uri: entry.uri, name: entry.name, thumb: entry.thumb }], { inspect: true });
      }
    });
    this.refreshSelection();
  }

  private key(e: KeyboardEvent): void {
    const total = this.filtered.length;
    if (total === 0) return;
    const pageRows = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT));
    const step = gridStep(e.key, this.active, this.cols, pageRows, total);
    if (step === undefined) return;
    e.preventDefault();
    if (step === 'search') this.search.focus();
    else if (step === 'toggle') this.toggleEntry(this.active);
    else this.focusItem(Math.max(0, Math.min(total - 1, step)));
  }

  /** Scrolls the item into view, draws it, and focuses it. */
  private focusItem(index: number): void {
    this.active = index;
    const row = Math.floor(index / this.cols);
    const top = row * ROW_HEIGHT;
    const bottom = top + ROW_HEIGHT;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (bottom > this.viewport.scrollTop + this.viewport.clientHeight)
      this.viewport.scrollTop = bottom - this.viewport.clientHeight;
    this.render();
    this.rendered.get(index)?.focus();
  }
}
