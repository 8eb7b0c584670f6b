/**
 * A repository opened without trust (Restricted Mode; see the restricted-workspace fixture and
 * launch.mjs's fourth pass) brings a default style that would rewrite the prompt and choose a
 * dearer model. Until the user trusts it, no style is read or applied: what reaches the image
 * service is the user's prompt with the user's model, and the tool says why a named style is not used.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, invokeTool, useSimulator, waitFor, workspaceRoot } from './support';

interface SentBody {
  prompt: string;
  negative_prompt?: string;
  model_name: string;
  model_version: string;
}

describe('a hostile repository opened without trust (Restricted Mode) uses no project style', () => {
  const { sim } = useSimulator();
  const sent = async (): Promise<SentBody[]> =>
    (await sim().requests())
      .filter((r) => r.server === 'api' && r.method === 'POST')
      .map((r) => JSON.parse(r.body) as SentBody);

  before(() => {
    assert.equal(vscode.workspace.isTrusted, false, 'this window runs in Restricted Mode');
  });

  it('the agent tool sends the user’s prompt and model only, not the repository’s default style', async () => {
    const text = await invokeTool({ prompt: 'a lighthouse at dusk' });
    assert.match(text, /Saved /, text);
    assert.doesNotMatch(text, /planted-output/, 'the style’s output folder is not used');
    const [body, ...more] = await sent();
    assert.deepEqual(more, []);
    assert.equal(body?.prompt, 'a lighthouse at dusk');
    assert.equal(body?.negative_prompt, undefined);
    assert.deepEqual([body?.model_name, body?.model_version], ['GEM', '2.5'], 'the user’s default model');
  });

  it('the agent tool’s confirmation shows no style', async () => {
    const message = await (await api()).toolConfirmation({ prompt: 'a lighthouse at dusk' });
    assert.doesNotMatch(message, /planted|Planted template|Hunyuan/, message);
  });

  it('the agent tool naming a style is told styles are not used in Restricted Mode, and nothing is sent', async () => {
    const text = await invokeTool({ prompt: 'a lighthouse at dusk', style: 'planted' });
    assert.match(text, /Project styles are not used in Restricted Mode: nothing was sent/, text);
    assert.deepEqual(await sent(), []);
  });

  it('the Studio offers no style and its picker says styles are not used until the workspace is trusted', async () => {
    await vscode.commands.executeCommand('aigcImage.generate');
    const offered = await waitFor('the Studio’s style picker to be filled', async () =>
      (await api()).studio.stylesOffered(),
    );
    assert.deepEqual(offered, { names: [], restricted: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the quick fix generates the missing image from its alt text, without the repository’s default style', async () => {
    const doc = vscode.Uri.joinPath(workspaceRoot(), 'notes.md');
    const written = 'images/boat.png';
    await vscode.workspace.fs.writeFile(doc, new TextEncoder().encode(`# Notes\n\n![A paper boat](${written})\n`));
    const document = await vscode.workspace.openTextDocument(doc);
    const at = document.positionAt(document.getText().indexOf(written));
    // The provider answers once the extension and the document are both ready: wait for that state.
    const fix = await waitFor('the quick fix on the missing image', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc,
        new vscode.Range(at, at),
      );
      return actions.find((a) => a.title.startsWith('Generate image for images/boat.png with') && a.command);
    });
    assert.ok(fix.command);
    await vscode.commands.executeCommand(fix.command.command, ...((fix.command.arguments ?? []) as unknown[]));
    const [body] = await sent();
    assert.equal(body?.prompt, 'A paper boat');
    assert.deepEqual([body?.model_name, body?.model_version], ['GEM', '2.5']);
  });
});
