/**
 * Where the API key comes from: SecretStorage first, then the user setting
 * `aigcImage.apiKey` (the user asked for a settings-stored key; it is offered a
 * one-time move into SecretStorage).
 */
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { API_KEY_PROBLEMS, apiKeyProblem } from '../core/apiKeyCheck';
import type { Log } from './log';
import { SECTION, readSettings } from './settings';
import { notify } from './display';

const SECRET_KEY = 'aigcImage.apiKey';
const MIGRATION_OFFERED = 'aigcImage.apiKeyMigrationOffered';

export type KeySource = 'secretStorage' | 'settings';

export class ApiKeyStore extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {
    super();
    this.register(
      vscode.Disposable.from(
        context.secrets.onDidChange((e) => {
          if (e.key === SECRET_KEY) {
            void this.refreshLogSecrets();
            this.changed.fire();
          }
        }),
        // A key typed into settings.json is redacted from the log as soon as it is there.
        vscode.workspace.onDidChangeConfiguration((e) => {
          if (e.affectsConfiguration(`${SECTION}.apiKey`)) void this.refreshLogSecrets();
        }),
      ),
    );
  }

  /** The key to send, or undefined. A stored key that could not be sent is not offered (and logged, without it). */
  async get(): Promise<{ key: string; source: KeySource } | undefined> {
    const secret = (await this.context.secrets.get(SECRET_KEY))?.trim();
    if (secret && this.usable(secret, 'secret storage')) return { key: secret, source: 'secretStorage' };
    const setting = readSettings().settingsApiKey;
    if (setting && this.usable(setting, 'the setting aigcImage.apiKey')) return { key: setting, source: 'settings' };
    return undefined;
  }

  private usable(key: string, where: string): boolean {
    const problem = apiKeyProblem(key);
    if (problem) this.log.warn('key', `the API key in ${where} is not used: ${API_KEY_PROBLEMS[problem].template}`);
    return !problem;
  }

  /** Keeps the log's redaction list in step with every key we could send. */
  async refreshLogSecrets(): Promise<void> {
    const secret = await this.context.secrets.get(SECRET_KEY);
    this.log.setSecrets([secret, readSettings().settingsApiKey]);
  }

  /** Stores a key; refuses (with the reason, never the key) one that could not be sent. */
  async store(key: string): Promise<boolean> {
    const problem = apiKeyProblem(key.trim());
    if (problem) {
      void notify('error', vscode.l10n.t(API_KEY_PROBLEMS[problem].template));
      this.log.warn('key', `refused to store an API key: ${API_KEY_PROBLEMS[problem].template}`);
      return false;
    }
    await this.context.secrets.store(SECRET_KEY, key.trim());
    await this.refreshLogSecrets();
    this.log.info('key', 'API key stored in SecretStorage');
    return true;
  }

  async clear(): Promise<void> {
    await this.context.secrets.delete(SECRET_KEY);
    await this.refreshLogSecrets();
    this.log.info('key', 'API key removed from SecretStorage');
  }

  /** Asks for a key in a password box and stores it. Returns false when the user backed out. */
  async promptAndStore(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: vscode.l10n.t('AIGC Image Studio: API key'),
      prompt: vscode.l10n.t("Enter the API key for your image gateway. It is kept in VS Code's secret storage."),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => {
        const problem = apiKeyProblem(value.trim());
        return problem ? vscode.l10n.t(API_KEY_PROBLEMS[problem].template) : undefined;
      },
    });
    if (!key || !(await this.store(key))) return false;
    void notify('info', vscode.l10n.t('API key saved in secret storage.'));
    return true;
  }

  /** Once per installation, after the first image made with it: a key found in settings.json is offered a move into SecretStorage. */
  async offerMigration(): Promise<void> {
    const setting = readSettings().settingsApiKey;
    if (!setting || this.context.globalState.get<boolean>(MIGRATION_OFFERED)) return;
    if (await this.context.secrets.get(SECRET_KEY)) return;
    await this.context.globalState.update(MIGRATION_OFFERED, true);
    const move = vscode.l10n.t('Move to Secret Storage');
    const choice = await notify(
      'info',
      vscode.l10n.t(
        "Your AIGC Image API key is stored in settings.json in plain text. Move it to VS Code's secret storage?",
      ),
      move,
      vscode.l10n.t('Keep in Settings'),
    );
    if (choice !== move || !(await this.store(setting))) return;
    await vscode.workspace.getConfiguration(SECTION).update('apiKey', undefined, vscode.ConfigurationTarget.Global);
    void notify('info', vscode.l10n.t('API key moved to secret storage and removed from settings.'));
  }
}
