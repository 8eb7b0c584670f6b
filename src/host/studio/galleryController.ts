/**
 * The Studio's results: the gallery of sidecars on disk while a panel is open, pushed to the
 * webview when it changes (new results highlighted), and what can be done with a result —
 * open, reveal, copy or insert a link, use it as a reference, reuse its settings (into the form,
 * where everything is seen before it is sent), vary it (at once, from what its card shows), save
 * what its card shows as a project style.
 */
import * as vscode from 'vscode';
import { formFromRequest } from '../../shared/formRequest';
import type { ReferenceEntry } from '../../shared/formValues';
import type { GalleryAction, GalleryItem } from '../../shared/galleryItem';
import { exists } from '../fileStat';
import type { ReferenceSource } from '../../core/references';
import { type UnstyledRequest, unstyledRequest } from '../../core/unstyledRequest';
import { type VariationPlan, planVariation } from '../../core/variation';
import { GALLERY_LIMIT, type GalleryEntry, Gallery, findLocal, savedReferences, savedRequest } from '../gallery';
import type { GenerationInput, GenerationResult } from '../generationService';
import type { Log } from '../log';
import { copyMarkdownLink, insertIntoEditor, openImage, revealInExplorer } from '../resultActions';
import { defaultOutputConfig, readSettings } from '../settings';
import type { ReferencesController } from './referencesController';
import type { StudioLocalizer } from './studioLocalizer';
import type { StudioPort } from './studioPort';
import { saveResultAsStyle } from './resultStyle';
import { moveResultToTrash } from './trashResult';

export interface GalleryControllerDeps {
  workspaceState: vscode.Memento;
  log: Log;
  references: ReferencesController;
  /** Starts a generation whose results join the gallery (TasksController.run). */
  start: (input: GenerationInput) => Promise<GenerationResult>;
  /** Whether the project has a style of this name now (none in Restricted Mode). */
  hasStyle: (name: string) => Promise<boolean>;
}

export class GalleryController {
  private gallery: Gallery | undefined;
  /** Results added since the last push: the webview marks them. */
  private highlight: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly port: StudioPort,
    private readonly l10n: StudioLocalizer,
    private readonly deps: GalleryControllerDeps,
  ) {}

  /** A panel opened: its gallery, read again whenever the panel comes back into view. */
  opened(panel: vscode.WebviewPanel): vscode.Disposable {
    const gallery = new Gallery(this.deps.workspaceState, this.deps.log);
    this.gallery = gallery;
    const subscriptions = [
      gallery.onDidChange(() => this.schedule()),
      // Watchers miss some changes (files written into a folder created a moment before):
      // coming back to the panel reads the output folder again (unchanged sidecars are skipped).
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible && this.port.isReady()) void this.gallery?.refresh();
      }),
    ];
    return new vscode.Disposable(() => {
      clearTimeout(this.timer);
      this.timer = undefined;
      for (const s of subscriptions) s.dispose();
      gallery.dispose();
      this.gallery = undefined;
    });
  }

  isOpen(): boolean {
    return this.gallery !== undefined;
  }

  /** Reads the results for `init`; undefined when the panel closed meanwhile. */
  async snapshot(): Promise<{ items: GalleryItem[]; total: number } | undefined> {
    const gallery = this.gallery;
    if (!gallery) return undefined;
    await gallery.load();
    const entries = gallery.list();
    return { items: this.items(entries), total: entries.length };
  }

  /** Results the gallery has read. */
  count(): number | undefined {
    return this.gallery?.list().length;
  }

  async refresh(): Promise<void> {
    return this.gallery?.refresh();
  }

  /** Files a task saved: listed at once and highlighted. */
  async addResults(files: readonly string[]): Promise<void> {
    const gallery = this.gallery;
    if (!gallery) return;
    const ids = await gallery.addImages(files);
    this.highlight.push(...ids);
    this.schedule();
  }

  /** The id of the result whose image (or finished file) is `file`, when the gallery lists it. */
  idOf(file: string): string | undefined {
    return this.gallery
      ?.list()
      .find((entry) => entry.imageUri.fsPath === file || entry.finished?.imageUri.fsPath === file)?.id;
  }

  /** A result as the gallery lists it (with its finished file): only these can be acted on. */
  listed(id: string): GalleryEntry | undefined {
    return this.gallery?.list().find((entry) => entry.id === id);
  }

  async act(id: string, action: GalleryAction): Promise<void> {
    const entry = this.listed(id);
    if (!entry || !(await exists(entry.imageUri))) {
      this.port.post({ type: 'notice', level: 'warning', message: vscode.l10n.t('This image is no longer on disk.') });
      void this.gallery?.refresh();
      return;
    }
    // The finished file is what the card shows and what a document wants; the original stays a button away.
    const finished = entry.finished && (await exists(entry.finished.imageUri)) ? entry.finished.imageUri : undefined;
    const shown = finished ?? entry.imageUri;
    const file = shown.fsPath;
    const prompt = entry.sidecar.prompt;
    switch (action) {
      case 'open':
        return openImage(file);
      case 'openOriginal':
        return openImage(entry.imageUri.fsPath);
      case 'exportAssets':
        await vscode.commands.executeCommand('aigcImage.exportAssets', entry.imageUri);
        return;
      case 'reveal':
        return revealInExplorer(file);
      case 'copyLink':
        await copyMarkdownLink(file, prompt, vscode.workspace.getWorkspaceFolder(shown)?.uri.fsPath);
        this.port.post({ type: 'notice', level: 'info', message: vscode.l10n.t('Markdown link copied') });
        return;
      case 'insert':
        if (await insertIntoEditor(file, prompt))
          this.port.post({ type: 'notice', level: 'info', message: vscode.l10n.t('Image inserted into the editor.') });
        return;
      case 'useAsReference':
        return this.deps.references.attachFiles([shown]);
      case 'reuseSettings':
        return this.reuse(entry);
      case 'variation':
        return this.variation(entry);
      case 'moreLikeThis':
        return this.reuse(entry, { image: shown, style: await this.styleOf(entry) });
      case 'saveAsStyle':
        return saveResultAsStyle(entry);
      case 'moveToTrash': {
        const said = await moveResultToTrash(entry, this.deps.log);
        this.port.post({ type: 'notice', ...said });
        await this.gallery?.refresh();
        return;
      }
      default: {
        const unexpected: never = action;
        throw new Error(`unhandled gallery action ${String(unexpected)}`);
      }
    }
  }

  private items(entries: readonly GalleryEntry[]): GalleryItem[] {
    const gallery = this.gallery;
    const webview = this.port.webview();
    if (!gallery || !webview) return [];
    return entries.slice(0, GALLERY_LIMIT).map((entry) => gallery.toItem(entry, webview));
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.gallery || !this.port.isReady()) return;
      const entries = this.gallery.list();
      const highlight = this.highlight;
      this.highlight = [];
      this.port.post({
        type: 'gallery',
        items: this.items(entries),
        total: entries.length,
        ...(highlight.length ? { highlight } : {}),
      });
    }, 100);
  }

  /**
   * The card's style, to fill in by name: only while the project still has it (a style that is
   * gone would be refused at Generate) and the request can be told apart from what it added.
   */
  private async styleOf(entry: GalleryEntry): Promise<CardStyle | undefined> {
    const style = entry.sidecar.style;
    if (!style || !(await this.deps.hasStyle(style.name))) return undefined;
    const unstyled = unstyledRequest(entry.sidecar.request, style);
    return unstyled && { name: style.name, unstyled };
  }

  /**
   * Fills the form from a result's request, its reference images included. More Like This adds
   * the card's image after them, puts back the card's style, and leaves the focus on Generate.
   */
  private async reuse(entry: GalleryEntry, more?: { image: vscode.Uri; style: CardStyle | undefined }): Promise<void> {
    const style = more?.style;
    const { references, missing } = await savedReferences(
      style ? withoutStyleReferences(entry, style.unstyled) : entry,
    );
    const entries: ReferenceEntry[] = [];
    for (const r of references) {
      const text = r.text ? { text: r.text } : {};
      if (r.kind === 'file')
        entries.push({ ...(await this.deps.references.describe(vscode.Uri.file(r.path))), ...text });
      else if (r.kind === 'url') entries.push({ kind: 'url', url: r.url, ...text });
      else entries.push({ kind: 'fileId', fileId: r.fileId, ...text });
    }
    // "More like this": the chosen image steers the next ones; the user sees the form before paying.
    if (more) entries.push(await this.deps.references.describe(more.image));
    const request = savedRequest(entry);
    const form = style
      ? {
          ...formFromRequest(
            { ...request, prompt: style.unstyled.prompt, negative_prompt: style.unstyled.negativePrompt },
            entries,
          ),
          style: style.name,
        }
      : formFromRequest(request, entries);
    this.port.post({ type: 'fillForm', form, ...(more ? { focus: 'generate' as const } : {}) });
    if (missing.length > 0) {
      this.port.post({
        type: 'notice',
        level: 'warning',
        message: vscode.l10n.t('Reference image {0} no longer exists and was left out.', missing.join(', ')),
      });
    }
  }

  /**
   * A new image from what the card shows, started at once (see planVariation): never the request
   * a sidecar records, which a cloned repository can make say anything. Cost and checks are the
   * user's settings; references only workspace files, which the generation service reads only
   * where allowed.
   */
  private async variation(entry: GalleryEntry): Promise<void> {
    const plan = planVariation(entry.sidecar);
    if (!plan.ok) {
      this.port.post({ type: 'notice', level: 'error', message: variationRefusal(plan.problem) });
      return;
    }
    const references: ReferenceSource[] = [];
    const missing: string[] = [];
    for (const saved of plan.references) {
      const found = saved.path ? await findLocal(saved.path, entry.sidecarUri) : undefined;
      if (found) references.push({ kind: 'file', path: found.fsPath });
      else missing.push(saved.path ?? saved.name ?? '?');
    }
    if (missing.length > 0) {
      this.port.post({
        type: 'notice',
        level: 'error',
        message: vscode.l10n.t(
          'Reference image {0} no longer exists; the variation was not started.',
          missing.join(', '),
        ),
      });
      return;
    }
    const settings = readSettings();
    const outcome = await this.deps.start({
      kind: references.length > 0 ? 'restyle' : 'generate',
      request: {
        model_name: plan.model.name,
        model_version: plan.model.version,
        prompt: plan.prompt,
        enhance_prompt: settings.defaults.enhancePrompt,
        output_config: {
          ...defaultOutputConfig(settings, plan.model),
          ...(plan.aspectRatio ? { aspect_ratio: plan.aspectRatio } : {}),
        },
      },
      references,
      reveal: false,
    });
    if (outcome.status === 'notStarted')
      this.port.post({ type: 'notice', level: 'warning', message: this.l10n.strings()['form.notStarted'] });
  }
}

function variationRefusal(problem: Extract<VariationPlan, { ok: false }>['problem']): string {
  switch (problem) {
    case 'unknownModel':
      return vscode.l10n.t('This result names a model this version does not offer; the variation was not started.');
    case 'remoteReference':
      return vscode.l10n.t(
        'This result was made from an image on the web or in VOD, which a variation never sends: Reuse Settings shows it in the form, to send from there.',
      );
  }
}

/** A card's project style and its request as the user wrote it. */
interface CardStyle {
  name: string;
  unstyled: UnstyledRequest;
}

/** `entry` without the style's reference images, which the style adds again in front of the user's. */
function withoutStyleReferences(entry: GalleryEntry, unstyled: UnstyledRequest): GalleryEntry {
  const count = unstyled.styleReferences;
  if (count === 0) return entry;
  const sidecar = entry.sidecar;
  return {
    ...entry,
    sidecar: {
      ...sidecar,
      request: { ...sidecar.request, file_infos: (sidecar.request.file_infos ?? []).slice(count) },
      references: (sidecar.references ?? []).slice(count),
    },
  };
}
