/**
 * The sidecar `<image name>.json` (`hero.png.json`): everything needed to reproduce an image
 * (the request as sent, minus inline image bytes), where it came from, and when. The Studio's
 * gallery is built from these files, so it survives reloads and travels with git.
 *
 * It is committed, so it holds nothing that grants access: it is built from the request body
 * and the answer only, every string in it has the key removed by value (a gateway may echo the
 * key in a task id, a request id or a URL), and result URLs keep their origin and path only — a
 * signed URL's query string is a credential for the file until it expires, and the origin and
 * path say where the image came from, which is all provenance needs.
 *
 * Its name keeps the image's extension (not `hero.json`), so a sidecar can never take the name
 * of a configuration file (`package.json`, `.vscode/settings.json`) beside an image asked for
 * as `package.png`. Sidecars of earlier versions (`hero.json`) are still read where they are
 * sidecars of the image beside them.
 */
import * as z from 'zod/mini';
import { withoutInlineImages } from './references';
import type { CreateTaskBody } from './request';
import type { CropBox, PixelSize, TransparencyCheck } from './finish';
import type { AppliedStyle } from './styleApply';

export const SIDECAR_KIND = 'aigc-image-studio/result';
export const SIDECAR_VERSION = 1;

/**
 * A local reference image. Inside the workspace: its workspace-relative path. Outside it:
 * only its file name (an absolute path would publish user names and folder layouts with the
 * repository). Either way its content hash, so a reader can tell whether it is the same file.
 */
export interface SidecarReference {
  path?: string;
  name?: string;
  sha256?: string;
}

export interface SidecarImage {
  file: string;
  /** Where the image came from: the result URL, or for a derived file the original's name. */
  url: string;
  fileId?: string;
  expiresAt?: string;
  storageMode?: string;
  format: string;
  bytes: number;
  sha256: string;
  width?: number;
  height?: number;
  hasAlpha?: boolean;
}

/**
 * How a derived file (a finished asset, an icon) was made from its original, so it can be made
 * again without paying: the original by name (relative to the sidecar's folder) and hash, and the
 * crop box, filter, format and quality.
 */
export interface SidecarDerivation {
  derivedFrom: { file: string; sha256: string };
  finish: {
    crop: CropBox;
    filter: string;
    format: string;
    quality?: number;
    size: PixelSize;
    transparent?: { key?: string; trimPadding?: number };
    upscale?: number;
    transparency?: TransparencyCheck;
    keyIgnored?: boolean;
    /** For a set (favicon.ico): the sizes packed into the file. */
    entries?: number[];
  };
}

/** The project style an image was made with: its name, file, content hash and what it added. */
export const appliedStyleSchema = z.looseObject({
  name: z.string(),
  source: z.string(),
  sha256: z.string(),
  adds: z.array(z.looseObject({ field: z.string(), value: z.string() })),
});

const sidecarSchema = z.looseObject({
  kind: z.literal(SIDECAR_KIND),
  version: z.number(),
  taskId: z.string(),
  requestId: z.optional(z.string()),
  prompt: z.string(),
  negativePrompt: z.optional(z.string()),
  model: z.object({ name: z.string(), version: z.string() }),
  request: z.looseObject({ model_name: z.string(), model_version: z.string(), prompt: z.string() }),
  references: z.optional(
    z.array(z.object({ path: z.optional(z.string()), name: z.optional(z.string()), sha256: z.optional(z.string()) })),
  ),
  style: z.optional(appliedStyleSchema),
  images: z.array(
    z.looseObject({
      file: z.string(),
      url: z.string(),
      format: z.string(),
      bytes: z.number(),
      sha256: z.string(),
    }),
  ),
  apiOrigin: z.optional(z.string()),
  timings: z.looseObject({
    submittedAt: z.string(),
    finishedAt: z.optional(z.string()),
    savedAt: z.string(),
    durationMs: z.optional(z.number()),
  }),
  generator: z.optional(z.string()),
  derivedFrom: z.optional(z.looseObject({ file: z.string(), sha256: z.string() })),
  finish: z.optional(
    z.looseObject({
      crop: z.object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() }),
      filter: z.string(),
      format: z.string(),
      size: z.object({ width: z.number(), height: z.number() }),
    }),
  ),
});

export interface Sidecar {
  kind: typeof SIDECAR_KIND;
  version: number;
  taskId: string;
  requestId?: string;
  prompt: string;
  negativePrompt?: string;
  model: { name: string; version: string };
  request: CreateTaskBody;
  references?: SidecarReference[];
  /** The project style it was made with (absent: none); `request` above is what the style resolved to. */
  style?: AppliedStyle;
  images: SidecarImage[];
  apiOrigin?: string;
  timings: { submittedAt: string; finishedAt?: string; savedAt: string; durationMs?: number };
  generator?: string;
  derivedFrom?: SidecarDerivation['derivedFrom'];
  finish?: SidecarDerivation['finish'];
}

export interface SidecarInput {
  /** Values that must not appear anywhere in the sidecar (the API key). */
  secrets?: readonly string[];
  taskId: string;
  requestId?: string;
  body: CreateTaskBody;
  references: SidecarReference[];
  style?: AppliedStyle;
  images: SidecarImage[];
  apiOrigin: string;
  submittedAt: Date;
  finishedAt?: Date;
  savedAt: Date;
  extensionVersion: string;
  /** For a derived file: how it was made from its original. */
  derivation?: SidecarDerivation;
}

export function buildSidecar(input: SidecarInput): Sidecar {
  const forms = secretForms(input.secrets ?? []);
  const images = input.images.map((image) => ({ ...image, url: provenanceUrl(scrub(image.url, forms)) }));
  return scrub(assemble({ ...input, images }), forms);
}

function assemble(input: SidecarInput): Sidecar {
  return {
    kind: SIDECAR_KIND,
    version: SIDECAR_VERSION,
    taskId: input.taskId,
    ...(input.requestId ? { requestId: input.requestId } : {}),
    prompt: input.body.prompt,
    ...(input.body.negative_prompt ? { negativePrompt: input.body.negative_prompt } : {}),
    model: { name: input.body.model_name, version: input.body.model_version },
    request: withoutInlineImages(input.body),
    references: input.references,
    ...(input.style ? { style: input.style } : {}),
    images: input.images,
    apiOrigin: input.apiOrigin,
    timings: {
      submittedAt: input.submittedAt.toISOString(),
      ...(input.finishedAt ? { finishedAt: input.finishedAt.toISOString() } : {}),
      savedAt: input.savedAt.toISOString(),
      durationMs: input.savedAt.getTime() - input.submittedAt.getTime(),
    },
    generator: `AIGC Image Studio ${input.extensionVersion}`,
    ...(input.derivation ?? {}),
  };
}

const REDACTED = '***';

/** Each secret as it may appear in text and in URLs; short values are left alone, as in the log. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = secrets.filter((s) => s.length >= 4).flatMap((s) => [s, encodeURIComponent(s), encodeURI(s)]);
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** `value` with every secret removed from every string in it (object keys too), as it may appear in text or a URL. */
export function withoutSecrets<T>(value: T, secrets: readonly string[]): T {
  return scrub(value, secretForms(secrets));
}

function scrub<T>(value: T, forms: readonly string[]): T {
  if (forms.length === 0) return value;
  if (typeof value === 'string')
    return forms.reduce((text, form) => text.split(form).join(REDACTED), value as string) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => scrub(item, forms)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [scrub(key, forms), scrub(item, forms)])) as T;
  }
  return value;
}

/**
 * A result URL as a sidecar keeps it: origin and path, without query, fragment or user name and
 * password, any of which may be what grants access to the file.
 */
export function provenanceUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.origin !== 'null') return `${parsed.origin}${parsed.pathname}`;
  } catch {
    // Not a URL Node can parse: cut the text instead.
  }
  return url.replace(/[?#][\s\S]*$/, '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The sidecar as written to disk. */
export function sidecarText(sidecar: Sidecar): string {
  return `${JSON.stringify(sidecar, null, 2)}\n`;
}

/** Reads a JSON text as a sidecar; undefined when it is some other JSON file. */
export function parseSidecar(text: string): Sidecar | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = sidecarSchema.safeParse(raw);
  return result.success ? result.data : undefined;
}
