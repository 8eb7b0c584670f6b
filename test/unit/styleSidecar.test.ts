/**
 * An image made with a project style says so in its sidecar: which style, from which file, which
 * version of it (its hash) and what it added, beside the request it resolved to. Sidecars written
 * before styles existed are still read. A real landing against the gateway simulator.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { GatewayClient } from '../../src/core/gateway';
import { landImages } from '../../src/core/landing';
import { type TaskRecord, advance, newRecord } from '../../src/core/lifecycle';
import { pollUntilDone } from '../../src/core/poll';
import { parseSidecar } from '../../src/core/sidecar';
import type { AppliedStyle } from '../../src/core/styleApply';
import { useSimulator } from './helpers/simulator';

const sim = useSimulator({ taskDurationMs: 50 });
const STYLE: AppliedStyle = {
  name: 'brand',
  source: '.vscode/aigc-styles.json',
  sha256: 'a'.repeat(64),
  adds: [
    { field: 'prompt', value: 'Flat vector art of {prompt}' },
    { field: 'model', value: 'GEM 3.0' },
  ],
};
let workspace: string;

beforeEach(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'aigc-style-sidecar-'));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function landedSidecar(style?: AppliedStyle): Promise<string> {
  const body = { model_name: 'GEM', model_version: '3.0', prompt: 'Flat vector art of a fox' };
  const client = new GatewayClient({ baseUrl: sim.apiOrigin, apiKey: sim.apiKey });
  const state = await pollUntilDone(client, await client.submit(body));
  assert.equal(state.status, 'succeeded');
  let record: TaskRecord = newRecord({
    id: `s-${Math.random().toString(36).slice(2, 8)}`,
    kind: 'generate',
    body,
    references: [],
    apiOrigin: sim.apiOrigin,
    target: { workspaceRoot: workspace, outputFolder: 'images', writeSidecar: true },
    ...(style ? { style } : {}),
    createdAt: Date.now(),
  });
  record = advance(record, { type: 'submitted', ref: { taskId: state.taskId } }, Date.now());
  record = advance(record, { type: 'upstream', state }, Date.now());
  const landed = await landImages(record, {
    apply: async (event) => (record = advance(record, event, Date.now())),
    apiOrigin: sim.apiOrigin,
    authorization: `Bearer ${sim.apiKey}`,
    extensionVersion: '0.0.0-test',
    stillOurs: async () => true,
  });
  assert.equal(landed.phase, 'landed');
  const files = await readdir(workspace, { recursive: true });
  const sidecar = files.find((f) => f.endsWith('.png.json'));
  assert.ok(sidecar, `no sidecar among ${files.join(', ')}`);
  return readFile(path.join(workspace, sidecar), 'utf8');
}

describe('a styled image’s sidecar', () => {
  it('records the style’s name, file, hash and what it added, beside the request it resolved to', async () => {
    const text = await landedSidecar(STYLE);
    const sidecar = parseSidecar(text);
    assert.ok(sidecar);
    assert.deepEqual(sidecar.style, STYLE);
    assert.equal(sidecar.request.prompt, 'Flat vector art of a fox');
  });

  it('has no style field for an image made without one, and old sidecars are still read', async () => {
    const text = await landedSidecar();
    const sidecar = parseSidecar(text);
    assert.ok(sidecar);
    assert.equal('style' in sidecar, false);
    const old = JSON.parse(text) as Record<string, unknown>;
    delete old.style;
    assert.ok(parseSidecar(JSON.stringify(old)));
  });

  it('refuses a sidecar whose style field is not a style, rather than show it as one', async () => {
    const old = JSON.parse(await landedSidecar()) as Record<string, unknown>;
    assert.equal(parseSidecar(JSON.stringify({ ...old, style: { name: 3 } })), undefined);
  });
});
