/**
 * What a reload or a hidden tab must bring back — the form, the picker, the gallery filter, the
 * dismissed tasks — read from the webview state once, checked (an old or broken state is
 * dropped), and saved again, debounced, whenever it changes.
 */
import { type FormValues, formValuesSchema } from '../../src/shared/formValues';
import { readState, writeState } from './host';

export interface PickerState {
  open: boolean;
  query: string;
}

interface SavedState {
  v: 1;
  form: FormValues;
  picker: PickerState;
  galleryFilter: string;
  dismissed: string[];
}

const SAVE_DELAY_MS = 150;

function readSaved(): SavedState | undefined {
  const raw = readState() as Partial<SavedState> | undefined;
  if (!raw || raw.v !== 1) return undefined;
  const form = formValuesSchema.safeParse(raw.form);
  if (!form.success) return undefined;
  return {
    v: 1,
    form: form.data,
    picker: { open: raw.picker?.open !== false, query: typeof raw.picker?.query === 'string' ? raw.picker.query : '' },
    galleryFilter: typeof raw.galleryFilter === 'string' ? raw.galleryFilter : '',
    dismissed: Array.isArray(raw.dismissed) ? raw.dismissed.filter((d): d is string => typeof d === 'string') : [],
  };
}

let pendingState: unknown;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

function saveLater(state: unknown): void {
  pendingState = state;
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    writeState(pendingState);
  }, SAVE_DELAY_MS);
}

/** Writes a save still waiting for its delay (the page is going away). */
export function flushState(): void {
  if (!saveTimer) return;
  clearTimeout(saveTimer);
  saveTimer = undefined;
  writeState(pendingState);
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class PersistedState {
  private readonly state: SavedState;

  /** The saved state, or a fresh one from the host's defaults. */
  constructor(defaults: FormValues) {
    this.state = readSaved() ?? {
      v: 1,
      form: clone(defaults),
      picker: { open: true, query: '' },
      galleryFilter: '',
      dismissed: [],
    };
  }

  get form(): FormValues {
    return this.state.form;
  }

  set form(form: FormValues) {
    this.state.form = form;
  }

  get picker(): PickerState {
    return this.state.picker;
  }

  get galleryFilter(): string {
    return this.state.galleryFilter;
  }

  get dismissed(): string[] {
    return this.state.dismissed;
  }

  update(change: Partial<Pick<SavedState, 'picker' | 'galleryFilter' | 'dismissed'>>): void {
    Object.assign(this.state, change);
    this.save();
  }

  save(): void {
    // Inline (data:) thumbnails can be large; they are fetched again after a restore.
    const form: FormValues = {
      ...this.state.form,
      references: this.state.form.references.map((r) =>
        r.kind === 'file' && r.thumb?.startsWith('data:') ? { ...r, thumb: undefined } : r,
      ),
    };
    saveLater({ ...this.state, form });
  }
}
