/**
 * How references come into the form: attached once each, up to the chosen model's limit (saying
 * what was left out), local files checked by the host first, web URLs as they are. The host's
 * check is a request (INSPECT_REQUEST); while it runs the file shows as "Checking…".
 */
import { maxReferencesOf, parseModelKey } from '../../src/core/models';
import type { FormValues, ReferenceEntry } from '../../src/shared/formValues';
import { INSPECT_REQUEST } from '../../src/shared/studioRequests';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { fileKey, referenceKey } from './context';
import { format } from './dom';
import type { NoticeLevel } from './notices';
import { type PendingRequests, RequestRejected } from './pendingRequests';
import { isWebUrl } from './transferredUris';

export interface ReferenceIntakeDeps {
  strings: StudioStrings;
  requests: PendingRequests;
  /** The form being edited (replaced when the host fills it). */
  form(): FormValues;
  /** The references changed; `field` marks them as edited by the user. */
  changed(field?: string): void;
  /** Redraws the references (a file's "Checking…" state). */
  render(): void;
  notify: (level: NoticeLevel, message: string) => void;
}

/** Why local files were sent to the host: to add them (in `order`, web URLs included), or to refresh what is attached. */
interface Inspection {
  purpose: 'refresh' | 'add';
  uris: string[];
  order?: string[] | undefined;
}

export class ReferenceIntake {
  private readonly checking = new Set<string>();

  constructor(private readonly deps: ReferenceIntakeDeps) {}

  /** Adds references (deduplicated, up to the chosen model's limit, naming what it left out); `inspect`: local files are checked by the host. */
  attach(entries: ReferenceEntry[], options: { inspect?: boolean; fromHost?: boolean } = {}): void {
    const { strings, notify } = this.deps;
    const form = this.deps.form();
    const limit = maxReferencesOf(form.model);
    const { added, duplicates, dropped } = merge(form.references, entries, limit, options.fromHost === true);
    if (options.inspect) {
      const uris = added.flatMap((e) => (e.kind === 'file' ? [e.uri] : []));
      if (uris.length > 0) this.inspect(uris, 'refresh');
    }
    if (dropped.length > 0) {
      const model = parseModelKey(form.model)?.label ?? form.model;
      const template = limit === 1 ? strings['refs.limitDroppedOne'] : strings['refs.limitDropped'];
      notify('warning', format(template, model, limit, dropped.join(', ')));
    }
    if (duplicates.length > 0) notify('info', format(strings['refs.duplicate'], duplicates.join(', ')));
    this.deps.changed('references');
  }

  /** Removes the local file with this URI (picker toggle). */
  detach(uri: string): void {
    const key = fileKey(uri);
    const references = this.deps.form().references;
    const index = references.findIndex((r) => r.kind === 'file' && fileKey(r.uri) === key);
    if (index < 0) return;
    references.splice(index, 1);
    this.deps.changed('references');
  }

  isAttached(uri: string): boolean {
    const key = fileKey(uri);
    return this.deps.form().references.some((r) => r.kind === 'file' && fileKey(r.uri) === key);
  }

  /** True while the host checks this local file. */
  isChecking(uri: string): boolean {
    return this.checking.has(uri);
  }

  /** Web URLs attach as they are; anything else is a local file the host checks first. */
  addUris(uris: string[]): void {
    const local = uris.filter((u) => !isWebUrl(u));
    if (local.length > 0) this.inspect(local, 'add', uris);
    else if (uris.length > 0) this.attach(uris.map((url) => ({ kind: 'url' as const, url })));
  }

  /** Asks the host about local files; `order` (a drop's URIs, web ones included) is the order to attach in. */
  inspect(uris: string[], purpose: 'refresh' | 'add', order?: string[]): void {
    for (const uri of uris) this.checking.add(uri);
    const { answer } = this.deps.requests.request(INSPECT_REQUEST, { uris });
    this.deps.render();
    answer.then(
      ({ items, rejected }) => this.inspected({ purpose, uris, order }, items, rejected),
      (error: unknown) => this.unanswered(uris, error),
    );
  }

  private inspected(inspection: Inspection, items: ReferenceEntry[], rejected: string[]): void {
    for (const uri of inspection.uris) this.checking.delete(uri);
    const byUri = new Map(items.flatMap((i) => (i.kind === 'file' ? [[i.uri, i] as const] : [])));
    if (inspection.purpose === 'add') {
      this.attach(
        (inspection.order ?? inspection.uris).flatMap((uri): ReferenceEntry[] => {
          if (isWebUrl(uri)) return [{ kind: 'url', url: uri }];
          const item = byUri.get(uri);
          return item ? [item] : [];
        }),
      );
    } else {
      const form = this.deps.form();
      form.references = form.references.map((r) => {
        const fresh = r.kind === 'file' ? byUri.get(r.uri) : undefined;
        return fresh ? { ...fresh, ...(r.text ? { text: r.text } : {}) } : r;
      });
      this.deps.changed();
    }
    if (rejected.length > 0)
      this.deps.notify('warning', format(this.deps.strings['refs.rejected'], rejected.join(', ')));
  }

  /** Without an answer the files are no longer being checked and stay as they were; a closed panel does nothing. */
  private unanswered(uris: string[], error: unknown): void {
    if (error instanceof RequestRejected && error.reason === 'disposed') return;
    for (const uri of uris) this.checking.delete(uri);
    this.deps.render();
  }
}

/** Adds `entries` to `references` in place: each once, up to `limit`; the host's newer details replace a file's, keeping the user's description. */
function merge(references: ReferenceEntry[], entries: readonly ReferenceEntry[], limit: number, fromHost: boolean) {
  const added: ReferenceEntry[] = [];
  const duplicates: string[] = [];
  const dropped: string[] = [];
  for (const entry of entries) {
    const key = referenceKey(entry);
    const index = references.findIndex((r) => referenceKey(r) === key);
    if (index >= 0) {
      if (fromHost) references[index] = { ...entry, text: references[index]!.text ?? entry.text };
      else duplicates.push(entryName(entry));
      continue;
    }
    if (references.length >= limit) {
      dropped.push(entryName(entry));
      continue;
    }
    references.push(entry);
    added.push(entry);
  }
  return { added, duplicates, dropped };
}

/** How a notice names a reference: its file name, URL or file ID. */
function entryName(entry: ReferenceEntry): string {
  return entry.kind === 'file'
    ? (entry.name ?? decodeURIComponent(entry.uri.split('/').pop() ?? entry.uri))
    : entry.kind === 'url'
      ? entry.url
      : entry.fileId;
}
