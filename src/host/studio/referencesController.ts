/**
 * The Studio's reference images: local files the webview names (picked, dropped, restored) checked
 * and described, the system dialog, attaching from the host, and the workspace images the picker
 * lists. The host reads local files itself: only workspace files and files the user chose here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileReferenceEntry, ReferenceEntry } from '../../shared/formValues';
import { isDirectory } from '../fileStat';
import type { ReferenceAccess } from '../referenceAccess';
import { WorkspaceImages, describeReferenceFile, isImageName } from '../workspaceImages';
import type { Reply } from './messageRouter';
import type { StudioLocalizer } from './studioLocalizer';
import type { StudioPort } from './studioPort';

export class ReferencesController {
  private images: WorkspaceImages | undefined;
  /** The webview asked for the picker's images: changes are pushed from then on. */
  private wantsImages = false;
  private attachedPaths: string[] = [];

  constructor(
    private readonly port: StudioPort,
    private readonly access: ReferenceAccess,
    private readonly l10n: StudioLocalizer,
  ) {}

  /** A panel opened: the workspace images it picks from, watched until it closes. */
  opened(): vscode.Disposable {
    const images = new WorkspaceImages();
    this.images = images;
    const watching = images.onDidChange(() => {
      if (this.wantsImages) void this.sendImages();
    });
    return new vscode.Disposable(() => {
      this.wantsImages = false;
      this.attachedPaths = [];
      watching.dispose();
      images.dispose();
      this.images = undefined;
    });
  }

  /** Local reference images attached in the form, as the webview last reported them. */
  attached(): readonly string[] {
    return this.attachedPaths;
  }

  reported(paths: string[]): void {
    this.attachedPaths = paths;
  }

  async listImages(): Promise<void> {
    this.wantsImages = true;
    return this.sendImages();
  }

  async describe(uri: vscode.Uri): Promise<FileReferenceEntry> {
    const webview = this.port.webview();
    if (!webview) throw new Error('the panel is closed');
    if (!(await this.access.mayRead(uri))) {
      return {
        kind: 'file',
        uri: uri.toString(),
        path: uri.fsPath,
        name: path.posix.basename(uri.path),
        problem: this.outside(),
      };
    }
    return describeReferenceFile(uri, webview, {
      localize: (problem: string) => this.l10n.localize(problem),
      notLocal: this.outside(),
    });
  }

  async attachFiles(uris: readonly vscode.Uri[]): Promise<void> {
    const items = await Promise.all(uris.map((u) => this.describe(u)));
    this.port.post({ type: 'attach', items });
  }

  /** Replies with the files that can be attached (possibly with a problem) and the names refused. */
  async inspect(uris: readonly string[], reply: Reply<'inspect'>): Promise<void> {
    const items: ReferenceEntry[] = [];
    const rejected: string[] = [];
    for (const text of uris) {
      const uri = toLocalUri(text);
      const name = uri ? path.posix.basename(uri.path) : text;
      if (!uri || !isImageName(uri.path) || (await isDirectory(uri))) {
        rejected.push(name || text);
        continue;
      }
      // The webview's own spelling of the URI, so it finds the entry it asked about.
      items.push({ ...(await this.describe(uri)), uri: text });
    }
    reply({ items, rejected });
  }

  async browse(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      canSelectFiles: true,
      canSelectFolders: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
      openLabel: vscode.l10n.t('Attach'),
      title: vscode.l10n.t('Choose reference images'),
    });
    if (picked && picked.length > 0) {
      await this.access.grantPicked(picked);
      await this.attachFiles(picked);
    }
  }

  private async sendImages(): Promise<void> {
    const webview = this.port.webview();
    if (!webview || !this.images) return;
    const { folders, truncated } = await this.images.folders(webview);
    this.port.post({ type: 'images', folders, truncated });
  }

  private outside(): string {
    return this.l10n.strings()['refs.outside'];
  }
}

/**
 * A URI the webview names (picked, dropped, restored) as a local file. Drag data in a
 * remote window carries the workbench's `vscode-remote:` URI of what is a local file here.
 */
export function toLocalUri(text: string): vscode.Uri | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (path.isAbsolute(trimmed) && !/^[a-z][a-z0-9+.-]+:\/\//i.test(trimmed)) return vscode.Uri.file(trimmed);
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(trimmed, true);
  } catch {
    return undefined;
  }
  if (uri.scheme === 'file') return uri;
  if (uri.scheme === 'vscode-remote' && vscode.env.remoteName) return vscode.Uri.file(uri.path);
  return undefined;
}
