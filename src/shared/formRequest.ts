/**
 * The form as a create request, and back: the webview checks the form with the core schema as
 * the user types, the host checks it again before anything is sent, and "Reuse Settings" turns a
 * saved request into a form. Pure: no `vscode`, no DOM.
 */
import { parseModelKey } from '../core/models';
import { countIssues } from './batch';
import { type FieldIssue, type ValidationResult, validateRequest } from '../core/request';
import { finishIssues } from './finishFields';
import type { FormValues, ReferenceEntry } from './formValues';

/** Stands in for a local file's bytes when the webview validates (the host reads the file). */
export const PLACEHOLDER_DATA_URL = 'data:image/png;base64,';

const blank = (value: string | undefined) => (value && value.trim() ? value : undefined);

/** `"5"` -> 5; anything else is passed on for the schema to name. */
function priority(value: string | undefined): number | string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/**
 * The create body the form stands for, without `file_infos`. Options the chosen model
 * does not support are left out (the form keeps them for when the model changes back).
 */
export function requestFromForm(form: FormValues): Record<string, unknown> {
  const model = parseModelKey(form.model);
  const [name = '', version = ''] = form.model.trim().split(/\s+/, 2);
  const o = form.options;
  return {
    model_name: model?.name ?? name,
    model_version: model?.version ?? version,
    prompt: form.prompt,
    negative_prompt: blank(form.negativePrompt),
    enhance_prompt: blank(o.enhance_prompt),
    output_config: {
      storage_mode: blank(o.storage_mode),
      resolution: blank(o.resolution),
      aspect_ratio: model && !model.supportsAspectRatio ? undefined : blank(o.aspect_ratio),
      person_generation: blank(o.person_generation),
      input_compliance_check: blank(o.input_compliance_check),
      output_compliance_check: blank(o.output_compliance_check),
    },
    tasks_priority: priority(o.tasks_priority),
    session_id: blank(o.session_id),
    session_context: blank(o.session_context),
  };
}

/** A reference's description, when the model honours descriptions. */
export function referenceText(form: FormValues, entry: ReferenceEntry): string | undefined {
  const model = parseModelKey(form.model);
  return model?.supportsImageText ? blank(entry.text)?.trim() : undefined;
}

/** `file_infos` as the request would carry them, with a placeholder for local bytes. */
export function previewFileInfos(form: FormValues): Record<string, unknown>[] {
  return form.references.map((entry) => {
    const text = referenceText(form, entry);
    switch (entry.kind) {
      case 'file':
        return { type: 'Url', url: PLACEHOLDER_DATA_URL, text };
      case 'url':
        return { type: 'Url', url: entry.url.trim(), text };
      case 'fileId':
        return { type: 'File', file_id: entry.fileId.trim(), text };
    }
  });
}

/**
 * The form checked with the core schema, as the webview shows it while typing and the
 * host checks it again; plus a problem found on a local reference file.
 */
export function validateForm(form: FormValues): ValidationResult {
  const result = validateRequest({ ...requestFromForm(form), file_infos: previewFileInfos(form) });
  const fileIssues: FieldIssue[] = form.references.flatMap((entry, index) =>
    entry.kind === 'file' && entry.problem ? [{ field: `file_infos[${index}]`, message: entry.problem }] : [],
  );
  const extra = [...fileIssues, ...finishIssues(form.finish), ...countIssues(form.count, form.target !== undefined)];
  if (extra.length === 0) return result;
  return { ok: false, issues: [...(result.ok ? [] : result.issues), ...extra] };
}

/** The form a saved request stands for (reuse settings). The session id is left out: a repeat would be refused. */
export function formFromRequest(request: Record<string, unknown>, references: ReferenceEntry[]): FormValues {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const output = (
    typeof request.output_config === 'object' && request.output_config !== null ? request.output_config : {}
  ) as Record<string, unknown>;
  const priorityValue = request.tasks_priority;
  return {
    prompt: text(request.prompt) ?? '',
    negativePrompt: text(request.negative_prompt) ?? '',
    model: `${text(request.model_name) ?? ''} ${text(request.model_version) ?? ''}`.trim(),
    options: {
      aspect_ratio: text(output.aspect_ratio),
      resolution: text(output.resolution),
      storage_mode: text(output.storage_mode),
      person_generation: text(output.person_generation),
      input_compliance_check: text(output.input_compliance_check),
      output_compliance_check: text(output.output_compliance_check),
      enhance_prompt: text(request.enhance_prompt),
      tasks_priority: typeof priorityValue === 'number' ? String(priorityValue) : text(priorityValue),
      session_context: text(request.session_context),
    },
    references,
  };
}
