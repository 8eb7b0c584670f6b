/**
 * Variations in a real VS Code against the simulator: an agent asking for several tries of one
 * request gets every image as its own file with its own sidecar, each from its own task, and a
 * count that cannot be honoured is refused before anything is billed.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, exists, invokeTool, useSimulator, waitFor, workspaceRoot } from './support';

/** The workspace-relative paths an answer names as saved. */
function savedPaths(answer: string): string[] {
  return [...answer.matchAll(/^Saved (.+?) \(/gm)].map((match) => match[1]!);
}

describe('variations: several images from one request', () => {
  const { sim } = useSimulator();

  it('the agent tool with count 3 returns three paths, three files with sidecars, from three tasks', async () => {
    const answer = await invokeTool({ prompt: 'A paper crane on a desk, three tries', count: 3 });
    assert.match(answer, /3 of 3 images were saved/);
    const paths = savedPaths(answer);
    assert.equal(paths.length, 3, answer);
    assert.equal(new Set(paths).size, 3, 'three distinct files');
    for (const relative of paths) {
      const file = vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
      assert.ok(await exists(file), `${relative} is on disk`);
      assert.ok(await exists(file.with({ path: `${file.path}.json` })), `${relative} has its sidecar`);
    }
    const tasks = await sim().tasks();
    assert.equal(tasks.length, 3, 'three tasks reached the image service');
    assert.equal(new Set(tasks.map((t) => t.sessionId)).size, 3, 'each task has its own session id');
  });

  it('several images with a target path are refused by the tool, and nothing reaches the image service', async () => {
    const answer = await invokeTool({ prompt: 'A paper crane', count: 2, targetPath: 'assets/crane.png' });
    assert.match(answer, /count 2 cannot be combined with targetPath/);
    assert.deepEqual(
      (await sim().requests()).filter((r) => r.method === 'POST'),
      [],
    );
  });

  it('the confirmation says how many images will be made', async () => {
    const shown = await (await api()).toolConfirmation({ prompt: 'A paper crane', count: 4 });
    assert.ok(shown.startsWith('Generate 4 images?'), shown);
    assert.ok(shown.includes('4 images are made from this request'), shown);
  });

  it('Move to Trash on a card keeps the image and its sidecar where the file system has no trash (code-server), and says so', async () => {
    const answer = await invokeTool({ prompt: 'A paper crane to throw away', count: 2 });
    const [first] = savedPaths(answer).map((p) => vscode.Uri.joinPath(workspaceRoot(), ...p.split('/')));
    assert.ok(first, answer);
    await vscode.commands.executeCommand('aigcImage.generate');
    await waitFor(
      'the card to be pressed',
      async () => (await (await api()).studio.actOnResult(first.fsPath, 'moveToTrash')) || undefined,
    );
    assert.ok(await exists(first), 'the image is not deleted for good');
    assert.ok(await exists(first.with({ path: `${first.path}.json` })), 'nor its sidecar');
    assert.ok(
      (await api())
        .recentLog()
        .some((line) => line.includes(`move to trash: ${path.basename(first.fsPath)} kept: no trash`)),
      'the Studio said why',
    );
  });

  it('Move to Trash leaves an image edited since it was saved on disk', async () => {
    const answer = await invokeTool({ prompt: 'A paper crane, edited by hand' });
    const [file] = savedPaths(answer).map((p) => vscode.Uri.joinPath(workspaceRoot(), ...p.split('/')));
    assert.ok(file, answer);
    const bytes = await vscode.workspace.fs.readFile(file);
    await vscode.workspace.fs.writeFile(file, new Uint8Array([...bytes, 0]));
    await vscode.commands.executeCommand('aigcImage.generate');
    await waitFor(
      'the card to be pressed',
      async () => (await (await api()).studio.actOnResult(file.fsPath, 'moveToTrash')) || undefined,
    );
    assert.ok(await exists(file));
    assert.ok(await exists(file.with({ path: `${file.path}.json` })));
    assert.ok(
      (await api())
        .recentLog()
        .some((line) => line.includes(`move to trash: ${path.basename(file.fsPath)} kept: changed since it was saved`)),
      'kept because it was edited, before any trash was tried',
    );
  });
});
