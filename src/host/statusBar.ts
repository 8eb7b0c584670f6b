/** A status bar item while tasks are open: how many, and a click to see them. */
import * as vscode from 'vscode';
import { isEndedStatus } from '../core/lifecycle';
import { statusLine } from './generationService';
import type { TaskSupervisor } from './taskSupervisor';

export function createTaskStatusBar(tasks: TaskSupervisor, command: string): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('aigcImage.tasks', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('AIGC Image Tasks');
  item.command = command;
  let hadOpen = false;
  const render = () => {
    // Lets the palette offer "Show Image Tasks" and "Cancel Image Task" only when there are some.
    const anyOpen = tasks.pendingRecords().length > 0;
    if (anyOpen !== hadOpen) {
      hadOpen = anyOpen;
      void vscode.commands.executeCommand('setContext', 'aigcImage.hasOpenTasks', anyOpen);
    }
    const open = tasks.views().filter((v) => !isEndedStatus(v.status));
    if (open.length === 0) {
      item.hide();
      return;
    }
    const waiting = open.filter((v) => v.status === 'uncertain' || v.status === 'blocked').length;
    item.text =
      waiting > 0
        ? `$(warning) ${vscode.l10n.t('{0} image task(s)', open.length)}`
        : `$(loading~spin) ${vscode.l10n.t('{0} image task(s)', open.length)}`;
    item.tooltip = open.map((v) => `${v.prompt.slice(0, 60)} — ${statusLine(v)}`).join('\n');
    item.show();
  };
  const subscription = tasks.onDidChange(render);
  render();
  return vscode.Disposable.from(item, subscription);
}
