/**
 * The Studio panel in a real VS Code: the commands open it (once), restyle attaches its
 * images through the webview (the host learns what the form holds from the webview itself),
 * and closing it lets the next command start afresh. The tests run in order on one panel,
 * as a user would use it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, waitFor, workspaceRoot } from './support';

const TITLE = 'AIGC Image Studio';

function studioTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('aigcImage.studio'));
}

async function attached(count: number): Promise<readonly string[]> {
  return waitFor(`the webview to report ${count} attached image(s)`, async () => {
    const paths = (await api()).studio.attached();
    return paths.length === count ? paths : undefined;
  });
}

/** Two workspace images (the fixture's, whatever their names), outside the output folder. */
async function workspaceImages(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,webp}', '**/generated-images/**', 10);
  const images = found.sort((a, b) => a.path.localeCompare(b.path)).slice(0, 2);
  assert.equal(images.length, 2, `the fixture workspace at ${workspaceRoot().fsPath} has at least two images`);
  return images;
}

describe('Studio panel', () => {
  let a: vscode.Uri;
  let b: vscode.Uri;

  before(async () => {
    await (
      await api()
    ).resumed;
    [a, b] = (await workspaceImages()) as [vscode.Uri, vscode.Uri];
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Generate Image…" without a prompt opens one Studio tab, and a second call reveals it', async () => {
    assert.equal((await api()).studio.isOpen(), false);
    await vscode.commands.executeCommand('aigcImage.generate');
    const first = await waitFor('a Studio tab', () => (studioTabs().length > 0 ? studioTabs() : undefined));
    assert.equal(first.length, 1);
    assert.equal(first[0]!.label, TITLE);
    assert.ok((await api()).studio.isOpen());

    // Another editor takes the tab's place; the command brings the same panel back.
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await waitFor('the untitled editor to be active', () => (vscode.window.activeTextEditor ? true : undefined));
    assert.equal(studioTabs()[0]?.isActive, false);
    await vscode.commands.executeCommand('aigcImage.generate');
    const active = await waitFor('the Studio tab to be active again', () => studioTabs().find((tab) => tab.isActive));
    assert.equal(active.label, TITLE);
    assert.equal(studioTabs().length, 1, 'the second call did not open a second panel');
  });

  it('"Restyle" with an image reveals the panel with that image attached', async () => {
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await vscode.commands.executeCommand('aigcImage.restyle', a);
    assert.deepEqual(await attached(1), [a.fsPath]);
    assert.ok(
      studioTabs().find((tab) => tab.isActive),
      'the panel is in front',
    );
    assert.equal(studioTabs().length, 1);
  });

  it('restyling more images adds them once each, in order', async () => {
    // The Explorer passes (clicked, selection): both images, one of them already attached.
    await vscode.commands.executeCommand('aigcImage.restyle', b, [a, b]);
    assert.deepEqual(await attached(2), [a.fsPath, b.fsPath]);
    assert.equal(studioTabs().length, 1);
  });

  it('closing the panel forgets it; the next command opens a fresh one', async () => {
    await vscode.window.tabGroups.close(studioTabs());
    await waitFor('the panel to close', async () => ((await api()).studio.isOpen() ? undefined : true));
    assert.deepEqual((await api()).studio.attached(), []);
    await vscode.commands.executeCommand('aigcImage.generate');
    await waitFor('a new Studio tab', () => (studioTabs().length === 1 ? true : undefined));
    assert.ok((await api()).studio.isOpen());
  });
});
