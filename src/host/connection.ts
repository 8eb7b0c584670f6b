/** The gateway client from the current settings and key, or the reason there is none. */
import * as vscode from 'vscode';
import { toGenerationError } from '../core/errors';
import type { GatewayClient } from '../core/gateway';
import type { ApiKeyStore } from './apiKey';
import { showGenerationError } from './errorUi';
import type { Log } from './log';
import { readSettings } from './settings';
import { loadEngine } from './loadEngine';
import { notify } from './display';

export interface Connection {
  client: GatewayClient;
  authorization: string;
}

export type ConnectionProblem = 'noKey' | 'noBaseUrl' | 'noKeyNoBaseUrl' | 'invalid';

/**
 * A client for the configured gateway. Without a key or base URL (or with an unsafe one) the
 * problem is logged and, unless `quiet`, explained to the user with the action that fixes it.
 */
export async function connect(
  keys: ApiKeyStore,
  log: Log,
  extensionVersion: string,
  options: { quiet?: boolean } = {},
): Promise<Connection | { problem: ConnectionProblem }> {
  const settings = readSettings();
  const key = await keys.get();
  if (!key || !settings.baseUrl) {
    const problem: ConnectionProblem = !key && !settings.baseUrl ? 'noKeyNoBaseUrl' : !key ? 'noKey' : 'noBaseUrl';
    log.warn(
      'setup',
      `not configured: ${!key ? 'no API key' : ''}${!key && !settings.baseUrl ? ', ' : ''}${!settings.baseUrl ? 'no base URL' : ''}`,
    );
    if (!options.quiet) void explainMissingSetup(problem);
    return { problem };
  }
  const { GatewayClient } = await loadEngine();
  try {
    const client = new GatewayClient({
      baseUrl: settings.baseUrl,
      apiKey: key.key,
      queryPath: settings.queryPath,
      userAgent: `aigc-image-studio/${extensionVersion} vscode/${vscode.version}`,
      onExchange: (x) => {
        const line = `${x.method} ${x.url} ${x.status ?? ''} ${x.ms}ms${x.error ? ` ${x.error}` : ''}`;
        if (x.error || (x.status !== undefined && x.status >= 400)) log.warn('http', `${line} ${x.body ?? ''}`);
        else log.debug('http', `${line} ${x.body ?? ''}`);
      },
    });
    return { client, authorization: `Bearer ${key.key}` };
  } catch (error) {
    const e = toGenerationError(error);
    log.warn('setup', e.message);
    if (!options.quiet) void showGenerationError(e, log);
    return { problem: 'invalid' };
  }
}

export function setupMessage(problem: ConnectionProblem): string {
  switch (problem) {
    case 'noKeyNoBaseUrl':
      return vscode.l10n.t(
        'AIGC Image Studio needs an API key and the gateway base URL before it can generate images.',
      );
    case 'noKey':
      return vscode.l10n.t('AIGC Image Studio needs an API key before it can generate images.');
    case 'noBaseUrl':
      return vscode.l10n.t(
        'AIGC Image Studio needs the gateway base URL (setting aigcImage.baseUrl) before it can generate images.',
      );
    case 'invalid':
      return vscode.l10n.t('The gateway base URL (setting aigcImage.baseUrl) cannot be used; see the log for why.');
  }
}

async function explainMissingSetup(problem: ConnectionProblem): Promise<void> {
  const setKey = vscode.l10n.t('Set API Key');
  const openSettings = vscode.l10n.t('Open Settings');
  const needsKey = problem === 'noKey' || problem === 'noKeyNoBaseUrl';
  const choice = await notify('warning', setupMessage(problem), ...(needsKey ? [setKey] : []), openSettings);
  if (choice === setKey) await vscode.commands.executeCommand('aigcImage.setApiKey');
  if (choice === openSettings) await vscode.commands.executeCommand('workbench.action.openSettings', 'aigcImage.');
}
