/**
 * Images in the workspace, for the Studio's picker: one `findFiles` (kept up to date by a
 * watcher), relative paths per folder so ten thousand entries stay a small message, and
 * the checks a local reference image passes before it is attached.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { IMAGE_FILE_NAME } from '../core/models';
import { inspectReferenceFile } from '../core/references';
import type { FileReferenceEntry } from '../shared/formValues';
import type { ImageFolder } from '../shared/imageFolder';
import { readOutputSettings } from './settings';

/** Folders never worth browsing for images: dependencies, build output, caches, VCS data. */
export const EXCLUDED_FOLDERS = [
  'node_modules',
  '.git',
  '.svn',
  '.hg',
  'out',
  'dist',
  'build',
  '.vscode-test',
  '.next',
  '.nuxt',
  '.svelte-kit',
  'coverage',
  'bower_components',
  '.venv',
  'venv',
  '__pycache__',
  'target',
  '.cache',
  '.yarn',
  '.gradle',
] as const;

// Globs are case-sensitive on some platforms; `.PNG` from a camera is common.
export const IMAGE_GLOB = '**/*.{png,jpg,jpeg,webp,PNG,JPG,JPEG,WEBP,Png,Jpg,Jpeg,Webp}';
const EXCLUDE_GLOB = `**/{${EXCLUDED_FOLDERS.join(',')}}/**`;
/** More than anyone scrolls through; the picker says when the list was cut. */
export const MAX_IMAGES = 50_000;
const EXCLUDED = new Set<string>(EXCLUDED_FOLDERS);
/** Outside the workspace a thumbnail cannot be served, so small ones travel inline. */
const MAX_INLINE_THUMB_BYTES = 1_500_000;

export function isImageName(name: string): boolean {
  return IMAGE_FILE_NAME.test(name);
}

/** True when a workspace-relative path lies in a folder the picker skips. */
export function isExcludedPath(relPath: string): boolean {
  return relPath
    .split('/')
    .slice(0, -1)
    .some((segment) => EXCLUDED.has(segment));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export class WorkspaceImages extends Disposable {
  /** Folder URI -> relative paths. */
  private listing: Promise<Map<string, Set<string>>> | undefined;
  private truncated = false;
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires (debounced) when images were added or removed. */
  readonly onDidChange = this.changed.event;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate()));
  }

  /** The picker's listing, with thumbnail bases for this webview. */
  async folders(webview: vscode.Webview): Promise<{ folders: ImageFolder[]; truncated: boolean }> {
    const listing = await this.load();
    const folders: ImageFolder[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const files = listing.get(folder.uri.toString());
      if (!files || files.size === 0) continue;
      folders.push({
        name: folder.name,
        uri: folder.uri.toString(),
        thumbBase: webview.asWebviewUri(folder.uri).toString(),
        files: [...files].sort(collator.compare),
        outputFolder: readOutputSettings(folder.uri)
          .outputFolder.split(/[\\/]+/)
          .filter(Boolean)
          .join('/'),
      });
    }
    return { folders, truncated: this.truncated };
  }

  override dispose(): void {
    clearTimeout(this.changeTimer);
    this.watcher?.dispose();
    super.dispose();
  }

  private load(): Promise<Map<string, Set<string>>> {
    this.listing ??= this.scan();
    this.watch();
    return this.listing;
  }

  private async scan(): Promise<Map<string, Set<string>>> {
    const uris = await vscode.workspace.findFiles(IMAGE_GLOB, EXCLUDE_GLOB, MAX_IMAGES);
    this.truncated = uris.length >= MAX_IMAGES;
    const listing = new Map<string, Set<string>>();
    for (const uri of uris) this.add(listing, uri);
    return listing;
  }

  private add(listing: Map<string, Set<string>>, uri: vscode.Uri): boolean {
    const located = locate(uri);
    if (!located || !isImageName(uri.path) || isExcludedPath(located.rel)) return false;
    const key = located.folder.uri.toString();
    let files = listing.get(key);
    if (!files) listing.set(key, (files = new Set()));
    const before = files.size;
    files.add(located.rel);
    return files.size !== before;
  }

  private watch(): void {
    if (this.watcher) return;
    // All paths, not only images: deleting or moving a folder reports the folder alone.
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.watcher.onDidCreate((uri) => void this.created(uri));
    this.watcher.onDidDelete((uri) => void this.deleted(uri));
  }

  private async created(uri: vscode.Uri): Promise<void> {
    if (!this.listing) return;
    const listing = await this.listing;
    if (isImageName(uri.path)) {
      if (this.add(listing, uri)) this.scheduleChange();
    } else if (!path.posix.extname(uri.path) && locate(uri) && !isExcludedPath(`${locate(uri)!.rel}/x`)) {
      // Probably a folder moved in: its images are not reported one by one.
      this.invalidate();
    }
  }

  private async deleted(uri: vscode.Uri): Promise<void> {
    if (!this.listing) return;
    const listing = await this.listing;
    const located = locate(uri);
    if (!located) return;
    const files = listing.get(located.folder.uri.toString());
    if (!files) return;
    let removed = files.delete(located.rel);
    if (!isImageName(uri.path)) {
      const prefix = `${located.rel}/`;
      for (const file of files) {
        if (file.startsWith(prefix)) removed = files.delete(file) || removed;
      }
    }
    if (removed) this.scheduleChange();
  }

  private invalidate(): void {
    this.listing = undefined;
    this.scheduleChange();
  }

  private scheduleChange(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => this.changed.fire(), 400);
  }
}

function locate(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; rel: string } | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return undefined;
  const rel = path.posix.relative(folder.uri.path, uri.path);
  return rel && !rel.startsWith('..') ? { folder, rel } : undefined;
}

export function isInWorkspace(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && locate(uri) !== undefined;
}

export interface ReferenceMessages {
  /** Localizes a core problem line (`is not a PNG, JPEG or WebP image`). */
  localize(problem: string): string;
  notLocal: string;
}

/**
 * A local image as the form shows it: name, thumbnail, size, format, and the problem
 * that would stop it being sent (checked by magic bytes and size, as the upload will be).
 */
export async function describeReferenceFile(
  uri: vscode.Uri,
  webview: vscode.Webview,
  messages: ReferenceMessages,
): Promise<FileReferenceEntry> {
  const base: FileReferenceEntry = {
    kind: 'file',
    uri: uri.toString(),
    path: uri.fsPath,
    name: path.posix.basename(uri.path),
  };
  if (uri.scheme !== 'file') return { ...base, problem: messages.notLocal };
  const inspection = await inspectReferenceFile(uri.fsPath);
  const entry: FileReferenceEntry = {
    ...base,
    bytes: inspection.bytes,
    ...(inspection.format ? { format: inspection.format.format } : {}),
    ...(inspection.problem ? { problem: messages.localize(inspection.problem) } : {}),
  };
  if (isInWorkspace(uri)) return { ...entry, thumb: webview.asWebviewUri(uri).toString() };
  if (inspection.format && !inspection.problem && inspection.bytes <= MAX_INLINE_THUMB_BYTES) {
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      return { ...entry, thumb: `data:${inspection.format.mime};base64,${Buffer.from(bytes).toString('base64')}` };
    } catch {
      return entry;
    }
  }
  return entry;
}
