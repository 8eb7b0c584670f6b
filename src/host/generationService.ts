/**
 * The one way a generation starts, whoever asks (palette, Explorer, Studio): validate →
 * record and submit (the task lifecycle) → follow it in a notification → report. Every caller
 * gets the same `GenerationResult`.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { userPromptOf } from '../core/finish';
import { Disposable } from './disposable';
import { finishRemarks, finishedFiles, unfinishedReasons } from './finishRemarks';
import type { TaskCollector } from '../core/collector';
import { GenerationError, toGenerationError } from '../core/errors';
import type { FinishSpec, FinishedFile } from '../core/finish';
import {
  type DocumentLink,
  type TaskRecord,
  isCollectable,
  isEndedStatus,
  isTerminal,
  needsUser,
} from '../core/lifecycle';
import { batchRequests, countIssues } from '../shared/batch';
import { referenceMove } from '../core/referenceMove';
import type { ReferenceSource } from '../core/references';
import type { CreateTaskBody } from '../core/request';
import type { AppliedStyle } from '../core/styleApply';
import type { GenerationStatus } from '../shared/hostMessages';
import type { ApiKeyStore } from './apiKey';
import { connect } from './connection';
import { showGenerationError } from './errorUi';
import type { Log } from './log';
import type { ReferenceAccess } from './referenceAccess';
import { followLink } from './linkFollower';
import { showSavedResult } from './resultActions';
import { readSettings } from './settings';
import { SpendGate } from './spendGate';
import { TaskPreparation } from './taskPreparation';
import type { TaskSupervisor } from './taskSupervisor';
import { type TaskView, noteError, noteText } from './taskView';
import { asSentence } from '../core/displayText';
import { display, notify } from './display';

export interface GenerationInput {
  kind: 'generate' | 'restyle';
  /** The create body without `file_infos`; validated here. */
  request: Record<string, unknown>;
  references: ReferenceSource[];
  /** Show the saved image and its actions when done (false for automation). */
  reveal?: boolean;
  /** Save under exactly this workspace file (absolute path): an image a document refers to. */
  exactPath?: string;
  /** With `exactPath`: the document reference naming it, pointed at the file if it lands under another name (after a reload too). */
  reference?: DocumentLink;
  /** What to make of each image once it has landed (exact size, format, transparency); see core/finish.ts. */
  finish?: FinishSpec;
  /** Stops the foreground wait (the task goes on in the background), e.g. a chat request cancelled. */
  stopWaiting?: vscode.CancellationToken;
  /** The spend gate already admitted this task as part of a batch (`generateMany`): it is not asked again. */
  admitted?: boolean;
  /** The project style already applied to `request` (see core/styleApply.ts): recorded in the sidecar. */
  style?: AppliedStyle;
  /** The style's output folder, workspace-relative, in place of the outputFolder setting. */
  outputFolder?: string;
}

/** Why a task the spend gate stopped was not sent (the user did not allow it past a cap). */
export const OVER_CAP = 'Not sent: it would pass your spending cap.';

/**
 * How a generation ended for its caller:
 * - `landed`: the images are on disk (`files`);
 * - `refused`: the gateway's definitive answer (`error`), or it was never sent;
 * - `invalid`: refused before anything was sent (`error` names the field);
 * - `notStarted`: no key or base URL, or the user backed out of a dialog;
 * - `background`: still running upstream; it is saved when it finishes;
 * - `uncertain`: it may have been submitted, its answer was lost; the user decides;
 * - `blocked`: finished, but the folder was refused; the user chooses another;
 * - `discarded`: cancelled or discarded at the user's request.
 */
export type { GenerationStatus };

export interface GenerationResult {
  /** The task's local id (empty when nothing was recorded). */
  id: string;
  status: GenerationStatus;
  files: string[];
  /** The finished files derived from `files` (when `finish` was asked), in the same order. */
  finished?: FinishedFile[];
  /** Why an image could not be finished (its original is in `files`). */
  unfinished?: string[];
  taskId?: string;
  error?: GenerationError;
}

export class GenerationService extends Disposable {
  private readonly preparation: TaskPreparation;
  /** Stops a request over the user's caps before it is sent; generateMany admits a batch through it once. */
  readonly gate: SpendGate;
  /** Tasks followed in a notification (now or before): their end is reported there, not again when they settle. */
  private readonly followed = new Set<string>();
  /** Landed tasks whose document reference was (being) pointed at their file, by task id: once per window. */
  private readonly referencesFollowed = new Map<string, Promise<void>>();

  constructor(
    private readonly log: Log,
    private readonly keys: ApiKeyStore,
    private readonly tasks: TaskSupervisor,
    access: ReferenceAccess,
  ) {
    super();
    this.preparation = new TaskPreparation(access);
    this.gate = this.register(new SpendGate(() => tasks.folder, log, tasks.onDidChange));
    this.register(
      tasks.onDidSettle((collector) => {
        void this.followLink(collector.record);
        // Ended, or waiting for the user; a task merely interrupted (the window closing) says nothing.
        if (!this.followed.has(collector.id) && !isCollectable(collector.record.phase))
          void this.reportInBackground(collector);
      }),
    );
    this.register(tasks.onDidFindUndecided((record) => void this.askUser(record)));
  }

  async generate(input: GenerationInput): Promise<GenerationResult> {
    return this.start(input, 'notification');
  }

  /**
   * `count` images from one request (1–8), each its own journalled task under the same lifecycle,
   * started together. Eight stacked progress notifications would bury everything else, so batch
   * tasks show their progress in the status bar (the Studio lists each one) and the saved images
   * are shown once, together. The results come back in the order the tasks were started.
   */
  async generateMany(input: GenerationInput, count: number): Promise<GenerationResult[]> {
    if (count === 1) return [await this.generate(input)];
    const problem = countIssues(count, input.exactPath !== undefined)[0];
    if (problem) {
      const e = new GenerationError({
        kind: 'validation',
        template: 'Invalid {0}: {1}',
        args: [problem.field, problem.message],
        field: problem.field,
      });
      void showGenerationError(e, this.log);
      return [{ id: '', status: 'invalid', files: [], error: e }];
    }
    // The spend gate admits the whole batch here, once, before any task starts.
    if (!(await this.gate.admit(modelKeyOf(input.request), count))) return [overCap()];
    const results = await Promise.all(
      batchRequests(input.request, count).map((request) =>
        this.start({ ...input, request, reveal: false, admitted: true }, 'window'),
      ),
    );
    const landed = results.filter((r) => r.status === 'landed');
    if ((input.reveal ?? true) && landed.length > 0) {
      const files = landed.flatMap((r) => [...(r.finished ?? []).map((f) => f.path), ...r.files]);
      void showSavedResult(
        files,
        userPromptOf(typeof input.request.prompt === 'string' ? input.request.prompt : ''),
        workspaceRootOf(files[0]),
      );
    }
    return results;
  }

  private async start(input: GenerationInput, progressIn: ProgressPlace): Promise<GenerationResult> {
    const connection = await connect(this.keys, this.log, this.tasks.extensionVersion());
    if (!('client' in connection)) return { id: '', status: 'notStarted', files: [] };
    if (!input.admitted && !(await this.gate.admit(modelKeyOf(input.request), 1))) return overCap();
    const id = randomUUID();
    let prepared: { record: TaskRecord; body: CreateTaskBody };
    try {
      prepared = await this.preparation.prepare(id, input, connection.client.apiOrigin);
    } catch (error) {
      const e = toGenerationError(error);
      if (e.kind === 'aborted') return { id: '', status: 'notStarted', files: [] };
      void showGenerationError(e, this.log);
      return { id: '', status: 'invalid', files: [], error: e };
    }
    const timeoutMs = readSettings().timeoutMs;
    let collector: TaskCollector;
    try {
      collector = await this.tasks.begin(prepared.record, prepared.body, connection, Date.now() + timeoutMs);
    } catch (error) {
      const cause = toGenerationError(error);
      const e = new GenerationError({
        kind: 'fileSystem',
        template: 'The task could not be recorded, so nothing was sent: {0}',
        args: [cause.message],
        cause,
      });
      void showGenerationError(e, this.log);
      return { id: '', status: 'refused', files: [], error: e };
    }
    const stop = input.stopWaiting?.onCancellationRequested(() => collector.stopWaiting());
    try {
      return await this.follow(collector, input.reveal ?? true, progressIn);
    } finally {
      stop?.dispose();
    }
  }

  /** A task the user decided on (submit again, another folder), followed like a new one. */
  async followDecision(collector: TaskCollector | undefined): Promise<GenerationResult | undefined> {
    return collector ? this.follow(collector, true) : undefined;
  }

  /** A landed task that a document names under another name: the reference follows the file, once. */
  private followLink(record: TaskRecord): Promise<void> {
    const move = referenceMove(record);
    if (!move) return Promise.resolve();
    let following = this.referencesFollowed.get(record.id);
    if (!following) {
      following = followLink(move, this.log).catch((error: unknown) =>
        this.log.warn(
          'task',
          `the reference in ${move.reference.document} could not be updated: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      this.referencesFollowed.set(record.id, following);
    }
    return following;
  }

  /** Progress in a notification until the task ends, needs the user, or goes on in the background. */
  private async follow(
    collector: TaskCollector,
    reveal: boolean,
    progressIn: ProgressPlace = 'notification',
  ): Promise<GenerationResult> {
    const id = collector.id;
    this.followed.add(id);
    try {
      await vscode.window.withProgress(
        {
          location: progressIn === 'window' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Generating image: {0}', display(userPromptOf(collector.record.body.prompt), 40)),
          cancellable: true,
        },
        (progress, token) =>
          new Promise<void>((resolve) => {
            const cancel = token.onCancellationRequested(() => void this.tasks.cancel(id));
            const deadline = setTimeout(
              () => collector.stopWaiting(),
              Math.max(0, collector.backgroundAfter - Date.now()),
            );
            const report = () => {
              const view = this.tasks.views().find((v) => v.id === id);
              if (view && !isTerminal(collector.record.phase)) progress.report({ message: statusLine(view) });
              if (this.settled(collector)) {
                cancel.dispose();
                clearTimeout(deadline);
                clearInterval(ticker);
                subscription.dispose();
                resolve();
              }
            };
            const ticker = setInterval(report, 1000);
            const subscription = this.tasks.onDidChange(report);
            report();
          }),
      );
      const result = await this.report(collector, reveal);
      // Reported here; the supervisor's "settled" may still come after this and must not say it twice.
      // A task gone to the background is reported when it settles.
      if (result.status === 'background') this.followed.delete(id);
      return result;
    } catch (error) {
      this.followed.delete(id);
      throw error;
    }
  }

  private settled(collector: TaskCollector): boolean {
    const { phase } = collector.record;
    return isTerminal(phase) || needsUser(phase) || collector.stopped || !collector.foreground;
  }

  /** What the user is told when the foreground wait ends, and what the caller gets. */
  private async report(collector: TaskCollector, reveal: boolean): Promise<GenerationResult> {
    const record = collector.record;
    const finished = finishedFiles(record);
    const unfinished = unfinishedReasons(record);
    const base = {
      id: record.id,
      files: collector.files(),
      ...(finished.length > 0 ? { finished } : {}),
      ...(unfinished.length > 0 ? { unfinished } : {}),
      ...(record.ref ? { taskId: record.ref.taskId } : {}),
    };
    switch (record.phase) {
      case 'landed':
        // The caller (a quick fix, the Studio) gets its result once the document names the saved file.
        await this.followLink(record);
        if (reveal)
          void showSavedResult(shownFiles(record), userPromptOf(record.body.prompt), record.target.workspaceRoot);
        for (const remark of finishRemarks(record)) void notify('warning', remark);
        // A key kept in settings.json is offered a move to secret storage once it has proved itself,
        // not at start-up: the first thing a user sees is the product.
        void this.keys.offerMigration();
        return { ...base, status: 'landed' };
      case 'refused': {
        const error = collector.lastError ?? noteError(record.outcome!);
        void showGenerationError(error, this.log);
        return { ...base, status: 'refused', error };
      }
      case 'discarded':
        void notify('info', noteText(record.outcome) ?? vscode.l10n.t('Cancelled'));
        return { ...base, status: 'discarded' };
      case 'uncertain':
      case 'blocked':
        void this.askUser(record);
        return { ...base, status: record.phase, ...(collector.lastError ? { error: collector.lastError } : {}) };
      default:
        if (!collector.stopped) void this.explainBackground(collector);
        return { ...base, status: 'background' };
    }
  }

  private async explainBackground(collector: TaskCollector): Promise<void> {
    const record = collector.record;
    const past = Date.now() >= collector.backgroundAfter;
    this.log.info(
      'task',
      `task ${record.ref?.taskId ?? ''} continues in the background (${past ? 'past the wait deadline' : 'the user stopped waiting'})`,
    );
    const discard = vscode.l10n.t('Discard');
    const choice = await notify('info', backgroundMessage(record, past), discard);
    if (choice === discard) await this.tasks.discard(record.id);
  }

  /** Asks what to do with a task that may have been submitted, or could not be saved. */
  async askUser(record: TaskRecord): Promise<void> {
    const prompt = display(userPromptOf(record.body.prompt), 40);
    const reason = noteText(record.problem) ?? '';
    const [message, primary, decide] =
      record.phase === 'uncertain'
        ? [
            vscode.l10n.t(
              '"{0}" may have been submitted. {1} Submit it again (it may then be billed twice), or discard it?',
              prompt,
              asSentence(reason),
            ),
            vscode.l10n.t('Submit Again'),
            () => this.tasks.resubmit(record.id),
          ]
        : [
            vscode.l10n.t('The image of "{0}" is ready but could not be saved: {1}', prompt, reason),
            vscode.l10n.t('Choose Folder'),
            () => this.tasks.chooseFolder(record.id),
          ];
    const discard = vscode.l10n.t('Discard');
    const choice = await notify('warning', message, primary, discard);
    if (choice === primary) await this.followDecision(await decide());
    else if (choice === discard) await this.tasks.discard(record.id);
  }

  /** A task collected in the background ended: say so once. */
  private async reportInBackground(collector: TaskCollector): Promise<void> {
    const record = collector.record;
    const prompt = display(userPromptOf(record.body.prompt), 40);
    if (record.phase === 'landed') {
      const files = shownFiles(record);
      for (const remark of finishRemarks(record)) void notify('warning', remark);
      const open = vscode.l10n.t('Open');
      const choice = await notify(
        'info',
        vscode.l10n.t(
          'The image of "{0}" was collected and saved: {1}',
          prompt,
          shown(files[0], record.target.workspaceRoot),
        ),
        open,
      );
      if (choice === open && files[0])
        await showSavedResult(files, userPromptOf(record.body.prompt), record.target.workspaceRoot);
    } else if (record.phase === 'refused') {
      void showGenerationError(collector.lastError ?? noteError(record.outcome!), this.log);
    } else if (needsUser(record.phase)) {
      void this.askUser(record);
    }
  }
}

/** Where a task's progress shows: a notification of its own, or the status bar (a task of a batch). */
type ProgressPlace = 'notification' | 'window';

function workspaceRootOf(file: string | undefined): string | undefined {
  return file ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath : undefined;
}

/** Why a task the user no longer waits for goes on, and that its image is still saved. */
function backgroundMessage(record: TaskRecord, pastDeadline: boolean): string {
  const prompt = display(userPromptOf(record.body.prompt), 40);
  return pastDeadline
    ? vscode.l10n.t(
        '"{0}" has not finished after {1} minute(s). It continues in the background and its image is saved when it finishes.',
        prompt,
        Math.max(1, Math.round(readSettings().timeoutMs / 60_000)),
      )
    : vscode.l10n.t(
        'Stopped waiting for "{0}". The image service cannot cancel it: it keeps running and may be billed, so its image is saved when it finishes.',
        prompt,
      );
}

/** The files a user is shown: the finished ones first, then the originals. */
function shownFiles(record: TaskRecord): string[] {
  return [
    ...finishedFiles(record).map((file) => file.path),
    ...(record.images ?? []).flatMap((image) => (image.landed ? [image.landed.path] : [])),
  ];
}

function shown(file: string | undefined, root: string | undefined): string {
  if (!file) return '';
  return root ? path.relative(root, file) : file;
}

/** The status line of a task, as the notification, the Studio and the status bar show it. */
export function statusLine(view: TaskView): string {
  const elapsed = Math.max(0, Math.round((Date.now() - view.startedAt) / 1000));
  const base = ((): string => {
    switch (view.status) {
      case 'submitting':
        return vscode.l10n.t('Submitting… {0}s', elapsed);
      case 'uncertain':
        return vscode.l10n.t('May have been submitted: submit again or discard');
      case 'queued':
        return view.position !== undefined
          ? vscode.l10n.t('Queued (position {0}) · {1}s', view.position, elapsed)
          : vscode.l10n.t('Queued · {0}s', elapsed);
      case 'running':
        return view.progress !== undefined
          ? vscode.l10n.t('Generating {0}% · {1}s', view.progress, elapsed)
          : vscode.l10n.t('Generating · {0}s', elapsed);
      case 'background':
        return vscode.l10n.t('Running on the service; saved when it finishes · {0}s', elapsed);
      case 'saving':
        return vscode.l10n.t('Saving…');
      case 'blocked':
        return vscode.l10n.t('Ready, but could not be saved: choose a folder');
      case 'landed':
        return vscode.l10n.t('Saved');
      case 'refused':
        return view.message ?? vscode.l10n.t('Refused by the image service');
      case 'discarded':
        return view.message ?? vscode.l10n.t('Discarded');
    }
  })();
  const live = !isEndedStatus(view.status);
  const problem = live && view.message ? ` — ${view.message}` : '';
  return `${base}${problem}${view.elsewhere ? vscode.l10n.t(' · in another window') : ''}`;
}

/** The model key ("GEM 3.0") of a request body, as the ledger and the prices name models. */
function modelKeyOf(request: Record<string, unknown>): string {
  return `${String(request.model_name)} ${String(request.model_version)}`;
}

/** A request the spend gate stopped: nothing was recorded or sent. */
function overCap(): GenerationResult {
  return {
    id: '',
    status: 'discarded',
    files: [],
    error: new GenerationError({ kind: 'aborted', template: OVER_CAP }),
  };
}
