/** Settings are read here, in one place, into one parsed object. */
import * as vscode from 'vscode';
import { parseModelKey, type ModelSpec, MODELS } from '../core/models';
import type { Budget } from '../core/budget';
import type { OutputConfig } from '../core/request';
import type * as SettingsSchemaModule from '../core/settingsSchema';
import type { CheckedSettings, SettingName } from '../core/settingsSchema';
import { once } from './lazy';

/**
 * The settings schema is zod, which activation does not load (see the footprint benchmark): it is
 * required on the first read of the settings, synchronously, as reading settings is. An `import`
 * would load zod at activation (esbuild keeps a require() inside a function lazy) and `import()`
 * would make every settings read asynchronous.
 */
const settingsSchema = once(
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the comment above
  () => require('../core/settingsSchema') as typeof SettingsSchemaModule,
);

export const SECTION = 'aigcImage';

export interface Settings {
  /** The key stored in settings (SecretStorage is preferred; see apiKey.ts). */
  settingsApiKey: string;
  baseUrl: string;
  queryPath: string;
  defaultModel: ModelSpec;
  defaults: {
    storageMode?: OutputConfig['storage_mode'];
    resolution?: OutputConfig['resolution'];
    aspectRatio?: OutputConfig['aspect_ratio'];
    personGeneration?: OutputConfig['person_generation'];
    inputComplianceCheck?: OutputConfig['input_compliance_check'];
    outputComplianceCheck?: OutputConfig['output_compliance_check'];
    enhancePrompt?: 'Enabled' | 'Disabled';
  };
  timeoutMs: number;
  /** The encoders' quality for finished files (1–100). */
  quality: { jpeg: number; webp: number; avif: number };
}

/** Per-folder settings: where results go. */
export interface OutputSettings {
  outputFolder: string;
  restyleOutput: 'outputFolder' | 'besideSource';
  writeSidecar: boolean;
}

function nonEmpty<T extends string>(value: string | undefined): T | undefined {
  return value && value.trim() ? (value.trim() as T) : undefined;
}

/** Settings that were invalid and replaced by their default, logged once each (see checkSettings). */
const reported = new Set<string>();
let report: ((message: string) => void) | undefined;

/** Where the names of ignored settings go (the log); set once at activation. */
export function reportIgnoredSettingsTo(log: (message: string) => void): void {
  report = log;
}

function reportOnce(key: string, message: string): void {
  if (reported.has(key)) return;
  reported.add(key);
  report?.(message);
}

function checked(c: vscode.WorkspaceConfiguration, names: readonly SettingName[]): CheckedSettings {
  const { checkSettings, isUserOnly } = settingsSchema();
  const raw: Partial<Record<SettingName, unknown>> = {};
  for (const name of names) raw[name] = isUserOnly(name) ? userValue(c, name) : c.get(name);
  const { settings, ignored } = checkSettings(raw);
  for (const name of ignored)
    reportOnce(name, `the value of ${SECTION}.${name} is not valid and is ignored; the default is used`);
  return settings;
}

/**
 * The user's own value of a setting that costs money or turns a check off. VS Code already drops
 * such a key from a workspace's settings when the manifest makes it application-scoped, but not
 * when the workspace nests it (`"aigcImage": {"defaultModel": …}`), nor in hosts that ignore the
 * scope: the workspace's value is never taken, and the log says once that it was set there.
 */
function userValue(c: vscode.WorkspaceConfiguration, name: SettingName): unknown {
  const inspected = c.inspect<unknown>(name);
  if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) {
    reportOnce(
      `workspace:${name}`,
      `${SECTION}.${name} is set in this workspace's settings and is ignored: what costs money or turns a check off is taken from your user settings only`,
    );
  }
  return inspected?.globalValue;
}

const GENERAL: readonly SettingName[] = [
  'timeoutSeconds',
  'defaultModel',
  'defaults.storageMode',
  'defaults.resolution',
  'defaults.aspectRatio',
  'defaults.personGeneration',
  'defaults.inputComplianceCheck',
  'defaults.outputComplianceCheck',
  'defaults.enhancePrompt',
  'quality.jpeg',
  'quality.webp',
  'quality.avif',
];

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  // Security-relevant values are read from user (global) scope only, even though the
  // manifest already marks them application-scoped: a cloned repository's
  // .vscode/settings.json must never redirect the key.
  const global = (key: string): string => {
    const inspected = c.inspect<unknown>(key);
    const value = inspected?.globalValue ?? inspected?.defaultValue;
    return typeof value === 'string' ? value.trim() : '';
  };
  const s = checked(c, GENERAL);
  return {
    settingsApiKey: global('apiKey'),
    baseUrl: global('baseUrl'),
    queryPath: global('queryPath'),
    defaultModel: parseModelKey(s.defaultModel) ?? MODELS[0]!,
    defaults: {
      storageMode: nonEmpty(s['defaults.storageMode']),
      resolution: nonEmpty(s['defaults.resolution']),
      aspectRatio: nonEmpty(s['defaults.aspectRatio']),
      personGeneration: nonEmpty(s['defaults.personGeneration']),
      inputComplianceCheck: nonEmpty(s['defaults.inputComplianceCheck']),
      outputComplianceCheck: nonEmpty(s['defaults.outputComplianceCheck']),
      enhancePrompt: nonEmpty(s['defaults.enhancePrompt']),
    },
    timeoutMs: s.timeoutSeconds * 1000,
    quality: { jpeg: s['quality.jpeg'], webp: s['quality.webp'], avif: s['quality.avif'] },
  };
}

const BUDGET: readonly SettingName[] = [
  'budget.prices',
  'budget.currency',
  'budget.dailyImages',
  'budget.monthlyImages',
  'budget.dailySpend',
  'budget.monthlySpend',
];

/** Prices and caps, from the user's settings only (all are application-scoped). */
export function readBudget(): Budget {
  const s = checked(vscode.workspace.getConfiguration(SECTION), BUDGET);
  return {
    prices: s['budget.prices'],
    currency: s['budget.currency'],
    dailyImages: s['budget.dailyImages'],
    monthlyImages: s['budget.monthlyImages'],
    dailySpend: s['budget.dailySpend'],
    monthlySpend: s['budget.monthlySpend'],
  };
}

export function readOutputSettings(scope?: vscode.Uri): OutputSettings {
  const s = checked(vscode.workspace.getConfiguration(SECTION, scope), [
    'outputFolder',
    'restyleOutput',
    'writeSidecar',
  ]);
  return {
    outputFolder: s.outputFolder || settingsSchema().OUTPUT_FOLDER_DEFAULT,
    restyleOutput: s.restyleOutput,
    writeSidecar: s.writeSidecar,
  };
}

/** The default output options for a model, leaving out what the model does not support. */
export function defaultOutputConfig(settings: Settings, model: ModelSpec): OutputConfig {
  const d = settings.defaults;
  return {
    storage_mode: d.storageMode,
    resolution: d.resolution,
    aspect_ratio: model.supportsAspectRatio ? d.aspectRatio : undefined,
    person_generation: d.personGeneration,
    input_compliance_check: d.inputComplianceCheck,
    output_compliance_check: d.outputComplianceCheck,
  };
}
