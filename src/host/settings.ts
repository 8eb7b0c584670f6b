/** Settings are read here, in one place, into one parsed object. */
import * as vscode from 'vscode';
import { parseModelKey, type ModelSpec, MODELS } from '../core/models';
import type { OutputConfig } from '../core/request';

export const SECTION = 'aigcImage';

export interface Settings {
  /** The key stored in settings (SecretStorage is preferred; see apiKey.ts). */
  settingsApiKey: string;
  baseUrl: string;
  queryPath: string;
  defaultModel: ModelSpec;
  defaults: {
    storageMode: OutputConfig['storage_mode'];
    resolution?: OutputConfig['resolution'];
    aspectRatio?: OutputConfig['aspect_ratio'];
    personGeneration?: OutputConfig['person_generation'];
    inputComplianceCheck?: OutputConfig['input_compliance_check'];
    outputComplianceCheck?: OutputConfig['output_compliance_check'];
    enhancePrompt?: 'Enabled' | 'Disabled';
  };
  timeoutMs: number;
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

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  // Security-relevant values are read from user (global) scope only, even though the
  // manifest already marks them application-scoped: a cloned repository's
  // .vscode/settings.json must never redirect the key.
  const global = <T>(key: string, fallback: T): T => {
    const inspected = c.inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  };
  return {
    settingsApiKey: String(global('apiKey', '')).trim(),
    baseUrl: String(global('baseUrl', '')).trim(),
    queryPath: String(global('queryPath', '')).trim(),
    defaultModel: parseModelKey(c.get<string>('defaultModel', 'GEM 2.5')) ?? MODELS[0]!,
    defaults: {
      storageMode: nonEmpty(c.get<string>('defaults.storageMode')) ?? 'Temporary',
      resolution: nonEmpty(c.get<string>('defaults.resolution')),
      aspectRatio: nonEmpty(c.get<string>('defaults.aspectRatio')),
      personGeneration: nonEmpty(c.get<string>('defaults.personGeneration')),
      inputComplianceCheck: nonEmpty(c.get<string>('defaults.inputComplianceCheck')),
      outputComplianceCheck: nonEmpty(c.get<string>('defaults.outputComplianceCheck')),
      enhancePrompt: nonEmpty(c.get<string>('defaults.enhancePrompt')),
    },
    timeoutMs: Math.max(30, c.get<number>('timeoutSeconds', 600)) * 1000,
  };
}

export function readOutputSettings(scope?: vscode.Uri): OutputSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const restyle = c.get<string>('restyleOutput', 'outputFolder');
  return {
    outputFolder: c.get<string>('outputFolder', 'generated-images').trim() || 'generated-images',
    restyleOutput: restyle === 'besideSource' ? 'besideSource' : 'outputFolder',
    writeSidecar: c.get<boolean>('writeSidecar', true),
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
