/**
 * The Studio's side of project styles: the picker's list (sent when the panel is ready and again
 * whenever the file changes or the workspace becomes trusted), and the style laid over a form
 * being generated — looked up again by the name the form carries, never taken from the webview.
 */
import * as vscode from 'vscode';
import type { FinishSpec } from '../../core/finish';
import type { StyleChoices } from '../../core/styleApply';
import type { FormValues } from '../../shared/formValues';
import type { StyleEntry } from '../../shared/styleEntry';
import { display } from '../display';
import type { GenerationInput } from '../generationService';
import { type ProjectStyles, addLines } from '../projectStyles';
import { type StyleRefusal, withStyle } from '../styledGeneration';
import type { StudioPort } from './studioPort';

export class StylesController {
  private subscription: vscode.Disposable | undefined;
  /** What the picker was last sent: the styles offered, or that none are read (Restricted Mode). */
  private offered: { names: string[]; restricted: boolean } | undefined;

  constructor(
    private readonly port: StudioPort,
    private readonly load: () => Promise<ProjectStyles>,
  ) {}

  /** Sends the list now, and again on every change while the panel is open. */
  async send(): Promise<void> {
    const styles = await this.load();
    this.subscription ??= styles.onDidChange(() => void this.send());
    const view = await styles.list();
    this.offered = { names: view.styles.map((named) => named.name), restricted: view.restricted };
    this.port.post({
      type: 'styles',
      styles: view.styles.map((named): StyleEntry => {
        const { description, model, aspectRatio, resolution } = named.style;
        return {
          name: named.name,
          ...(description ? { description: display(description, 300) } : {}),
          ...(model ? { model } : {}),
          ...(aspectRatio ? { aspectRatio } : {}),
          ...(resolution ? { resolution } : {}),
          adds: addLines(named.style),
        };
      }),
      ...(view.defaultName ? { defaultName: view.defaultName } : {}),
      problems: view.messages,
      restricted: view.restricted,
    });
  }

  lastOffered(): { names: string[]; restricted: boolean } | undefined {
    return this.offered;
  }

  /** The form's input with its style; the form's own model, shape and finish are the user's choices. */
  async apply(form: FormValues, input: GenerationInput): Promise<GenerationInput | StyleRefusal> {
    if (!form.style) return input;
    if (!vscode.workspace.isTrusted)
      return {
        problem: vscode.l10n.t('Project styles are not used in Restricted Mode: trust this workspace to use them.'),
      };
    return withStyle(await this.load(), form.style, input, choicesOf(form, input.finish));
  }

  /** Whether the project has a style of this name now; none in Restricted Mode. */
  async has(name: string): Promise<boolean> {
    const view = await (await this.load()).list();
    return view.styles.some((named) => named.name === name);
  }

  dispose(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
  }
}

function choicesOf(form: FormValues, finish: FinishSpec | undefined): StyleChoices {
  return {
    model: form.model,
    ...(form.negativePrompt.trim() ? { negativePrompt: form.negativePrompt } : {}),
    ...(form.options.aspect_ratio ? { aspectRatio: form.options.aspect_ratio } : {}),
    ...(form.options.resolution ? { resolution: form.options.resolution } : {}),
    ...(finish?.size ? { size: finish.size } : {}),
    ...(finish?.format ? { format: finish.format } : {}),
    ...(finish?.transparent ? { transparent: true } : {}),
  };
}
