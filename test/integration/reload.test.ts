/**
 * A submitted task survives the end of its extension host: phase 1 submits and returns while
 * the task is still running upstream, and the host is shut down under it (as a window reload
 * or a crash does). The launcher then opens the same workspace and user data again (phase 2),
 * where the new host must collect the task: the image lands exactly once, submitted once.
 * The phase is kept in a marker file in the workspace.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, connect, exists, listImages, readJson, simulator, today, waitFor, workspaceRoot } from './support';

const PROMPT = 'Survives a reload';
const marker = () => vscode.Uri.joinPath(workspaceRoot(), '.reload-test.json');

/** Set by the runner before the tests load: this host is the one started after phase 1's ended. */
export const isAfterReload = async () => process.env.AIGC_TEST_PHASE === '2' || (!process.env.AIGC_TEST_PHASE && exists(marker()));

describe('resume after an extension-host restart', () => {
  before(async () => {
    await connect();
  });

  it('phase 1: a task is submitted, then its host goes away mid-task', async function () {
    if (await isAfterReload()) this.skip();
    const sim = await simulator();
    await sim.reset();
    // Long enough that this host is gone before the task ends.
    await sim.configure({ mode: 'native', taskDurationMs: 12_000, quiet: true });
    void vscode.commands.executeCommand('aigcImage.generate', { prompt: PROMPT, reveal: false });
    const record = await waitFor('the task to be recorded as submitted', () =>
      api().then((a) => a.pendingTasks().find((r) => r.body.prompt === PROMPT && r.state === 'waiting')),
    );
    await vscode.workspace.fs.writeFile(marker(), new TextEncoder().encode(JSON.stringify({ taskId: record.ref!.taskId })));
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'generated-images', today());
    assert.equal((await listImages(folder)).filter((n) => n.startsWith('survives-a-reload-')).length, 0, 'not landed yet');
  });

  it('phase 2: the resumed task lands exactly once', async function () {
    if (!(await isAfterReload())) this.skip();
    const { taskId } = (await readJson(marker())) as { taskId: string };
    await (await api()).resumed;
    assert.ok(
      (await api()).recentLog().some((line) => /resuming \d+ unfinished task/.test(line)),
      'this host found the task recorded by the previous one',
    );
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'generated-images', today());
    const images = await waitFor('the resumed image to land', async () => {
      const names = (await listImages(folder)).filter((n) => n.startsWith('survives-a-reload-'));
      return names.length > 0 ? names : undefined;
    });
    // Give a duplicate save every chance to show up before counting.
    await waitFor('the task to leave the pending list', () =>
      api().then((a) => (a.pendingTasks().some((r) => r.ref?.taskId === taskId) ? undefined : true)),
    );
    assert.ok(
      (await api()).recentLog().some((line) => line.includes(`task ${taskId} saved`)),
      'the image was saved by this host, not by the one that submitted it',
    );
    const after = (await listImages(folder)).filter((n) => n.startsWith('survives-a-reload-'));
    assert.deepEqual(after, images, 'exactly one image');
    assert.equal(after.length, 1);
    const sidecar = await readJson(vscode.Uri.joinPath(folder, after[0]!.replace(/\.\w+$/, '.json')));
    assert.equal(sidecar.taskId, taskId);
    const sim = await simulator();
    const creates = (await sim.requests()).filter((r) => r.method === 'POST' && r.body.includes(PROMPT));
    assert.equal(creates.length, 1, 'submitted once, never again on resume');
    await vscode.workspace.fs.delete(marker());
  });
});
