/**
 * Making an asset set from an image on disk: every file through the image finisher, written to
 * a temporary name and linked into place (never over a file, never half a file), each with its
 * derived sidecar. The source is only read. Stopping between files keeps what was made.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  FAVICON_FILE,
  ICO_SIZES,
  WEB_ICON_PNGS,
  WEB_MANIFEST_FILE,
  baseNameOf,
  iconFolderName,
  sizedFileName,
  webManifestText,
} from './assetSets';
import { type MadeImage, derivedSidecarText } from './assetSidecar';
import { MAX_NAME_ATTEMPTS, exists, linkExclusive, noFreeName } from './download';
import {
  type FinishSpec,
  type ImageFacts,
  type ImageFinisher,
  type OutputFormat,
  type PixelSize,
  centredCrop,
  formatOfPath,
  upscaleOf,
} from './finish';
import { packIco } from './ico';
import { TEMP_PREFIX, sha256Of } from './landing';
import { sidecarPathFor } from './naming';
import type { Sidecar } from './sidecar';
import { readSidecarFile } from './sidecarFile';

export interface ExportDeps {
  finisher: ImageFinisher;
  extensionVersion: string;
  /** Checked between files: once aborted, no further file is started. */
  signal?: AbortSignal;
  /** Before each file: its name, how many are made, how many in all. */
  onFile?(name: string, done: number, total: number): void;
  now?: () => number;
}

export interface ExportedFile {
  path: string;
  width: number;
  height: number;
  format: OutputFormat | 'ico';
  /** > 1 when the source was enlarged to make it. */
  upscale?: number;
}

export interface ExportResult {
  files: ExportedFile[];
  /** The new folder of a web icon set. */
  folder?: string;
  /** The source was not square and its centre was used. */
  squareCropped: boolean;
  /** Stopped by the user before every file was made. */
  stopped: boolean;
}

/** What every file of one export shares: the source, read once. */
interface Source {
  file: string;
  facts: ImageFacts;
  format: OutputFormat;
  sha256: string;
  sidecar?: Sidecar;
}

async function readSource(file: string, deps: ExportDeps): Promise<Source> {
  const facts = await deps.finisher.probe(file);
  const read = await readSidecarFile(sidecarPathFor(file));
  const format = formatOfFacts(facts) ?? formatOfPath(file) ?? 'png';
  return { file, facts, format, sha256: await sha256Of(file), ...('sidecar' in read ? { sidecar: read.sidecar } : {}) };
}

/** The format libvips names, as an output format (`heif` is how AVIF is reported). */
function formatOfFacts(facts: ImageFacts): OutputFormat | undefined {
  return facts.format === 'heif' ? 'avif' : formatOfPath(`x.${facts.format}`);
}

function stopped(deps: ExportDeps): boolean {
  return deps.signal?.aborted === true;
}

/** A temporary name in `dir` that a crash leaves recognisable (and hidden). */
function tempIn(dir: string): string {
  return path.join(dir, `${TEMP_PREFIX}export-${randomUUID()}.part`);
}

/**
 * Links `temp` to the first free name `nameAt(attempt)` in `dir` whose sidecar name is free too;
 * the temporary file is removed either way.
 */
async function placeFree(temp: string, dir: string, nameAt: (attempt: number) => string): Promise<string> {
  try {
    for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
      const target = path.join(dir, nameAt(attempt));
      if ((await exists(target)) || (await exists(sidecarPathFor(target)))) continue;
      if (await linkExclusive(temp, target)) return target;
    }
    throw noFreeName(nameAt(0), dir);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function writeWhole(dir: string, target: string, content: string | Uint8Array): Promise<void> {
  const temp = tempIn(dir);
  await writeFile(temp, content);
  const placed = await placeFree(temp, dir, () => path.basename(target));
  if (placed !== target) throw noFreeName(path.basename(target), dir);
}

async function writeSidecar(
  source: Source,
  made: MadeImage,
  finish: FinishSpec & { upscale?: number },
  deps: ExportDeps,
) {
  const size = finish.size ?? { width: made.width, height: made.height };
  const text = derivedSidecarText({
    made,
    source: source.file,
    sourceSha256: source.sha256,
    ...(source.sidecar ? { sourceSidecar: source.sidecar } : {}),
    finish: {
      crop: finish.crop ?? centredCrop(source.facts, size),
      format: made.format,
      size,
      ...(finish.quality !== undefined ? { quality: finish.quality } : {}),
      ...(finish.upscale !== undefined && finish.upscale > 1 ? { upscale: finish.upscale } : {}),
    },
    savedAt: new Date((deps.now ?? Date.now)()),
    extensionVersion: deps.extensionVersion,
  });
  await writeWhole(path.dirname(made.file), sidecarPathFor(made.file), text);
}

/** One resized file of the source, placed under the first free name, with its sidecar. */
async function makeResized(
  source: Source,
  size: PixelSize,
  format: OutputFormat,
  dir: string,
  nameAt: (attempt: number) => string,
  deps: ExportDeps,
): Promise<ExportedFile> {
  const spec: FinishSpec = { size, format, crop: centredCrop(source.facts, size) };
  const temp = tempIn(dir);
  const report = await deps.finisher.finish(source.file, spec, temp);
  const placed = await placeFree(temp, dir, nameAt);
  const upscale = report.upscale ?? upscaleOf(spec.crop!, size);
  const made: MadeImage = {
    file: placed,
    format: report.format,
    bytes: report.bytes,
    sha256: await sha256Of(placed),
    width: report.width,
    height: report.height,
    hasAlpha: report.hasAlpha,
  };
  await writeSidecar(source, made, { ...spec, crop: report.crop, upscale }, deps);
  return {
    path: placed,
    width: report.width,
    height: report.height,
    format: report.format,
    ...(upscale > 1 ? { upscale } : {}),
  };
}

/** `favicon.ico` from PNGs of ICO_SIZES, each made by the finisher and packed here. */
async function makeFavicon(source: Source, dir: string, deps: ExportDeps): Promise<ExportedFile> {
  const entries: { size: number; bytes: Uint8Array }[] = [];
  for (const size of ICO_SIZES) {
    const temp = tempIn(dir);
    try {
      await deps.finisher.finish(
        source.file,
        {
          size: { width: size, height: size },
          format: 'png',
          crop: centredCrop(source.facts, { width: size, height: size }),
        },
        temp,
      );
      entries.push({ size, bytes: new Uint8Array(await readFile(temp)) });
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }
  const target = path.join(dir, FAVICON_FILE);
  await writeWhole(dir, target, packIco(entries));
  const largest = ICO_SIZES[ICO_SIZES.length - 1]!;
  const made: MadeImage = {
    file: target,
    format: 'ico',
    bytes: entries.reduce((sum, e) => sum + e.bytes.length, 6 + 16 * entries.length),
    sha256: await sha256Of(target),
    width: largest,
    height: largest,
    hasAlpha: true,
    entries: entries.map((e) => e.size),
  };
  const upscale = upscaleOf(centredCrop(source.facts, { width: largest, height: largest }), {
    width: largest,
    height: largest,
  });
  await writeSidecar(source, made, { size: { width: largest, height: largest }, upscale }, deps);
  return { path: target, width: largest, height: largest, format: 'ico', ...(upscale > 1 ? { upscale } : {}) };
}

/** A new folder beside the source, never one that exists: `hero-icons`, else `hero-icons-2`, … */
async function newFolderBeside(source: string): Promise<string> {
  const dir = path.dirname(source);
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const folder = path.join(dir, iconFolderName(path.basename(source), attempt));
    try {
      await mkdir(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw noFreeName(iconFolderName(path.basename(source), 0), dir);
}

/**
 * A web icon set in a new folder beside the source: favicon.ico (16/32/48), the touch icon and
 * the manifest's 192 and 512 PNGs, and site.webmanifest. A non-square source gives its centre.
 */
export async function exportWebIcons(file: string, deps: ExportDeps): Promise<ExportResult> {
  const source = await readSource(file, deps);
  const folder = await newFolderBeside(file);
  const result: ExportResult = {
    files: [],
    folder,
    squareCropped: source.facts.width !== source.facts.height,
    stopped: false,
  };
  const total = WEB_ICON_PNGS.length + 2;
  try {
    deps.onFile?.(FAVICON_FILE, 0, total);
    result.files.push(await makeFavicon(source, folder, deps));
    for (const icon of WEB_ICON_PNGS) {
      if (stopped(deps)) return { ...result, stopped: true };
      deps.onFile?.(icon.file, result.files.length, total);
      const size = { width: icon.size, height: icon.size };
      result.files.push(await makeResized(source, size, 'png', folder, () => icon.file, deps));
    }
    if (stopped(deps)) return { ...result, stopped: true };
    deps.onFile?.(WEB_MANIFEST_FILE, result.files.length, total);
    await writeWhole(folder, path.join(folder, WEB_MANIFEST_FILE), webManifestText(baseNameOf(path.basename(file))));
    return result;
  } catch (error) {
    // Nothing made: no empty folder is left behind (rmdir refuses a folder with anything in it).
    if (result.files.length === 0) await rmdir(folder).catch(() => undefined);
    throw error;
  }
}

/** Each size as its own file beside the source, in the source's format: `hero-1200x630.png`. */
export async function exportSizes(file: string, sizes: readonly PixelSize[], deps: ExportDeps): Promise<ExportResult> {
  const source = await readSource(file, deps);
  const result: ExportResult = { files: [], squareCropped: false, stopped: false };
  const dir = path.dirname(file);
  for (const size of sizes) {
    if (stopped(deps)) return { ...result, stopped: true };
    deps.onFile?.(sizedFileName(path.basename(file), size, source.format, 0), result.files.length, sizes.length);
    const nameAt = (attempt: number) => sizedFileName(path.basename(file), size, source.format, attempt);
    result.files.push(await makeResized(source, size, source.format, dir, nameAt, deps));
  }
  return result;
}
