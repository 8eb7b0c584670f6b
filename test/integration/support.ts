/** Shared set-up for the in-host tests: the extension's API, the simulator, the workspace. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { dateFolder } from '../../src/core/naming';
import { exists } from '../../src/host/fileStat';
import { SimControl, type SimInfo } from '../sim/control';

export const EXTENSION_ID = 'aigc-image-studio.aigc-image-studio';

let control: Promise<SimControl> | undefined;

/**
 * The simulator: the launcher's (its control origin arrives in AIGC_SIM_CONTROL, and it outlives
 * an extension-host restart), or one started here when the suite runs without that launcher.
 */
export function simulator(): Promise<SimControl> {
  control ??= (async () => {
    const fromEnv = SimControl.fromEnv();
    if (fromEnv) return fromEnv;
    const { startSimulator } = await import('../sim/simulator.js');
    const { startControlServer } = await import('../sim/controlServer.js');
    const sim = await startSimulator({ quiet: true });
    const server = await startControlServer(sim);
    return new SimControl(server.origin);
  })();
  return control;
}

export async function api(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  return extension.activate();
}

/** Points the extension at the simulator with a key in secret storage. */
export async function connect(): Promise<SimInfo> {
  const info = await (await simulator()).info();
  const config = vscode.workspace.getConfiguration('aigcImage');
  await config.update('baseUrl', info.apiOrigin, vscode.ConfigurationTarget.Global);
  await config.update('apiKey', undefined, vscode.ConfigurationTarget.Global);
  assert.ok(await (await api()).storeApiKey(info.apiKey), 'the simulator key is stored');
  return info;
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder');
  return folder.uri;
}

export function today(): string {
  return dateFolder(new Date());
}

export { exists };

/** Polls a condition (counts, not wall-clock assertions: the limit only stops a hung test). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  limitMs = 30_000,
): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function readJson(uri: vscode.Uri): Promise<Record<string, unknown>> {
  return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as Record<string, unknown>;
}

export async function listImages(dir: vscode.Uri): Promise<string[]> {
  if (!(await exists(dir))) return [];
  return (await vscode.workspace.fs.readDirectory(dir))
    .map(([name]) => name)
    .filter((n) => /\.(png|jpe?g|webp|gif)$/i.test(n));
}

/** Calls the agent tool as a chat agent would and returns the text it answers with. */
export async function invokeTool(input: Record<string, unknown>, token?: vscode.CancellationToken): Promise<string> {
  const result = await vscode.lm.invokeTool(
    'aigcImage_generateImage',
    { input, toolInvocationToken: undefined },
    token,
  );
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('\n');
}

/**
 * A suite against the simulator: connected (the key in secret storage, the extension resumed)
 * before its first test, reset to a quick native gateway before each.
 */
export function useSimulator(): { sim: () => SimControl; key: () => string } {
  let sim: SimControl | undefined;
  let key: string | undefined;
  before(async () => {
    sim = await simulator();
    key = (await connect()).apiKey;
    await (
      await api()
    ).resumed;
  });
  beforeEach(async () => {
    await sim!.reset();
    await sim!.configure({ mode: 'native', taskDurationMs: 600, quiet: true });
  });
  return { sim: () => sim!, key: () => key! };
}
