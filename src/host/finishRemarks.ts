/**
 * What a caller is told about the finished files of a landed task: which files there are, and in
 * plain words what differs from what was asked — an image enlarged to reach the size (never
 * silently), a background that could not be removed (never pretended), an image that could not be
 * finished at all (its original is saved as the model made it).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FinishedFile } from '../core/finish';
import type { TaskRecord } from '../core/lifecycle';
import { display } from './display';
import { noteText } from './taskView';

export function finishedFiles(record: TaskRecord): FinishedFile[] {
  return (record.images ?? []).flatMap((image) => (image.finished ? [image.finished] : []));
}

/** Why images could not be finished, one line each. */
export function unfinishedReasons(record: TaskRecord): string[] {
  return (record.images ?? []).flatMap((image) => (image.unfinished ? [noteText(image.unfinished) ?? ''] : []));
}

/** `1200×630 JPEG`, `512×512 PNG with transparency`: what a finished file is. */
export function describeFinished(file: Pick<FinishedFile, 'width' | 'height' | 'format' | 'hasAlpha'>): string {
  const kind = file.format.toUpperCase();
  return file.hasAlpha
    ? vscode.l10n.t('{0}×{1} {2} with transparency', file.width, file.height, kind)
    : vscode.l10n.t('{0}×{1} {2}', file.width, file.height, kind);
}

/** The sentences a user must read about a landed task's finished files (none when all went as asked). */
export function finishRemarks(record: TaskRecord, root = record.target.workspaceRoot): string[] {
  if (!record.target.finish) return [];
  const name = (file: string) => display(root ? path.relative(root, file) : path.basename(file));
  const remarks: string[] = [];
  for (const image of record.images ?? []) {
    const file = image.finished;
    if (file?.keyIgnored) {
      remarks.push(
        vscode.l10n.t(
          'The background of {0} could not be removed: the model did not paint one flat colour, so the image is opaque.',
          name(file.path),
        ),
      );
    }
    if (file?.upscale && file.upscale > 1) {
      remarks.push(
        vscode.l10n.t(
          '{0} was enlarged {1}×: the model made a smaller image than {2}×{3}.',
          name(file.path),
          file.upscale,
          file.width,
          file.height,
        ),
      );
    }
    if (image.unfinished && image.landed) {
      remarks.push(
        vscode.l10n.t(
          '{0} was saved as the model made it, not finished: {1}',
          name(image.landed.path),
          noteText(image.unfinished) ?? '',
        ),
      );
    }
  }
  return remarks;
}
