/**
 * Turns a succeeded task into files in the project: each image downloaded beside a
 * sidecar. Saving the same task twice (a resume after a crash mid-save) finds the
 * first copy instead of making a second one.
 */
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { type DownloadedImage, downloadImage } from './download';
import { StudioError } from './errors';
import { resolveOutputDir, resultBaseName, sidecarPathFor } from './naming';
import type { CreateTaskBody } from './request';
import { type SidecarImage, type SidecarReference, buildSidecar, parseSidecar, writeSidecarFile } from './sidecar';
import type { TaskState } from './taskState';

export interface SaveResultInput {
  state: Extract<TaskState, { status: 'succeeded' }>;
  body: CreateTaskBody;
  /** Local reference images by `file_infos` index (undefined for URLs and file ids). */
  references: ({ path: string; sha256?: string } | undefined)[];
  workspaceRoot: string;
  outputFolder: string;
  /** Explicit folder (beside the source image, or picked in a dialog) instead of the dated output folder. */
  targetDir?: string;
  apiOrigin: string;
  authorization?: string;
  writeSidecar: boolean;
  submittedAt: Date;
  extensionVersion: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  maxBytes?: number;
}

export interface SavedFile {
  path: string;
  sidecar?: string;
  bytes: number;
  format: string;
}

export interface SaveResultOutput {
  dir: string;
  files: SavedFile[];
  /** True when the task had already been saved and nothing was downloaded. */
  alreadySaved: boolean;
}

export async function saveResult(input: SaveResultInput): Promise<SaveResultOutput> {
  const { state } = input;
  if (state.images.length === 0) {
    throw new StudioError({ kind: 'invalidResponse', template: 'Task {0} finished without an image.', args: [state.taskId] });
  }
  const dir = input.targetDir ? path.resolve(input.targetDir) : await resolveOutputDir(input.workspaceRoot, input.outputFolder, input.submittedAt);
  const previous = await findSaved(dir, input);
  if (previous) return { dir, files: previous, alreadySaved: true };

  const downloaded: DownloadedImage[] = [];
  for (const [index, image] of state.images.entries()) {
    downloaded.push(
      await downloadImage({
        url: image.url,
        apiOrigin: input.apiOrigin,
        authorization: input.authorization,
        dir,
        baseName: resultBaseName(input.body.prompt, state.taskId, index, state.images.length),
        maxBytes: input.maxBytes,
        fetch: input.fetch,
        signal: input.signal,
      }),
    );
  }
  const savedAt = new Date();
  const images: SidecarImage[] = downloaded.map((d, index) => {
    const source = state.images[index]!;
    return {
      file: path.basename(d.path),
      url: source.url,
      ...(source.fileId ? { fileId: source.fileId } : {}),
      ...(source.expiresAt ? { expiresAt: source.expiresAt } : {}),
      ...(source.storageMode ? { storageMode: source.storageMode } : {}),
      format: d.format.format,
      bytes: d.bytes,
      sha256: d.sha256,
    };
  });
  const files: SavedFile[] = [];
  for (const d of downloaded) {
    const file: SavedFile = { path: d.path, bytes: d.bytes, format: d.format.format };
    if (input.writeSidecar) {
      file.sidecar = sidecarPathFor(d.path);
      await writeSidecarFile(
        file.sidecar,
        buildSidecar({
          taskId: state.taskId,
          requestId: state.requestId,
          body: input.body,
          references: sidecarReferences(input),
          images,
          apiOrigin: input.apiOrigin,
          submittedAt: input.submittedAt,
          finishedAt: state.finishedAt ? new Date(state.finishedAt) : undefined,
          savedAt,
          extensionVersion: input.extensionVersion,
        }),
      );
    }
    files.push(file);
  }
  return { dir, files, alreadySaved: false };
}

function sidecarReferences(input: SaveResultInput): SidecarReference[] {
  return input.references.flatMap((ref) => {
    if (!ref) return [];
    const relative = path.relative(input.workspaceRoot || path.dirname(ref.path), ref.path);
    const inside = input.workspaceRoot && !relative.startsWith('..') && !path.isAbsolute(relative);
    return [{ path: inside ? relative.split(path.sep).join('/') : ref.path, ...(ref.sha256 ? { sha256: ref.sha256 } : {}) }];
  });
}

/** An earlier save of this very task in `dir`, found by its sidecar (or, without sidecars, by its name). */
async function findSaved(dir: string, input: SaveResultInput): Promise<SavedFile[] | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const prefix = resultBaseName(input.body.prompt, input.state.taskId);
  const candidates = names.filter((n) => n.startsWith(prefix));
  for (const name of candidates.filter((n) => n.endsWith('.json'))) {
    const sidecar = parseSidecar(await readFile(path.join(dir, name), 'utf8').catch(() => ''));
    if (sidecar?.taskId !== input.state.taskId) continue;
    const files = sidecar.images
      .filter((image) => names.includes(image.file))
      .map((image) => ({ path: path.join(dir, image.file), sidecar: path.join(dir, name), bytes: image.bytes, format: image.format }));
    if (files.length > 0) return files;
  }
  if (!input.writeSidecar) {
    const image = ['png', 'jpg', 'webp', 'gif'].map((ext) => `${prefix}.${ext}`).find((n) => candidates.includes(n));
    if (image) return [{ path: path.join(dir, image), bytes: 0, format: path.extname(image).slice(1) }];
  }
  return undefined;
}
