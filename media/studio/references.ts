/** The attached reference images: thumbnails, problems, descriptions, reorder, remove, and the ways to add one. */
import { maxReferencesOf, parseModelKey } from '../../src/core/models';
import { type FieldIssue } from '../../src/core/request';
import { localizeMessage } from '../../src/shared/coreMessages';
import type { ReferenceEntry } from '../../src/shared/formValues';
import type { StudioStrings } from '../../src/shared/studioStrings';
import type { StudioContext } from './context';
import { format, h, icon, setHidden, uid } from './dom';
import { controlField } from './form';
import { post } from './host';
import { type ReferenceCardActions, referenceCard } from './referenceCard';

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
  private readonly cardActions: ReferenceCardActions = {
    move: (from, to) => this.move(from, to),
    remove: (index) => this.remove(index),
    describe: (index, text) => {
      this.ctx.form.references[index]!.text = text;
      this.ctx.changed('referenceText', `ref:${index}`);
    },
  };

  constructor(private readonly ctx: StudioContext) {
    const s = ctx.strings;
    const headingId = uid('heading');
    this.count = h('span', { class: 'badge' });
    this.list = h('ol', { class: 'ref-list', 'aria-labelledby': headingId });
    this.empty = h('p', { class: 'ref-empty' }, icon('info'), h('span', null, s['refs.empty']));
    this.note = h('p', { class: 'hint', hidden: true }, s['refs.descriptionUnsupported']);
    this.error = h('p', {
      class: 'field-error',
      'data-testid': 'field-error',
      'data-field': 'references',
      role: 'alert',
      hidden: true,
    });

    const browse = h(
      'button',
      {
        type: 'button',
        class: 'button button--secondary',
        'data-testid': 'references-browse',
        onClick: () => post({ type: 'browse' }),
      },
      icon('folder-opened'),
      h('span', null, s['refs.browse']),
    );

    const url = urlControls(
      s,
      () => this.showUrlError(''),
      (e) => this.addUrl(e),
    );
    this.urlInput = url.input;
    this.urlError = url.error;
    const fileIdHintId = uid('hint');
    const fileId = fileIdControls(s, fileIdHintId, (e) => this.addFileId(e));
    this.fileIdInput = fileId.input;
    this.addControls.push(browse, url.input, url.add, fileId.input, fileId.add);

    this.pickerSlot = h('div', { class: 'picker-slot' });
    this.element = h(
      'section',
      { class: 'references', 'aria-labelledby': headingId, 'data-field': 'references' },
      h(
        'div',
        { class: 'section-head' },
        h('h3', { id: headingId, class: 'section-label' }, s['refs.heading']),
        this.count,
      ),
      h('p', { class: 'hint' }, s['refs.dropHint']),
      h('p', { class: 'visually-hidden', id: this.itemHintId }, s['refs.itemHint']),
      this.empty,
      this.list,
      this.note,
      this.error,
      h('div', { class: 'ref-add' }, browse, url.form, fileId.form),
      this.urlError,
      h('p', { id: fileIdHintId, class: 'hint' }, s['refs.fileIdHint']),
      this.pickerSlot,
    );
  }

  /** Redraws the list from the form (keeps the focus on the same item and control). */
  render(): void {
    const focused = document.activeElement;
    const focusKey =
      focused instanceof HTMLElement && this.list.contains(focused)
        ? focused.closest<HTMLElement>('.ref')?.dataset.key
        : undefined;
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
      const item = [...this.list.children].find((li) => (li as HTMLElement).dataset.key === focusKey) as
        HTMLElement | undefined;
      const target =
        (focusRole && item?.querySelector<HTMLElement>(`[data-role="${focusRole}"]:not(:disabled)`)) || item;
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
    const { strings, lang } = this.ctx;
    const checking = entry.kind === 'file' && this.ctx.isChecking(entry.uri);
    return referenceCard(
      entry,
      index,
      total,
      { strings, lang, checking, withText, itemHintId: this.itemHintId },
      this.cardActions,
    );
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

/** The "Add URL" form: its input, its error line and its button. */
function urlControls(s: StudioStrings, onInput: () => void, onSubmit: (e: Event) => void) {
  const urlErrorId = uid('error');
  const input = h('input', {
    id: uid('url'),
    type: 'url',
    class: 'input',
    placeholder: s['refs.urlPlaceholder'],
    'aria-label': s['refs.url'],
    'aria-describedby': urlErrorId,
    'data-testid': 'reference-url',
    autocomplete: 'off',
    spellcheck: 'false',
    onInput,
  });
  const error = h('p', {
    id: urlErrorId,
    class: 'field-error',
    'data-testid': 'field-error',
    'data-field': 'reference-url',
    role: 'alert',
    hidden: true,
  });
  const add = h(
    'button',
    { type: 'submit', class: 'button button--secondary' },
    icon('globe'),
    h('span', null, s['refs.addUrl']),
  );
  const form = h('form', { class: 'inline-add', novalidate: true, onSubmit }, input, add);
  return { input, error, add, form };
}

/** The "Add File ID" form: its input (described by the hint below the section) and its button. */
function fileIdControls(s: StudioStrings, hintId: string, onSubmit: (e: Event) => void) {
  const input = h('input', {
    id: uid('fileid'),
    type: 'text',
    class: 'input',
    placeholder: s['refs.fileIdPlaceholder'],
    'aria-label': s['refs.fileId'],
    'aria-describedby': hintId,
    'data-testid': 'reference-file-id',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const add = h(
    'button',
    { type: 'submit', class: 'button button--secondary' },
    icon('cloud'),
    h('span', null, s['refs.addFileId']),
  );
  const form = h('form', { class: 'inline-add', novalidate: true, onSubmit }, input, add);
  return { input, add, form };
}
