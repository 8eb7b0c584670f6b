/**
 * The Studio's requests end: the webview's promise for each is settled by the host's answer with
 * its id, or rejected when the host cannot answer or the panel goes away — never left waiting
 * (once a timer per request ended the wait instead). Both sides are the real ones: the webview's
 * PendingRequests and the host's router, their messages crossing as JSON and parsed with the
 * protocol's schemas.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingRequests, RequestRejected } from '../../media/studio/pendingRequests';
import { type RouterLog, type WebviewHandlers, createMessageRouter } from '../../src/host/studio/messageRouter';
import type { FormValues } from '../../src/shared/formValues';
import { type HostMessage, hostMessageSchema } from '../../src/shared/hostMessages';
import { type Completion, GENERATE_REQUEST, INSPECT_REQUEST } from '../../src/shared/studioRequests';
import type { WebviewMessage } from '../../src/shared/webviewMessages';

const FORM: FormValues = {
  prompt: 'a lighthouse at dusk',
  negativePrompt: '',
  model: 'GEM 2.5',
  options: {},
  references: [],
};
const CAT = { kind: 'file' as const, uri: 'file:///w/cat.png', name: 'cat.png' };

/** Settles after every promise callback queued so far has run: "still pending" means pending now. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How a promise ended, read without waiting for it. */
function watch<T>(promise: Promise<T>): {
  state: () => 'pending' | 'resolved' | 'rejected';
  value: () => T | undefined;
  error: () => unknown;
} {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let value: T | undefined;
  let error: unknown;
  promise.then(
    (v) => ((state = 'resolved'), (value = v)),
    (e: unknown) => ((state = 'rejected'), (error = e)),
  );
  return { state: () => state, value: () => value, error: () => error };
}

/** The webview's side alone: what it posts is recorded, answers are handed in by the test. */
function webview() {
  const posted: WebviewMessage[] = [];
  const requests = new PendingRequests((message) => posted.push(message));
  return { requests, posted };
}

function reply(requestId: string, result: unknown, method = 'inspect'): Completion {
  return hostMessageSchema.parse({ type: 'reply', method, requestId, result }) as Completion;
}

describe('Studio requests, webview side', () => {
  it('an answer completes the request it names and leaves the others waiting', async () => {
    const { requests, posted } = webview();
    const first = requests.request(INSPECT_REQUEST, { uris: ['file:///w/cat.png'] });
    const second = requests.request(INSPECT_REQUEST, { uris: ['file:///w/dog.png'] });
    assert.notEqual(first.requestId, second.requestId);
    assert.deepEqual(
      posted.map((m) => m.type === 'inspect' && [m.requestId, m.uris]),
      [
        [first.requestId, ['file:///w/cat.png']],
        [second.requestId, ['file:///w/dog.png']],
      ],
    );
    const [a, b] = [watch(first.answer), watch(second.answer)];
    requests.complete(reply(second.requestId, { items: [], rejected: ['dog.png'] }));
    await settled();
    assert.equal(b.state(), 'resolved');
    assert.deepEqual(b.value(), { items: [], rejected: ['dog.png'] });
    assert.equal(a.state(), 'pending');
    assert.equal(requests.size, 1);
    requests.complete(reply(first.requestId, { items: [CAT], rejected: [] }));
    await settled();
    assert.deepEqual(a.value(), { items: [CAT], rejected: [] });
    assert.equal(requests.size, 0);
  });

  it('ignores an answer to a request it did not send, or of another kind, or a second answer', async () => {
    const { requests } = webview();
    const sent = requests.request(INSPECT_REQUEST, { uris: ['file:///w/cat.png'] });
    const answer = watch(sent.answer);
    // A reply meant for an earlier page of the panel, and one whose method does not match.
    requests.complete(reply('0a1b2c3d4e5f-inspect-1', { items: [], rejected: [] }));
    requests.complete(reply(sent.requestId, { ok: true, issues: [] }, 'generate'));
    await settled();
    assert.equal(answer.state(), 'pending');
    assert.equal(requests.size, 1);
    requests.complete(reply(sent.requestId, { items: [CAT], rejected: [] }));
    requests.complete(reply(sent.requestId, { items: [], rejected: ['late'] }));
    await settled();
    assert.deepEqual(answer.value(), { items: [CAT], rejected: [] });
  });

  it('a request the host could not answer is rejected, saying so', async () => {
    const { requests } = webview();
    const sent = requests.request(GENERATE_REQUEST, { form: FORM });
    const answer = watch(sent.answer);
    requests.complete(
      hostMessageSchema.parse({
        type: 'requestFailed',
        method: 'generate',
        requestId: sent.requestId,
        reason: 'failed',
      }) as Completion,
    );
    await settled();
    assert.equal(answer.state(), 'rejected');
    assert.ok(answer.error() instanceof RequestRejected);
    assert.equal((answer.error() as RequestRejected).reason, 'failed');
  });

  it('closing the panel rejects every request still waiting, and every later one without sending it', async () => {
    const { requests, posted } = webview();
    const waiting = [
      watch<unknown>(requests.request(GENERATE_REQUEST, { form: FORM }).answer),
      watch<unknown>(requests.request(INSPECT_REQUEST, { uris: ['file:///w/cat.png'] }).answer),
    ];
    requests.dispose();
    const late = watch(requests.request(INSPECT_REQUEST, { uris: ['file:///w/dog.png'] }).answer);
    await settled();
    for (const answer of [...waiting, late]) {
      assert.equal(answer.state(), 'rejected');
      assert.equal((answer.error() as RequestRejected).reason, 'disposed');
    }
    assert.equal(posted.length, 2, 'the request after closing was not sent');
    assert.equal(requests.size, 0);
  });
});

/** The webview's requests routed to real host handlers and back, as JSON both ways. */
function roundTrip(handlers: Partial<WebviewHandlers>) {
  const errors: string[] = [];
  let failures = 0;
  let requests: PendingRequests;
  const log: RouterLog = {
    trace: () => undefined,
    warn: () => undefined,
    error: (_c, message) => errors.push(message),
  };
  const routed: Promise<void>[] = [];
  const route = createMessageRouter({
    handlers: handlers as WebviewHandlers,
    log,
    reportFailure: () => (failures += 1),
    reply: (completion) => {
      const message: HostMessage = hostMessageSchema.parse(JSON.parse(JSON.stringify(completion)));
      if (message.type === 'reply' || message.type === 'requestFailed') requests.complete(message);
    },
  });
  requests = new PendingRequests((message) => routed.push(route(JSON.parse(JSON.stringify(message)))));
  return { requests, routed, errors, failures: () => failures, send: (raw: unknown) => routed.push(route(raw)) };
}

describe('Studio requests, both sides', () => {
  it('Generate hears back at once that the task started, while the task goes on', async () => {
    let finish: () => void = () => undefined;
    const { requests, routed } = roundTrip({
      generate: async (_m, answer) => {
        answer({ ok: true, issues: [] });
        await new Promise<void>((resolve) => (finish = resolve));
      },
    });
    const answer = watch(requests.request(GENERATE_REQUEST, { form: FORM }).answer);
    await settled();
    assert.equal(answer.state(), 'resolved');
    assert.deepEqual(answer.value(), { ok: true, issues: [] });
    finish();
    await Promise.all(routed);
  });

  it('a check of local images that fails on the host ends the wait, with one notice and one log line', async () => {
    const { requests, routed, errors, failures } = roundTrip({
      inspect: () => {
        throw new Error('disk gone');
      },
    });
    const answer = watch(requests.request(INSPECT_REQUEST, { uris: ['file:///w/cat.png'] }).answer);
    await Promise.all(routed);
    await settled();
    assert.equal((answer.error() as RequestRejected).reason, 'failed');
    assert.equal(failures(), 1);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^inspect failed: Error: disk gone/);
  });

  it('a handler that ends without answering does not leave the request waiting', async () => {
    const { requests, routed, errors } = roundTrip({ generate: () => undefined });
    const answer = watch(requests.request(GENERATE_REQUEST, { form: FORM }).answer);
    await Promise.all(routed);
    await settled();
    assert.equal((answer.error() as RequestRejected).reason, 'unanswered');
    assert.deepEqual(errors, ['generate ended without an answer']);
  });

  it('a request the host refuses by its schema is answered as invalid, and its handler never runs', async () => {
    let ran = 0;
    const { requests, routed } = roundTrip({ inspect: () => void (ran += 1) });
    const tooMany = Array.from({ length: 101 }, (_, i) => `file:///w/${i}.png`);
    const answer = watch(requests.request(INSPECT_REQUEST, { uris: tooMany }).answer);
    await Promise.all(routed);
    await settled();
    assert.equal((answer.error() as RequestRejected).reason, 'invalid');
    assert.equal(ran, 0);
  });

  it('a message without a request id is refused without an answer to anyone', async () => {
    const { requests, routed, send } = roundTrip({ generate: (_m, answer) => answer({ ok: true, issues: [] }) });
    const waiting = watch(requests.request(GENERATE_REQUEST, { form: FORM }).answer);
    send({ type: 'generate', form: FORM });
    await Promise.all(routed);
    await settled();
    assert.equal(waiting.state(), 'resolved', 'the request with an id was answered');
    assert.equal(requests.size, 0);
  });
});
