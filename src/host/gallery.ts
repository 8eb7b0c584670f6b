/**
 * The Studio's results: every sidecar (`<image>.json`, `hero.png.json`; an earlier version's
 * `hero.json` too) under the output folder of each workspace folder, newest first, kept current
 * by a file watcher. The sidecar is the record, so the gallery survives reloads and arrives with
 * a clone of the repository — which is why it is read as core's sidecarFile reads it: never
 * through a link, never a pipe or a device, never more than a sidecar's worth of bytes.
 */
import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { userPromptOf } from '../core/finish';
import { Disposable } from './disposable';
import type { ReferenceSource } from '../core/references';
import { isReallyInside, isUncPath, legacySidecarPathFor, sidecarPathFor } from '../core/naming';
import { type Sidecar, parseSidecar } from '../core/sidecar';
import {
  MAX_SIDECAR_BYTES,
  type SidecarFile,
  describedImage,
  onePerImage,
  readSidecarFile,
  suspicion,
} from '../core/sidecarFile';
import { type Derived, derivedOf, groupDerived } from '../shared/derivedResult';
import type { GalleryItem } from '../shared/galleryItem';
import type { Log } from './log';
import { readOutputSettings } from './settings';
import { exists, isDirectory } from './fileStat';

/** A parsed sidecar: what the gallery shows and what "reuse settings" restores. */
export type SavedResult = Sidecar;

export interface GalleryEntry {
  /** The sidecar's URI as a string. */
  id: string;
  sidecarUri: vscode.Uri;
  imageUri: vscode.Uri;
  sidecar: SavedResult;
  createdAt: number;
  /** The sidecar's modification time, so a re-read can skip unchanged files. */
  sidecarMtime: number;
  /** Named as earlier versions named sidecars (`hero.json`): a `hero.png.json` beside it wins. */
  legacy?: boolean;
  /** A finished file's: what it was made from, and how. */
  derived?: Derived;
  /** In `list()`: the newest finished file made from this original. */
  finished?: GalleryEntry;
}

/** Sidecars written outside the output folders (restyles saved beside their source). */
const EXTRA_KEY = 'aigcImage.gallery.extraSidecars';
const MAX_EXTRA = 200;
/** Sidecars looked for in the output folders (a repository may bring thousands). */
const MAX_SIDECARS = 5000;
/** The newest this many sidecars are read and parsed… */
const MAX_SIDECARS_READ = 1000;
/** …and no more than this many bytes of them in one scan, so a repository of huge sidecars stays cheap. */
const MAX_SCAN_BYTES = 16 * 1024 * 1024;
const READ_CONCURRENCY = 24;
/** What the panel receives; the rest is counted. */
export const GALLERY_LIMIT = 500;
/** Prompts in gallery items are cut to this length (the whole prompt stays in the sidecar for "reuse"). */
const GALLERY_PROMPT_CHARS = 400;

export class Gallery extends Disposable {
  private readonly entries = new Map<string, GalleryEntry>();
  private loading: Promise<void> | undefined;
  private watchers: vscode.Disposable[] = [];
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires (debounced) when results were added, changed or removed. */
  readonly onDidChange = this.changed.event;
  private pending = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly log: Log,
  ) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('aigcImage.outputFolder')) void this.refresh();
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()));
  }

  /** Reads the sidecars once; later calls wait for the same read. */
  load(): Promise<void> {
    this.loading ??= this.scan();
    return this.loading;
  }

  /** Reads the disk again (unchanged sidecars are not re-read); fires when something changed. */
  async refresh(): Promise<void> {
    const before = this.signature();
    this.loading = this.scan();
    await this.loading;
    if (this.signature() !== before) this.changed.fire();
  }

  /**
   * Newest first; one entry per image, its current sidecar preferred over an earlier version's,
   * and a finished file with its original (`finished`), not as a second paid result.
   */
  list(): GalleryEntry[] {
    const entries = [...this.entries.values()].map((entry) => ({
      entry,
      image: entry.imageUri.toString(),
      legacy: entry.legacy,
    }));
    const current = onePerImage(entries).map(({ entry }) => ({
      entry,
      image: entry.imageUri.path,
      createdAt: entry.createdAt,
      ...(entry.derived ? { derived: entry.derived } : {}),
    }));
    return groupDerived(current)
      .map(({ entry, finished }) => (finished ? { ...entry.entry, finished: finished.entry } : entry.entry))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): GalleryEntry | undefined {
    return this.entries.get(id);
  }

  /** Adds the results of a finished task now, without waiting for the watcher; returns their ids. */
  async addImages(files: readonly string[]): Promise<string[]> {
    await this.load();
    const ids: string[] = [];
    for (const file of files) {
      const entry = await this.entryOfImage(file);
      if (!entry) continue;
      const sidecarUri = entry.sidecarUri;
      this.entries.set(entry.id, entry);
      ids.push(entry.id);
      if (!this.outputRoots().some((root) => isUnder(root, sidecarUri))) await this.rememberExtra(entry.id);
    }
    if (ids.length > 0) this.changed.fire();
    return ids;
  }

  toItem(entry: GalleryEntry, webview: vscode.Webview): GalleryItem {
    const { sidecar } = entry;
    const references = sidecar.request.file_infos?.length ?? sidecar.references?.length ?? 0;
    return {
      id: entry.id,
      file: entry.imageUri.fsPath,
      relPath: vscode.workspace.asRelativePath(entry.imageUri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1),
      thumb: webview.asWebviewUri(entry.imageUri).toString(),
      prompt: shortened(userPromptOf(sidecar.prompt), GALLERY_PROMPT_CHARS),
      ...(sidecar.negativePrompt ? { negativePrompt: sidecar.negativePrompt } : {}),
      model: `${sidecar.model.name} ${sidecar.model.version}`,
      createdAt: entry.createdAt,
      references,
      kind: references > 0 ? 'restyle' : 'generate',
      ...(entry.finished?.derived ? { finished: finishedItem(entry.finished, entry.finished.derived, webview) } : {}),
    };
  }

  override dispose(): void {
    clearTimeout(this.flushTimer);
    for (const d of this.watchers) d.dispose();
    super.dispose();
  }

  // --- reading -------------------------------------------------------------

  /** The entry of an image just saved: its sidecar, or (written by an earlier version) its old-style one. */
  private async entryOfImage(file: string): Promise<GalleryEntry | undefined> {
    for (const sidecar of [sidecarPathFor(file), legacySidecarPathFor(file)]) {
      const entry = await readEntry(vscode.Uri.file(sidecar), undefined, this.log);
      if (entry) return entry;
    }
    return undefined;
  }

  /** `<folder>/<outputFolder>` for each workspace folder, when that stays inside the folder. */
  private outputRoots(): vscode.Uri[] {
    return (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => {
      const setting = readOutputSettings(folder.uri).outputFolder;
      const root = path.isAbsolute(setting)
        ? folder.uri.with({ path: path.posix.normalize(setting.split(path.sep).join('/')) })
        : vscode.Uri.joinPath(folder.uri, ...setting.split(/[\\/]+/).filter(Boolean));
      return isUnder(folder.uri, root) ? [root] : [];
    });
  }

  private async scan(): Promise<void> {
    const roots = this.outputRoots();
    this.watch(roots);
    const found = (
      await Promise.all(
        roots.map((root) =>
          Promise.resolve(
            vscode.workspace.findFiles(new vscode.RelativePattern(root, '**/*.json'), null, MAX_SIDECARS),
          ).catch(() => [] as vscode.Uri[]),
        ),
      )
    ).flat();
    const extra = this.memento.get<string[]>(EXTRA_KEY, []).map((s) => vscode.Uri.parse(s));
    const listed = [...new Map([...found, ...extra].map((u) => [u.toString(), u])).values()];
    // The file search follows symbolic links: what really lives outside the workspace is not read.
    const unique = (
      await mapLimited(listed, READ_CONCURRENCY, async (uri) => ((await reallyInWorkspace(uri)) ? uri : undefined))
    ).filter((u): u is vscode.Uri => u !== undefined);
    const chosen = await newestWithinBudget(unique);
    const previous = new Map(this.entries);
    const entries = await mapLimited(chosen, READ_CONCURRENCY, (uri) =>
      readEntry(uri, previous.get(uri.toString()), this.log),
    );
    this.entries.clear();
    for (const entry of entries) if (entry) this.entries.set(entry.id, entry);
    this.log.debug(
      'gallery',
      `${this.entries.size} result(s) from ${chosen.length} of ${unique.length} JSON file(s) in ${roots.length} output folder(s)`,
    );
  }

  /**
   * Watches each workspace folder and keeps what falls under an output folder. (A pattern
   * based on the output folder itself would see nothing when that folder does not exist yet.)
   */
  private watch(roots: vscode.Uri[]): void {
    for (const w of this.watchers) w.dispose();
    const folders = vscode.workspace.workspaceFolders ?? [];
    this.watchers = folders.map((folder) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
      const touched = (uri: vscode.Uri) => {
        if (roots.some((root) => isUnder(root, uri) || isUnder(uri, root))) this.touched(uri);
      };
      return vscode.Disposable.from(
        watcher,
        watcher.onDidCreate(touched),
        watcher.onDidChange(touched),
        watcher.onDidDelete(touched),
      );
    });
  }

  private touched(uri: vscode.Uri): void {
    this.pending.add(uri.toString());
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => void this.flush(), 250);
  }

  /**
   * Re-reads what the watcher reported: a sidecar, an image, or a folder. A folder created
   * with files already in it is reported alone (its files never are), so it is searched.
   */
  private async flush(): Promise<void> {
    const touched = [...this.pending].map((s) => vscode.Uri.parse(s));
    this.pending = new Set();
    await this.load();
    let changed = false;
    const read = async (uri: vscode.Uri) => {
      // As in the full scan: a sidecar reached through a link out of the workspace is not read.
      const entry = (await reallyInWorkspace(uri)) ? await readEntry(uri, undefined, this.log) : undefined;
      if (entry) {
        this.entries.set(entry.id, entry);
        changed = true;
      } else if (this.entries.delete(uri.toString())) {
        changed = true;
      }
    };
    for (const uri of touched) {
      const text = uri.toString();
      if (/\.json$/i.test(uri.path)) {
        await read(uri);
        continue;
      }
      if (await isDirectory(uri)) {
        const sidecars = await Promise.resolve(
          vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*.json'), null, MAX_SIDECARS),
        ).catch(() => []);
        await mapLimited(sidecars, READ_CONCURRENCY, read);
        continue;
      }
      for (const entry of this.entries.values()) {
        const gone = entry.imageUri.toString() === text || entry.id.startsWith(`${text}/`);
        if (gone && !(await exists(entry.imageUri))) {
          this.entries.delete(entry.id);
          changed = true;
        }
      }
    }
    if (changed) this.changed.fire();
  }

  private signature(): string {
    return [...this.entries.values()].map((e) => `${e.id}@${e.sidecarMtime}`).join('\n');
  }

  private async rememberExtra(id: string): Promise<void> {
    const list = this.memento.get<string[]>(EXTRA_KEY, []).filter((s) => s !== id);
    await this.memento.update(EXTRA_KEY, [id, ...list].slice(0, MAX_EXTRA));
  }
}

function isUnder(parent: vscode.Uri, child: vscode.Uri): boolean {
  if (parent.scheme !== child.scheme || parent.authority !== child.authority) return false;
  const relative = path.posix.relative(parent.path, child.path);
  return relative === '' || (!relative.startsWith('..') && !path.posix.isAbsolute(relative));
}

/**
 * A sidecar and the image it describes, or undefined for any other file (or a missing image).
 * `previous` is reused when the sidecar has not changed since it was read. A link, a pipe, a
 * device or an oversized file at a sidecar's name is skipped and logged.
 */
export async function readEntry(
  sidecarUri: vscode.Uri,
  previous?: GalleryEntry,
  log?: Pick<Log, 'warn'>,
): Promise<GalleryEntry | undefined> {
  if (previous && previous.sidecarMtime === (await unchangedMtime(sidecarUri)))
    return (await exists(previous.imageUri)) ? previous : undefined;
  const read = await readSidecarAt(sidecarUri);
  const why = suspicion(read);
  if (why) log?.warn('gallery', `${sidecarUri.fsPath} was not read as a sidecar: ${why}`);
  if (!('sidecar' in read)) return undefined;
  const { sidecar } = read;
  const image = describedImage(sidecarUri.path, sidecar);
  if (!image) return undefined;
  const imageUri = vscode.Uri.joinPath(sidecarUri, '..', image.file);
  let mtime: number;
  try {
    mtime = (await vscode.workspace.fs.stat(imageUri)).mtime;
  } catch {
    return undefined;
  }
  const saved = Date.parse(sidecar.timings.savedAt);
  const derived = derivedOf(sidecar);
  return {
    id: sidecarUri.toString(),
    sidecarUri,
    imageUri,
    sidecar,
    createdAt: Number.isFinite(saved) ? saved : mtime,
    sidecarMtime: read.mtimeMs,
    ...(image.legacy ? { legacy: true } : {}),
    ...(derived ? { derived } : {}),
  };
}

/** A finished file as its original's card shows it. */
function finishedItem(entry: GalleryEntry, derived: Derived, webview: vscode.Webview): GalleryItem['finished'] {
  const image = entry.sidecar.images[0] as { width?: unknown; height?: unknown } | undefined;
  const width = typeof image?.width === 'number' ? image.width : (derived.size?.width ?? derived.crop.width);
  const height = typeof image?.height === 'number' ? image.height : (derived.size?.height ?? derived.crop.height);
  return {
    file: entry.imageUri.fsPath,
    relPath: vscode.workspace.asRelativePath(entry.imageUri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1),
    thumb: webview.asWebviewUri(entry.imageUri).toString(),
    width,
    height,
    format: derived.format,
    hasAlpha: derived.hasAlpha,
    ...(derived.keyIgnored ? { keyIgnored: true } : {}),
    crop: derived.crop,
  };
}

/** The sidecar at `uri`, read as core reads sidecars on disk. */
async function readSidecarAt(uri: vscode.Uri): Promise<SidecarFile> {
  if (uri.scheme === 'file') return readSidecarFile(uri.fsPath);
  // A virtual file system offers no bounded read and no file handle: its stat is the check.
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.SymbolicLink) return { skipped: 'link', bytesRead: 0 };
    if (!(stat.type & vscode.FileType.File)) return { skipped: 'notAFile', bytesRead: 0 };
    if (stat.size > MAX_SIDECAR_BYTES) return { skipped: 'tooLarge', bytesRead: 0 };
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.length > MAX_SIDECAR_BYTES) return { skipped: 'tooLarge', bytesRead: bytes.length };
    const sidecar = parseSidecar(new TextDecoder().decode(bytes));
    return sidecar
      ? { sidecar, mtimeMs: stat.mtime, bytesRead: bytes.length }
      : { skipped: 'notASidecar', bytesRead: bytes.length };
  } catch {
    return { skipped: 'missing', bytesRead: 0 };
  }
}

/** The modification time of a sidecar that is still a regular file (a link never matches). */
async function unchangedMtime(uri: vscode.Uri): Promise<number | undefined> {
  try {
    if (uri.scheme === 'file') {
      const stat = await lstat(uri.fsPath);
      return stat.isFile() ? stat.mtimeMs : undefined;
    }
    const stat = await vscode.workspace.fs.stat(uri);
    return stat.type === vscode.FileType.File ? stat.mtime : undefined;
  } catch {
    return undefined;
  }
}

async function reallyInWorkspace(uri: vscode.Uri): Promise<boolean> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder || uri.scheme !== 'file') return uri.scheme !== 'file' && !!folder;
  return isReallyInside(folder.uri.fsPath, uri.fsPath);
}

/** The newest JSON files, as many as MAX_SIDECARS_READ and MAX_SCAN_BYTES allow (sizes and times from stat). */
async function newestWithinBudget(uris: readonly vscode.Uri[]): Promise<vscode.Uri[]> {
  const stats = await mapLimited(uris, READ_CONCURRENCY, async (uri) => {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      return stat.size <= MAX_SIDECAR_BYTES ? { uri, size: stat.size, mtime: stat.mtime } : undefined;
    } catch {
      return undefined;
    }
  });
  const chosen: vscode.Uri[] = [];
  let bytes = 0;
  for (const item of stats.filter((x) => x !== undefined).sort((a, b) => b.mtime - a.mtime)) {
    if (chosen.length >= MAX_SIDECARS_READ || bytes + item.size > MAX_SCAN_BYTES) break;
    chosen.push(item.uri);
    bytes += item.size;
  }
  return chosen;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// --- reusing a result ----------------------------------------------------------

/** The request of a saved result, ready to send again: no images (they come back as references) and no session id. */
export function savedRequest(entry: GalleryEntry): Record<string, unknown> {
  const { file_infos: _images, session_id: _session, ...rest } = entry.sidecar.request;
  return rest;
}

export type SavedReference = ReferenceSource;

/**
 * The references of a saved result: URLs and file ids as they were, local files found
 * again from the sidecar's `references` (relative to a workspace folder). `missing` names
 * local files that no longer exist.
 */
export async function savedReferences(
  entry: GalleryEntry,
): Promise<{ references: SavedReference[]; missing: string[] }> {
  const infos = entry.sidecar.request.file_infos ?? [];
  const locals = [...(entry.sidecar.references ?? [])];
  const references: SavedReference[] = [];
  const missing: string[] = [];
  for (const info of infos) {
    const text = info.text?.trim() ? info.text : undefined;
    if (info.type === 'File' && info.file_id) {
      references.push({ kind: 'fileId', fileId: info.file_id, ...(text ? { text } : {}) });
    } else if (info.url && !info.url.startsWith('data:')) {
      references.push({ kind: 'url', url: info.url, ...(text ? { text } : {}) });
    } else {
      const local = locals.shift();
      if (!local) continue;
      // A file outside the workspace is recorded by name only: it cannot be found again from here.
      const found = local.path ? await findLocal(local.path, entry.sidecarUri) : undefined;
      if (found) references.push({ kind: 'file', path: found.fsPath, ...(text ? { text } : {}) });
      else missing.push(local.path ?? local.name ?? '?');
    }
  }
  return { references, missing };
}

/**
 * A reference named in a sidecar, found again inside a workspace folder. A sidecar may come with a
 * cloned repository: an absolute path, a Windows network path or `..` is never followed (the
 * generation service also checks the real path before reading anything).
 */
export async function findLocal(saved: string, sidecarUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (path.isAbsolute(saved) || path.win32.isAbsolute(saved) || isUncPath(saved) || saved.split(/[\\/]/).includes('..'))
    return undefined;
  const own = vscode.workspace.getWorkspaceFolder(sidecarUri);
  const folders = [...(own ? [own] : []), ...(vscode.workspace.workspaceFolders ?? []).filter((f) => f !== own)];
  for (const folder of folders) {
    const uri = vscode.Uri.joinPath(folder.uri, ...saved.split('/'));
    if (isUnder(folder.uri, uri) && (await exists(uri))) return uri;
  }
  return undefined;
}

/** `text`, cut to `max` characters with an ellipsis. */
function shortened(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
