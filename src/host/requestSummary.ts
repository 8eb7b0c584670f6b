/** A request in one line for a confirmation: its model, then what it changes in cost and checks. */
import * as vscode from 'vscode';
import type { ModelSpec } from '../core/models';
import { type NotedRequest, requestNotes } from '../core/requestNotes';

export function describeRequest(model: Pick<ModelSpec, 'label'>, request: NotedRequest): string {
  const notes = requestNotes(request).map((note) => ('value' in note ? note.value : vscode.l10n.t(note.template)));
  return [model.label, ...notes].join(' · ');
}
