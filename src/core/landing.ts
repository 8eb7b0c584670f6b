/**
 * Landing a finished task: each image is fetched to a temporary name beside its final place,
 * given a free final name (never replacing a file), and then its sidecar is written. Every
 * step is journalled before the next, so a resume after a crash at any point fetches only the
 * images not yet landed and never makes a second copy:
 *
 *   fetch to `.aigc-<record>-<n>.part`  → journal "placing <name> <sha256>"
 *   link the temp file to <name>        → write <name>.json (the sidecar, `hero.png.json`)
 *   journal "landed"                    → remove the temp file
 *
 * A resume that finds "placing" looks at <name>: the same bytes (by hash) mean it is ours and
 * only the sidecar may be missing (an earlier version may have written it as `hero.json`);
 * otherwise the temp file (if whole) or a new fetch is placed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  DEFAULT_MAX_IMAGE_BYTES,
  MAX_NAME_ATTEMPTS,
  type MinimumPace,
  downloadFailureOf,
  exists,
  fetchImageTo,
  linkExclusive,
  noFreeName,
} from './download';
import { GenerationError, toGenerationError } from './errors';
import { userPromptOf } from './finish';
import { type LandedFile, type LifecycleEvent, MAX_TASK_BYTES, type TaskRecord } from './lifecycle';
import {
  candidateName,
  isInside,
  isReallyInside,
  legacySidecarPathFor,
  resolveOutputDir,
  resultBaseName,
  sidecarPathFor,
} from './naming';
import { type SidecarInput, type SidecarReference, buildSidecar, sidecarText, withoutSecrets } from './sidecar';
import { readSidecarFile, suspicion } from './sidecarFile';

export interface LandingDeps {
  /** Advances the record by an event and journals it; resolves to the record as it now is. */
  apply(event: LifecycleEvent): Promise<TaskRecord>;
  apiOrigin: string;
  authorization?: string;
  extensionVersion: string;
  /** Checked right before a file is put in place: false when another host has taken the task over. */
  stillOurs(): Promise<boolean>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Per image (DEFAULT_MAX_IMAGE_BYTES unless told). */
  maxBytes?: number;
  /** All images of the task together (MAX_TASK_BYTES unless told). */
  maxTaskBytes?: number;
  pace?: MinimumPace;
  now?: () => number;
  /** Where a file found at a sidecar's name that no version of this extension writes is reported. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** A landing step failed for one image; `error` says why. */
export class LandingError extends Error {
  constructor(
    readonly index: number,
    readonly error: GenerationError,
  ) {
    super(error.message);
    this.name = 'LandingError';
  }
}

export const TEMP_PREFIX = '.aigc-';

/** The temporary name of image `index` of a record: deterministic, so a resume finds (and cleans) it. */
export function tempPathFor(dir: string, recordId: string, index: number): string {
  return path.join(dir, `${TEMP_PREFIX}${recordId}-${index}.part`);
}

/**
 * The folder a record's images go to; throws a `fileSystem` error with code `outsideWorkspace`
 * when refused. Every folder but one the user chose in a dialog must be inside the workspace
 * after symbolic links are followed ("save beside the source" included).
 */
export async function landingDir(record: TaskRecord): Promise<string> {
  const { target } = record;
  const explicit = target.exactPath ? path.dirname(target.exactPath) : target.targetDir;
  if (explicit && target.chosen) return path.resolve(explicit);
  if (explicit) {
    if (target.workspaceRoot && (await isReallyInside(target.workspaceRoot, explicit))) return path.resolve(explicit);
    throw new GenerationError({
      kind: 'fileSystem',
      code: 'outsideWorkspace',
      template:
        'The folder {0} is outside the workspace (a symbolic link leads out of it); choose where to save the image.',
      args: [explicit],
    });
  }
  if (!target.workspaceRoot) {
    throw new GenerationError({
      kind: 'fileSystem',
      code: 'noFolder',
      template: 'There is no folder to save the image in.',
    });
  }
  return resolveOutputDir(target.workspaceRoot, target.outputFolder, new Date(record.submittedAt ?? record.createdAt));
}

/** Removes the record's temporary files in its folder (after a crash, or once it has ended). */
export async function removeTempFiles(dir: string, recordId: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const prefix = `${TEMP_PREFIX}${recordId}-`;
  let removed = 0;
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.part')) {
      await unlink(path.join(dir, name)).then(
        () => removed++,
        () => undefined,
      );
    }
  }
  return removed;
}

/** Lands every image of a record in phase `landing`; resolves to the record once it has landed. */
export async function landImages(record: TaskRecord, deps: LandingDeps): Promise<TaskRecord> {
  let current = record;
  let dir: string;
  try {
    dir = await landingDir(current);
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new LandingError(0, toGenerationError(error));
  }
  const images = current.images ?? [];
  for (let index = 0; index < images.length; index++) {
    if (current.phase !== 'landing') return current;
    if (current.images?.[index]?.landed) continue;
    try {
      current = await landOne(current, index, dir, deps);
    } catch (error) {
      throw error instanceof LandingError ? error : new LandingError(index, toGenerationError(error));
    }
  }
  if (current.phase === 'landed') await removeTempFiles(dir, current.id);
  return current;
}

async function landOne(record: TaskRecord, index: number, dir: string, deps: LandingDeps): Promise<TaskRecord> {
  const image = record.images![index]!;
  const temp = tempPathFor(dir, record.id, index);
  let current = record;

  // A resume: the image may be in place already (the host went away before journalling it), but
  // only in its own folder: a name elsewhere is not one this task chose.
  if (image.placing && path.dirname(image.placing.path) === dir) {
    if ((await exists(image.placing.path)) && (await sha256Of(image.placing.path)) === image.placing.sha256) {
      return finishImage(current, index, image.placing, deps, { resumed: true });
    }
  }

  let fetched: LandedFile;
  let extension: string;
  if (image.placing && (await exists(temp)) && (await sha256Of(temp)) === image.placing.sha256) {
    // Fetched whole before the restart: the temp file is the image.
    fetched = { ...image.placing };
    extension = path.extname(image.placing.path).slice(1);
  } else {
    const room = roomFor(record, deps);
    if (room.bytes <= 0) return leaveOut(index, room.budget, deps);
    let result: Awaited<ReturnType<typeof fetchImageTo>>;
    try {
      result = await fetchImageTo(temp, {
        url: image.url,
        apiOrigin: deps.apiOrigin,
        authorization: deps.authorization,
        fetch: deps.fetch,
        signal: deps.signal,
        maxBytes: room.bytes,
        pace: deps.pace,
        attempts: 1,
      });
    } catch (error) {
      // Over what is left of the task's budget, not over the cap of one image: this one is left out.
      if (room.byBudget && downloadFailureOf(toGenerationError(error)) === 'tooLarge')
        return leaveOut(index, room.budget, deps);
      throw error;
    }
    fetched = { path: '', bytes: result.bytes, format: result.format.format, sha256: result.sha256 };
    extension = result.format.extension;
  }

  const exact = record.target.exactPath;
  // The name asked for keeps its own spelling of the real format (.jpeg for a JPEG stays .jpeg).
  const asked = exact ? path.extname(exact).slice(1).toLowerCase() : '';
  if (asked && (asked === extension || (['jpg', 'jpeg'].includes(asked) && fetched.format === 'jpeg')))
    extension = path.extname(exact!).slice(1);
  const count = record.images!.length;
  const base = exact
    ? `${path.basename(exact, path.extname(exact))}${count > 1 ? `-${index + 1}` : ''}`
    : resultBaseName(
        userPromptOf(record.body.prompt),
        withoutSecrets(record.ref?.taskId ?? record.id, secretsOf(deps)),
        index,
        count,
      );
  // Try the name chosen before the restart first, then the next free ones.
  const names = image.placing?.path && path.dirname(image.placing.path) === dir ? [image.placing.path] : [];
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++)
    names.push(path.join(dir, candidateName(base, extension, attempt)));
  for (const target of [...new Set(names)]) {
    // A name whose sidecar is taken is taken too, except for an exact name a document asks for.
    if ((await exists(target)) || (!exact && (await exists(sidecarPathFor(target))))) continue;
    const placing: LandedFile = { ...fetched, path: target };
    current = await deps.apply({ type: 'placing', index, file: placing });
    if (!(await deps.stillOurs())) throw lostLease();
    if (!(await linkExclusive(temp, target))) continue;
    current = await finishImage(current, index, placing, deps);
    await unlink(temp).catch(() => undefined);
    return current;
  }
  throw noFreeName(base, dir);
}

/**
 * How many bytes the next image may have: the cap of one image, or what the task's budget has
 * left once an image has landed (the first image is always fetched, whatever the budget).
 */
function roomFor(record: TaskRecord, deps: LandingDeps): { bytes: number; byBudget: boolean; budget: number } {
  const perImage = deps.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const budget = deps.maxTaskBytes ?? MAX_TASK_BYTES;
  const landed = (record.images ?? []).flatMap((i) => (i.landed ? [i.landed.bytes] : []));
  if (landed.length === 0) return { bytes: perImage, byBudget: false, budget };
  const left = budget - landed.reduce((a, b) => a + b, 0);
  return left < perImage ? { bytes: left, byBudget: true, budget } : { bytes: perImage, byBudget: false, budget };
}

function leaveOut(index: number, budget: number, deps: LandingDeps): Promise<TaskRecord> {
  const note = {
    kind: 'download',
    code: 'leftOut',
    template: 'Image {0} was left out: with it, the images of this task would pass {1} MB.',
    args: [index + 1, Math.round(budget / 1024 / 1024)],
    at: (deps.now ?? Date.now)(),
  };
  return deps.apply({ type: 'imageLeftOut', index, note });
}

/**
 * The image is in place: write its sidecar (unless one of ours is there) and journal it as landed.
 * A resumed image may have its sidecar already, under this version's name or an earlier one's.
 */
async function finishImage(
  record: TaskRecord,
  index: number,
  file: LandedFile,
  deps: LandingDeps,
  options: { resumed?: boolean } = {},
): Promise<TaskRecord> {
  const landed: LandedFile = { ...file };
  if (record.target.writeSidecar) {
    const taskId = record.ref?.taskId ?? record.id;
    const sidecar = sidecarPathFor(file.path);
    const content = sidecarFor(record, index, file, deps);
    const ours = (candidate: string) => isOurSidecar(candidate, [taskId, content.taskId], deps);
    if (options.resumed && (await ours(legacySidecarPathFor(file.path)))) {
      landed.sidecar = legacySidecarPathFor(file.path);
    } else if (
      await placeWhole(
        path.join(path.dirname(sidecar), `${TEMP_PREFIX}${record.id}-${index}.sidecar.part`),
        sidecar,
        sidecarText(content),
      )
    ) {
      landed.sidecar = sidecar;
    } else if (await ours(sidecar)) {
      // Written before the host went away; a stranger's file of the same name is left alone.
      landed.sidecar = sidecar;
    }
  }
  return deps.apply({ type: 'imageLanded', index, file: landed });
}

function sidecarFor(record: TaskRecord, index: number, file: LandedFile, deps: LandingDeps) {
  const image = record.images![index]!;
  return buildSidecar({
    ...sidecarBaseFor(record, deps),
    images: [
      {
        file: path.basename(file.path),
        url: image.url,
        ...(image.fileId ? { fileId: image.fileId } : {}),
        ...(image.expiresAt ? { expiresAt: image.expiresAt } : {}),
        ...(image.storageMode ? { storageMode: image.storageMode } : {}),
        format: file.format,
        bytes: file.bytes,
        sha256: file.sha256,
      },
    ],
  });
}

/** What every sidecar of a task says (the request, the references, the times), its images aside. */
export function sidecarBaseFor(
  record: TaskRecord,
  deps: Pick<LandingDeps, 'authorization' | 'apiOrigin' | 'now' | 'extensionVersion'>,
): Omit<SidecarInput, 'images'> {
  return {
    secrets: secretsOf(deps),
    taskId: record.ref?.taskId ?? record.id,
    requestId: record.requestId,
    body: record.body,
    references: sidecarReferences(record),
    ...(record.style ? { style: record.style } : {}),
    apiOrigin: deps.apiOrigin,
    submittedAt: new Date(record.submittedAt ?? record.createdAt),
    finishedAt: record.finishedAt ? new Date(record.finishedAt) : undefined,
    savedAt: new Date((deps.now ?? Date.now)()),
    extensionVersion: deps.extensionVersion,
  };
}

/** True when `file` is a sidecar of this task: a regular file (never a link), of a sidecar's size. */
export async function isOurSidecar(file: string, taskIds: readonly string[], deps: LandingDeps): Promise<boolean> {
  const read = await readSidecarFile(file);
  const why = suspicion(read);
  if (why) deps.log?.('warn', `${file} was not read as a sidecar: ${why}`);
  return 'sidecar' in read && taskIds.includes(read.sidecar.taskId);
}

/** The key, which nothing this writes into the workspace may contain (a gateway may echo it). */
function secretsOf(deps: Pick<LandingDeps, 'authorization'>): string[] {
  const key = deps.authorization?.replace(/^Bearer\s+/i, '').trim();
  return key ? [key] : [];
}

/**
 * Writes `text` under `target` as the images are placed: to a temporary file, then linked into
 * place, so the name appears whole or not at all (a reader, another window or a crash never meets
 * half a file) and never replaces one. False when the name is taken.
 */
export async function placeWhole(temp: string, target: string, text: string): Promise<boolean> {
  await writeFile(temp, text, 'utf8');
  try {
    return await linkExclusive(temp, target);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Local references as a committed sidecar may show them: workspace-relative paths, and for a
 * file outside the workspace only its name and hash.
 */
export function sidecarReferences(record: TaskRecord): SidecarReference[] {
  const root = record.target.workspaceRoot;
  return record.references.flatMap((ref): SidecarReference[] => {
    if (!ref.path) return [];
    const hash = ref.sha256 ? { sha256: ref.sha256 } : {};
    if (root && isInside(root, ref.path))
      return [{ path: path.relative(root, ref.path).split(path.sep).join('/'), ...hash }];
    return [{ name: path.basename(ref.path), ...hash }];
  });
}

/** Another host took the task over: whatever this one was about to place is not placed. */
export function lostLease(): GenerationError {
  return new GenerationError({
    kind: 'aborted',
    code: 'leaseLost',
    template: 'Another window is collecting this task.',
  });
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
