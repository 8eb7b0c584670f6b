/**
 * Runs generations: validate, submit, record, wait with progress, save, report.
 * Also resumes recorded tasks after a reload and cancels on request.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { StudioError, toStudioError } from '../core/errors';
import type { GatewayClient, TaskRef } from '../core/gateway';
import { modelKey } from '../core/models';
import type { ReferenceSource } from '../core/references';
import type { CreateTaskBody } from '../core/request';
import type { TaskState } from '../core/taskState';
import type { ApiKeyStore } from './apiKey';
import { showStudioError } from './errorUi';
import type { Log } from './log';
import { showSavedResult } from './resultActions';
import { readOutputSettings, readSettings } from './settings';
import { type ReferenceNote, type TaskRecord, TaskStore, isUnfinished } from './taskStore';

type TaskEngine = typeof import('./taskEngine');
let engine: Promise<TaskEngine> | undefined;
/** The heavy half of the core, evaluated on the first generation or resume, not at activation. */
function loadEngine(): Promise<TaskEngine> {
  return (engine ??= import('./taskEngine.js'));
}

export interface GenerationInput {
  kind: 'generate' | 'restyle';
  /** The create body without `file_infos`; validated here again. */
  request: Record<string, unknown>;
  references: ReferenceSource[];
  /** Show the saved image and its actions when done (false for automation). */
  reveal?: boolean;
}

export type TaskPhase = 'submitting' | 'queued' | 'running' | 'saving' | 'succeeded' | 'failed' | 'cancelled' | 'background';

/** What the status bar, the cancel picker and the Studio panel show of a task. */
export interface TaskView {
  id: string;
  kind: 'generate' | 'restyle';
  prompt: string;
  model: string;
  phase: TaskPhase;
  position?: number;
  progress?: number;
  startedAt: number;
  taskId?: string;
  message?: string;
  files?: string[];
}

export interface TaskOutcome {
  id: string;
  files: string[];
  error?: StudioError;
}

interface Running {
  view: TaskView;
  abort: AbortController;
  /** Why the wait was stopped: the user pressed cancel, or the extension is shutting down. */
  stopReason?: 'user' | 'shutdown';
}

export class TaskRunner implements vscode.Disposable {
  private readonly running = new Map<string, Running>();
  private readonly finished: TaskView[] = [];
  private readonly changed = new vscode.EventEmitter<readonly TaskView[]>();
  readonly onDidChange = this.changed.event;
  private chosenFolder: vscode.WorkspaceFolder | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
    private readonly keys: ApiKeyStore,
    private readonly store = new TaskStore((context.storageUri ?? context.globalStorageUri).fsPath),
  ) {}

  /** Running tasks first, then the most recent finished ones. */
  views(): readonly TaskView[] {
    return [...[...this.running.values()].map((r) => r.view), ...this.finished];
  }

  runningCount(): number {
    return this.running.size;
  }

  /** Recorded tasks that have not landed yet (waiting, or kept after a cancelled wait). */
  pendingRecords(): readonly TaskRecord[] {
    return this.store.all().filter(isUnfinished);
  }

  /** Starts a generation and resolves when it has finished (or failed, or was cancelled). */
  async start(input: GenerationInput): Promise<TaskOutcome | undefined> {
    const ready = await this.prepareClient();
    if (!ready) return undefined;
    const id = randomUUID();
    let prepared: { record: TaskRecord; body: CreateTaskBody };
    try {
      prepared = await this.prepareRecord(id, input, ready.client.apiOrigin);
    } catch (error) {
      const e = toStudioError(error);
      if (e.kind !== 'aborted') void showStudioError(e, this.log);
      return { id, files: [], error: e };
    }
    return this.runWithNotification(prepared.record, prepared.body, ready.client, ready.authorization, input.reveal ?? true);
  }

  /** Picks up every recorded task that had not finished (after a reload or crash). */
  async resumeAll(): Promise<void> {
    const expired = await this.store.prune();
    for (const record of expired) {
      this.log.warn('resume', `task ${record.ref?.taskId ?? record.id} is older than 3 days and can no longer be collected`);
    }
    const pending = this.store.all().filter((r) => isUnfinished(r) && !this.running.has(r.id));
    if (pending.length === 0) return;
    const ready = await this.prepareClient({ quiet: true });
    if (!ready) {
      this.log.warn('resume', `${pending.length} unfinished task(s) wait for an API key and base URL`);
      return;
    }
    this.log.info('resume', `resuming ${pending.length} unfinished task(s)`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Collecting {0} image task(s) started before the window reloaded.', pending.length),
    );
    await Promise.all(
      pending.map((record) => {
        if (record.apiOrigin !== ready.client.apiOrigin) {
          this.log.warn('resume', `task ${record.ref?.taskId} was submitted to ${record.apiOrigin}; the base URL is now ${ready.client.apiOrigin}; it is left for later`);
          return undefined;
        }
        return this.runInBackground(record, ready.client, ready.authorization, true);
      }),
    );
  }

  /** Stops waiting for a task (and asks the gateway to cancel it where it can). */
  cancel(id: string): void {
    const running = this.running.get(id);
    if (!running) return;
    running.stopReason = 'user';
    running.abort.abort();
  }

  dispose(): void {
    for (const running of this.running.values()) {
      running.stopReason = 'shutdown';
      running.abort.abort();
    }
    this.changed.dispose();
  }

  // --- preparation -------------------------------------------------------

  private async prepareClient(options: { quiet?: boolean } = {}): Promise<{ client: GatewayClient; authorization: string } | undefined> {
    const settings = readSettings();
    const key = await this.keys.get();
    if (!key || !settings.baseUrl) {
      if (!options.quiet) void this.explainMissingSetup(!key, !settings.baseUrl);
      return undefined;
    }
    const { GatewayClient } = await loadEngine();
    try {
      const client = new GatewayClient({
        baseUrl: settings.baseUrl,
        apiKey: key.key,
        queryPath: settings.queryPath,
        userAgent: `aigc-image-studio/${this.extensionVersion()} vscode/${vscode.version}`,
        onExchange: (x) => {
          const line = `${x.method} ${x.url} ${x.status ?? ''} ${x.ms}ms${x.error ? ` ${x.error}` : ''}`;
          if (x.error || (x.status !== undefined && x.status >= 400)) this.log.warn('http', `${line} ${x.body ?? ''}`);
          else this.log.debug('http', `${line} ${x.body ?? ''}`);
        },
      });
      return { client, authorization: `Bearer ${key.key}` };
    } catch (error) {
      if (!options.quiet) void showStudioError(toStudioError(error), this.log);
      return undefined;
    }
  }

  private async explainMissingSetup(noKey: boolean, noBaseUrl: boolean): Promise<void> {
    const setKey = vscode.l10n.t('Set API Key');
    const openSettings = vscode.l10n.t('Open Settings');
    const message =
      noKey && noBaseUrl
        ? vscode.l10n.t('AIGC Image Studio needs an API key and the gateway base URL before it can generate images.')
        : noKey
          ? vscode.l10n.t('AIGC Image Studio needs an API key before it can generate images.')
          : vscode.l10n.t('AIGC Image Studio needs the gateway base URL (setting aigcImage.baseUrl) before it can generate images.');
    this.log.warn('setup', `not configured: ${noKey ? 'no API key' : ''}${noKey && noBaseUrl ? ', ' : ''}${noBaseUrl ? 'no base URL' : ''}`);
    const choice = await vscode.window.showWarningMessage(message, ...(noKey ? [setKey] : []), openSettings);
    if (choice === setKey) await vscode.commands.executeCommand('aigcImage.setApiKey');
    if (choice === openSettings) await vscode.commands.executeCommand('workbench.action.openSettings', 'aigcImage.');
  }

  /** Validates and builds the body (with data: URLs) plus the record to store (without them). */
  private async prepareRecord(id: string, input: GenerationInput, apiOrigin: string): Promise<{ record: TaskRecord; body: CreateTaskBody }> {
    const localFiles = input.references.filter((r): r is Extract<ReferenceSource, { kind: 'file' }> => r.kind === 'file');
    if (localFiles.length > 0 && !vscode.workspace.isTrusted) {
      const send = vscode.l10n.t('Send');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('This workspace is not trusted. Send {0} image file(s) from it to {1}?', localFiles.length, apiOrigin),
        { modal: true },
        send,
      );
      if (choice !== send) throw new StudioError({ kind: 'aborted', template: 'Cancelled.' });
    }
    const sessionId = typeof input.request.session_id === 'string' && input.request.session_id ? input.request.session_id : newSessionId();
    const { buildRequestBody, dataUrlStrategy, withoutInlineImages } = await loadEngine();
    const fileInfos = await Promise.all(input.references.map((r) => dataUrlStrategy.toFileInfo(r)));
    const body = buildRequestBody({ ...input.request, session_id: sessionId, file_infos: fileInfos });
    const target = await this.chooseTarget(input, localFiles.map((f) => f.path));
    const references: ReferenceNote[] = input.references.map((r) => (r.kind === 'file' ? { path: r.path } : {}));
    const record: TaskRecord = {
      id,
      kind: input.kind,
      body: withoutInlineImages(body),
      references,
      apiOrigin,
      submittedAt: Date.now(),
      target,
      state: 'submitting',
    };
    return { record, body };
  }

  private async chooseTarget(input: GenerationInput, sourcePaths: string[]): Promise<TaskRecord['target']> {
    const firstSource = sourcePaths[0];
    const sourceFolder = firstSource ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(firstSource)) : undefined;
    const folder = sourceFolder ?? (await this.pickWorkspaceFolder());
    const output = readOutputSettings(folder?.uri ?? (firstSource ? vscode.Uri.file(firstSource) : undefined));
    if (input.kind === 'restyle' && output.restyleOutput === 'besideSource' && firstSource) {
      return { workspaceRoot: folder?.uri.fsPath, outputFolder: output.outputFolder, targetDir: path.dirname(firstSource), writeSidecar: output.writeSidecar };
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
    if (!picked?.[0]) throw new StudioError({ kind: 'aborted', template: 'Cancelled.' });
    return { outputFolder: output.outputFolder, targetDir: picked[0].fsPath, writeSidecar: output.writeSidecar };
  }

  private async pickWorkspaceFolder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length <= 1) return folders[0];
    if (this.chosenFolder && folders.includes(this.chosenFolder)) return this.chosenFolder;
    const picked = await vscode.window.showWorkspaceFolderPick({
      placeHolder: vscode.l10n.t('Which folder should generated images be saved in?'),
      ignoreFocusOut: true,
    });
    if (!picked) throw new StudioError({ kind: 'aborted', template: 'Cancelled.' });
    this.chosenFolder = picked;
    return picked;
  }

  // --- running -----------------------------------------------------------

  private runWithNotification(record: TaskRecord, body: CreateTaskBody, client: GatewayClient, authorization: string, reveal: boolean): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      void vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Generating image: {0}', shorten(record.body.prompt)),
          cancellable: true,
        },
        async (progress, token) => {
          const outcome = await this.execute(record, client, authorization, { progress, token, reveal }, body);
          resolve(outcome);
        },
      );
    });
  }

  private async runInBackground(record: TaskRecord, client: GatewayClient, authorization: string, reveal: boolean): Promise<TaskOutcome> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('AIGC image') },
      (progress) => this.execute(record, client, authorization, { progress, reveal, resumed: true }),
    );
  }

  private async execute(
    record: TaskRecord,
    client: GatewayClient,
    authorization: string,
    ui: { progress: vscode.Progress<{ message?: string; increment?: number }>; token?: vscode.CancellationToken; reveal: boolean; resumed?: boolean },
    body?: CreateTaskBody,
  ): Promise<TaskOutcome> {
    const abort = new AbortController();
    const view: TaskView = {
      id: record.id,
      kind: record.kind,
      prompt: record.body.prompt,
      model: modelKey({ name: record.body.model_name as never, version: record.body.model_version }),
      phase: record.ref ? 'queued' : 'submitting',
      startedAt: record.submittedAt,
      taskId: record.ref?.taskId,
    };
    const running: Running = { view, abort };
    this.running.set(record.id, running);
    const cancelSubscription = ui.token?.onCancellationRequested(() => {
      running.stopReason = 'user';
      abort.abort();
    });
    const ticker = setInterval(() => this.report(view, ui.progress), 1000);
    const update = (patch: Partial<TaskView>) => {
      Object.assign(view, patch);
      this.report(view, ui.progress);
    };
    this.fireChanged();

    try {
      const ref = record.ref ?? (await this.submit(record, client, abort.signal, body));
      update({ taskId: ref.taskId, phase: 'queued' });
      const { pollUntilDone } = await loadEngine();
      const final = await pollUntilDone(client, ref, {
        signal: abort.signal,
        startedAt: record.submittedAt,
        lookNow: ui.resumed,
        deadlineMs: readSettings().timeoutMs,
        onState: (state) => update(stateToView(state)),
        onRetry: (e, ms) => this.log.warn('poll', `task ${ref.taskId}: ${e.message} (retrying in ${ms} ms)`),
      });
      return await this.finish(record, final, authorization, client, update, ui.reveal);
    } catch (error) {
      const e = toStudioError(error);
      if (e.kind === 'aborted' && running.stopReason) return await this.stopped(record, client, running.stopReason, authorization);
      return await this.fail(record, e, update, e.kind === 'timeout');
    } finally {
      clearInterval(ticker);
      cancelSubscription?.dispose();
      this.running.delete(record.id);
      this.remember(view);
    }
  }

  private async submit(record: TaskRecord, client: GatewayClient, signal: AbortSignal, body?: CreateTaskBody): Promise<TaskRef> {
    await this.store.put(record);
    // A record resumed after a reload lost its data: URLs; read the reference files again.
    const submitted = await client.submit(body ?? (await restoreDataUrls(record)), { signal });
    const ref: TaskRef = { taskId: submitted.taskId, statusUrl: submitted.statusUrl, responseUrl: submitted.responseUrl, cancelUrl: submitted.cancelUrl };
    await this.store.update(record.id, { ref, requestId: submitted.requestId, state: 'waiting' });
    record.ref = ref;
    record.requestId = submitted.requestId;
    this.log.info('task', `submitted ${ref.taskId} (request ${submitted.requestId ?? '-'}) ${record.body.model_name} ${record.body.model_version}`);
    return ref;
  }

  private async finish(
    record: TaskRecord,
    final: TaskState,
    authorization: string,
    client: GatewayClient,
    update: (patch: Partial<TaskView>) => void,
    reveal: boolean,
  ): Promise<TaskOutcome> {
    const { failureToError, saveResult } = await loadEngine();
    if (final.status === 'failed') return this.fail(record, failureToError(final), update, false);
    if (final.status === 'cancelled') {
      await this.store.update(record.id, { state: 'cancelled', finishedAt: Date.now() });
      update({ phase: 'cancelled' });
      await this.store.prune();
      return { id: record.id, files: [] };
    }
    if (final.status !== 'succeeded') throw new Error(`unexpected final state ${final.status}`);
    update({ phase: 'saving' });
    await this.store.update(record.id, { state: 'saving' });
    const saved = await saveResult({
      state: final,
      body: record.body,
      references: record.references.map((r) => (r.path ? { path: r.path, sha256: r.sha256 ?? '' } : undefined)),
      workspaceRoot: record.target.workspaceRoot ?? record.target.targetDir ?? '',
      outputFolder: record.target.outputFolder,
      targetDir: record.target.targetDir,
      apiOrigin: client.apiOrigin,
      authorization,
      writeSidecar: record.target.writeSidecar,
      submittedAt: new Date(record.submittedAt),
      extensionVersion: this.extensionVersion(),
    });
    const files = saved.files.map((f) => f.path);
    await this.store.update(record.id, { state: 'done', finishedAt: Date.now(), files });
    await this.store.prune();
    this.log.info('task', `task ${final.taskId} saved ${files.join(', ')} after ${Math.round((Date.now() - record.submittedAt) / 1000)} s`);
    update({ phase: 'succeeded', files, progress: 100 });
    if (reveal && files[0]) void showSavedResult(files, record.body.prompt, record.target.workspaceRoot);
    return { id: record.id, files };
  }

  private async fail(record: TaskRecord, error: StudioError, update: (patch: Partial<TaskView>) => void, keep: boolean): Promise<TaskOutcome> {
    this.log.error('task', `task ${record.ref?.taskId ?? record.id} failed: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}${error.details ? `\n${error.details}` : ''}`);
    if (keep) {
      update({ phase: 'background', message: error.message });
    } else {
      await this.store.update(record.id, { state: 'failed', finishedAt: Date.now(), error: error.message });
      await this.store.prune();
      update({ phase: 'failed', message: error.message });
    }
    void showStudioError(error, this.log);
    return { id: record.id, files: [], error };
  }

  /** The wait was stopped. A billed task is never silently forgotten. */
  private async stopped(record: TaskRecord, client: GatewayClient, reason: 'user' | 'shutdown', authorization: string): Promise<TaskOutcome> {
    if (reason === 'shutdown' || !record.ref) {
      if (!record.ref && reason === 'user') {
        // Cancelled before the gateway answered: the record (with its session id) stays, so a reload can collect it.
        this.log.info('task', 'cancelled while submitting; kept in case the submit reached the gateway');
      }
      return { id: record.id, files: [] };
    }
    const ref = record.ref;
    try {
      const outcome = await client.cancel(ref);
      if (outcome === 'requested') {
        await this.store.update(record.id, { state: 'cancelled', finishedAt: Date.now() });
        await this.store.prune();
        this.log.info('task', `cancellation requested for ${ref.taskId}`);
        void vscode.window.showInformationMessage(vscode.l10n.t('Cancellation requested for task {0}.', ref.taskId));
        return { id: record.id, files: [] };
      }
    } catch (error) {
      this.log.warn('task', `cancel of ${ref.taskId} failed: ${toStudioError(error).message}`);
    }
    const keep = vscode.l10n.t('Keep and Collect Later');
    const forget = vscode.l10n.t('Forget It');
    this.log.info('task', `stopped waiting for ${ref.taskId}; the gateway has no cancel for it`);
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t(
          'Stopped waiting. The image service cannot cancel task {0}: it keeps running and may be billed. Keep it to save the image when it finishes?',
          ref.taskId,
        ),
        keep,
        forget,
      )
      .then(async (choice) => {
        if (choice === forget) {
          await this.store.update(record.id, { state: 'cancelled', finishedAt: Date.now() });
          await this.store.prune();
          this.log.info('task', `task ${ref.taskId} forgotten at the user's request`);
        } else if (choice === keep) {
          void this.runInBackground(record, client, authorization, true);
        }
        // Dismissed: the record stays and is collected on the next activation.
      });
    return { id: record.id, files: [] };
  }

  // --- views -------------------------------------------------------------

  private report(view: TaskView, progress: vscode.Progress<{ message?: string }>): void {
    // A failure gets its own error notification; repeating it in the closing progress toast doubled it.
    if (view.phase !== 'failed') progress.report({ message: describe(view) });
    this.fireChanged();
  }

  private remember(view: TaskView): void {
    this.finished.unshift({ ...view });
    this.finished.splice(20);
    this.fireChanged();
  }

  private fireChanged(): void {
    void vscode.commands.executeCommand('setContext', 'aigcImage.hasRunningTasks', this.running.size > 0);
    this.changed.fire(this.views());
  }

  private extensionVersion(): string {
    return String((this.context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  }
}

function newSessionId(): string {
  return `aigc-${randomUUID()}`;
}

async function restoreDataUrls(record: TaskRecord): Promise<CreateTaskBody> {
  const { dataUrlStrategy, isOmittedInlineImage } = await loadEngine();
  const infos = await Promise.all(
    (record.body.file_infos ?? []).map(async (info, index) => {
      const source = record.references[index]?.path;
      if (!isOmittedInlineImage(info.url) || !source) return info;
      const restored = await dataUrlStrategy.toFileInfo({ kind: 'file', path: source, text: info.text });
      return { ...info, url: restored.url };
    }),
  );
  return { ...record.body, file_infos: infos };
}

function stateToView(state: TaskState): Partial<TaskView> {
  switch (state.status) {
    case 'queued':
      return { phase: 'queued', position: state.position };
    case 'running':
      return { phase: 'running', progress: state.progress, position: undefined };
    default:
      return {};
  }
}

function shorten(text: string, max = 40): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export function describe(view: TaskView): string {
  const elapsed = Math.max(0, Math.round((Date.now() - view.startedAt) / 1000));
  switch (view.phase) {
    case 'submitting':
      return vscode.l10n.t('Submitting… {0}s', elapsed);
    case 'queued':
      return view.position !== undefined
        ? vscode.l10n.t('Queued (position {0}) · {1}s', view.position, elapsed)
        : vscode.l10n.t('Queued · {0}s', elapsed);
    case 'running':
      return view.progress !== undefined
        ? vscode.l10n.t('Generating {0}% · {1}s', view.progress, elapsed)
        : vscode.l10n.t('Generating · {0}s', elapsed);
    case 'saving':
      return vscode.l10n.t('Saving…');
    case 'succeeded':
      return vscode.l10n.t('Saved');
    case 'failed':
      return view.message ?? vscode.l10n.t('Failed');
    case 'cancelled':
      return vscode.l10n.t('Cancelled');
    case 'background':
      return vscode.l10n.t('Still running on the service; collected later');
  }
}
