import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { GenerationError } from '../../src/core/errors';
import { type Exchange, GatewayClient, parseBaseUrl } from '../../src/core/gateway';
import { pollUntilDone } from '../../src/core/poll';
import type { CreateTaskBody } from '../../src/core/request';
import { type Simulator, startSimulator } from '../sim/simulator';
import { useSimulator } from './helpers/simulator';

const body: CreateTaskBody = { model_name: 'GEM', model_version: '2.5', prompt: 'a lighthouse at dusk' };

const sim = useSimulator({ taskDurationMs: 300 });
let exchanges: Exchange[];

function client(extra: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}): GatewayClient {
  return new GatewayClient({
    baseUrl: sim.apiOrigin,
    apiKey: sim.apiKey,
    onExchange: (x) => exchanges.push(x),
    ...extra,
  });
}

async function expectError(promise: Promise<unknown>, kind: GenerationError['kind']): Promise<GenerationError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GenerationError, `expected a GenerationError, got ${String(error)}`);
    assert.equal(error.kind, kind, `expected ${kind}, got ${error.kind}: ${error.message}`);
    assert.ok(!error.message.includes('\n'), 'the user message is one line');
    return error;
  }
  assert.fail(`expected a ${kind} error`);
}

const apiRequests = () => sim.requests.filter((r) => r.server === 'api');

beforeEach(() => {
  exchanges = [];
});

describe('the three answer shapes, end to end', () => {
  for (const mode of ['native', 'queue', 'envelope'] as const) {
    it(`${mode}: submit, wait, get the image URL on the CDN`, async () => {
      sim.configure({ mode });
      const c = client();
      const submitted = await c.submit(body);
      assert.ok(submitted.taskId);
      const states: string[] = [];
      const final = await pollUntilDone(c, submitted, { onState: (s) => states.push(s.status) });
      assert.equal(final.status, 'succeeded', JSON.stringify(final));
      assert.ok(final.status === 'succeeded' && final.images[0]!.url.startsWith(sim.cdnOrigin));
      if (mode === 'queue') {
        assert.ok(submitted.statusUrl?.startsWith(sim.apiOrigin));
        assert.ok(submitted.cancelUrl);
      }
      const create = apiRequests().find((r) => r.method === 'POST')!;
      assert.deepEqual(JSON.parse(create.body), body);
      assert.equal(create.headers['authorization'], `Bearer ${sim.apiKey}`);
      assert.equal(create.headers['content-type'], 'application/json');
    });
  }

  it('uses a configured query path', async () => {
    const c = client({ queryPath: '/tencent-vod/v1/aigc-image/{task_id}' });
    const submitted = await c.submit(body);
    const final = await pollUntilDone(c, submitted);
    assert.equal(final.status, 'succeeded');
    assert.ok(apiRequests().some((r) => r.method === 'GET' && r.path.startsWith('/tencent-vod/v1/aigc-image/')));
    assert.ok(!apiRequests().some((r) => r.path.startsWith('/tencent-vod/v1/query/')));
  });

  it('queue mode: cancel goes to cancel_url and the task ends cancelled', async () => {
    sim.configure({ mode: 'queue', taskDurationMs: 5000 });
    const c = client();
    const submitted = await c.submit(body);
    assert.equal(await c.cancel(submitted), 'requested');
    assert.ok(apiRequests().some((r) => r.method === 'PUT' && r.path.endsWith('/cancel')));
    assert.equal(sim.tasks.get(submitted.taskId)?.cancelled, true);
  });

  it('native mode has no cancel: it says so instead of pretending', async () => {
    const c = client();
    const submitted = await c.submit(body);
    assert.equal(await c.cancel(submitted), 'unsupported');
  });
});

describe('faults become typed, one-line errors', () => {
  const cases: [string, Parameters<Simulator['fault']>[0]['fault'], GenerationError['kind'], RegExp?][] = [
    ['401', { kind: 'http', status: 401 }, 'auth', /Set API Key/],
    ['403', { kind: 'http', status: 403 }, 'auth'],
    ['402', { kind: 'http', status: 402, message: 'balance insufficient' }, 'balance', /balance/],
    ['400 with message', { kind: 'http', status: 400, message: 'prompt too spicy' }, 'badRequest', /prompt too spicy/],
    ['500', { kind: 'http', status: 500 }, 'server', /HTTP 500|failed/],
    ['502', { kind: 'http', status: 502 }, 'server'],
    ['503', { kind: 'http', status: 503 }, 'server'],
    ['HTML error page', { kind: 'htmlError' }, 'server', /502/],
    ['malformed JSON', { kind: 'malformedJson' }, 'invalidResponse', /not JSON/],
    ['connection reset', { kind: 'reset' }, 'network'],
  ];
  for (const [name, fault, kind, text] of cases) {
    it(`${name} on create -> ${kind}`, async () => {
      sim.fault({ route: 'create', fault, times: 1 });
      const error = await expectError(client().submit(body), kind);
      if (text) assert.match(error.message, text);
      assert.ok(!error.message.includes(sim.apiKey));
    });
  }

  it('429 carries Retry-After; a long one is reported, not waited out', async () => {
    sim.fault({ route: 'create', fault: { kind: 'http', status: 429, retryAfterSeconds: 60 }, times: 1 });
    const error = await expectError(client().submit(body), 'rateLimited');
    assert.equal(error.retryAfterMs, 60_000);
    assert.equal(apiRequests().filter((r) => r.method === 'POST').length, 1);
  });

  for (const mode of ['native', 'envelope'] as const) {
    it(`${mode}: an error inside an HTTP 200 answer to the create is an error, not a task`, async () => {
      sim.configure({ mode });
      sim.fault({
        route: 'create',
        fault: { kind: 'bodyError', code: mode === 'native' ? 'InvalidParameterValue' : '4001', message: 'model busy' },
        times: 1,
      });
      const error = await expectError(client().submit(body), 'badRequest');
      assert.match(error.message, /model busy/);
    });
  }

  // A gateway that echoes the key it was sent (in its message, even as its error code) must not
  // put it in the one line the user reads.
  for (const mode of ['native', 'queue', 'envelope'] as const) {
    it(`${mode}: a key echoed in an HTTP 400 or an HTTP 200 error body is not in the message`, async () => {
      sim.configure({ mode });
      sim.fault({
        route: 'create',
        fault: { kind: 'http', status: 400, message: `key ${sim.apiKey} is not allowed` },
        times: 1,
      });
      const http = await expectError(client().submit(body), 'badRequest');
      assert.ok(!http.message.includes(sim.apiKey), http.message);
      assert.ok(!JSON.stringify(http.args).includes(sim.apiKey));
      sim.fault({
        route: 'create',
        fault: { kind: 'bodyError', code: mode === 'native' ? sim.apiKey : '4001', message: `bad key ${sim.apiKey}` },
        times: 1,
      });
      const inBody = await client()
        .submit(body)
        .then(
          () => assert.fail('expected an error'),
          (error: unknown) => error as GenerationError,
        );
      assert.ok(inBody instanceof GenerationError);
      assert.ok(!inBody.message.includes(sim.apiKey), inBody.message);
      assert.ok(!String(inBody.code ?? '').includes(sim.apiKey), `code ${inBody.code}`);
    });
  }

  it('an error whose code is not text is shown without "[object Object]"', async () => {
    sim.configure({ mode: 'native' });
    // A gateway can send any JSON where the protocol puts a string: here an object as Response.Error.Code.
    sim.fault({
      route: 'create',
      fault: { kind: 'bodyError', code: { reason: 'busy' } as unknown as string, message: 'model busy' },
      times: 1,
    });
    const error = await expectError(client().submit(body), 'badRequest');
    assert.match(error.message, /model busy/);
    assert.doesNotMatch(error.message, /\[object Object\]/);
  });

  it('a slow answer hits the per-request timeout', async () => {
    sim.fault({ route: 'create', fault: { kind: 'slow', delayMs: 3000 }, times: 1 });
    const error = await expectError(client({ requestTimeoutMs: 300 }).submit(body), 'network');
    assert.match(error.message, /did not answer/);
  });

  it('an unknown model pair is refused by the server with its message', async () => {
    const error = await expectError(client().submit({ ...body, model_version: '9.9' }), 'badRequest');
    assert.match(error.message, /9\.9/);
  });

  it('a content-policy FINISH is a failure, not a success', async () => {
    sim.fault({ route: 'create', fault: { kind: 'violation' }, times: 1 });
    const c = client();
    const final = await pollUntilDone(c, await c.submit(body));
    assert.equal(final.status, 'failed');
    assert.ok(final.status === 'failed' && final.contentPolicy && final.code === 'InvalidParameter.VoilationContent');
  });

  it('a redirect from the API is not followed, so the key cannot travel elsewhere', async () => {
    sim.fault({ route: 'create', fault: { kind: 'redirect' }, times: 1 });
    await expectError(client().submit(body), 'invalidResponse');
    assert.ok(!sim.requests.some((r) => r.server === 'third'));
    assert.equal(sim.cdnSawAuthorization(), false);
  });

  it('a wrong key is refused (401) and the log never shows the key', async () => {
    const c = new GatewayClient({
      baseUrl: sim.apiOrigin,
      apiKey: 'wrong-key-123456',
      onExchange: (x) => exchanges.push(x),
    });
    await expectError(c.submit(body), 'auth');
    assert.ok(exchanges.length > 0);
    assert.ok(!JSON.stringify(exchanges).includes('wrong-key-123456'));
  });
});

describe('submit retries', () => {
  it('retries when the gateway refused for its rate limit (nothing was created), creating one task', async () => {
    sim.fault({ route: 'create', fault: { kind: 'http', status: 429, retryAfterSeconds: 1 }, times: 1 });
    const submitted = await client().submit(body);
    assert.ok(submitted.taskId);
    assert.equal(apiRequests().filter((r) => r.method === 'POST').length, 2);
    assert.equal(sim.tasks.size, 1);
  });

  it('never retries a 503 (the task may have been created: a second create could bill twice)', async () => {
    sim.fault({ route: 'create', fault: { kind: 'http', status: 503 }, times: 1 });
    await expectError(client().submit({ ...body, session_id: 'has-one' }), 'server');
    assert.equal(apiRequests().filter((r) => r.method === 'POST').length, 1);
  });

  it('retries a connection that was refused (nothing reached the gateway), then reports it', async () => {
    const closed = await startSimulator({ quiet: true });
    const origin = closed.apiOrigin;
    await closed.close();
    const attempts: Exchange[] = [];
    const error = await expectError(
      new GatewayClient({ baseUrl: origin, apiKey: 'k', onExchange: (x) => attempts.push(x) }).submit(body),
      'network',
    );
    assert.match(error.message, /ECONNREFUSED/);
    assert.equal(attempts.length, 3);
  });

  it('a repeated session_id is refused by the gateway: never a second task', async () => {
    const c = client();
    await c.submit({ ...body, session_id: 'same-session' });
    await expectError(c.submit({ ...body, session_id: 'same-session' }), 'badRequest');
    assert.equal(sim.tasks.size, 1);
  });

  it('does not retry an error the user must fix', async () => {
    sim.fault({ route: 'create', fault: { kind: 'http', status: 401 }, times: 1 });
    await expectError(client().submit({ ...body, session_id: 'x1' }), 'auth');
    assert.equal(apiRequests().filter((r) => r.method === 'POST').length, 1);
  });
});

describe('base URL rules', () => {
  it('accepts https and loopback http, refuses plain http elsewhere', () => {
    assert.equal(parseBaseUrl('https://api.example.com/').origin, 'https://api.example.com');
    assert.equal(parseBaseUrl('http://127.0.0.1:8080').hostname, '127.0.0.1');
    assert.equal(parseBaseUrl('http://localhost:1').hostname, 'localhost');
    for (const bad of ['http://api.example.com', 'ftp://x', 'not a url', 'https://user:pw@api.example.com']) {
      assert.throws(
        () => parseBaseUrl(bad),
        (e: unknown) => e instanceof GenerationError && e.kind === 'config' && e.field === 'aigcImage.baseUrl',
      );
    }
  });
  it('keeps a path prefix of the base URL', async () => {
    const c = new GatewayClient({ baseUrl: 'https://gw.example.com/api/', apiKey: 'k' });
    assert.equal(c.queryUrl('a b'), 'https://gw.example.com/api/tencent-vod/v1/query/a%20b');
  });
  it('refuses a query path without {task_id}', () => {
    assert.throws(() => new GatewayClient({ baseUrl: 'https://x.example', apiKey: 'k', queryPath: '/q' }), /task_id/);
  });
});
