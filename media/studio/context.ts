/** What the panel's parts share: strings, the form being edited, and the actions between parts. */
import type { MessageTable } from '../../src/shared/coreMessages';
import type { FormValues, ReferenceEntry } from '../../src/shared/formValues';
import type { StudioStrings } from '../../src/shared/studioStrings';

/** A link after a status line. */
export type NoticeAction = { label: string; run: () => void };

export interface StudioContext {
  readonly strings: StudioStrings;
  readonly lang: string;
  /** Core English templates -> localized lines (see localizeMessage). */
  readonly table: MessageTable;
  readonly form: FormValues;
  /** A field was edited: validate, save state, and redraw what depends on it. */
  changed(part: 'text' | 'model' | 'options' | 'references' | 'referenceText', field?: string): void;
  /** Adds references (deduplicated, up to the chosen model's limit, naming what it left out); local files are inspected by the host. */
  attach(entries: ReferenceEntry[], options?: { inspect?: boolean }): void;
  /** Removes the local file with this URI (picker toggle). */
  detach(uri: string): void;
  isAttached(uri: string): boolean;
  /** True while the host checks this local file. */
  isChecking(uri: string): boolean;
  notify(level: 'info' | 'warning' | 'error', message: string): void;
  generate(): void;
  /** Puts the options back to the defaults of the settings (the prompt and references stay). */
  resetOptions(): void;
  /** Forgets the fixed file to save at: the image goes to the output folder. */
  removeTarget(): void;
}

/**
 * One spelling per local file: the picker, a drop (a `vscode-remote:` URI in a remote window)
 * and the host may encode the same path differently.
 */
export function fileKey(uri: string): string {
  if (!/^(file|vscode-remote):/i.test(uri)) return uri;
  try {
    return `file:${decodeURIComponent(new URL(uri).pathname)}`;
  } catch {
    return uri;
  }
}

export function referenceKey(entry: ReferenceEntry): string {
  switch (entry.kind) {
    case 'file':
      return fileKey(entry.uri);
    case 'url':
      return `url:${entry.url.trim()}`;
    case 'fileId':
      return `id:${entry.fileId.trim()}`;
  }
}
