/** The attached reference images: thumbnails, problems, descriptions, reorder, remove, and the ways to add one. */
import { maxReferencesOf, parseModelKey } from '../../src/core/models';
import { type FieldIssue } from '../../src/core/request';
import { localizeMessage } from '../../src/shared/coreMessages';
import type { ReferenceEntry } from '../../src/shared/formValues';
import { type StudioContext, referenceKey } from './context';
import { controlField } from './form';
import { format, formatBytes, h, icon, setHidden, uid } from './dom';
import { post } from './host';

/** Drag data of a reference being reordered inside the list (not a drop from outside). */
export const REORDER_TYPE = 'application/x-aigc-reference-index';
const URL_MESSAGE = 'must be an http(s) URL or a data: URL of an image';

export class ReferencesView {
  readonly element: HTMLElement;
  /** Where the picker goes. */
  readonly pickerSlot: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly count: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly note: HTMLElement;
  private readonly error: HTMLElement;
  private readonly itemHintId = uid('hint');
  private readonly urlInput: HTMLInputElement;
  private readonly urlError: HTMLElement;
  private readonly fileIdInput: HTMLInputElement;
  private readonly addControls: HTMLElement[] = [];
  private issues = new Map<number, string>();

  constructor(private readonly ctx: StudioContext) {
    const s = ctx.strings;
    const headingId = uid('heading');
    this.count = h('span', { class: 'badge' });
    this.list = h('ol', { class: 'ref-list', 'aria-labelledby': headingId });
    this.empty = h('p', { class: 'ref-empty' }, icon('info'), h('span', null, s['refs.empty']));
    this.note = h('p', { class: 'hint', hidden: true }, s['refs.descriptionUnsupported']);
    this.error = h('p', { class: 'field-error', 'data-testid': 'field-error', 'data-field': 'references', role: 'alert', hidden: true });

    const browse = h(
      'button',
      { type: 'button', class: 'button button--secondary', 'data-testid': 'references-browse', onClick: () => post({ type: 'browse' }) },
      icon('folder-opened'),
      h('span', null, s['refs.browse']),
    );

    const urlId = uid('url');
    const urlErrorId = uid('error');
    this.urlInput = h('input', {
      id: urlId,
      type: 'url',
      class: 'input',
      placeholder: s['refs.urlPlaceholder'],
      'aria-label': s['refs.url'],
      'aria-describedby': urlErrorId,
      'data-testid': 'reference-url',
      autocomplete: 'off',
      spellcheck: 'false',
      onInput: () => this.showUrlError(''),
    });
    this.urlError = h('p', { id: urlErrorId, class: 'field-error', 'data-testid': 'field-error', 'data-field': 'reference-url', role: 'alert', hidden: true });
    const urlAdd = h('button', { type: 'submit', class: 'button button--secondary' }, icon('globe'), h('span', null, s['refs.addUrl']));
    const urlForm = h(
      'form',
      { class: 'inline-add', novalidate: true, onSubmit: (e: Event) => this.addUrl(e) },
      this.urlInput,
      urlAdd,
    );

    const fileIdId = uid('fileid');
    const fileIdHintId = uid('hint');
    this.fileIdInput = h('input', {
      id: fileIdId,
      type: 'text',
      class: 'input',
      placeholder: s['refs.fileIdPlaceholder'],
      'aria-label': s['refs.fileId'],
      'aria-describedby': fileIdHintId,
      'data-testid': 'reference-file-id',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const fileIdAdd = h('button', { type: 'submit', class: 'button button--secondary' }, icon('cloud'), h('span', null, s['refs.addFileId']));
    const fileIdForm = h(
      'form',
      { class: 'inline-add', novalidate: true, onSubmit: (e: Event) => this.addFileId(e) },
      this.fileIdInput,
      fileIdAdd,
    );
    this.addControls.push(browse, this.urlInput, urlAdd, this.fileIdInput, fileIdAdd);

    this.pickerSlot = h('div', { class: 'picker-slot' });
    this.element = h(
      'section',
      { class: 'references', 'aria-labelledby': headingId, 'data-field': 'references' },
      h('div', { class: 'section-head' }, h('h3', { id: headingId, class: 'section-label' }, s['refs.heading']), this.count),
      h('p', { class: 'hint' }, s['refs.dropHint']),
      h('p', { class: 'visually-hidden', id: this.itemHintId }, s['refs.itemHint']),
      this.empty,
      this.list,
      this.note,
      this.error,
      h('div', { class: 'ref-add' }, browse, urlForm, fileIdForm),
      this.urlError,
      h('p', { id: fileIdHintId, class: 'hint' }, s['refs.fileIdHint']),
      this.pickerSlot,
    );
  }

  /** Redraws the list from the form (keeps the focus on the same item and control). */
  render(): void {
    const focused = document.activeElement;
    const focusKey = focused instanceof HTMLElement && this.list.contains(focused) ? focused.closest<HTMLElement>('.ref')?.dataset.key : undefined;
    const focusRole = focused instanceof HTMLElement ? focused.dataset.role : undefined;
    const refs = this.ctx.form.references;
    const model = parseModelKey(this.ctx.form.model);
    const withText = model?.supportsImageText ?? false;
    this.list.replaceChildren(...refs.map((entry, index) => this.item(entry, index, refs.length, withText)));
    setHidden(this.empty, refs.length > 0);
    const limit = maxReferencesOf(this.ctx.form.model);
    this.count.textContent = format(this.ctx.strings['refs.count'], refs.length, limit);
    this.count.classList.toggle('badge--warning', refs.length > limit);
    setHidden(this.note, withText || !refs.some((r) => r.text?.trim()));
    const full = refs.length >= limit;
    for (const control of this.addControls) (control as HTMLButtonElement | HTMLInputElement).disabled = full;
    if (focusKey) {
      const item = [...this.list.children].find((li) => (li as HTMLElement).dataset.key === focusKey) as HTMLElement | undefined;
      const target = (focusRole && item?.querySelector<HTMLElement>(`[data-role="${focusRole}"]:not(:disabled)`)) || item;
      target?.focus();
    }
    this.applyIssues();
  }

  /** Errors per reference (problems, URL, descriptions) and for the list as a whole. */
  showIssues(issues: readonly FieldIssue[], localize: (message: string) => string): void {
    this.issues = new Map();
    const general: string[] = [];
    for (const issue of issues) {
      const field = controlField(issue.field);
      if (field === 'references') general.push(localize(issue.message));
      if (!field.startsWith('ref:')) continue;
      const index = Number(field.slice(4));
      const text = localize(issue.message);
      const previous = this.issues.get(index);
      if (previous !== text) this.issues.set(index, previous ? `${previous} ${text}` : text);
    }
    const text = [...new Set(general)].join(' ');
    this.error.textContent = text;
    setHidden(this.error, text === '');
    this.applyIssues();
  }

  private applyIssues(): void {
    [...this.list.children].forEach((li, index) => {
      const error = li.querySelector<HTMLElement>('.field-error');
      const text = this.issues.get(index) ?? '';
      if (error && error.textContent !== text) error.textContent = text;
      if (error) setHidden(error, text === '');
      li.classList.toggle('ref--invalid', text !== '');
    });
  }

  // --- one reference ---------------------------------------------------------------

  private item(entry: ReferenceEntry, index: number, total: number, withText: boolean): HTMLLIElement {
    const s = this.ctx.strings;
    const key = referenceKey(entry);
    const name = describeName(entry, s['refs.fromUrl'], s['refs.fromFileId']);
    const checking = entry.kind === 'file' && this.ctx.isChecking(entry.uri);
    const problem = entry.kind === 'file' ? entry.problem : undefined;
    const errorId = uid('error');

    let thumb: HTMLElement;
    if (entry.kind === 'file' && entry.thumb) {
      const img = h('img', { src: entry.thumb, alt: '', loading: 'lazy', decoding: 'async', draggable: 'false' });
      img.addEventListener('error', () => img.replaceWith(icon('file-media', 'ref-placeholder')), { once: true });
      thumb = img;
    } else {
      thumb = icon(entry.kind === 'url' ? 'globe' : entry.kind === 'fileId' ? 'cloud' : 'file-media', 'ref-placeholder');
    }

    let detail: string;
    if (checking) detail = s['refs.checking'];
    else if (entry.kind === 'file') detail = [entry.bytes !== undefined ? formatBytes(entry.bytes, this.ctx.lang) : '', entry.format?.toUpperCase() ?? ''].filter(Boolean).join(' · ');
    else detail = entry.kind === 'url' ? s['refs.fromUrl'] : s['refs.fromFileId'];

    const move = (delta: number) => this.move(index, index + delta);
    const li = h(
      'li',
      {
        class: `ref${problem ? ' ref--problem' : ''}${checking ? ' ref--checking' : ''}`,
        'data-testid': 'reference',
        'data-key': key,
        'data-kind': entry.kind,
        tabindex: 0,
        draggable: 'true',
        'aria-label': name,
        'aria-describedby': `${errorId} ${this.itemHintId}`,
        title: entry.kind === 'file' ? (entry.path ?? name) : name,
        onKeydown: (e: KeyboardEvent) => {
          if (e.target !== li) return;
          if (e.altKey && e.key === 'ArrowLeft') {
            e.preventDefault();
            move(-1);
          } else if (e.altKey && e.key === 'ArrowRight') {
            e.preventDefault();
            move(1);
          } else if (e.key === 'Delete' || e.key === 'Backspace') {
            e.preventDefault();
            this.remove(index);
          }
        },
        onDragstart: (e: DragEvent) => {
          e.dataTransfer?.setData(REORDER_TYPE, String(index));
          if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
          li.classList.add('ref--dragging');
        },
        onDragend: () => li.classList.remove('ref--dragging'),
        onDragover: (e: DragEvent) => {
          if (!e.dataTransfer?.types.includes(REORDER_TYPE)) return;
          e.preventDefault();
          e.stopPropagation();
          e.dataTransfer.dropEffect = 'move';
          li.classList.add('ref--drop-target');
        },
        onDragleave: () => li.classList.remove('ref--drop-target'),
        onDrop: (e: DragEvent) => {
          li.classList.remove('ref--drop-target');
          const from = e.dataTransfer?.getData(REORDER_TYPE);
          if (from === undefined || from === '') return;
          e.preventDefault();
          e.stopPropagation();
          this.move(Number(from), index);
        },
      },
      h(
        'div',
        { class: 'ref-thumb' },
        thumb,
        h('span', { class: 'ref-index', 'aria-hidden': 'true' }, String(index + 1)),
        problem ? h('span', { class: 'ref-problem-badge', title: problem }, icon('warning')) : null,
        checking ? h('span', { class: 'ref-checking' }, icon('loading', 'codicon-modifier-spin')) : null,
      ),
      h('div', { class: 'ref-name', title: name }, name),
      h('div', { class: `ref-detail${problem ? ' ref-detail--problem' : ''}` }, problem ?? detail),
      // A visible label rather than a placeholder: a card is too narrow for "Description (optional)" inside the box.
      withText
        ? h(
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
              onInput: (e: Event) => {
                this.ctx.form.references[index]!.text = (e.target as HTMLInputElement).value;
                this.ctx.changed('referenceText', `ref:${index}`);
              },
            }),
          )
        : null,
      h('p', { id: errorId, class: 'field-error', 'data-testid': 'field-error', 'data-field': `file_infos[${index}]`, role: 'alert', hidden: true }),
      h(
        'div',
        { class: 'ref-actions' },
        h(
          'button',
          { type: 'button', class: 'icon-button', 'data-role': 'left', title: s['refs.moveLeft'], 'aria-label': `${s['refs.moveLeft']}: ${name}`, disabled: index === 0, onClick: () => move(-1) },
          icon('arrow-left'),
        ),
        h(
          'button',
          { type: 'button', class: 'icon-button', 'data-role': 'right', title: s['refs.moveRight'], 'aria-label': `${s['refs.moveRight']}: ${name}`, disabled: index === total - 1, onClick: () => move(1) },
          icon('arrow-right'),
        ),
        h(
          'button',
          { type: 'button', class: 'icon-button', 'data-role': 'remove', 'data-testid': 'reference-remove', title: s['refs.remove'], 'aria-label': `${s['refs.remove']}: ${name}`, onClick: () => this.remove(index) },
          icon('close'),
        ),
      ),
    );
    return li;
  }

  private move(from: number, to: number): void {
    const refs = this.ctx.form.references;
    if (from === to || from < 0 || to < 0 || from >= refs.length || to >= refs.length) return;
    const [entry] = refs.splice(from, 1);
    refs.splice(to, 0, entry!);
    this.ctx.changed('references');
  }

  private remove(index: number): void {
    const refs = this.ctx.form.references;
    refs.splice(index, 1);
    this.ctx.changed('references');
    const items = this.list.querySelectorAll<HTMLElement>('.ref');
    (items[Math.min(index, items.length - 1)] ?? this.urlInput).focus();
  }

  // --- adding ------------------------------------------------------------------

  private addUrl(e: Event): void {
    e.preventDefault();
    const url = this.urlInput.value.trim();
    if (!url) return;
    if (!/^https?:\/\/[^\s/]+/i.test(url) && !/^data:image\/(png|jpeg|webp);base64,/i.test(url)) {
      this.showUrlError(localizeMessage(URL_MESSAGE, this.ctx.table));
      return;
    }
    this.ctx.attach([{ kind: 'url', url }]);
    this.urlInput.value = '';
  }

  private addFileId(e: Event): void {
    e.preventDefault();
    const fileId = this.fileIdInput.value.trim();
    if (!fileId) return;
    this.ctx.attach([{ kind: 'fileId', fileId }]);
    this.fileIdInput.value = '';
  }

  private showUrlError(text: string): void {
    this.urlError.textContent = text;
    setHidden(this.urlError, text === '');
    this.urlInput.setAttribute('aria-invalid', String(text !== ''));
  }
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
