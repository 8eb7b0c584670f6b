/**
 * The form's errors as the user sees them: checked with the core schema on every edit, shown
 * for a field once it was edited or Generate was pressed, joined by the host's own findings
 * until the next edit; and the status line's "fix the marked fields" while any remain.
 */
import type { FieldIssue } from '../../src/core/request';
import { type MessageTable, localizeMessage } from '../../src/shared/coreMessages';
import { validateForm } from '../../src/shared/formRequest';
import type { FormValues } from '../../src/shared/formValues';
import type { FormView } from './form';
import type { ReferencesView } from './references';

export interface FormValidationDeps {
  form(): FormValues;
  table: MessageTable;
  /** The status line's "fix the marked fields". */
  fixFields: string;
  formView: FormView;
  refsView: ReferencesView;
  root: HTMLElement;
}

export class FormValidation {
  private attempted = false;
  private readonly touched = new Set<string>();
  private serverIssues: FieldIssue[] = [];
  /** The status line says "fix the marked fields" (cleared once they are fixed). */
  private askedToFix = false;

  constructor(private readonly deps: FormValidationDeps) {}

  /** A field was edited: it may show its errors, and the host's findings are out of date. */
  edited(field: string | undefined): void {
    if (field) this.touched.add(field);
    this.serverIssues = [];
  }

  /** A new form (filled by the host, or one that started): nothing is marked until it is edited. */
  reset(): void {
    this.attempted = false;
    this.touched.clear();
    this.serverIssues = [];
  }

  /** Checks the form and shows its errors; returns them. */
  check(): FieldIssue[] {
    const { formView, refsView, table } = this.deps;
    const result = validateForm(this.deps.form());
    const issues = [...(result.ok ? [] : result.issues), ...this.serverIssues];
    const localize = (message: string) => localizeMessage(message, table);
    formView.showIssues(issues, (field) => this.attempted || this.touched.has(field), localize);
    refsView.showIssues(issues, localize);
    if (issues.length === 0 && this.askedToFix) {
      this.askedToFix = false;
      formView.setStatus('');
    }
    return issues;
  }

  /** Generate was pressed: every field shows its errors; true when there are none. */
  attempt(): boolean {
    this.attempted = true;
    if (this.check().length === 0) return true;
    this.askToFix();
    return false;
  }

  /** The host found these issues in the form it was sent. */
  refused(issues: FieldIssue[]): void {
    this.attempted = true;
    this.serverIssues = issues;
    this.check();
    this.askToFix();
  }

  private askToFix(): void {
    this.deps.formView.setStatus(this.deps.fixFields, 'error');
    this.askedToFix = true;
    const target = this.deps.formView.firstInvalid() ?? this.deps.root.querySelector<HTMLElement>('.ref--invalid');
    target?.focus();
    target?.scrollIntoView({ block: 'center' });
  }
}
