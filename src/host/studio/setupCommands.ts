/** The set-up commands the Studio's status line links to (a missing key, the settings, the log). */
import * as vscode from 'vscode';
import type { HostCommand } from '../../shared/webviewMessages';

export async function runSetupCommand(command: HostCommand): Promise<void> {
  switch (command) {
    case 'setApiKey':
      await vscode.commands.executeCommand('aigcImage.setApiKey');
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'aigcImage.');
      return;
    case 'showLog':
      await vscode.commands.executeCommand('aigcImage.showLog');
      return;
    default: {
      const unexpected: never = command;
      throw new Error(`unhandled command ${String(unexpected)}`);
    }
  }
}
