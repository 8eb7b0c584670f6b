/**
 * The Studio's form: the defaults it starts from, the prompt history, a form filled for a
 * missing image, and Generate — the form checked again on the host (the webview is never
 * trusted), its local references read only where allowed and its fixed target only inside the
 * workspace, then one generation through the tasks controller.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenerationResult } from '../generationService';
import type { OutputFormat, PixelSize } from '../../core/finish';
import type { DocumentLink } from '../../core/lifecycle';
import { modelKey, parseModelKey } from '../../core/models';
import { type ReferenceSource, inspectReferenceFile } from '../../core/references';
import type { FieldIssue } from '../../core/request';
import { referenceText, requestFromForm, validateForm } from '../../shared/formRequest';
import { finishFieldsFrom, finishSpecFor } from '../../shared/finishFields';
import type { FormValues, ReferenceEntry } from '../../shared/formValues';
import { localizedMessage } from '../errorUi';
import { exists } from '../fileStat';
import type { Log } from '../log';
import { LAST_MODEL } from '../quickGenerate';
import type { ReferenceAccess } from '../referenceAccess';
import { readSettings } from '../settings';
import {
  type ImageTargetProblem,
  reservedNameMessage,
  resolveImageTarget,
  workspaceRelativePath,
} from '../workspacePath';
import type { Reply } from './messageRouter';
import { toLocalUri } from './referencesController';
import type { StudioLocalizer } from './studioLocalizer';
import type { StudioPort } from './studioPort';
import type { StylesController } from './stylesController';
import type { TasksController } from './tasksController';

/** Shared with the quick flow (quickGenerate.ts), so both remember the same last model. */
const HISTORY_KEY = 'aigcImage.promptHistory';
const MAX_HISTORY = 50;

/** A form filled for one image: a quick fix's missing image, saved exactly where the document refers to it. */
export interface StudioPrefill {
  prompt: string;
  /** From an `<img>`'s width and height; the form keeps it, and it is sent to the models that take one. */
  aspectRatio?: string;
  /** The exact size the document gives the image: the finished file is made at it. */
  size?: PixelSize;
  /** The format the target's name asks for (`og.jpg`: JPEG). */
  format?: OutputFormat;
  /** The file to save at (absolute, inside a workspace folder). */
  target: string;
  /** Where a document names the target: it follows the file if the image lands under another name. */
  reference?: DocumentLink;
}

export interface FormControllerDeps {
  globalState: vscode.Memento;
  access: ReferenceAccess;
  log: Log;
  tasks: TasksController;
  styles: StylesController;
}

export class FormController {
  /** The document reference naming a filled-in target, by the target's absolute path. */
  private readonly references = new Map<string, DocumentLink>();
  private shownForm: { prompt: string; target?: string } | undefined;

  constructor(
    private readonly port: StudioPort,
    private readonly l10n: StudioLocalizer,
    private readonly deps: FormControllerDeps,
  ) {}

  /** A panel opened; what its form showed is forgotten when it closes. */
  opened(): vscode.Disposable {
    return new vscode.Disposable(() => {
      this.shownForm = undefined;
    });
  }

  /** Replaces the form with the defaults, this prompt and aspect ratio, and a fixed target. */
  prefill(prefill: StudioPrefill): void {
    const defaults = this.defaults();
    const target = path.resolve(prefill.target);
    if (prefill.reference) this.references.set(target, prefill.reference);
    else this.references.delete(target);
    const form: FormValues = {
      ...defaults,
      prompt: prefill.prompt,
      options: { ...defaults.options, ...(prefill.aspectRatio ? { aspect_ratio: prefill.aspectRatio } : {}) },
      target: workspaceRelativePath(vscode.Uri.file(target)),
      ...(prefill.size || prefill.format ? { finish: finishFieldsFrom(prefill.size, prefill.format) } : {}),
    };
    this.port.post({ type: 'fillForm', form });
  }

  /** The webview's report after a fill; a target the user removed needs no hook any more. */
  shown(prompt: string, target: string | undefined): void {
    this.shownForm = { prompt, ...(target !== undefined ? { target } : {}) };
    if (target === undefined) this.references.clear();
  }

  /** The prompt and target the form shows, as the webview last reported them after a fill. */
  shownInForm(): { prompt: string; target?: string } | undefined {
    return this.shownForm;
  }

  /** Replies whether the generation started (or the issues that stopped it), then reports how it ended with `generateDone`. */
  async generate(requestId: string, form: FormValues, reply: Reply<'generate'>): Promise<void> {
    const checked = await this.checkReferences(form);
    const target = await this.checkTarget(form.target);
    const validation = validateForm({ ...form, references: form.references.map(withoutProblem) });
    const issues: FieldIssue[] = [
      ...[...(validation.ok ? [] : validation.issues), ...checked.issues].map((issue) => ({
        field: issue.field,
        message: this.l10n.localize(issue.message),
      })),
      ...target.issues,
    ];
    if (issues.length > 0) {
      reply({ ok: false, issues });
      return;
    }
    // The key colour is chosen here from the prompt: the webview only says "transparent".
    const finish = finishSpecFor(form.finish, form.prompt);
    const input = await this.deps.styles.apply(form, {
      kind: checked.references.some((r) => r.kind === 'file') ? 'restyle' : 'generate',
      request: requestFromForm(form),
      references: checked.references,
      reveal: false,
      ...(finish ? { finish } : {}),
      ...(target.exactPath ? { exactPath: target.exactPath } : {}),
      ...(target.exactPath && this.references.has(target.exactPath)
        ? { reference: this.references.get(target.exactPath)! }
        : {}),
    });
    if ('problem' in input || 'declined' in input) {
      const message =
        'problem' in input ? input.problem : vscode.l10n.t('The style was not used, so nothing was sent.');
      reply({ ok: false, issues: [{ field: 'style', message }] });
      return;
    }
    reply({ ok: true, issues: [] });
    await this.remember(form);
    const outcome = batchOutcome(await this.deps.tasks.runMany(input, form.count ?? 1));
    const error = outcome.error && outcome.error.kind !== 'aborted' ? localizedMessage(outcome.error) : undefined;
    this.port.post({
      type: 'generateDone',
      requestId,
      status: outcome.status,
      // The finished files first: "Saved og.jpg" names what the user asked for, not the original.
      files: [...(outcome.finished ?? []).map((file) => file.path), ...outcome.files],
      ...(error ? { error } : {}),
    });
  }

  /**
   * The form's fixed target, checked again here: a PNG, JPEG or WebP file name inside a workspace
   * folder (links followed) that does not exist yet — a result never replaces a file.
   */
  private async checkTarget(target: string | undefined): Promise<{ exactPath?: string; issues: FieldIssue[] }> {
    if (target === undefined) return { issues: [] };
    const resolved = await resolveImageTarget(target);
    if ('problem' in resolved)
      return { issues: [{ field: 'target', message: targetProblem(resolved.problem, target) }] };
    if (await exists(resolved.uri)) {
      return {
        issues: [
          {
            field: 'target',
            message: vscode.l10n.t(
              '{0} exists already: remove the target to save the image in the output folder.',
              target,
            ),
          },
        ],
      };
    }
    return { exactPath: path.resolve(resolved.uri.fsPath), issues: [] };
  }

  history(): string[] {
    const stored = this.deps.globalState.get<unknown>(HISTORY_KEY, []);
    return Array.isArray(stored) ? stored.filter((p): p is string => typeof p === 'string') : [];
  }

  /** The form as the settings (`aigcImage.defaults.*`, `defaultModel`) and the last used model make it. */
  defaults(): FormValues {
    const settings = readSettings();
    const model = parseModelKey(this.deps.globalState.get<string>(LAST_MODEL, '')) ?? settings.defaultModel;
    const d = settings.defaults;
    return {
      prompt: '',
      negativePrompt: '',
      model: modelKey(model),
      options: {
        // Kept even for a model without aspect ratios: it applies again when the model changes back.
        aspect_ratio: d.aspectRatio ?? '',
        resolution: d.resolution ?? '',
        storage_mode: d.storageMode ?? '',
        person_generation: d.personGeneration ?? '',
        input_compliance_check: d.inputComplianceCheck ?? '',
        output_compliance_check: d.outputComplianceCheck ?? '',
        enhance_prompt: d.enhancePrompt ?? '',
        tasks_priority: '',
        session_id: '',
        session_context: '',
      },
      references: [],
    };
  }

  /** The host reads local files itself: only workspace files and files the user chose here. */
  private async checkReferences(form: FormValues): Promise<{ references: ReferenceSource[]; issues: FieldIssue[] }> {
    const references: ReferenceSource[] = [];
    const issues: FieldIssue[] = [];
    for (const [index, entry] of form.references.entries()) {
      const text = referenceText(form, entry);
      const withText = text ? { text } : {};
      switch (entry.kind) {
        case 'url':
          references.push({ kind: 'url', url: entry.url.trim(), ...withText });
          break;
        case 'fileId':
          references.push({ kind: 'fileId', fileId: entry.fileId.trim(), ...withText });
          break;
        case 'file': {
          const uri = toLocalUri(entry.uri);
          if (!uri || !(await this.deps.access.mayRead(uri))) {
            issues.push({ field: `file_infos[${index}]`, message: this.l10n.strings()['refs.outside'] });
            break;
          }
          const inspection = await inspectReferenceFile(uri.fsPath);
          if (inspection.problem) issues.push({ field: `file_infos[${index}]`, message: inspection.problem });
          references.push({ kind: 'file', path: uri.fsPath, ...withText });
          break;
        }
      }
    }
    return { references, issues };
  }

  private async remember(form: FormValues): Promise<void> {
    const memento = this.deps.globalState;
    const model = parseModelKey(form.model);
    if (model) await memento.update(LAST_MODEL, modelKey(model));
    const prompt = form.prompt.trim();
    if (!prompt) return;
    const history = [prompt, ...this.history().filter((p) => p !== prompt)].slice(0, MAX_HISTORY);
    await memento.update(HISTORY_KEY, history);
    this.port.post({ type: 'history', prompts: history });
  }
}

function targetProblem(problem: ImageTargetProblem, target: string): string {
  switch (problem) {
    case 'notImage':
      return vscode.l10n.t('{0} is not a PNG, JPEG or WebP file name.', target);
    case 'reservedName':
      return reservedNameMessage(target);
    case 'notRelative':
    case 'noFolder':
    case 'outside':
      return vscode.l10n.t(
        '{0} is not a file inside the workspace: remove the target to save the image in the output folder.',
        target,
      );
  }
}

function withoutProblem(entry: ReferenceEntry): ReferenceEntry {
  if (entry.kind !== 'file' || !entry.problem) return entry;
  const { problem: _ignored, ...rest } = entry;
  return rest;
}

/**
 * A batch as one answer to the form: landed only when every image landed (the gallery shows each
 * one that did), else how the first other one ended; the files of all of them.
 */
function batchOutcome(outcomes: GenerationResult[]): GenerationResult {
  const first = outcomes.find((o) => o.status !== 'landed') ?? outcomes[0]!;
  return {
    ...first,
    files: outcomes.flatMap((o) => o.files),
    finished: outcomes.flatMap((o) => o.finished ?? []),
  };
}
