/**
 * Finishing a landed task: each original (on disk, journalled, with its sidecar) is made into the
 * file the target asks for — exact size, format, transparency — by the image library, and placed
 * beside it or at the target's path. The original is never touched: finishing only reads it, so a
 * failure here (a corrupt image, no image library) costs nothing and is said once.
 *
 *   finish to `.aigc-<record>-<n>.finished.part`  → write <name>.json (the derived sidecar)
 *   link the temp file to <name>                   → journal "finished"
 *
 * The sidecar goes first: after a crash, a name whose sidecar is ours (same task, same original)
 * is this image's own, so the resume finishes into it instead of making `-2` beside it.
 */
import { mkdir, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { MAX_NAME_ATTEMPTS, exists, linkExclusive, noFreeName } from './download';
import { GenerationError, toGenerationError } from './errors';
import {
  type FinishReport,
  type FinishSpec,
  type FinishedFile,
  type ImageFinisher,
  OUTPUT_EXTENSIONS,
  RESAMPLE_FILTER,
  finishedFormat,
  finishedNameFor,
  formatOfPath,
} from './finish';
import { type LandingDeps, TEMP_PREFIX, lostLease, placeWhole, sha256Of, sidecarBaseFor } from './landing';
import type { LandedFile, TaskRecord } from './lifecycle';
import { candidateName, isReallyInside, sidecarPathFor } from './naming';
import { noteFrom } from './noteFrom';
import { type SidecarDerivation, buildSidecar, sidecarText } from './sidecar';
import { readSidecarFile } from './sidecarFile';

export interface FinishingDeps extends Pick<
  LandingDeps,
  'apply' | 'apiOrigin' | 'authorization' | 'extensionVersion' | 'stillOurs' | 'now' | 'log'
> {
  /** The image library; absent when it could not be loaded (every image is then left unfinished, said once). */
  finisher?: ImageFinisher;
}

/** Whether a record still has landed images to finish. */
export function needsFinishing(record: TaskRecord): boolean {
  return (
    !!record.target.finish &&
    (record.images ?? []).some((image) => image.landed && !image.finished && !image.unfinished)
  );
}

/** Finishes every landed image that has no finished file yet; resolves to the record as it then is. */
export async function finishImages(record: TaskRecord, deps: FinishingDeps): Promise<TaskRecord> {
  let current = record;
  const spec = record.target.finish;
  if (!spec) return current;
  for (let index = 0; index < (current.images ?? []).length; index++) {
    const image = current.images![index]!;
    if (!image.landed || image.finished || image.unfinished || current.phase !== 'landing') continue;
    current = await finishOne(current, index, image.landed, spec, deps);
  }
  return current;
}

async function finishOne(
  record: TaskRecord,
  index: number,
  original: LandedFile,
  spec: FinishSpec,
  deps: FinishingDeps,
): Promise<TaskRecord> {
  let place: { dir: string; base: string; extension: string };
  try {
    if (!deps.finisher) throw libraryUnavailable();
    place = await placeFor(record, index, original, spec);
    await mkdir(place.dir, { recursive: true });
  } catch (error) {
    return unfinished(record, index, toGenerationError(error), deps);
  }
  const temp = path.join(place.dir, `${TEMP_PREFIX}${record.id}-${index}.finished.part`);
  await unlink(temp).catch(() => undefined);
  let report: FinishReport;
  try {
    report = await deps.finisher.finish(original.path, spec, temp);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    const e = toGenerationError(error);
    if (e.kind === 'aborted') throw e;
    return unfinished(record, index, e, deps);
  }
  try {
    const sha256 = await sha256Of(temp);
    for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
      const target = path.join(place.dir, candidateName(place.base, place.extension, attempt));
      const file: FinishedFile = finishedFile(target, sha256, report);
      const placed = await placeFinished(record, index, original, temp, file, spec, deps);
      if (placed) {
        deps.log?.(
          'info',
          `${original.path} finished as ${target} (${report.width}×${report.height} ${report.format})`,
        );
        return await deps.apply({ type: 'imageFinished', index, file: placed });
      }
    }
    throw noFreeName(place.base, place.dir);
  } catch (error) {
    const e = toGenerationError(error);
    if (e.code === 'leaseLost') throw e;
    return unfinished(record, index, e, deps);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Where the finished file of image `index` goes: the target's path (checked to be in the workspace) or beside its original. */
async function placeFor(
  record: TaskRecord,
  index: number,
  original: LandedFile,
  spec: FinishSpec,
): Promise<{ dir: string; base: string; extension: string }> {
  const format = finishedFormat(spec, original.format);
  const count = record.images!.length;
  const numbered = (base: string) => (count > 1 ? `${base}-${index + 1}` : base);
  if (!spec.path) {
    const name = finishedNameFor(path.basename(original.path), spec, format);
    const extension = path.extname(name).slice(1);
    return { dir: path.dirname(original.path), base: numbered(path.basename(name, `.${extension}`)), extension };
  }
  const root = record.target.workspaceRoot;
  if (!root || !(await isReallyInside(root, spec.path))) {
    throw new GenerationError({
      kind: 'fileSystem',
      code: 'outsideWorkspace',
      template: 'The file {0} is outside the workspace; the image was not finished there.',
      args: [spec.path],
    });
  }
  const written = path.extname(spec.path).slice(1);
  // The name asked for keeps its own spelling (.jpeg stays .jpeg) when it names the format made.
  const extension = formatOfPath(spec.path) === format ? written : OUTPUT_EXTENSIONS[format];
  return { dir: path.dirname(spec.path), base: numbered(path.basename(spec.path, path.extname(spec.path))), extension };
}

function finishedFile(target: string, sha256: string, report: FinishReport): FinishedFile {
  return {
    path: target,
    bytes: report.bytes,
    sha256,
    format: report.format,
    width: report.width,
    height: report.height,
    hasAlpha: report.hasAlpha,
    crop: report.crop,
    filter: RESAMPLE_FILTER,
    ...(report.quality !== undefined ? { quality: report.quality } : {}),
    ...(report.upscale !== undefined && report.upscale > 1 ? { upscale: report.upscale } : {}),
    ...(report.transparency ? { transparency: report.transparency } : {}),
    ...(report.keyIgnored ? { keyIgnored: true } : {}),
  };
}

/**
 * Puts the finished file under `file.path` with its sidecar; the file as placed, or undefined when
 * the name belongs to something else. A name holding this image's own finished file (same bytes,
 * a sidecar of this task and original) is taken as placed: a resume after a crash.
 */
async function placeFinished(
  record: TaskRecord,
  index: number,
  original: LandedFile,
  temp: string,
  file: FinishedFile,
  spec: FinishSpec,
  deps: FinishingDeps,
): Promise<FinishedFile | undefined> {
  const sidecar = sidecarPathFor(file.path);
  const placed: FinishedFile = record.target.writeSidecar ? { ...file, sidecar } : file;
  const ours = async () => ourDerivedSidecar(sidecar, record, original);
  if (await exists(file.path)) {
    return (await sha256Of(file.path)) === file.sha256 && (await ours()) ? placed : undefined;
  }
  if (record.target.writeSidecar) {
    const text = sidecarText(derivedSidecar(record, original, file, spec, deps));
    const sidecarTemp = path.join(path.dirname(sidecar), `${TEMP_PREFIX}${record.id}-${index}.finished.sidecar.part`);
    if (!(await placeWhole(sidecarTemp, sidecar, text)) && !(await ours())) return undefined;
  }
  if (!(await deps.stillOurs())) throw lostLease();
  if (await linkExclusive(temp, file.path)) return placed;
  return undefined;
}

async function ourDerivedSidecar(sidecar: string, record: TaskRecord, original: LandedFile): Promise<boolean> {
  const read = await readSidecarFile(sidecar);
  if (!('sidecar' in read)) return false;
  const { taskId, derivedFrom } = read.sidecar;
  return [record.ref?.taskId, record.id].includes(taskId) && derivedFrom?.sha256 === original.sha256;
}

function derivedSidecar(
  record: TaskRecord,
  original: LandedFile,
  file: FinishedFile,
  spec: FinishSpec,
  deps: FinishingDeps,
) {
  const derivation: SidecarDerivation = {
    derivedFrom: {
      file: path.relative(path.dirname(file.path), original.path).split(path.sep).join('/'),
      sha256: original.sha256,
    },
    finish: {
      crop: file.crop,
      filter: file.filter,
      format: file.format,
      ...(file.quality !== undefined ? { quality: file.quality } : {}),
      size: { width: file.width, height: file.height },
      ...(spec.transparent ? { transparent: spec.transparent } : {}),
      ...(file.upscale ? { upscale: file.upscale } : {}),
      ...(file.transparency ? { transparency: file.transparency } : {}),
      ...(file.keyIgnored ? { keyIgnored: true } : {}),
    },
  };
  return buildSidecar({
    ...sidecarBaseFor(record, deps),
    images: [
      {
        file: path.basename(file.path),
        url: derivation.derivedFrom.file,
        format: file.format,
        bytes: file.bytes,
        sha256: file.sha256,
        width: file.width,
        height: file.height,
        hasAlpha: file.hasAlpha,
      },
    ],
    derivation,
  });
}

function unfinished(record: TaskRecord, index: number, error: GenerationError, deps: FinishingDeps) {
  const original = record.images![index]!.landed!.path;
  deps.log?.('warn', `${original} was not finished: ${error.message}${error.details ? ` (${error.details})` : ''}`);
  return deps.apply({ type: 'imageUnfinished', index, note: noteFrom(error, (deps.now ?? Date.now)()) });
}

function libraryUnavailable(): GenerationError {
  return new GenerationError({
    kind: 'processing',
    code: 'libraryUnavailable',
    template: 'The image library could not be loaded, so the image was saved as the model made it.',
  });
}
