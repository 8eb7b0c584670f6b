/**
 * What a finish spec will make, in the user's words ("1200×630 PNG with a transparent
 * background"): the tool's confirmation says it before anything is billed.
 */
import * as vscode from 'vscode';
import { type FinishSpec, OUTPUT_EXTENSIONS } from '../core/finish';

export function madeDescription(spec: Omit<FinishSpec, 'path'>): string {
  const base =
    [
      spec.size ? `${spec.size.width}×${spec.size.height}` : '',
      spec.format ? OUTPUT_EXTENSIONS[spec.format].toUpperCase() : '',
    ]
      .filter(Boolean)
      .join(' ') || vscode.l10n.t("The model's image");
  const made = spec.transparent ? vscode.l10n.t('{0} with a transparent background', base) : base;
  return spec.quality === undefined ? made : vscode.l10n.t('{0}, quality {1}', made, spec.quality);
}
