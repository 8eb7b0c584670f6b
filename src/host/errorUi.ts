/** One readable line for the user, the details in the log, and the button that fixes it. */
import * as vscode from 'vscode';
import type { GenerationError } from '../core/errors';
import { display, notify } from './display';
import type { Log } from './log';

/**
 * The user-facing line, translated (core templates are the l10n keys): each argument (a
 * gateway's message, a task id, a file name) is made inert display text, with every known key removed.
 */
export function localizedMessage(error: GenerationError): string {
  return display(
    vscode.l10n.t(error.template, ...error.args.map((arg) => (typeof arg === 'string' ? display(arg) : arg))),
    600,
  );
}

export async function showGenerationError(error: GenerationError, log: Log): Promise<void> {
  const message = localizedMessage(error);
  log.error(
    'error',
    `${error.kind}: ${error.message}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}${error.code ? ` code=${error.code}` : ''}${
      error.requestId ? ` request=${error.requestId}` : ''
    }${error.details ? `\n${error.details}` : ''}`,
  );
  const setKey = vscode.l10n.t('Set API Key');
  const openSettings = vscode.l10n.t('Open Settings');
  const showLog = vscode.l10n.t('Show Log');
  const actions: string[] = [];
  if (error.kind === 'auth') actions.push(setKey);
  if (error.kind === 'config') actions.push(openSettings);
  actions.push(showLog);
  const choice = await notify(
    error.kind === 'validation' || error.kind === 'contentPolicy' ? 'warning' : 'error',
    message,
    ...actions,
  );
  if (choice === setKey) await vscode.commands.executeCommand('aigcImage.setApiKey');
  else if (choice === openSettings)
    await vscode.commands.executeCommand('workbench.action.openSettings', error.field ?? 'aigcImage.');
  else if (choice === showLog) log.show();
}
