/**
 * A project style changes what is billed, so its first use asks (a modal the test answers through
 * the extension's API, as a user would click it): the quick fix that uses the default style asks
 * once per version of the style, sends the style's request only after "Use Style", and sends
 * nothing when the user declines.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, useSimulator, waitFor, workspaceRoot } from './support';

const stylesFile = () => vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'aigc-styles.json');

async function writeStyles(template: string): Promise<void> {
  const styles = { default: 'consented', styles: { consented: { prompt: template, model: 'GEM 3.0' } } };
  await vscode.workspace.fs.writeFile(stylesFile(), new TextEncoder().encode(JSON.stringify(styles, null, 2)));
  // The file is read again on change: wait until the tool's confirmation shows this version.
  await waitFor(
    'the styles file to be read again',
    async () =>
      (await (await api()).toolConfirmation({ prompt: 'x' })).includes(template.split(' {prompt}')[0]!) || undefined,
  );
}

/** Runs the "Generate image for … with …" quick fix on a Markdown reference to the missing `image`. */
async function quickFix(image: string): Promise<void> {
  const doc = vscode.Uri.joinPath(workspaceRoot(), 'docs', `${image}.md`);
  const written = `../assets/consent/${image}.png`;
  await vscode.workspace.fs.writeFile(doc, new TextEncoder().encode(`# Consent\n\n![A paper boat](${written})\n`));
  const document = await vscode.workspace.openTextDocument(doc);
  const at = document.positionAt(document.getText().indexOf(written));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    doc,
    new vscode.Range(at, at),
  );
  const fix = actions.find((a) => a.title.startsWith(`Generate image for assets/consent/${image}.png with`));
  assert.ok(fix?.command, `actions: ${actions.map((a) => a.title).join(' | ')}`);
  await vscode.commands.executeCommand(fix.command.command, ...((fix.command.arguments ?? []) as unknown[]));
}

describe('consent to a project style', () => {
  const { sim } = useSimulator();
  const prompts = async () =>
    (await sim().requests())
      .filter((r) => r.server === 'api' && r.method === 'POST')
      .map((r) => (JSON.parse(r.body) as { prompt: string }).prompt);

  after(async () => {
    await vscode.workspace.fs.delete(stylesFile(), { useTrash: false });
  });

  it('the quick fix asks before the first use of a style, sends it with the style after "Use Style", and does not ask again', async () => {
    await writeStyles('Watercolour of {prompt}, soft edges');
    const asked = await (await api()).answerStyleQuestions('use');
    const before = asked.length;
    await quickFix('boat-one');
    assert.equal(asked.length, before + 1, 'asked once');
    assert.match(asked.at(-1)!, /Use the project style "consented"\?/);
    assert.match(asked.at(-1)!, /Watercolour of \{prompt\}, soft edges/, 'the question shows what the style adds');
    assert.deepEqual(await prompts(), ['Watercolour of A paper boat, soft edges']);

    await quickFix('boat-two');
    assert.equal(asked.length, before + 1, 'the second use did not ask');
    assert.deepEqual(await prompts(), [
      'Watercolour of A paper boat, soft edges',
      'Watercolour of A paper boat, soft edges',
    ]);
  });

  it('a changed style asks again, and declining sends nothing to the image service', async () => {
    await writeStyles('Charcoal drawing of {prompt}');
    const asked = await (await api()).answerStyleQuestions('decline');
    const before = asked.length;
    await quickFix('boat-three');
    assert.equal(asked.length, before + 1, 'the changed style asked again');
    assert.match(asked.at(-1)!, /Charcoal drawing of \{prompt\}/);
    assert.deepEqual(await prompts(), [], 'no create reached the simulator');
    assert.equal(
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'consent', 'boat-three.png')).then(
        () => true,
        () => false,
      ),
      false,
      'no image was saved',
    );
  });
});
