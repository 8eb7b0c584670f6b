/**
 * "Adjust crop…": a result's finished file made again from its original with the crop box the
 * user moved. The webview names a gallery item and a box; the host trusts neither: the item must
 * be one the gallery lists with a finished file, and the box must lie inside the original as the
 * image library reads it. Costs nothing: the paid original is only read.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toGenerationError } from '../../core/errors';
import { type CropBox, type ImageFinisher, OUTPUT_EXTENSIONS, cropFits } from '../../core/finish';
import type { GalleryEntry } from '../gallery';
import { localizedMessage } from '../errorUi';
import type { Log } from '../log';
import type { Reply } from './messageRouter';
import { placeRecropped } from './recropPlacement';

export interface CropControllerDeps {
  log: Log;
  /** The gallery's entry for an item id, with its finished file (GalleryController.listed). */
  listed(id: string): GalleryEntry | undefined;
  /** The image library (loaded on first use). */
  finisher(): Promise<ImageFinisher>;
  /** The new file was saved: the gallery reads the disk again. */
  saved(file: string): Promise<void>;
}

export class CropController {
  constructor(private readonly deps: CropControllerDeps) {}

  async recrop(item: string, crop: CropBox, reply: Reply<'recrop'>): Promise<void> {
    const entry = this.deps.listed(item);
    const finished = entry?.finished;
    if (!entry || !finished?.derived) {
      reply({ ok: false, message: vscode.l10n.t('This result has no finished file to crop.') });
      return;
    }
    const original = entry.imageUri.fsPath;
    try {
      const finisher = await this.deps.finisher();
      const facts = await finisher.probe(original);
      if (!cropFits(crop, facts)) {
        reply({
          ok: false,
          message: vscode.l10n.t('The crop frame must lie inside the original ({0}×{1}).', facts.width, facts.height),
        });
        return;
      }
      const spec = { ...finished.derived.spec, crop };
      const format = spec.format ?? finished.derived.format;
      const made = path.join(
        path.dirname(finished.imageUri.fsPath),
        `.recrop-${randomBytes(6).toString('hex')}.${OUTPUT_EXTENSIONS[format]}`,
      );
      const report = await finisher.finish(original, spec, made);
      const file = await placeRecropped(
        made,
        report,
        {
          file: finished.imageUri.fsPath,
          sidecar: finished.sidecar as unknown as Record<string, unknown>,
          sha256: finished.derived.sha256,
        },
        {
          trash: (f) => Promise.resolve(vscode.workspace.fs.delete(vscode.Uri.file(f), { useTrash: true })),
          now: () => new Date(),
        },
      );
      await this.deps.saved(file);
      reply({ ok: true, message: vscode.l10n.t('Saved {0}.', path.basename(file)) });
    } catch (error) {
      const e = toGenerationError(error);
      this.deps.log.error('studio', `the crop could not be applied: ${e.details ?? e.message}`);
      reply({ ok: false, message: localizedMessage(e) });
    }
  }
}
