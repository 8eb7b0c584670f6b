/**
 * The agent tool asked for a finished file, in a real VS Code against the simulator: the file an
 * agent gets is the size, format and transparency it asked for, read from the file's own bytes,
 * and an argument the tool does not know stops the call before anything is billed.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { imageSize } from '../../src/core/imageFormat';
import { api, exists, invokeTool, useSimulator, workspaceRoot } from './support';

/** Whether a PNG's pixels carry alpha: an RGBA or grey+alpha colour type, or a tRNS chunk. */
function pngHasAlpha(bytes: Uint8Array): boolean {
  const colourType = bytes[25];
  if (colourType === 4 || colourType === 6) return true;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 8 <= bytes.length; at += 12 + view.getUint32(at)) {
    if (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'tRNS') return true;
  }
  return false;
}

describe('the agent tool makes the finished file it was asked for', () => {
  const { sim } = useSimulator();

  it('width, height and transparent give a PNG of exactly that size with an alpha channel, and the answer says so', async () => {
    const text = await invokeTool({
      prompt: 'A round robot mascot',
      width: 640,
      height: 320,
      transparent: true,
      targetPath: 'assets/tool/mascot-card.png',
    });
    assert.match(text, /Saved assets\/tool\/mascot-card\.png \(640×320 PNG, with an alpha channel\)/);
    assert.match(text, /original image, kept at /);
    const file = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'tool', 'mascot-card.png');
    const bytes = await vscode.workspace.fs.readFile(file);
    assert.deepEqual(imageSize(bytes), { width: 640, height: 320 });
    assert.ok(pngHasAlpha(bytes), 'the PNG has an alpha channel');
    assert.ok(await exists(vscode.Uri.joinPath(workspaceRoot(), 'assets', 'tool', 'mascot-card.png.json')));
  });

  it('an argument the tool does not know is named in its answer, and nothing reaches the image service', async () => {
    const text = await invokeTool({ prompt: 'A robot', size: '1200x630' });
    assert.match(text, /Unknown argument "size"/);
    assert.match(text, /width, height, transparent, format, quality/);
    assert.deepEqual(
      (await sim().requests()).filter((r) => r.method === 'POST'),
      [],
    );
  });

  it('a transparent JPEG is refused naming the fields, before anything is sent', async () => {
    const text = await invokeTool({ prompt: 'A robot', transparent: true, targetPath: 'assets/tool/robot.jpg' });
    assert.match(text, /transparent cannot be combined with targetPath "assets\/tool\/robot\.jpg"/);
    assert.deepEqual(
      (await sim().requests()).filter((r) => r.method === 'POST'),
      [],
    );
  });

  it('the confirmation says what will be made', async () => {
    const message = await (
      await api()
    ).toolConfirmation({ prompt: 'A social card', width: 1200, height: 630, transparent: true, format: 'png' });
    assert.ok(message.includes('1200×630 PNG with a transparent background'), message);
  });
});
