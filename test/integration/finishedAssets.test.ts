/**
 * The missing-image quick fix makes the exact file a document names, in a real VS Code: the size
 * the page gives the image, the format of its name, at its path, with the paid original kept in
 * the output folder. The simulator paints at the models' real sizes here, so the finished file
 * is really cropped and resampled, and its size is read from its bytes.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { imageSize, sniffImageFormat } from '../../src/core/imageFormat';
import type { GenerationResult } from '../../src/host/generationService';
import type { SimOptions } from '../sim/simulator';
import { exists, readJson, today, useSimulator, waitFor, workspaceRoot } from './support';

/** The simulator's images at the sizes real models make (its default is tiny images, for speed). */
const REAL_SIZES: Partial<SimOptions> & { realSizes: boolean } = { realSizes: true };

async function writeDocument(relative: string, text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return document;
}

/**
 * The quick fix titled as `title` wants, with the cursor at the first character of `marker`.
 * Waited for: while VS Code's own Markdown server starts, its code actions answer "Canceled",
 * which fails the whole request, ours included.
 */
async function fixAt(
  document: vscode.TextDocument,
  marker: string,
  title: (t: string) => boolean,
): Promise<vscode.CodeAction> {
  const offset = document.getText().indexOf(marker);
  assert.ok(offset >= 0, `${marker} in the document`);
  const at = document.positionAt(offset);
  let seen: string[] = [];
  try {
    return await waitFor(
      `the fix at ${marker}`,
      async () => {
        const actions = await vscode.commands
          .executeCommand<vscode.CodeAction[]>(
            'vscode.executeCodeActionProvider',
            document.uri,
            new vscode.Range(at, at),
          )
          .then(undefined, (error: unknown) => {
            if (error instanceof Error && error.message === 'Canceled') return [];
            throw error;
          });
        seen = actions.map((a) => a.title);
        return actions.find((a) => title(a.title));
      },
      50_000,
    );
  } catch (error) {
    assert.fail(`${String(error)}; actions: ${seen.join(' | ')}`);
  }
}

function run(fix: vscode.CodeAction): Thenable<GenerationResult | undefined> {
  return vscode.commands.executeCommand<GenerationResult | undefined>(
    fix.command!.command,
    ...((fix.command!.arguments ?? []) as unknown[]),
  );
}

async function bytesOf(uri: vscode.Uri): Promise<Uint8Array> {
  return vscode.workspace.fs.readFile(uri);
}

describe('finished assets: the quick fix makes the file the document names', () => {
  const { sim } = useSimulator();

  beforeEach(async () => {
    await sim().configure(REAL_SIZES);
  });

  it('an <img> of 1200×630 named og.jpg gets a JPEG of exactly 1200×630 there, and the page is left as it was', async () => {
    const text =
      '<h1>Launch day</h1>\n<img src="og.jpg" alt="A rocket lifting off at dawn" width="1200" height="630">\n';
    const document = await writeDocument('site/card.html', text);
    const fix = await fixAt(document, '<img', (t) => t.startsWith('Generate 1200×630 JPEG for site/og.jpg with'));
    const result = await run(fix);
    assert.equal(result?.status, 'landed');

    const target = vscode.Uri.joinPath(workspaceRoot(), 'site', 'og.jpg');
    const bytes = await bytesOf(target);
    assert.equal(sniffImageFormat(bytes)?.format, 'jpeg');
    assert.deepEqual(imageSize(bytes), { width: 1200, height: 630 });
    assert.equal(document.getText(), text, 'the document names the file it asked for: no edit');
    assert.equal(document.isDirty, false);

    const sidecar = await readJson(vscode.Uri.joinPath(workspaceRoot(), 'site', 'og.jpg.json'));
    const derivedFrom = sidecar.derivedFrom as { file: string; sha256: string };
    const original = vscode.Uri.file(path.resolve(path.join(workspaceRoot().fsPath, 'site'), derivedFrom.file));
    const outputFolder = vscode.Uri.joinPath(workspaceRoot(), 'generated-images', today());
    assert.equal(path.dirname(original.fsPath), outputFolder.fsPath, 'the paid original is in the output folder');
    assert.ok(await exists(vscode.Uri.file(`${original.fsPath}.json`)), 'with its own sidecar');
    assert.equal(
      createHash('sha256')
        .update(await bytesOf(original))
        .digest('hex'),
      derivedFrom.sha256,
    );
  });

  it('when og.jpg is made meanwhile, the finished file takes og-2.jpg and the reference follows it (undoably)', async () => {
    await sim().configure({ taskDurationMs: 2500 });
    const document = await writeDocument(
      'site/crew.html',
      '<h1>Crew</h1>\n<img src="../assets/fix/crew.jpg" alt="The launch crew at work" width="1600" height="900">\n',
    );
    const fix = await fixAt(document, 'alt=', (t) => t.includes('1600×900 JPEG for assets/fix/crew.jpg with'));
    const running = run(fix);
    await waitFor('the task to be submitted', async () => ((await sim().tasks()).length > 0 ? true : undefined));
    const taken = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'fix', 'crew.jpg');
    await vscode.workspace.fs.writeFile(taken, new TextEncoder().encode('made by someone else meanwhile'));
    const result = await running;

    const finished = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'fix', 'crew-2.jpg');
    assert.equal(result?.finished?.[0]?.path, finished.fsPath);
    assert.deepEqual(imageSize(await bytesOf(finished)), { width: 1600, height: 900 });
    assert.equal(new TextDecoder().decode(await bytesOf(taken)), 'made by someone else meanwhile', 'never overwritten');
    assert.match(document.getText(), /src="\.\.\/assets\/fix\/crew-2\.jpg"/);
    const [create] = (await sim().requests()).filter((r) => r.method === 'POST');
    assert.equal(
      (JSON.parse(create!.body) as { output_config: { aspect_ratio?: string } }).output_config.aspect_ratio,
      '16:9',
      'the shape asked for covers 1600×900',
    );
    await vscode.commands.executeCommand('undo');
    assert.match(document.getText(), /crew\.jpg"/, 'the edit is undoable');
  });

  it('is offered with the cursor on "<img", on a size of the tag, and on the alt text of a Markdown image', async () => {
    const page = await writeDocument(
      'site/launch.html',
      '<img\n  src="hero.webp"\n  alt="Launch pad at night"\n  width="1280"\n  height="640"\n>\n',
    );
    const title = 'Generate 1280×640 WebP for site/hero.webp…';
    await fixAt(page, '<img', (t) => t === title);
    await fixAt(page, 'height=', (t) => t === title);
    const notes = await writeDocument('site/notes.md', '# Boats\n\n![A paper boat on a pond](boat.png)\n');
    await fixAt(notes, 'paper boat', (t) => t === 'Generate image for site/boat.png…');
    await fixAt(notes, '![', (t) => t === 'Generate image for site/boat.png…');
    assert.deepEqual(
      (await sim().requests()).filter((r) => r.method === 'POST'),
      [],
      'offering a fix sends nothing',
    );
  });
});
