/**
 * The Studio's tasks: the rows it shows (the supervisor's views, pushed when they change), the
 * actions a row offers, and generations started from the panel, whose saved files join the
 * gallery — also when they land later, in the background.
 */
import * as vscode from 'vscode';
import type { TaskAction } from '../../core/lifecycle';
import type { TaskRow } from '../../shared/taskRow';
import { type GenerationInput, type GenerationResult, type GenerationService, statusLine } from '../generationService';
import type { Log } from '../log';
import type { TaskSupervisor } from '../taskSupervisor';
import type { GalleryController } from './galleryController';
import type { StudioPort } from './studioPort';

export interface TasksControllerDeps {
  tasks: TaskSupervisor;
  generations: GenerationService;
  log: Log;
}

export class TasksController {
  /** Runner ids whose saved files were added to the gallery. */
  private readonly collected = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly port: StudioPort,
    private readonly gallery: GalleryController,
    private readonly deps: TasksControllerDeps,
  ) {}

  /** A panel opened: task changes reach it until it closes. */
  opened(): vscode.Disposable {
    const subscription = this.deps.tasks.onDidChange(() => this.changed());
    return new vscode.Disposable(() => {
      clearTimeout(this.timer);
      this.timer = undefined;
      subscription.dispose();
    });
  }

  rows(): TaskRow[] {
    return this.deps.tasks.views().map((view) => ({
      id: view.id,
      prompt: view.prompt,
      model: view.model,
      status: view.status,
      ...(view.position !== undefined ? { position: view.position } : {}),
      ...(view.progress !== undefined ? { progress: view.progress } : {}),
      startedAt: view.startedAt,
      statusLine: statusLine(view),
      actions: view.actions,
      ...(view.files ? { files: view.files } : {}),
    }));
  }

  /** The command checks the task and the action again: the webview only names them. */
  act(taskId: string, action: TaskAction): void {
    void vscode.commands.executeCommand('aigcImage.taskAction', taskId, action);
  }

  /** Starts a task and, when it leaves the foreground, adds its results to the gallery. */
  async run(input: GenerationInput): Promise<GenerationResult> {
    return (await this.runMany(input, 1))[0]!;
  }

  /** Starts `count` tasks from one request (variations) and adds each one's results to the gallery. */
  async runMany(input: GenerationInput, count: number): Promise<GenerationResult[]> {
    let outcomes: GenerationResult[];
    try {
      outcomes = await this.deps.generations.generateMany(input, count);
    } catch (error) {
      this.deps.log.error(
        'studio',
        `the task could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return [{ id: '', status: 'notStarted', files: [] }];
    }
    this.changed();
    // A finished file saved at a document's target lies outside the output folder: listed at once too.
    for (const outcome of outcomes)
      await this.collect(outcome.id, [...outcome.files, ...(outcome.finished ?? []).map((f) => f.path)]);
    return outcomes;
  }

  private changed(): void {
    for (const view of this.deps.tasks.views()) {
      if (view.status === 'landed' && view.files?.length) void this.collect(view.id, view.files);
    }
    if (this.timer || !this.port.isReady()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.port.post({ type: 'tasks', tasks: this.rows() });
    }, 150);
  }

  private async collect(id: string, files: readonly string[]): Promise<void> {
    if (this.collected.has(id) || files.length === 0 || !this.gallery.isOpen()) return;
    this.collected.add(id);
    await this.gallery.addResults(files);
  }
}
