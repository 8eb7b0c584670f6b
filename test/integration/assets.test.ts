/**
 * Asset sets from an image in the workspace, in a real VS Code with the extension's own image
 * finisher: what the Explorer's "Export as Web Icons" leaves beside the image, read from bytes.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportResult } from '../../src/core/assetExport';
import { readIcoEntries } from '../support/icoEntries';
import { imageSize } from '../../src/core/imageFormat';
import { exists, workspaceRoot } from './support';

/** A copy of the sample workspace's hero image in a folder of this suite's own. */
async function imageToExport(name: string): Promise<vscode.Uri> {
  const target = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'export', name);
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'hero.png'), target, {
    overwrite: true,
  });
  return target;
}

const bytesOf = async (uri: vscode.Uri) => vscode.workspace.fs.readFile(uri);

describe('asset sets from an image in the workspace', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('Export as Web Icons writes favicon.ico with 16, 32 and 48 px entries and the 180, 192 and 512 px icons beside the image', async () => {
    const image = await imageToExport('mascot.png');
    const result = await vscode.commands.executeCommand<ExportResult | undefined>('aigcImage.exportWebIcons', image);
    assert.ok(result?.folder, 'the set was made');
    const folder = vscode.Uri.file(result.folder);
    assert.equal(folder.path, vscode.Uri.joinPath(workspaceRoot(), 'assets', 'export', 'mascot-icons').path);
    const entries = readIcoEntries(await bytesOf(vscode.Uri.joinPath(folder, 'favicon.ico')));
    assert.deepEqual(
      entries?.map((e) => [e.size, imageSize(e.bytes)?.width, imageSize(e.bytes)?.height]),
      [
        [16, 16, 16],
        [32, 32, 32],
        [48, 48, 48],
      ],
    );
    for (const [file, side] of [
      ['apple-touch-icon.png', 180],
      ['icon-192.png', 192],
      ['icon-512.png', 512],
    ] as const) {
      assert.deepEqual(
        imageSize(await bytesOf(vscode.Uri.joinPath(folder, file))),
        { width: side, height: side },
        file,
      );
      assert.ok(await exists(vscode.Uri.joinPath(folder, `${file}.json`)), `${file} has its sidecar`);
    }
    assert.ok(await exists(vscode.Uri.joinPath(folder, 'site.webmanifest')));
    const lines = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(
      lines,
      /<link rel="icon" href="\/favicon.ico" sizes="16x16 32x32 48x48">/,
      'the lines to paste are shown',
    );
  });

  it('a damaged image is left as it is and no folder is made', async () => {
    const image = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'export', 'damaged.png');
    // A PNG signature and then no image: a file cut short, or renamed.
    const damaged = new Uint8Array([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...new TextEncoder().encode('cut'),
    ]);
    await vscode.workspace.fs.writeFile(image, damaged);
    const result = await vscode.commands.executeCommand<ExportResult | undefined>('aigcImage.exportWebIcons', image);
    assert.equal(result, undefined);
    assert.equal(await exists(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'export', 'damaged-icons')), false);
    assert.deepEqual([...(await bytesOf(image))], [...damaged]);
  });

  it('an image reached through a link out of the workspace is refused, and nothing is written beside the link', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'aigc-outside-'));
    await writeFile(
      path.join(outside, 'private.png'),
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'hero.png')),
    );
    const link = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'export', 'linked.png');
    await symlink(path.join(outside, 'private.png'), link.fsPath);
    const result = await vscode.commands.executeCommand<ExportResult | undefined>('aigcImage.exportWebIcons', link);
    assert.equal(result, undefined);
    assert.equal(await exists(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'export', 'linked-icons')), false);
    assert.deepEqual(await readdir(outside), ['private.png']);
  });
});
