/**
 * What the Studio, the status bar, the progress notification and the task pickers show of a
 * task, built from its record and where it is. Every text in it is display text: a row's prompt,
 * message or task id may come from a document, a sidecar or a gateway.
 */
import * as vscode from 'vscode';
import { userPromptOf } from '../core/finish';
import { GenerationError } from '../core/errors';
import {
  type Note,
  type TaskAction,
  type TaskRecord,
  type TaskStatus,
  actionsOf,
  isTerminal,
  statusOf,
} from '../core/lifecycle';
import { findModel, modelKey } from '../core/models';
import { display } from './display';
import type { TaskPlace } from './taskBoard';

/** What the Studio, the status bar and the cancel picker show of a task. */
export interface TaskView {
  id: string;
  kind: 'generate' | 'restyle';
  prompt: string;
  /** The model's label, as the form names it: "Gemini 3.0 (GEM)". */
  model: string;
  status: TaskStatus;
  actions: TaskAction[];
  position?: number;
  progress?: number;
  startedAt: number;
  taskId?: string;
  /** One localized line: the latest problem, or why the task ended. */
  message?: string;
  files?: string[];
  /** Another window collects this task. */
  elsewhere?: boolean;
}

/** A task's row, as every surface shows it. */
export function taskView(record: TaskRecord, place: TaskPlace<{ readonly foreground: boolean }> | undefined): TaskView {
  const collector = place?.collector;
  const foreground = collector?.foreground ?? false;
  const elsewhere = !collector && place?.elsewhere === true;
  // The finished file first (what the user asked for), then the original it was made from.
  const files = (record.images ?? []).flatMap((i) => [
    ...(i.finished ? [i.finished.path] : []),
    ...(i.landed ? [i.landed.path] : []),
  ]);
  const actions = actionsOf(record, foreground).filter(
    (a) => !elsewhere || a === 'discard' || a === 'collectNow' || a === 'cancel',
  );
  const message = place?.note ?? noteText(isTerminal(record.phase) ? record.outcome : record.problem);
  return {
    id: record.id,
    kind: record.kind,
    prompt: display(userPromptOf(record.body.prompt), 400),
    model:
      findModel(record.body.model_name, record.body.model_version)?.label ??
      display(modelKey({ name: record.body.model_name as never, version: record.body.model_version }), 80),
    status: statusOf(record, foreground),
    actions,
    ...(record.upstream?.position !== undefined ? { position: record.upstream.position } : {}),
    ...(record.upstream?.progress !== undefined ? { progress: record.upstream.progress } : {}),
    startedAt: record.createdAt,
    ...(record.ref ? { taskId: display(record.ref.taskId, 120) } : {}),
    ...(message ? { message: display(message) } : {}),
    ...(files.length ? { files } : {}),
    ...(elsewhere ? { elsewhere } : {}),
  };
}

/** A lifecycle note (why a task ended, its latest problem) in the user's language, as display text. */
export function noteText(note: Note | undefined): string | undefined {
  if (!note) return undefined;
  return display(
    vscode.l10n.t(note.template, ...(note.args ?? []).map((arg) => (typeof arg === 'string' ? display(arg) : arg))),
  );
}

/** The note as an error the user can act on (Set API Key for a refused key, and so on). */
export function noteError(note: Note): GenerationError {
  return new GenerationError({
    kind: note.kind as GenerationError['kind'],
    template: note.template,
    args: note.args,
    code: note.code,
  });
}
