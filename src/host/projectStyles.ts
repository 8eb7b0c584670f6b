/**
 * The project's styles as the host uses them: `.vscode/aigc-styles.json` of each workspace folder,
 * read when first needed and again when it changes on disk, never in Restricted Mode (a cloned
 * repository must not choose a model that costs more, or steer the prompt, before it is trusted).
 *
 * A style costs money and steers content, so its first billed use in a workspace is agreed to
 * after seeing what it adds; the agreement is kept per style name and content hash, so a changed
 * style asks again. Loaded on first use (it brings the schema library), never at activation.
 */
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { type AppliedStyle, type StyleChoices, type StyledRequest, applyStyle } from '../core/styleApply';
import { NO_STYLES, type NamedStyle, STYLES_FILE, type Style, type StylesFile, parseStylesText } from '../core/styles';
import type { ReferenceSource } from '../core/references';
import { Disposable } from './disposable';
import { ask, display } from './display';
import { resolveWorkspacePath } from './workspacePath';

const CONSENT_KEY = 'aigcImage.styleConsents';

/** What a caller gets when it asks for a style by name (or the default). */
export type StyleLookup =
  | { kind: 'none' }
  | { kind: 'unknown'; name: string; names: string[] }
  | { kind: 'broken'; message: string }
  | { kind: 'styled'; named: NamedStyle; styled: StyledRequest; applied: AppliedStyle; references: ReferenceSource[] };

export interface StylesView extends StylesFile {
  /** Styles are not read at all: the workspace is not trusted. */
  restricted: boolean;
  /** The problems, as the user reads them (localized, inert). */
  messages: string[];
}

export class ProjectStyles extends Disposable {
  /** Each folder's file as last read, with the size and time it had then. */
  private readonly cache = new Map<string, { stamp: string; file: Promise<StylesFile> }>();
  private readonly watched = new Set<string>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /**
   * The answer the integration tests give in the user's place (VS Code cannot answer a modal
   * from the extension host), and the questions asked meanwhile. Reached through the extension's
   * API only, by code already running in this extension host.
   */
  private scripted: { answer: 'use' | 'decline'; asked: string[] } | undefined;
  /** The file changed, appeared or went away in some folder, or the workspace became trusted. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    super();
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.forget()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.forget()));
  }

  /** The styles of `folder` (default: the first workspace folder), with their problems. */
  async list(folder = vscode.workspace.workspaceFolders?.[0]): Promise<StylesView> {
    if (!vscode.workspace.isTrusted) return { ...NO_STYLES, restricted: true, messages: [] };
    if (!folder) return { ...NO_STYLES, restricted: false, messages: [] };
    const file = await this.read(folder);
    return {
      ...file,
      restricted: false,
      messages: file.problems.map((p) => display(vscode.l10n.t(p.template, ...p.args))),
    };
  }

  /**
   * `name` applied to the prompt and the user's explicit choices; `undefined` asks for the
   * default style ('' for none). An unknown or broken style is said, never replaced by another.
   */
  async lookup(
    name: string | undefined,
    prompt: string,
    choices: StyleChoices,
    folder = vscode.workspace.workspaceFolders?.[0],
  ): Promise<StyleLookup> {
    if (name === '') return { kind: 'none' };
    const view = await this.list(folder);
    // No style is read in Restricted Mode: a named one is not "unknown" there (its caller says why it is not used).
    if (view.restricted) return { kind: 'none' };
    const wanted = name ?? view.defaultName;
    if (wanted === undefined) return { kind: 'none' };
    const named = view.styles.find((s) => s.name === wanted);
    if (!named) {
      const problem = view.problems.find((p) => p.style === wanted);
      // A file that cannot be read at all is the reason a named style is missing.
      const unreadable = name !== undefined && view.styles.length === 0;
      const reason = problem ?? (unreadable ? view.problems.find((p) => p.style === undefined) : undefined);
      if (reason) return { kind: 'broken', message: display(vscode.l10n.t(reason.template, ...reason.args)) };
      return { kind: 'unknown', name: wanted, names: view.styles.map((s) => s.name) };
    }
    const styled = applyStyle(named, prompt, choices);
    const references: ReferenceSource[] = [];
    for (const relative of styled.references) {
      const resolved = resolveWorkspacePath(relative);
      const found = 'uri' in resolved && (await exists(resolved.uri));
      if (!found || !('uri' in resolved))
        return {
          kind: 'broken',
          message: display(
            vscode.l10n.t('Style "{0}": reference image {1} was not found in the workspace', wanted, relative),
          ),
        };
      references.push({ kind: 'file', path: resolved.uri.fsPath });
    }
    const applied: AppliedStyle = { name: wanted, source: STYLES_FILE, sha256: sha256(named.json), adds: styled.adds };
    return { kind: 'styled', named, styled, applied, references };
  }

  /** Whether this version of the style was agreed to in this workspace. */
  agreed(applied: AppliedStyle): boolean {
    return this.state.get<string[]>(CONSENT_KEY, []).includes(consentKey(applied));
  }

  /** Records that the user saw what this version of the style adds and went on (the tool's confirmation). */
  async agree(applied: AppliedStyle): Promise<void> {
    if (this.agreed(applied)) return;
    await this.state.update(CONSENT_KEY, [...this.state.get<string[]>(CONSENT_KEY, []), consentKey(applied)]);
  }

  /** Before the first billed use of a style (or of a changed one): what it adds, in a modal question. */
  async confirm(applied: AppliedStyle): Promise<boolean> {
    if (this.agreed(applied)) return true;
    const use = vscode.l10n.t('Use Style');
    const question = vscode.l10n.t(
      'Use the project style "{0}"? It comes from {1} and changes what is sent and billed:',
      applied.name,
      applied.source,
    );
    const detail = describeAdds(applied).join('\n');
    const choice = this.scripted
      ? this.answerScripted(this.scripted, `${question}\n${detail}`, use)
      : await ask('warning', question, { detail }, use);
    if (choice !== use) return false;
    await this.agree(applied);
    return true;
  }

  /** Answers the style questions from now on (`use` or not), and returns the questions asked. */
  answerQuestions(answer: 'use' | 'decline'): readonly string[] {
    this.scripted = { answer, asked: this.scripted?.asked ?? [] };
    return this.scripted.asked;
  }

  private answerScripted(scripted: { answer: string; asked: string[] }, text: string, use: string): string | undefined {
    scripted.asked.push(text);
    return scripted.answer === 'use' ? use : undefined;
  }

  private async read(folder: vscode.WorkspaceFolder): Promise<StylesFile> {
    const key = folder.uri.toString();
    this.watch(folder);
    const uri = vscode.Uri.joinPath(folder.uri, STYLES_FILE);
    // The watcher can miss a file written from outside (a git pull, a script), a folder created
    // with it: one stat per use says whether what was read is still what is on disk.
    const stamp = await vscode.workspace.fs.stat(uri).then(
      (info) => `${info.size}:${info.mtime}`,
      () => 'absent',
    );
    const cached = this.cache.get(key);
    if (cached?.stamp === stamp) return cached.file;
    const file = readStylesFile(uri);
    this.cache.set(key, { stamp, file });
    return file;
  }

  private watch(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    if (this.watched.has(key)) return;
    this.watched.add(key);
    const watcher = this.register(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, STYLES_FILE)),
    );
    const again = () => {
      this.cache.delete(key);
      this.changed.fire();
    };
    this.register(watcher.onDidChange(again));
    this.register(watcher.onDidCreate(again));
    this.register(watcher.onDidDelete(again));
  }

  private forget(): void {
    this.cache.clear();
    this.changed.fire();
  }
}

/** What a style adds, one line each, as the user reads it before agreeing. */
export function describeAdds(applied: Pick<AppliedStyle, 'adds'>): string[] {
  return applied.adds.map((add) => `${fieldLabel(add.field)}: ${display(add.value, 300)}`);
}

/** Everything a style sets, labelled and inert, for the Studio's picker (before any choice of the user's). */
export function addLines(style: Style): { label: string; value: string }[] {
  return applyStyle({ name: '', style, json: '' }, '{prompt}', {}).adds.map((add) => ({
    label: fieldLabel(add.field),
    value: display(add.value, 300),
  }));
}

function fieldLabel(field: string): string {
  switch (field) {
    case 'prompt':
      return vscode.l10n.t('Prompt template');
    case 'negativePrompt':
      return vscode.l10n.t('Negative prompt');
    case 'model':
      return vscode.l10n.t('Model');
    case 'aspectRatio':
      return vscode.l10n.t('Aspect ratio');
    case 'resolution':
      return vscode.l10n.t('Resolution');
    case 'size':
      return vscode.l10n.t('Size');
    case 'format':
      return vscode.l10n.t('Format');
    case 'transparent':
      return vscode.l10n.t('Transparent background');
    case 'references':
      return vscode.l10n.t('Reference images');
    case 'outputFolder':
      return vscode.l10n.t('Output folder');
    default:
      return display(field, 40);
  }
}

async function readStylesFile(uri: vscode.Uri): Promise<StylesFile> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    return NO_STYLES;
  }
  return parseStylesText(new TextDecoder().decode(bytes));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.File;
  } catch {
    return false;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function consentKey(applied: Pick<AppliedStyle, 'name' | 'sha256'>): string {
  return `${applied.name}\n${applied.sha256}`;
}
