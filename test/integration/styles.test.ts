/**
 * Project styles in a real VS Code against the simulator: a style in the workspace's
 * .vscode/aigc-styles.json changes the request the image service receives exactly as it says,
 * the agent tool uses the default style or the one it names, and a broken file never stops an
 * image made without a style.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, invokeTool, readJson, useSimulator, waitFor, workspaceRoot } from './support';

/** A 1×1 PNG: the style's reference image. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const STYLES = {
  default: 'brand',
  styles: {
    brand: {
      description: 'Flat brand illustrations',
      prompt: 'Flat vector art of {prompt}, brand colours #1f6feb and #ffd33d',
      negativePrompt: 'photo, text',
      model: 'GEM 3.0',
      aspectRatio: '16:9',
      references: ['assets/style/brand-ref.png'],
      outputFolder: 'docs/styled',
    },
    sketch: { prompt: 'Pencil sketch:', model: 'GEM 2.5' },
  },
};

interface SentBody {
  prompt: string;
  negative_prompt?: string;
  model_name: string;
  model_version: string;
  output_config?: { aspect_ratio?: string };
  file_infos?: { type: string; url?: string }[];
}

const stylesFile = () => vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'aigc-styles.json');

async function writeStyles(text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(stylesFile(), new TextEncoder().encode(text));
}

describe('project styles', () => {
  const { sim } = useSimulator();
  const sent = async (): Promise<SentBody[]> =>
    (await sim().requests()).filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body) as SentBody);

  before(async () => {
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(workspaceRoot(), 'assets', 'style', 'brand-ref.png'),
      Buffer.from(PIXEL_PNG, 'base64'),
    );
    await writeStyles(JSON.stringify(STYLES, null, 2));
    // Styles read before the file existed (another suite's call) are read again when it appears.
    await waitFor(
      'the new styles file to be read',
      async () => (await (await api()).toolConfirmation({ prompt: 'x' })).includes('brand') || undefined,
    );
  });
  after(async () => {
    await vscode.workspace.fs.delete(stylesFile(), { useTrash: false });
  });

  it('the agent tool uses the default style: the image service receives its template, negative prompt, model, shape and reference', async () => {
    const text = await invokeTool({ prompt: 'a lighthouse' });
    assert.match(text, /Saved docs\/styled\//, text);
    const [body] = await sent();
    assert.ok(body);
    assert.equal(body.prompt, 'Flat vector art of a lighthouse, brand colours #1f6feb and #ffd33d');
    assert.equal(body.negative_prompt, 'photo, text');
    assert.deepEqual([body.model_name, body.model_version], ['GEM', '3.0']);
    assert.equal(body.output_config?.aspect_ratio, '16:9');
    assert.equal(body.file_infos?.length, 1);
    assert.match(body.file_infos[0]!.url ?? '', /^data:image\/png;base64,/);
  });

  it('the image’s sidecar names the style and what it added', async () => {
    await invokeTool({ prompt: 'a harbour' });
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'docs', 'styled');
    const sidecars: vscode.Uri[] = await waitFor('a sidecar in docs/styled', async () => {
      const found = await vscode.workspace.findFiles('docs/styled/**/*.png.json');
      return found.length > 0 ? found : undefined;
    });
    assert.ok(sidecars[0]!.fsPath.startsWith(folder.fsPath));
    const sidecar = (await Promise.all(sidecars.map(readJson))).find(
      (s) =>
        (s.request as { prompt: string }).prompt === 'Flat vector art of a harbour, brand colours #1f6feb and #ffd33d',
    );
    assert.ok(sidecar, 'the harbour’s sidecar');
    const style = sidecar.style as { name: string; source: string; sha256: string; adds: { field: string }[] };
    assert.equal(style.name, 'brand');
    assert.equal(style.source, '.vscode/aigc-styles.json');
    assert.match(style.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      style.adds.map((a) => a.field),
      ['prompt', 'negativePrompt', 'model', 'aspectRatio', 'references', 'outputFolder'],
    );
  });

  it('More Like This on a styled image puts back the prompt as written and leaves the style’s reference to the style', async () => {
    const text = await invokeTool({ prompt: 'a windmill' });
    const saved = /^Saved (.+?) \(/m.exec(text)?.[1];
    assert.ok(saved, text);
    const file = vscode.Uri.joinPath(workspaceRoot(), ...saved.split('/'));
    await vscode.commands.executeCommand('aigcImage.generate');
    await waitFor(
      'the card to be pressed',
      async () => (await (await api()).studio.actOnResult(file.fsPath, 'moreLikeThis')) || undefined,
    );
    // Filled under the style again, the styled prompt would be wrapped twice and the style's reference sent twice.
    await waitFor('the form filled with the prompt as written', async () =>
      (await api()).studio.shownForm()?.prompt === 'a windmill' ? true : undefined,
    );
    await waitFor('only the card’s image attached', async () => {
      const attached = (await api()).studio.attached();
      return attached.length === 1 && attached[0] === file.fsPath ? true : undefined;
    });
  });

  it('the agent tool uses a style it names, and its own arguments win over the style’s', async () => {
    await invokeTool({ prompt: 'a lighthouse', style: 'sketch', model: 'GEM 3.0' });
    const [body] = await sent();
    assert.equal(body?.prompt, 'Pencil sketch: a lighthouse');
    assert.deepEqual([body?.model_name, body?.model_version], ['GEM', '3.0']);
    assert.equal(body?.file_infos, undefined);
  });

  it('the confirmation shows what the default style adds before anything is billed', async () => {
    const message = await (await api()).toolConfirmation({ prompt: 'a lighthouse' });
    for (const part of [
      'brand',
      'Prompt template',
      'Flat vector art of \\{prompt\\}',
      'photo, text',
      'GEM 3.0',
      '16:9',
    ])
      assert.ok(message.includes(part), `${part} in ${message}`);
    assert.deepEqual(await sent(), []);
  });

  it('a style that does not exist is answered with the styles there are, and nothing is sent', async () => {
    const text = await invokeTool({ prompt: 'a lighthouse', style: 'brnad' });
    assert.match(text, /There is no style "brnad" in \.vscode\/aigc-styles\.json/);
    assert.match(text, /The styles are: "brand", "sketch"/);
    assert.deepEqual(await sent(), []);
  });

  it('a broken style is named with its field; an image without a style is still made', async () => {
    const confirmation = async () => (await api()).toolConfirmation({ prompt: 'a lighthouse' });
    await writeStyles(JSON.stringify({ default: 'brand', styles: { brand: { size: 'wide' } } }));
    await waitFor('the changed file to be read', async () => !(await confirmation()).includes('brand') || undefined);
    const text = await invokeTool({ prompt: 'a lighthouse' });
    assert.match(text, /Style "brand": size must be WxH/);
    assert.deepEqual(await sent(), []);
    const plain = await invokeTool({ prompt: 'a plain lighthouse', style: '' });
    assert.match(plain, /Saved /, plain);
    const [body] = await sent();
    assert.equal(body?.prompt, 'a plain lighthouse');
  });

  it('a file that is not JSON is named when a style from it is asked for', async () => {
    await writeStyles('{ "styles": ');
    const text = await waitFor('the unreadable file to be read', async () => {
      const answer = await invokeTool({ prompt: 'a lighthouse', style: 'brand' });
      return answer.includes('not valid JSON') ? answer : undefined;
    });
    assert.match(text, /\.vscode\/aigc-styles\.json is not valid JSON/);
    assert.deepEqual(await sent(), []);
  });

  it('the editor marks mistakes in the styles file with the schema the extension contributes', async () => {
    await writeStyles(
      JSON.stringify({ default: 'brand', styles: { brand: { size: 'huge', negativPrompt: 'text' } } }, null, 2),
    );
    const document = await vscode.workspace.openTextDocument(stylesFile());
    await vscode.window.showTextDocument(document);
    try {
      const marked = await waitFor('the schema’s marks on the styles file', () => {
        const found = vscode.languages.getDiagnostics(stylesFile()).map((d) => document.getText(d.range));
        return found.some((t) => t.includes('huge')) && found.some((t) => t.includes('negativPrompt'))
          ? found
          : undefined;
      });
      assert.ok(marked.length >= 2, marked.join(', '));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });
});
