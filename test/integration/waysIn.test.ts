/**
 * The ways into a generation besides the Studio, in a real VS Code: the language-model tool an
 * agent calls (invoked directly, as no chat is needed), and the quick fix on a reference to a
 * missing image. Both go through the same generation service and land the image in the project.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SimControl } from '../sim/control';
import { api, connect, exists, invokeTool, simulator, waitFor, workspaceRoot } from './support';

const TOOL = 'aigcImage_generateImage';

describe('ways in: the agent tool and the missing-image quick fix', () => {
  let sim: SimControl;

  before(async () => {
    sim = await simulator();
    await connect();
    await (
      await api()
    ).resumed;
  });

  beforeEach(async () => {
    await sim.reset();
    await sim.configure({ mode: 'native', taskDurationMs: 400, quiet: true });
  });

  it('the tool is registered under its manifest name and says it saves files in the project', () => {
    const tool = vscode.lm.tools.find((t) => t.name === TOOL);
    assert.ok(tool, `tools: ${vscode.lm.tools.map((t) => t.name).join(', ')}`);
    assert.match(tool.description, /workspace/i);
    assert.deepEqual((tool.inputSchema as { required: string[] }).required, ['prompt']);
  });

  it('invokeTool saves an image at the target path and returns its path and a Markdown link', async () => {
    const text = await invokeTool({ prompt: 'A friendly robot mascot', targetPath: 'assets/tool/mascot.png' });
    assert.match(text, /Saved assets\/tool\/mascot\.png \(PNG, \d+×\d+, \d+ KB\)/);
    assert.match(text, /!\[A friendly robot mascot\]\(assets\/tool\/mascot\.png\)/);
    const file = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'tool', 'mascot.png');
    assert.ok(await exists(file));
    assert.ok(
      await exists(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'tool', 'mascot.png.json')),
      'with its sidecar',
    );
  });

  it('a refused prompt returns the refusal as text, not an exception', async () => {
    await sim.fault({ route: 'create', fault: { kind: 'violation' } });
    const text = await invokeTool({ prompt: 'something refused' });
    assert.match(text, /refused.*InvalidParameter\.VoilationContent/);
  });

  it('a cancelled chat request stops waiting; the task is kept and its image still lands', async () => {
    await sim.configure({ taskDurationMs: 2500 });
    const cancel = new vscode.CancellationTokenSource();
    const invoked = vscode.lm.invokeTool(
      TOOL,
      {
        input: { prompt: 'kept after the chat moved on', targetPath: 'assets/tool/kept.png' },
        toolInvocationToken: undefined,
      },
      cancel.token,
    );
    await waitFor('the task to be submitted', async () => ((await sim.tasks()).length > 0 ? true : undefined));
    cancel.cancel();
    // VS Code ends the call for the caller at once; the billed task goes on.
    await assert.rejects(Promise.resolve(invoked), /Canceled/);
    await waitFor('the image to land', () =>
      exists(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'tool', 'kept.png')).then((e) => e || undefined),
    );
  });

  it('input it cannot use is answered with what to change, before anything is sent', async () => {
    assert.match(await invokeTool({ prompt: 'x', targetPath: '../outside.png' }), /relative to the workspace/);
    assert.match(await invokeTool({ prompt: 'x', model: 'Qwen 0925', aspectRatio: '16:9' }), /aspect_ratio/);
    assert.deepEqual(
      (await sim.requests()).filter((r) => r.method === 'POST'),
      [],
    );
  });

  it('asks for confirmation, showing prompt, model, references, target and gateway host', async () => {
    const message = await (
      await api()
    ).toolConfirmation({
      prompt: 'A lighthouse',
      model: 'GEM 3.0',
      aspectRatio: '16:9',
      referenceImages: ['assets/hero.png'],
      targetPath: 'docs/lighthouse.png',
    });
    for (const part of [
      'A lighthouse',
      'Gemini 3.0 (GEM)',
      '16:9',
      'assets/hero.png',
      'docs/lighthouse.png',
      '127.0.0.1',
    ])
      assert.ok(message.includes(part), `${part} in ${message}`);
  });

  it('a Markdown reference to a missing image offers "Generate image for …", which saves it exactly there', async () => {
    const doc = vscode.Uri.joinPath(workspaceRoot(), 'docs', 'fox.md');
    await vscode.workspace.fs.writeFile(
      doc,
      new TextEncoder().encode('# Foxes\n\n![A red fox in the snow](../assets/fix/fox.png)\n'),
    );
    const document = await vscode.workspace.openTextDocument(doc);
    const at = document.positionAt(document.getText().indexOf('fox.png'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc,
      new vscode.Range(at, at),
    );
    const fix = actions.find((a) => a.title.startsWith('Generate image for assets/fix/fox.png with'));
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(actions.some((a) => a.title === 'Generate image for assets/fix/fox.png…'));
    await vscode.commands.executeCommand(fix.command!.command, ...((fix.command!.arguments ?? []) as unknown[]));
    assert.ok(await exists(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'fix', 'fox.png')));
    const [create] = (await sim.requests()).filter((r) => r.method === 'POST');
    assert.equal(
      (JSON.parse(create!.body) as { prompt: string }).prompt,
      'A red fox in the snow',
      'the alt text is the prompt',
    );
    const after = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc,
      new vscode.Range(at, at),
    );
    assert.ok(!after.some((a) => a.title.startsWith('Generate image for')), 'no fix once the image exists');
  });

  it('"Generate image for ……" opens the Studio with the alt text as the prompt and the path as its target, sending nothing yet', async () => {
    const doc = vscode.Uri.joinPath(workspaceRoot(), 'docs', 'owl.md');
    await vscode.workspace.fs.writeFile(
      doc,
      new TextEncoder().encode('# Night birds\n\n![A snowy owl on a fence post](../assets/fix/owl.png)\n'),
    );
    const document = await vscode.workspace.openTextDocument(doc);
    await vscode.window.showTextDocument(document);
    const at = document.positionAt(document.getText().indexOf('owl.png'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc,
      new vscode.Range(at, at),
    );
    const fix = actions.find((a) => a.title === 'Generate image for assets/fix/owl.png…');
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    await vscode.commands.executeCommand(fix.command!.command, ...((fix.command!.arguments ?? []) as unknown[]));
    // What the webview reports once it has applied the host's fill: the form as the user sees it.
    const shown = await waitFor('the Studio to show the filled-in form', async () => (await api()).studio.shownForm());
    assert.deepEqual(shown, { prompt: 'A snowy owl on a fence post', target: 'assets/fix/owl.png' });
    assert.ok((await api()).studio.isOpen());
    assert.deepEqual(
      (await sim.requests()).filter((r) => r.method === 'POST'),
      [],
      'nothing is sent before the user presses Generate',
    );
    assert.equal(await exists(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'fix', 'owl.png')), false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the Studio to close', async () => ((await api()).studio.isOpen() ? undefined : true));
  });
});
