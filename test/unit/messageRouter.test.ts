import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RouterLog, type WebviewHandlers, createMessageRouter } from '../../src/host/studio/messageRouter';
import type { FormValues } from '../../src/shared/formValues';
import type { WebviewMessage } from '../../src/shared/webviewMessages';

const FORM: FormValues = {
  prompt: 'a lighthouse at dusk',
  negativePrompt: '',
  model: 'GEM 2.5',
  options: {},
  references: [],
};

/** One valid message of every type; a type added to the protocol without a sample here does not compile. */
const SAMPLES: { [T in WebviewMessage['type']]: Extract<WebviewMessage, { type: T }> } = {
  ready: { type: 'ready' },
  generate: { type: 'generate', requestId: 'g1', form: FORM },
  taskAction: { type: 'taskAction', taskId: 't1', action: 'cancel' },
  inspect: { type: 'inspect', requestId: 'i1', uris: ['file:///w/cat.png'] },
  listImages: { type: 'listImages' },
  browse: { type: 'browse' },
  galleryAction: { type: 'galleryAction', item: 'file:///w/a.json', action: 'open' },
  refreshGallery: { type: 'refreshGallery' },
  references: { type: 'references', paths: ['/w/cat.png'] },
  runCommand: { type: 'runCommand', command: 'showLog' },
  formShown: { type: 'formShown', prompt: 'A red fox in the snow', target: 'assets/fox.png' },
  saveStyle: { type: 'saveStyle', form: FORM },
  recrop: {
    type: 'recrop',
    requestId: 'c1',
    item: 'file:///w/a.json',
    crop: { left: 100, top: 45, width: 1200, height: 630 },
  },
};

/** A router whose handlers record what reached them (or throw, for the types in `failing`). */
function harness(failing: ReadonlySet<string> = new Set()) {
  /** [the handler that ran, the message it got] */
  const received: [string, WebviewMessage][] = [];
  const lines: { level: keyof RouterLog; message: string }[] = [];
  let failures = 0;
  const handler = (name: string) => (message: WebviewMessage) => {
    received.push([name, message]);
    if (failing.has(name)) throw new Error(`${name} broke`);
  };
  const handlers = Object.fromEntries(
    Object.keys(SAMPLES).map((type) => [type, handler(type)]),
  ) as unknown as WebviewHandlers;
  const log: RouterLog = {
    trace: (_c, message) => lines.push({ level: 'trace', message }),
    warn: (_c, message) => lines.push({ level: 'warn', message }),
    error: (_c, message) => lines.push({ level: 'error', message }),
  };
  const route = createMessageRouter({ handlers, log, reportFailure: () => (failures += 1), reply: () => undefined });
  return { route, received, lines, failures: () => failures };
}

describe('Studio message router', () => {
  it('hands every message type to its own handler, once, as parsed', async () => {
    for (const sample of Object.values(SAMPLES)) {
      const { route, received, failures } = harness();
      await route(JSON.parse(JSON.stringify(sample)));
      assert.deepEqual(received, [[sample.type, sample]], sample.type);
      assert.equal(failures(), 0);
    }
  });

  it('refuses an invalid message: no handler runs, one warning names the problem and the raw message', async () => {
    const invalid: unknown[] = [
      null,
      'ready',
      { type: 'evaluate', code: 'process.exit()' },
      { type: 'generate', form: FORM },
      { type: 'galleryAction', item: 'x', action: 'delete' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'taskAction', taskId: 'x', action: 'delete' },
      // A crop box must be whole pixels of positive size at a non-negative place.
      { type: 'recrop', requestId: 'c2', item: 'x', crop: { left: -1, top: 0, width: 100, height: 50 } },
      { type: 'recrop', requestId: 'c3', item: 'x', crop: { left: 0, top: 0, width: 0, height: 50 } },
      { type: 'recrop', requestId: 'c4', item: 'x', crop: { left: 0.5, top: 0, width: 100, height: 50 } },
    ];
    for (const raw of invalid) {
      const { route, received, lines, failures } = harness();
      await route(raw);
      assert.deepEqual(received, [], JSON.stringify(raw));
      const warnings = lines.filter((l) => l.level === 'warn');
      assert.equal(warnings.length, 1, JSON.stringify(raw));
      assert.match(warnings[0]!.message, /^ignored an invalid message from the webview: /);
      assert.ok(warnings[0]!.message.includes(JSON.stringify(raw)), warnings[0]!.message);
      assert.equal(failures(), 0, 'an invalid message is not a failure the user is told about');
    }
  });

  it('keeps the log line of an oversized invalid message short', async () => {
    const { route, lines } = harness();
    await route({ type: 'evaluate', code: 'x'.repeat(100_000) });
    const [warning] = lines.filter((l) => l.level === 'warn');
    assert.ok(warning && warning.message.length < 1_000, `${warning?.message.length} characters`);
  });

  it('turns a handler that fails into one notice and one error line, and goes on routing', async () => {
    const { route, received, lines, failures } = harness(new Set(['browse']));
    await route(SAMPLES.browse);
    assert.equal(failures(), 1);
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /^browse failed: Error: browse broke/);
    await route(SAMPLES.listImages);
    assert.deepEqual(
      received.map(([name]) => name),
      ['browse', 'listImages'],
    );
    assert.equal(failures(), 1, 'the next message is handled normally');
  });

  it('reports a handler whose promise rejects the same way', async () => {
    const errors: string[] = [];
    let failures = 0;
    const handlers = Object.fromEntries(
      Object.keys(SAMPLES).map((type) => [type, () => Promise.reject(new Error('gateway down'))]),
    ) as unknown as WebviewHandlers;
    const route = createMessageRouter({
      handlers,
      log: { trace: () => undefined, warn: () => undefined, error: (_c, message) => errors.push(message) },
      reportFailure: () => (failures += 1),
      reply: () => undefined,
    });
    await route(SAMPLES.generate);
    assert.equal(failures, 1);
    assert.match(errors[0] ?? '', /^generate failed: Error: gateway down/);
  });
});
