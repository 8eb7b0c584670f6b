/**
 * The daily cap in a real VS Code, against the simulator: a request over the cap never reaches
 * the gateway, "Allow this once" sends that one request only, and a create the gateway refused
 * is not counted. Earlier suites of the run made images today too, so the cap is set that many
 * plus two.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { buildSidecar, sidecarText } from '../../src/core/sidecar';
import type { GenerationResult } from '../../src/host/generationService';
import { api, today, useSimulator, workspaceRoot } from './support';

const generate = (prompt: string) =>
  vscode.commands.executeCommand<GenerationResult>('aigcImage.generate', { prompt, reveal: false });

describe('Spending cap', () => {
  const { sim } = useSimulator();
  const creates = async () => (await sim().requests()).filter((r) => r.server === 'api' && r.method === 'POST').length;
  const config = () => vscode.workspace.getConfiguration('aigcImage');

  afterEach(async () => {
    await config().update('budget.dailyImages', undefined, vscode.ConfigurationTarget.Global);
  });

  it('refuses the image past the daily cap before any request is sent, and Allow this once sends that one only', async () => {
    const spending = (await api()).spending;
    const already = await spending.today();
    const cap = already + 2;
    await config().update('budget.dailyImages', cap, vscode.ConfigurationTarget.Global);
    const asked = spending.answerCapQuestions('cancel');
    const askedBefore = asked.length;
    for (const prompt of ['Within the cap one', 'Within the cap two'])
      assert.equal((await generate(prompt)).status, 'landed', prompt);
    assert.equal(await creates(), 2);

    const over = await generate('Past the cap');
    assert.equal(over.status, 'discarded');
    assert.equal(await creates(), 2, 'nothing reached the gateway');
    assert.equal(asked.length, askedBefore + 1);
    assert.equal(
      asked.at(-1),
      `This would be image ${cap + 1} of your daily cap of ${cap} (${cap} already today). Allow this once?`,
    );

    spending.answerCapQuestions('allow');
    assert.equal((await generate('Allowed once')).status, 'landed');
    assert.equal(await creates(), 3);
    assert.equal(await spending.today(), cap + 1);

    spending.answerCapQuestions('cancel');
    assert.equal((await generate('Past the cap again')).status, 'discarded');
    assert.equal(await creates(), 3, 'the allowance was for one request');
  });

  for (const mode of ['native', 'queue', 'envelope'] as const) {
    it(`${mode}: does not count a create the gateway refused, nor a task it accepted and then reported FAILED`, async () => {
      await sim().configure({ mode });
      const spending = (await api()).spending;
      const before = await spending.today();
      await sim().fault({ route: 'create', fault: { kind: 'http', status: 400 } });
      assert.equal((await generate(`Refused at create (${mode})`)).status, 'refused');
      // A queue gateway has no error in a body (its 500 may have created the task): its refusal is a 4xx.
      await sim().fault({
        route: 'create',
        fault: mode === 'queue' ? { kind: 'http', status: 402 } : { kind: 'bodyError', message: 'no balance' },
      });
      assert.equal((await generate(`An error in the answer (${mode})`)).status, 'refused');
      assert.equal(await creates(), 2, 'both creates reached the gateway');
      assert.equal(await spending.today(), before);

      await sim().fault({ route: 'create', fault: { kind: 'taskFailure', message: 'the model failed' } });
      assert.equal((await generate(`Failed after it was accepted (${mode})`)).status, 'refused');
      assert.equal(await spending.today(), before);
    });
  }

  it("does not count images someone else made and committed: their sidecars are not this user's spend", async () => {
    const spending = (await api()).spending;
    const before = await spending.today();
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'generated-images', today());
    const made = new Date();
    const sidecar = buildSidecar({
      taskId: 'teammate-task-1',
      body: { model_name: 'GEM', model_version: '3.0', prompt: 'a teammate’s lighthouse' },
      references: [],
      images: [
        { file: 'teammate.png', url: 'https://cdn.example/t.png', format: 'png', bytes: 10, sha256: 'a'.repeat(64) },
      ],
      apiOrigin: 'https://gateway.example',
      submittedAt: made,
      savedAt: made,
      extensionVersion: '1.0.0',
    });
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(folder, 'teammate-lighthouse.png.json'),
      new TextEncoder().encode(sidecarText(sidecar)),
    );
    // A task of this user's own afterwards, so the ledger is built again with the sidecar in place.
    assert.equal((await generate('Mine, after the pull')).status, 'landed');
    assert.equal(await spending.today(), before + 1);
  });
});
