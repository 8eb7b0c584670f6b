/**
 * Every notification, progress title, quick pick and tooltip the extension shows goes through
 * here, so text from outside (a gateway's message, a task id, a file name from a document) is
 * shown as inert text: no link, no icon, no hidden characters, no key. The notification
 * functions are the only place the extension calls `vscode.window.show*Message`; a unit test
 * keeps it so.
 */
import * as vscode from 'vscode';
import { type DisplayOptions, displayText, secretVariants } from '../core/displayText';

let knownSecrets: readonly string[] = [];

/** The keys in use; every text shown or logged from now on has them removed. */
export function setKnownSecrets(secrets: readonly (string | undefined)[]): void {
  knownSecrets = secretVariants(secrets);
}

export function secretsInUse(): readonly string[] {
  return knownSecrets;
}

/** Inert, capped, redacted text for any surface the user reads. */
export function display(text: unknown, max?: number): string {
  return displayText(text, { secrets: knownSecrets, ...(max === undefined ? {} : { max }) } satisfies DisplayOptions);
}

type Severity = 'info' | 'warning' | 'error';

const SHOW = {
  info: vscode.window.showInformationMessage,
  warning: vscode.window.showWarningMessage,
  error: vscode.window.showErrorMessage,
} as const;

/**
 * Shows a notification whose whole text passes through `display` (our own templates never
 * contain links, so nothing is lost). Buttons are the extension's own labels.
 */
export function notify<T extends string>(severity: Severity, message: string, ...items: T[]): Thenable<T | undefined> {
  return (SHOW[severity] as (message: string, ...items: T[]) => Thenable<T | undefined>)(
    display(message, 600),
    ...items,
  );
}

/** A modal question; its detail line, if any, is outside text made inert too. */
export function ask<T extends string>(
  severity: Severity,
  message: string,
  options: { detail?: string },
  ...items: T[]
): Thenable<T | undefined> {
  const modal: vscode.MessageOptions = {
    modal: true,
    ...(options.detail ? { detail: display(options.detail, 1000) } : {}),
  };
  return SHOW[severity](display(message, 600), modal, ...items);
}
