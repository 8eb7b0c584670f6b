/**
 * The model catalogue as data: what each model/version accepts.
 * Adding a model is one entry in MODELS; the request schema, the quick pick
 * and the Studio form all read from here.
 */

/** Quality tiers: the service picks the pixel size (and, for GEM, follows the aspect ratio). */
export const RESOLUTION_TIERS = ['720P', '1080P', '2K', '4K'] as const;

export const RESOLUTIONS = [
  ...RESOLUTION_TIERS,
  '1024x1024',
  '2048x2048',
  '2304x1728',
  '2496x1664',
  '2560x1440',
  '3024x1296',
  '4096x4096',
  '4694x3520',
  '4992x3328',
  '5404x3040',
  '6198x2656',
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const ASPECT_RATIOS = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** The listed sizes sit a hair off their ratio (4694x3520 is 4:3 within 0.03 %); 0.5 % is closer than any two listed ratios are. */
const ASPECT_TOLERANCE = 0.005;

/** The aspect ratio an exact size (`2560x1440`) has, or undefined for a tier or a shape outside the list. */
export function aspectOfSize(resolution: string): AspectRatio | undefined {
  const size = /^(\d+)x(\d+)$/.exec(resolution);
  if (!size) return undefined;
  const ratio = Number(size[1]) / Number(size[2]);
  return ASPECT_RATIOS.find((aspect) => {
    const [w, h] = aspect.split(':').map(Number) as [number, number];
    return Math.abs(ratio / (w / h) - 1) < ASPECT_TOLERANCE;
  });
}

export function isResolutionTier(resolution: string): boolean {
  return (RESOLUTION_TIERS as readonly string[]).includes(resolution);
}

export const STORAGE_MODES = ['Temporary', 'Permanent'] as const;
export const PERSON_GENERATION = ['AllowAdult', 'Disallowed'] as const;
export const SWITCH_VALUES = ['Enabled', 'Disabled'] as const;

/** Formats the gateway accepts for reference images (checked by magic bytes). */
export const REFERENCE_FORMATS = ['png', 'jpeg', 'webp'] as const;
/** A file name of one of those formats: what can be a reference, a target or a restyled image. */
export const IMAGE_FILE_NAME = /\.(png|jpe?g|webp)$/i;
/** The documented recommendation; larger files are refused before upload. */
export const MAX_REFERENCE_BYTES = 7 * 1024 * 1024;

export const PRIORITY_MIN = -10;
export const PRIORITY_MAX = 10;
export const SESSION_ID_MAX = 50;
export const SESSION_CONTEXT_MAX = 1000;

export type ModelName = 'GEM' | 'Qwen' | 'Hunyuan';

export interface ModelSpec {
  readonly name: ModelName;
  readonly version: string;
  /** Shown in pickers. */
  readonly label: string;
  readonly supportsAspectRatio: boolean;
  /** Whether `file_infos[].text` (a description per reference image) is honoured. */
  readonly supportsImageText: boolean;
  readonly resolutions: readonly Resolution[];
  /** Reference images (`file_infos`) one request may carry, as the upstream API documents per model. */
  readonly maxReferences: number;
}

export const MODELS: readonly ModelSpec[] = [
  {
    name: 'GEM',
    version: '2.5',
    label: 'Gemini 2.5 (GEM)',
    supportsAspectRatio: true,
    supportsImageText: true,
    resolutions: RESOLUTIONS,
    maxReferences: 3,
  },
  {
    name: 'GEM',
    version: '3.0',
    label: 'Gemini 3.0 (GEM)',
    supportsAspectRatio: true,
    supportsImageText: true,
    resolutions: RESOLUTIONS,
    maxReferences: 14,
  },
  {
    name: 'Qwen',
    version: '0925',
    label: 'Qwen 0925',
    supportsAspectRatio: false,
    supportsImageText: false,
    resolutions: RESOLUTIONS,
    maxReferences: 1,
  },
  {
    name: 'Hunyuan',
    version: '3.0',
    label: 'Hunyuan 3.0',
    supportsAspectRatio: false,
    supportsImageText: false,
    resolutions: RESOLUTIONS,
    maxReferences: 3,
  },
];

export const MODEL_NAMES: readonly ModelName[] = [...new Set(MODELS.map((m) => m.name))];

/** The most any model takes: the bound when the model is unknown. */
export const MAX_REFERENCES_ANY_MODEL = Math.max(...MODELS.map((m) => m.maxReferences));

/** How many reference images the model named by a key (`"Qwen 0925"`) takes. */
export function maxReferencesOf(key: string): number {
  return parseModelKey(key)?.maxReferences ?? MAX_REFERENCES_ANY_MODEL;
}

export function findModel(name: string, version: string): ModelSpec | undefined {
  return MODELS.find((m) => m.name === name && m.version === version);
}

export function versionsOf(name: string): string[] {
  return MODELS.filter((m) => m.name === name).map((m) => m.version);
}

/** `"GEM 2.5"` — the form used in settings and pickers. */
export function modelKey(model: Pick<ModelSpec, 'name' | 'version'>): string {
  return `${model.name} ${model.version}`;
}

export function parseModelKey(key: string): ModelSpec | undefined {
  const [name, version] = key.trim().split(/\s+/, 2);
  return name && version ? findModel(name, version) : undefined;
}
