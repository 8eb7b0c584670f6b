/**
 * Generate, from the button to the line beside it: the form is checked, sent as a request
 * (GENERATE_REQUEST) while the button says "Starting…", and the host's answer says it started or
 * what to fix; when the generation leaves the foreground (`generateDone`) the line says how, and
 * a batch of several images opens the compare view (batchCompare.ts).
 */
import type { FormValues } from '../../src/shared/formValues';
import type { GalleryItem } from '../../src/shared/galleryItem';
import type { HostMessage } from '../../src/shared/hostMessages';
import { GENERATE_REQUEST, type ResponseOf } from '../../src/shared/studioRequests';
import type { StudioStrings } from '../../src/shared/studioStrings';
import { BatchCompare, placeNow } from './batchCompare';
import type { NoticeAction } from './context';
import { format, isSingleColumn } from './dom';
import type { FormView } from './form';
import type { FormValidation } from './formValidation';
import { post } from './host';
import { type PendingRequests, RequestRejected } from './pendingRequests';

type GenerateDone = Extract<HostMessage, { type: 'generateDone' }>;

export interface GenerateFlowDeps {
  strings: StudioStrings;
  requests: PendingRequests;
  form(): FormValues;
  formView: FormView;
  validation: FormValidation;
  /** Shows the Tasks section (far below the form in one column). */
  revealTasks(): void;
  /** Shows a saved result in the gallery. */
  revealResult(file: string): void;
  /** Forgets the form's fixed target (its file exists now). */
  clearTarget(): void;
}

export class GenerateFlow {
  /** A generate request is waiting for the host's answer. */
  private starting = false;
  /** The fixed target each generation was sent with, until it is done: a landed one is not offered again. */
  private readonly targetOf = new Map<string, string>();
  /** Where the user was as each generation started: a batch that lands opens the compare view only if they still are. */
  private readonly placeOf = new Map<string, () => boolean>();
  private readonly batches: BatchCompare;

  constructor(private readonly deps: GenerateFlowDeps) {
    this.batches = new BatchCompare(deps.strings);
  }

  /** The gallery's items changed: a batch waiting for its results may open now. */
  listed(items: readonly GalleryItem[]): void {
    this.batches.listed(items);
  }

  generate(): void {
    // The button stays focusable while a start is pending (see FormView.setBusy): a second press waits.
    if (this.starting) return;
    if (!this.deps.validation.attempt()) return;
    const { formView, requests } = this.deps;
    const form = this.deps.form();
    this.starting = true;
    formView.setBusy(true);
    formView.setStatus('');
    const { requestId, answer } = requests.request(GENERATE_REQUEST, { form: wireForm(form) });
    if (form.target) this.targetOf.set(requestId, form.target);
    this.placeOf.set(requestId, placeNow());
    answer.then(
      (response) => this.answered(response),
      (error: unknown) => this.unanswered(requestId, error),
    );
  }

  /** The runner shows its own notification; the panel says it next to the button (and in the task row). */
  done({ requestId, status, files, error }: GenerateDone): void {
    const { strings: s, formView } = this.deps;
    const [file] = files;
    const target = this.targetOf.get(requestId);
    this.targetOf.delete(requestId);
    const stillHere = this.placeOf.get(requestId);
    this.placeOf.delete(requestId);
    if (stillHere && files.length > 1) this.batches.landed(files, stillHere);
    // The file exists now: a second Generate goes to the output folder, not next to it under another name.
    if (status === 'landed' && target !== undefined && this.deps.form().target === target) this.deps.clearTarget();
    if (status === 'landed' && file) {
      // Said here rather than by scrolling the page to the result: the focus stays where the user is.
      const name = file.split(/[\\/]/).pop() ?? file;
      formView.setStatus(format(s['form.landed'], name), 'info', 0, [
        { label: s['form.showResult'], run: () => this.deps.revealResult(file) },
      ]);
    } else if (status === 'background') {
      formView.setStatus(s['form.background'], 'info', 8000);
    } else if (status === 'notStarted') {
      formView.setStatus(s['form.notStarted'], 'error', 0, [
        { label: s['command.setApiKey'], run: () => post({ type: 'runCommand', command: 'setApiKey' }) },
        { label: s['command.openSettings'], run: () => post({ type: 'runCommand', command: 'openSettings' }) },
      ]);
    } else if (error) {
      formView.setStatus(error, 'error', 0, [
        { label: s['command.showLog'], run: () => post({ type: 'runCommand', command: 'showLog' }) },
      ]);
    }
  }

  private answered({ ok, issues }: ResponseOf<typeof GENERATE_REQUEST>): void {
    const { strings: s, formView, validation } = this.deps;
    this.starting = false;
    formView.setBusy(false);
    if (!ok) {
      validation.refused(issues);
      return;
    }
    validation.reset();
    validation.check();
    // One column: Tasks are far below the form; the status line leads there instead of pointing off screen.
    const actions: NoticeAction[] = isSingleColumn()
      ? [{ label: s['form.showTasks'], run: () => this.deps.revealTasks() }]
      : [];
    formView.setStatus(s['form.started'], 'info', actions.length > 0 ? 0 : 5000, actions);
  }

  /** The host could not answer (its log says why, a notice says it failed); a panel that went away does nothing. */
  private unanswered(requestId: string, error: unknown): void {
    if (error instanceof RequestRejected && error.reason === 'disposed') return;
    this.starting = false;
    this.targetOf.delete(requestId);
    this.placeOf.delete(requestId);
    this.deps.formView.setBusy(false);
  }
}

/** The form as sent: local files by URI only (the host reads and checks them itself). */
function wireForm(form: FormValues): FormValues {
  return {
    ...form,
    references: form.references.map((r) =>
      r.kind === 'file' ? { kind: 'file', uri: r.uri, ...(r.text ? { text: r.text } : {}) } : r,
    ),
  };
}
