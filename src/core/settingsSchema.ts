/**
 * The extension's settings as one zod schema. Values can come from a cloned repository's
 * `.vscode/settings.json` (the resource- and window-scoped ones), so each is checked: a value of
 * the wrong type or out of range falls back to its default instead of reaching the code (a
 * string timeout once made a NaN deadline), and the fields that were ignored are reported.
 * Which settings a repository may set at all is USER_ONLY_SETTINGS' business.
 */
import * as z from 'zod/mini';
import {
  ASPECT_RATIOS,
  MODELS,
  PERSON_GENERATION,
  RESOLUTIONS,
  STORAGE_MODES,
  SWITCH_VALUES,
  modelKey,
} from './models';
import { isUncPath } from './naming';
import { DEFAULT_QUALITY } from './finish';

export const TIMEOUT_SECONDS = { min: 30, max: 86_400, default: 600 } as const;
export const OUTPUT_FOLDER_DEFAULT = 'generated-images';

const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.optional(z.union([z.enum(values), z.literal('')]));

/** A folder inside the workspace: relative, no UNC share, no drive, no `..` climbing out. */
const outputFolder = z.string().check(
  z.maxLength(200),
  z.refine(
    (value) => !isUncPath(value) && !/^([a-zA-Z]:|[\\/])/.test(value.trim()) && !value.split(/[\\/]+/).includes('..'),
    'must be a folder inside the workspace',
  ),
);

/** An encoder's quality, 1–100 (sharp's scale). */
const quality = z.int().check(z.gte(1), z.lte(100));

/** A cap: 0 is no cap. */
const cap = z.number().check(z.gte(0), z.refine(Number.isFinite, 'must be a number'));

/** Model key → price of one image. A key no model has is kept: it costs nothing and is harmless. */
const prices = z.record(z.string().check(z.maxLength(60)), cap);

export const settingsSchema = z.object({
  timeoutSeconds: z.number().check(z.gte(TIMEOUT_SECONDS.min), z.lte(TIMEOUT_SECONDS.max)),
  defaultModel: z.enum(MODELS.map(modelKey) as [string, ...string[]]),
  outputFolder,
  restyleOutput: z.enum(['outputFolder', 'besideSource']),
  writeSidecar: z.boolean(),
  'defaults.storageMode': optionalChoice(STORAGE_MODES),
  'defaults.resolution': optionalChoice(RESOLUTIONS),
  'defaults.aspectRatio': optionalChoice(ASPECT_RATIOS),
  'defaults.personGeneration': optionalChoice(PERSON_GENERATION),
  'defaults.inputComplianceCheck': optionalChoice(SWITCH_VALUES),
  'defaults.outputComplianceCheck': optionalChoice(SWITCH_VALUES),
  'defaults.enhancePrompt': optionalChoice(SWITCH_VALUES),
  'quality.jpeg': quality,
  'quality.webp': quality,
  'quality.avif': quality,
  'budget.prices': prices,
  'budget.currency': z.string().check(z.maxLength(8)),
  'budget.dailyImages': z.int().check(z.gte(0)),
  'budget.monthlyImages': z.int().check(z.gte(0)),
  'budget.dailySpend': cap,
  'budget.monthlySpend': cap,
});

export type CheckedSettings = z.infer<typeof settingsSchema>;
export type SettingName = keyof CheckedSettings;

/**
 * Each setting's default: the one source. The manifest's `contributes.configuration` repeats
 * them (VS Code reads defaults from there), and a unit test holds the two equal.
 * `''` is "not set": the service's own default applies.
 */
export const SETTING_DEFAULTS: CheckedSettings = {
  timeoutSeconds: TIMEOUT_SECONDS.default,
  defaultModel: modelKey(MODELS[0]!),
  outputFolder: OUTPUT_FOLDER_DEFAULT,
  restyleOutput: 'outputFolder',
  writeSidecar: true,
  'defaults.storageMode': 'Temporary',
  'defaults.resolution': '',
  'defaults.aspectRatio': '',
  'defaults.personGeneration': '',
  'defaults.inputComplianceCheck': '',
  'defaults.outputComplianceCheck': '',
  'defaults.enhancePrompt': '',
  'quality.jpeg': DEFAULT_QUALITY.jpeg,
  'quality.webp': DEFAULT_QUALITY.webp,
  'quality.avif': DEFAULT_QUALITY.avif,
  'budget.prices': {},
  'budget.currency': '',
  'budget.dailyImages': 0,
  'budget.monthlyImages': 0,
  'budget.dailySpend': 0,
  'budget.monthlySpend': 0,
};

/**
 * Where each setting may be set, as the manifest declares it (a unit test holds the two equal).
 *
 * `application`: what costs money or turns a check off is taken from the user's settings only
 * (settings.ts reads their user value alone, even when a workspace nests the key where VS Code
 * does not drop it): a cloned repository must not pick a dearer model, a 6198x2656 resolution,
 * Permanent storage, adult people or a disabled compliance check behind the user's back.
 * `enhancePrompt` is here too: the service then rewrites the prompt the user wrote. Teams share
 * looks through what they review, not through settings that apply silently.
 *
 * The budget (`budget.*`) is here as well: a repository must neither raise a cap nor lower a
 * price to let more paid images through.
 *
 * Left to the workspace, because they neither bill nor check: `defaults.aspectRatio` (the
 * shape; a project may want its heroes 16:9), `timeoutSeconds` (only how long the notification
 * waits), the encoders' quality (a project's own trade of size for fidelity, free of charge), and where results go (`outputFolder`, `restyleOutput`, `writeSidecar`, which are held
 * to the workspace and, for the first two, not applied in Restricted Mode).
 */
export const SETTING_SCOPES: Record<SettingName, 'application' | 'window' | 'resource'> = {
  timeoutSeconds: 'window',
  defaultModel: 'application',
  outputFolder: 'resource',
  restyleOutput: 'resource',
  writeSidecar: 'resource',
  'defaults.storageMode': 'application',
  'defaults.resolution': 'application',
  'defaults.aspectRatio': 'window',
  'defaults.personGeneration': 'application',
  'defaults.inputComplianceCheck': 'application',
  'defaults.outputComplianceCheck': 'application',
  'defaults.enhancePrompt': 'application',
  'quality.jpeg': 'resource',
  'quality.webp': 'resource',
  'quality.avif': 'resource',
  'budget.prices': 'application',
  'budget.currency': 'application',
  'budget.dailyImages': 'application',
  'budget.monthlyImages': 'application',
  'budget.dailySpend': 'application',
  'budget.monthlySpend': 'application',
};

/** The settings a workspace cannot set: read from the user's settings only. */
export const USER_ONLY_SETTINGS: readonly SettingName[] = (Object.keys(SETTING_SCOPES) as SettingName[]).filter(
  (name) => SETTING_SCOPES[name] === 'application',
);

export function isUserOnly(name: SettingName): boolean {
  return SETTING_SCOPES[name] === 'application';
}

/**
 * The values as given where they are valid, the default where not. `ignored` names each
 * setting that was replaced, for the log.
 */
export function checkSettings(raw: Partial<Record<SettingName, unknown>>): {
  settings: CheckedSettings;
  ignored: SettingName[];
} {
  const settings = { ...SETTING_DEFAULTS } as Record<SettingName, unknown>;
  const ignored: SettingName[] = [];
  for (const name of Object.keys(SETTING_DEFAULTS) as SettingName[]) {
    const value = raw[name];
    if (value === undefined) continue;
    const field = settingsSchema.shape[name];
    const parsed = field.safeParse(typeof value === 'string' ? value.trim() : value);
    if (parsed.success) settings[name] = parsed.data;
    else ignored.push(name);
  }
  return { settings: settings as CheckedSettings, ignored };
}
