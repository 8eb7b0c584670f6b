/**
 * A finished file's sidecar is an ordinary sidecar plus `derivedFrom` (the original it was made
 * from) and `finish` (how). The gallery must show it with its original — one paid result, not
 * two — so this reads those fields (a sidecar arrives with a cloned repository: zod, and a
 * derived file is only ever matched against images the gallery already lists) and groups
 * entries. Pure: no `vscode`, no file system.
 */
import * as z from 'zod/mini';
import type { CropBox, FinishSpec, OutputFormat, PixelSize } from '../core/finish';
import {
  cropBoxSchema,
  keyColourSchema,
  outputFormatSchema,
  pixelSizeSchema,
  qualitySchema,
} from '../core/finishSchema';

const derivedSchema = z.looseObject({
  derivedFrom: z.looseObject({ file: z.string().check(z.minLength(1)), sha256: z.string() }),
  finish: z.looseObject({
    crop: cropBoxSchema,
    format: outputFormatSchema,
    size: z.optional(pixelSizeSchema),
    transparent: z.optional(
      z.looseObject({
        key: z.optional(keyColourSchema),
        trimPadding: z.optional(z.int().check(z.gte(0), z.lte(1024))),
      }),
    ),
    quality: z.optional(qualitySchema),
    keyIgnored: z.optional(z.boolean()),
  }),
  images: z
    .array(
      z.looseObject({
        sha256: z.string(),
        width: z.optional(z.number()),
        height: z.optional(z.number()),
        hasAlpha: z.optional(z.boolean()),
      }),
    )
    .check(z.minLength(1)),
});

/** What a derived sidecar says of its file and its original. */
export interface Derived {
  /** The original, relative to the sidecar's folder, as recorded. */
  originalFile: string;
  originalSha256: string;
  /** The finished file's hash when it was written: a file that no longer matches was changed by someone else. */
  sha256: string;
  crop: CropBox;
  format: OutputFormat;
  size?: PixelSize;
  hasAlpha: boolean;
  transparentAsked: boolean;
  /** Transparency was asked for but the image came out opaque: the model painted no flat background. */
  keyIgnored: boolean;
  /** The spec it was made with (without its crop and path): what making it again asks for. */
  spec: FinishSpec;
}

/** The derived fields of a parsed sidecar; undefined for an original's sidecar (or a malformed one). */
export function derivedOf(sidecar: unknown): Derived | undefined {
  const parsed = derivedSchema.safeParse(sidecar);
  if (!parsed.success) return undefined;
  const { derivedFrom, finish, images } = parsed.data;
  const image = images[0]!;
  const hasAlpha = image.hasAlpha ?? false;
  const transparentAsked = finish.transparent !== undefined;
  return {
    originalFile: derivedFrom.file,
    originalSha256: derivedFrom.sha256,
    sha256: image.sha256,
    crop: finish.crop,
    format: finish.format,
    ...(finish.size ? { size: finish.size } : {}),
    hasAlpha,
    transparentAsked,
    keyIgnored: finish.keyIgnored ?? (transparentAsked && !hasAlpha),
    spec: {
      ...(finish.size ? { size: finish.size } : {}),
      format: finish.format,
      ...(finish.quality !== undefined ? { quality: finish.quality } : {}),
      ...(finish.transparent
        ? {
            transparent: {
              ...(finish.transparent.key !== undefined ? { key: finish.transparent.key } : {}),
              ...(finish.transparent.trimPadding !== undefined ? { trimPadding: finish.transparent.trimPadding } : {}),
            },
          }
        : {}),
    },
  };
}

/** Just enough of a gallery entry to group it: its image's path and what its sidecar derives it from. */
export interface Groupable {
  /** The image's path (POSIX, as a URI's path). */
  image: string;
  createdAt: number;
  derived?: Derived;
}

/** The original's path a derived entry names, resolved against the folder of its image (its sidecar sits beside it). */
export function originalPathOf(entry: Groupable): string | undefined {
  if (!entry.derived) return undefined;
  const parts = entry.image.split('/').slice(0, -1);
  for (const part of entry.derived.originalFile.split(/[\\/]/)) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

/**
 * Each original with its newest finished file; a finished file whose original is not listed
 * (deleted, or outside the output folder) stands alone, as it is still an image on disk.
 */
export function groupDerived<T extends Groupable>(entries: readonly T[]): { entry: T; finished?: T }[] {
  const byImage = new Map(entries.filter((e) => !e.derived).map((e) => [e.image, e]));
  const finishedOf = new Map<T, T>();
  const alone: T[] = [];
  for (const entry of entries) {
    if (!entry.derived) continue;
    const original = byImage.get(originalPathOf(entry) ?? '');
    if (!original) {
      alone.push(entry);
      continue;
    }
    const earlier = finishedOf.get(original);
    if (!earlier || earlier.createdAt < entry.createdAt) finishedOf.set(original, entry);
  }
  return [
    ...[...byImage.values()].map((entry) => {
      const finished = finishedOf.get(entry);
      return finished ? { entry, finished } : { entry };
    }),
    ...alone.map((entry) => ({ entry })),
  ];
}
