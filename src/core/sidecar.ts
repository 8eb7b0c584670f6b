/**
 * The sidecar `<image>.json`: everything needed to reproduce an image (the request
 * as sent, minus inline image bytes), where it came from, and when. The Studio's
 * gallery is built from these files, so it survives reloads and travels with git.
 * Never holds the key: it is built from the request body and the answer only.
 */
import * as z from 'zod/mini';
import { withoutInlineImages } from './references';
import type { CreateTaskBody } from './request';

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
  url: string;
  fileId?: string;
  expiresAt?: string;
  storageMode?: string;
  format: string;
  bytes: number;
  sha256: string;
}

const sidecarSchema = z.looseObject({
  kind: z.literal(SIDECAR_KIND),
  version: z.number(),
  taskId: z.string(),
  requestId: z.optional(z.string()),
  prompt: z.string(),
  negativePrompt: z.optional(z.string()),
  model: z.object({ name: z.string(), version: z.string() }),
  request: z.looseObject({ model_name: z.string(), model_version: z.string(), prompt: z.string() }),
  references: z.optional(z.array(z.object({ path: z.optional(z.string()), name: z.optional(z.string()), sha256: z.optional(z.string()) }))),
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
  timings: z.looseObject({ submittedAt: z.string(), finishedAt: z.optional(z.string()), savedAt: z.string(), durationMs: z.optional(z.number()) }),
  generator: z.optional(z.string()),
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
  images: SidecarImage[];
  apiOrigin?: string;
  timings: { submittedAt: string; finishedAt?: string; savedAt: string; durationMs?: number };
  generator?: string;
}

export interface SidecarInput {
  taskId: string;
  requestId?: string;
  body: CreateTaskBody;
  references: SidecarReference[];
  images: SidecarImage[];
  apiOrigin: string;
  submittedAt: Date;
  finishedAt?: Date;
  savedAt: Date;
  extensionVersion: string;
}

export function buildSidecar(input: SidecarInput): Sidecar {
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
    images: input.images,
    apiOrigin: input.apiOrigin,
    timings: {
      submittedAt: input.submittedAt.toISOString(),
      ...(input.finishedAt ? { finishedAt: input.finishedAt.toISOString() } : {}),
      savedAt: input.savedAt.toISOString(),
      durationMs: input.savedAt.getTime() - input.submittedAt.getTime(),
    },
    generator: `AIGC Image Studio ${input.extensionVersion}`,
  };
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
  return result.success ? (result.data as unknown as Sidecar) : undefined;
}
