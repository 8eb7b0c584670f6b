/**
 * One attached reference image as a card: thumbnail, name, size or problem, its description
 * when the model takes one, and the buttons and keys that reorder or remove it. The list
 * (ReferencesView) draws a card per reference and owns what the buttons do.
 */
import type { ReferenceEntry } from '../../src/shared/formValues';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { referenceKey } from './context';
import { formatBytes, h, icon, uid } from './dom';

/** Drag data of a reference being reordered inside the list (not a drop from outside). */
export const REORDER_TYPE = 'application/x-aigc-reference-index';

export interface ReferenceCardContext {
  strings: StudioStrings;
  lang: string;
  /** The host is checking this file. */
  checking: boolean;
  /** The model takes image descriptions. */
  withText: boolean;
  /** The id of the hidden line that says how to reorder and remove by keyboard. */
  itemHintId: string;
}

export interface ReferenceCardActions {
  move(from: number, to: number): void;
  remove(index: number): void;
  describe(index: number, text: string): void;
}

export function referenceCard(
  entry: ReferenceEntry,
  index: number,
  total: number,
  context: ReferenceCardContext,
  actions: ReferenceCardActions,
): HTMLLIElement {
  const { strings: s, checking } = context;
  const name = describeName(entry, s['refs.fromUrl'], s['refs.fromFileId']);
  const problem = entry.kind === 'file' ? entry.problem : undefined;
  const errorId = uid('error');
  return h(
    'li',
    {
      class: `ref${problem ? ' ref--problem' : ''}${checking ? ' ref--checking' : ''}`,
      'data-testid': 'reference',
      'data-key': referenceKey(entry),
      'data-kind': entry.kind,
      tabindex: 0,
      draggable: 'true',
      'aria-label': name,
      'aria-describedby': `${errorId} ${context.itemHintId}`,
      title: entry.kind === 'file' ? (entry.path ?? name) : name,
      ...cardListeners(index, actions),
    },
    h(
      'div',
      { class: 'ref-thumb' },
      thumbnail(entry),
      h('span', { class: 'ref-index', 'aria-hidden': 'true' }, String(index + 1)),
      problem ? h('span', { class: 'ref-problem-badge', title: problem }, icon('warning')) : null,
      checking ? h('span', { class: 'ref-checking' }, icon('loading', 'codicon-modifier-spin')) : null,
    ),
    h('div', { class: 'ref-name', title: name }, name),
    h('div', { class: `ref-detail${problem ? ' ref-detail--problem' : ''}` }, problem ?? detail(entry, context)),
    context.withText ? descriptionField(entry, index, name, s, actions) : null,
    h('p', {
      id: errorId,
      class: 'field-error',
      'data-testid': 'field-error',
      'data-field': `file_infos[${index}]`,
      role: 'alert',
      hidden: true,
    }),
    cardButtons(index, total, name, s, actions),
  );
}

/** Keys (Alt+←/→ reorders, Delete removes) and dragging a card onto another. */
function cardListeners(index: number, actions: ReferenceCardActions) {
  const card = (e: Event) => e.currentTarget as HTMLElement;
  return {
    onKeydown: (e: KeyboardEvent) => {
      if (e.target !== e.currentTarget) return;
      if (e.altKey && e.key === 'ArrowLeft') {
        e.preventDefault();
        actions.move(index, index - 1);
      } else if (e.altKey && e.key === 'ArrowRight') {
        e.preventDefault();
        actions.move(index, index + 1);
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        e.preventDefault();
        actions.remove(index);
      }
    },
    onDragstart: (e: DragEvent) => {
      e.dataTransfer?.setData(REORDER_TYPE, String(index));
      if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      card(e).classList.add('ref--dragging');
    },
    onDragend: (e: DragEvent) => card(e).classList.remove('ref--dragging'),
    onDragover: (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes(REORDER_TYPE)) return;
      e.preventDefault();
      e.stopPropagation();
      e.dataTransfer.dropEffect = 'move';
      card(e).classList.add('ref--drop-target');
    },
    onDragleave: (e: DragEvent) => card(e).classList.remove('ref--drop-target'),
    onDrop: (e: DragEvent) => {
      card(e).classList.remove('ref--drop-target');
      const from = e.dataTransfer?.getData(REORDER_TYPE);
      if (from === undefined || from === '') return;
      e.preventDefault();
      e.stopPropagation();
      actions.move(Number(from), index);
    },
  };
}

function thumbnail(entry: ReferenceEntry): HTMLElement {
  if (entry.kind === 'file' && entry.thumb) {
    const img = h('img', { src: entry.thumb, alt: '', loading: 'lazy', decoding: 'async', draggable: 'false' });
    img.addEventListener('error', () => img.replaceWith(icon('file-media', 'ref-placeholder')), { once: true });
    return img;
  }
  return icon(entry.kind === 'url' ? 'globe' : entry.kind === 'fileId' ? 'cloud' : 'file-media', 'ref-placeholder');
}

/** The line under the name: "Checking…", a file's size and format, or where the image comes from. */
function detail(entry: ReferenceEntry, { strings: s, lang, checking }: ReferenceCardContext): string {
  if (checking) return s['refs.checking'];
  if (entry.kind === 'file')
    return [entry.bytes !== undefined ? formatBytes(entry.bytes, lang) : '', entry.format?.toUpperCase() ?? '']
      .filter(Boolean)
      .join(' · ');
  return entry.kind === 'url' ? s['refs.fromUrl'] : s['refs.fromFileId'];
}

// A visible label rather than a placeholder: a card is too narrow for "Description (optional)" inside the box.
function descriptionField(
  entry: ReferenceEntry,
  index: number,
  name: string,
  s: StudioStrings,
  actions: ReferenceCardActions,
): HTMLElement {
  return h(
    'label',
    { class: 'ref-text-label' },
    h('span', null, s['refs.description']),
    h('input', {
      type: 'text',
      class: 'input ref-text',
      value: entry.text ?? '',
      'aria-label': `${s['refs.description']}: ${name}`,
      'data-role': 'text',
      'data-testid': 'reference-text',
      onInput: (e: Event) => actions.describe(index, (e.target as HTMLInputElement).value),
    }),
  );
}

function cardButtons(
  index: number,
  total: number,
  name: string,
  s: StudioStrings,
  actions: ReferenceCardActions,
): HTMLElement {
  return h(
    'div',
    { class: 'ref-actions' },
    h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'data-role': 'left',
        title: s['refs.moveLeft'],
        'aria-label': `${s['refs.moveLeft']}: ${name}`,
        disabled: index === 0,
        onClick: () => actions.move(index, index - 1),
      },
      icon('arrow-left'),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'data-role': 'right',
        title: s['refs.moveRight'],
        'aria-label': `${s['refs.moveRight']}: ${name}`,
        disabled: index === total - 1,
        onClick: () => actions.move(index, index + 1),
      },
      icon('arrow-right'),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'data-role': 'remove',
        'data-testid': 'reference-remove',
        title: s['refs.remove'],
        'aria-label': `${s['refs.remove']}: ${name}`,
        onClick: () => actions.remove(index),
      },
      icon('close'),
    ),
  );
}

function describeName(entry: ReferenceEntry, urlLabel: string, fileIdLabel: string): string {
  switch (entry.kind) {
    case 'file':
      return entry.name ?? decodeURIComponent(entry.uri.split('/').pop() ?? entry.uri);
    case 'url':
      return shortUrl(entry.url) || urlLabel;
    case 'fileId':
      return entry.fileId || fileIdLabel;
  }
}

function shortUrl(url: string): string {
  if (url.startsWith('data:')) return url.slice(0, 24);
  try {
    const parsed = new URL(url);
    const file = parsed.pathname.split('/').filter(Boolean).pop();
    return file ? `${parsed.host}/…/${decodeURIComponent(file)}` : parsed.host;
  } catch {
    return url;
  }
}
