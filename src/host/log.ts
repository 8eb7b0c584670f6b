/** The one output channel. Every line passes through redaction: the key never reaches the log. */
import * as vscode from 'vscode';
import { redact } from '../core/errors';

export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private secrets: string[] = [];
  /** The last lines written, for the extension's diagnostic API (and the tests that read it). */
  private readonly recent: string[] = [];

  constructor(name = 'AIGC Image Studio') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Values to scrub from every line (the API keys in use). */
  setSecrets(secrets: readonly (string | undefined)[]): void {
    this.secrets = secrets.filter((s): s is string => !!s && s.length >= 4);
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
    const line = `[${component}] ${redact(message, this.secrets)}`;
    this.recent.push(line);
    if (this.recent.length > 1000) this.recent.splice(0, this.recent.length - 1000);
    return line;
  }
}
