/**
 * What happens before anything is sent: the request is validated and built (reference images
 * read and inlined, each one checked against the workspace again), and where its images will
 * land is chosen (the exact target, the output folder of the right workspace folder, or beside
 * the source), as the record the journal keeps.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GenerationError } from '../core/errors';
import type { FinishSpec } from '../core/finish';
import { type ReferenceNote, type TaskRecord, type TaskTarget, newRecord } from '../core/lifecycle';
import { RESERVED_NAME, windowsReservedPart } from '../core/naming';
import type { ReferenceSource } from '../core/references';
import type { CreateTaskBody, FileInfo } from '../core/request';
import { ask } from './display';
import type { GenerationInput } from './generationService';
import { loadEngine } from './loadEngine';
import type { ReferenceAccess } from './referenceAccess';
import { readOutputSettings, readSettings } from './settings';

/** The spec with the quality setting of its format, unless the caller chose one. */
function withQuality(spec: FinishSpec): FinishSpec {
  if (spec.quality !== undefined || !spec.format || spec.format === 'png') return spec;
  return { ...spec, quality: readSettings().quality[spec.format] };
}

export class TaskPreparation {
  /** The workspace folder the user picked for results (asked once per window when there are several). */
  private chosenFolder: vscode.WorkspaceFolder | undefined;

  constructor(private readonly access: ReferenceAccess) {}

  /** Validates and builds the body (with data: URLs) and the record to journal (without them). */
  async prepare(
    id: string,
    input: GenerationInput,
    apiOrigin: string,
  ): Promise<{ record: TaskRecord; body: CreateTaskBody }> {
    const localFiles = input.references.filter(
      (r): r is Extract<ReferenceSource, { kind: 'file' }> => r.kind === 'file',
    );
    if (localFiles.length > 0 && !vscode.workspace.isTrusted) {
      const send = vscode.l10n.t('Send');
      const choice = await ask(
        'warning',
        vscode.l10n.t(
          'This workspace is not trusted. Send {0} image file(s) from it to {1}?',
          localFiles.length,
          apiOrigin,
        ),
        {},
        send,
      );
      if (choice !== send) throw new GenerationError({ kind: 'aborted', template: 'Cancelled.' });
    }
    const sessionId =
      typeof input.request.session_id === 'string' && input.request.session_id
        ? input.request.session_id
        : `aigc-${randomUUID()}`;
    const { applyFinish, buildRequestBody, fileToDataUrl, withoutInlineImages } = await loadEngine();
    // A finished file changes what is asked (shape, tier, a key colour) and is checked before anything else.
    // With a finish, an exact path is where the finished file goes; the original lands in the output folder.
    const finish =
      input.finish && input.exactPath && !input.finish.path ? { ...input.finish, path: input.exactPath } : input.finish;
    const finished = finish ? applyFinish(input.request, withQuality(finish)) : undefined;
    const request = finished?.request ?? input.request;
    const references: ReferenceNote[] = [];
    const fileInfos: FileInfo[] = [];
    for (const source of input.references) {
      const text = source.text?.trim() ? { text: source.text.trim() } : {};
      if (source.kind === 'file') {
        // The last word on what leaves the machine, whoever asked (Studio, Explorer, a sidecar, a tool).
        if (!(await this.access.mayRead(vscode.Uri.file(source.path)))) {
          throw new GenerationError({
            kind: 'referenceImage',
            field: 'file_infos',
            template: 'Reference image {0} is outside the workspace: attach it with Browse… to send it.',
            args: [path.basename(source.path)],
          });
        }
        const inline = await fileToDataUrl(source.path);
        fileInfos.push({ type: 'Url', url: inline.url, ...text });
        references.push({ path: source.path, sha256: inline.sha256 });
      } else if (source.kind === 'url') {
        fileInfos.push({ type: 'Url', url: source.url.trim(), ...text });
        references.push({});
      } else {
        fileInfos.push({ type: 'File', file_id: source.fileId.trim(), ...text });
        references.push({});
      }
    }
    const body = buildRequestBody({ ...request, session_id: sessionId, file_infos: fileInfos });
    const target = await this.chooseTarget(
      { ...input, finish: finished?.finish },
      localFiles.map((f) => f.path),
    );
    const record = newRecord({
      id,
      kind: input.kind,
      body: withoutInlineImages(body),
      references,
      apiOrigin,
      target,
      ...(input.style ? { style: input.style } : {}),
      createdAt: Date.now(),
    });
    return { record, body };
  }

  private async chooseTarget(input: GenerationInput, sourcePaths: string[]): Promise<TaskTarget> {
    const target = await this.baseTarget(input, sourcePaths);
    return input.finish ? { ...target, finish: input.finish } : target;
  }

  private async baseTarget(input: GenerationInput, sourcePaths: string[]): Promise<TaskTarget> {
    // A finished file at an exact path: the original goes to the output folder, the finished file there.
    const exact = input.finish?.path ?? input.exactPath;
    if (exact) {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(exact));
      if (!folder)
        throw new GenerationError({
          kind: 'fileSystem',
          code: 'outsideWorkspace',
          template: 'The image {0} would be outside the workspace.',
          args: [exact],
        });
      // Every exact target passes here (the agent tool, the quick fix, the Studio), before anything is billed.
      const relative = path.relative(folder.uri.fsPath, exact);
      const reserved = windowsReservedPart(relative);
      if (reserved) {
        throw new GenerationError({
          kind: 'validation',
          field: 'target',
          template: RESERVED_NAME.template,
          args: [relative.split(path.sep).join('/'), reserved],
        });
      }
      const output = readOutputSettings(folder.uri);
      return {
        workspaceRoot: folder.uri.fsPath,
        outputFolder: output.outputFolder,
        ...(input.finish?.path ? {} : { exactPath: exact }),
        ...(input.reference ? { reference: input.reference } : {}),
        writeSidecar: output.writeSidecar,
      };
    }
    const firstSource = sourcePaths[0];
    const sourceFolder = firstSource ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(firstSource)) : undefined;
    const folder = sourceFolder ?? (await this.pickWorkspaceFolder());
    const settings = readOutputSettings(folder?.uri ?? (firstSource ? vscode.Uri.file(firstSource) : undefined));
    // A style's folder was held to the workspace when the style was read, as the setting is.
    const output = input.outputFolder ? { ...settings, outputFolder: input.outputFolder } : settings;
    if (input.kind === 'restyle' && output.restyleOutput === 'besideSource' && firstSource) {
      return {
        workspaceRoot: folder?.uri.fsPath,
        outputFolder: output.outputFolder,
        targetDir: path.dirname(firstSource),
        writeSidecar: output.writeSidecar,
      };
    }
    if (folder && folder.uri.scheme === 'file') {
      return { workspaceRoot: folder.uri.fsPath, outputFolder: output.outputFolder, writeSidecar: output.writeSidecar };
    }
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: vscode.l10n.t('Save Images Here'),
      title: vscode.l10n.t('No folder is open: choose where to save generated images'),
    });
    if (!picked?.[0]) throw new GenerationError({ kind: 'aborted', template: 'Cancelled.' });
    return {
      outputFolder: output.outputFolder,
      targetDir: picked[0].fsPath,
      chosen: true,
      writeSidecar: output.writeSidecar,
    };
  }

  private async pickWorkspaceFolder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length <= 1) return folders[0];
    if (this.chosenFolder && folders.includes(this.chosenFolder)) return this.chosenFolder;
    const picked = await vscode.window.showWorkspaceFolderPick({
      placeHolder: vscode.l10n.t('Which folder should generated images be saved in?'),
      ignoreFocusOut: true,
    });
    if (!picked) throw new GenerationError({ kind: 'aborted', template: 'Cancelled.' });
    this.chosenFolder = picked;
    return picked;
  }
}
