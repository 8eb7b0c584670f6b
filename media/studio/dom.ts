/** A few DOM helpers: elements without innerHTML, icons, and `{0}` templates. */

type Child = Node | string | number | null | undefined | false;
type Listener = (event: never) => void;
export type Attrs = Record<string, string | number | boolean | undefined | null | Listener>;

/** Set as properties, not attributes: they reflect state the user changes. */
const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'indeterminate']);

/**
 * `h('button', { class: 'x', 'aria-label': 'Close', onClick: fn }, icon('close'))`.
 * `on<Event>` keys add listeners; `undefined`/`false`/`null` values are skipped.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (PROPERTIES.has(key)) {
      (element as unknown as Record<string, unknown>)[key] = value;
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/** A codicon, hidden from screen readers (the control carries the label). */
export function icon(name: string, extra = ''): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}${extra ? ` ${extra}` : ''}`, 'aria-hidden': 'true' });
}

/** Fills `{0}`, `{1}` … in a localized template. */
export function format(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

export function setHidden(element: HTMLElement, hidden: boolean): void {
  if (element.hidden !== hidden) element.hidden = hidden;
}

export function toggleClass(element: Element, name: string, on: boolean): void {
  element.classList.toggle(name, on);
}

let sequence = 0;
/** Unique ids for label/aria associations and request correlation. */
export function uid(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence.toString(36)}`;
}

export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** `1.2 MB`, `340 KB` with the user's number format. */
export function formatBytes(bytes: number, lang: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** `5 minutes ago`, `yesterday`, in the user's language. */
export function relativeTime(ms: number, lang: string, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 7],
    ['week', 4.35],
    ['month', 12],
    ['year', Number.POSITIVE_INFINITY],
  ];
  let value = seconds;
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return rtf.format(Math.round(value), unit);
    value /= size;
  }
  return rtf.format(Math.round(value), 'year');
}

/** The element that scrolls `element`: a column of the wide layout, or the page itself. */
export function scrollParent(element: Element): Element {
  for (let node = element.parentElement; node; node = node.parentElement) {
    const overflow = getComputedStyle(node).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && node.scrollHeight > node.clientHeight) return node;
  }
  return document.scrollingElement ?? document.documentElement;
}

/**
 * Runs `change` and scrolls back by however far it moved `anchor` (a card added above it),
 * so what the user is looking at, and may have focused, stays where it was.
 */
export function holdPosition(anchor: Element, change: () => void): void {
  const before = anchor.getBoundingClientRect().top;
  change();
  const moved = anchor.getBoundingClientRect().top - before;
  if (Math.abs(moved) >= 1) scrollParent(anchor).scrollTop += moved;
}

/**
 * Redraws part of the page without losing the keyboard focus: when the focused control was
 * replaced, its counterpart (same `data-testid` in the item with the same `data-focus-key`)
 * takes the focus, else the item's first button, else `fallback`.
 */
export function preserveFocus(
  container: HTMLElement,
  redraw: () => void,
  fallback: () => HTMLElement | null | undefined,
): void {
  const active = document.activeElement;
  const inside = active instanceof HTMLElement && container.contains(active) ? active : undefined;
  const key = inside?.closest<HTMLElement>('[data-focus-key]')?.dataset.focusKey;
  const testId = inside?.dataset.testid;
  redraw();
  if (!inside || inside.isConnected) return;
  const item = key
    ? [...container.querySelectorAll<HTMLElement>('[data-focus-key]')].find((e) => e.dataset.focusKey === key)
    : undefined;
  const target =
    (testId && item?.querySelector<HTMLElement>(`[data-testid="${testId}"]:not(:disabled)`)) ||
    item?.querySelector<HTMLElement>('button:not(:disabled)') ||
    fallback();
  target?.focus({ preventScroll: true });
}

/** Smooth scrolling unless the user asked for less motion. */
export function scrollBehavior(): ScrollBehavior {
  return matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth';
}

/** The single-column layout (see studio.css): everything scrolls together, so nothing may scroll on its own accord. */
export function isSingleColumn(): boolean {
  return matchMedia('(max-width: 859px)').matches;
}
