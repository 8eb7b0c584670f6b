/** The one output channel. Every line passes through redaction: the key never reaches the log. */
import * as vscode from 'vscode';
import { redactSecrets } from '../core/displayText';
import { secretsInUse, setKnownSecrets } from './display';

export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  /** The last lines written, for the extension's diagnostic API (and the tests that read it). */
  private readonly recent: string[] = [];

  constructor(name = 'AIGC Image Studio') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Values to scrub from every line (the API keys in use). */
  setSecrets(secrets: readonly (string | undefined)[]): void {
    // Shared with every notification and view: a key is redacted wherever text is shown.
    setKnownSecrets(secrets);
  }

  /** The text with every known key removed: for anything shown to the user or posted to a webview. */
  redact(text: string): string {
    return redactSecrets(text, secretsInUse());
  }

  info(component: string, message: string): void {
    this.channel.info(this.line(component, message));
  }

  warn(component: string, message: string): void {
    this.channel.warn(this.line(component, message));
  }

  error(component: string, message: string): void {
    this.channel.error(this.line(component, message));
  }

  debug(component: string, message: string): void {
    this.channel.debug(this.line(component, message));
  }

  trace(component: string, message: string): void {
    this.channel.trace(this.line(component, message));
  }

  recentLines(): readonly string[] {
    return this.recent;
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  private line(component: string, message: string): string {
    const line = `[${component}] ${this.redact(message)}`;
    this.recent.push(line);
    if (this.recent.length > 1000) this.recent.splice(0, this.recent.length - 1000);
    return line;
  }
}
