/** A status bar item while tasks run: how many, and a click to see them. */
import * as vscode from 'vscode';
import { type TaskRunner, describe } from './taskRunner';

export function createTaskStatusBar(runner: TaskRunner, command: string): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('aigcImage.tasks', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('AIGC Image Tasks');
  item.command = command;
  const render = () => {
    const running = runner.views().filter((v) => !['succeeded', 'failed', 'cancelled'].includes(v.phase));
    if (running.length === 0) {
      item.hide();
      return;
    }
    item.text = `$(loading~spin) ${vscode.l10n.t('{0} image task(s)', running.length)}`;
    item.tooltip = running.map((v) => `${v.prompt.slice(0, 60)} — ${describe(v)}`).join('\n');
    item.show();
  };
  const subscription = runner.onDidChange(render);
  render();
  return vscode.Disposable.from(item, subscription);
}
