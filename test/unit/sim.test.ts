/**
 * The simulator is the ground truth for the gateway and download tests, so it is
 * checked on its own here, with plain fetch and the raw JSON, against the protocol
 * (docs/protocol.md): never with the client's own parsing, or a shared mistake would
 * pass both.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { TINY_JPEG, TINY_WEBP, imageBytes, paddedImage, pngBytes, sniffFormat } from '../sim/images';
import { sceneImage } from '../sim/sceneImages';
import { useSimulator } from './helpers/simulator';

const BODY = { model_name: 'GEM', model_version: '2.5', prompt: 'a lighthouse at dusk' };

const sim = useSimulator({ taskDurationMs: 400 });

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

async function call(url: string, init: RequestInit & { key?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const key = init.key === undefined ? sim.apiKey : init.key;
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(url.startsWith('http') ? url : sim.apiOrigin + url, {
    ...init,
    headers,
    redirect: 'manual',
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // some faults answer with non-JSON on purpose
  }
  return { status: response.status, headers: response.headers, text, json };
}

const create = (body: unknown = BODY, init: { key?: string | null } = {}) =>
  call('/tencent-vod/v1/aigc-image', { method: 'POST', body: JSON.stringify(body), ...init });

/** Digs into parsed JSON without casts at every step. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

async function nativeTaskId(body: unknown = BODY): Promise<string> {
  const reply = await create(body);
  assert.equal(reply.status, 200, reply.text);
  return String(at(reply.json, 'Response', 'TaskId'));
}

/** Bitwise CRC-32, deliberately not the table/zlib one the simulator uses. */
function slowCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface PngChunk {
  type: string;
  data: Buffer;
}

function readPng(bytes: Buffer): PngChunk[] {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    assert.equal(
      bytes.readUInt32BE(offset + 8 + length),
      slowCrc(bytes.subarray(offset + 4, offset + 8 + length)),
      `CRC of ${type}`,
    );
    chunks.push({ type, data });
    offset += 12 + length;
  }
  assert.equal(offset, bytes.length, 'chunks fill the file exactly');
  assert.equal(chunks[0]?.type, 'IHDR');
  assert.equal(chunks.at(-1)?.type, 'IEND');
  return chunks;
}

/** Walks JPEG marker segments up to SOS; returns the SOF0 size and the segment markers seen. */
function readJpeg(bytes: Buffer): { width: number; height: number; markers: number[] } {
  assert.equal(bytes.readUInt16BE(0), 0xffd8, 'SOI');
  assert.equal(bytes.readUInt16BE(bytes.length - 2), 0xffd9, 'EOI');
  const markers: number[] = [];
  let offset = 2;
  let width = 0;
  let height = 0;
  for (;;) {
    assert.equal(bytes[offset], 0xff, `marker at ${offset}`);
    const marker = bytes[offset + 1]!;
    markers.push(marker);
    const length = bytes.readUInt16BE(offset + 2);
    if (marker === 0xc0) {
      height = bytes.readUInt16BE(offset + 5);
      width = bytes.readUInt16BE(offset + 7);
    }
    if (marker === 0xda) break;
    offset += 2 + length;
  }
  return { width, height, markers };
}

function readWebp(bytes: Buffer): string[] {
  assert.equal(bytes.toString('latin1', 0, 4), 'RIFF');
  assert.equal(bytes.toString('latin1', 8, 12), 'WEBP');
  assert.equal(bytes.readUInt32LE(4), bytes.length - 8, 'RIFF size');
  const chunks: string[] = [];
  let offset = 12;
  while (offset < bytes.length) {
    const size = bytes.readUInt32LE(offset + 4);
    chunks.push(bytes.toString('latin1', offset, offset + 4));
    offset += 8 + size + (size % 2);
  }
  assert.equal(offset, bytes.length, 'chunks fill the file exactly');
  return chunks;
}

const collect = (stream: { chunks(): Iterable<Buffer> }) => Buffer.concat([...stream.chunks()]);

describe('images', () => {
  it('pngBytes is a valid PNG with correct CRCs and the requested pixels', () => {
    const png = pngBytes(3, 2, [10, 20, 30]);
    const chunks = readPng(png);
    const ihdr = chunks[0]!.data;
    assert.equal(ihdr.readUInt32BE(0), 3);
    assert.equal(ihdr.readUInt32BE(4), 2);
    assert.deepEqual([...ihdr.subarray(8)], [8, 2, 0, 0, 0]);
    const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
    assert.deepEqual([...raw], [0, 10, 20, 30, 10, 20, 30, 10, 20, 30, 0, 10, 20, 30, 10, 20, 30, 10, 20, 30]);
    assert.equal(sniffFormat(png), 'png');
  });

  it('the JPEG is a 16×16 baseline JFIF', () => {
    const { width, height, markers } = readJpeg(TINY_JPEG);
    assert.deepEqual([width, height], [16, 16]);
    assert.equal(markers[0], 0xe0, 'APP0 (JFIF) first');
    assert.equal(TINY_JPEG.toString('latin1', 6, 10), 'JFIF');
    assert.ok(markers.includes(0xc4) && markers.includes(0xdb), 'has Huffman and quantisation tables');
    assert.equal(sniffFormat(imageBytes('jpeg')), 'jpeg');
  });

  it('the WebP is a 16×16 lossy VP8 key frame', () => {
    assert.deepEqual(readWebp(TINY_WEBP), ['VP8 ']);
    assert.deepEqual([...TINY_WEBP.subarray(23, 26)], [0x9d, 0x01, 0x2a], 'VP8 start code');
    assert.equal(TINY_WEBP.readUInt16LE(26) & 0x3fff, 16);
    assert.equal(TINY_WEBP.readUInt16LE(28) & 0x3fff, 16);
    assert.equal(sniffFormat(imageBytes('webp')), 'webp');
  });

  it('padded images have exactly the requested size and stay valid', () => {
    const base = imageBytes('png').length;
    for (const size of [base + 12, base + 13, base + 23, base + 24, 1024 * 1024 + 11, 2 * (1024 * 1024 + 12) + 5]) {
      const stream = paddedImage('png', size);
      assert.equal(stream.size, size);
      const bytes = collect(stream);
      assert.equal(bytes.length, size);
      const types = readPng(bytes).map((c) => c.type);
      assert.ok(types.includes('IDAT') && types.includes('paDd'));
    }
    for (const size of [TINY_JPEG.length + 4, TINY_JPEG.length + 5, 70_000, 200_003]) {
      const bytes = collect(paddedImage('jpeg', size));
      assert.equal(bytes.length, size);
      const { width, markers } = readJpeg(bytes);
      assert.equal(width, 16);
      assert.equal(markers[0], 0xe0, 'APP0 stays first');
      assert.ok(markers.includes(0xfe), 'padding is in COM segments');
    }
    for (const size of [1000, 100_000]) {
      const bytes = collect(paddedImage('webp', size));
      assert.equal(bytes.length, size);
      assert.deepEqual(readWebp(bytes), ['VP8X', 'VP8 ', 'PADD']);
    }
    assert.equal(paddedImage('png', 10).size, base, 'too small a size gives the plain image');
  });

  it('a 50 MB image is streamed in pieces of at most 1 MiB', () => {
    const size = 50 * 1024 * 1024;
    const stream = paddedImage('png', size);
    let total = 0;
    let largest = 0;
    for (const piece of stream.chunks()) {
      total += piece.length;
      largest = Math.max(largest, piece.length);
    }
    assert.equal(total, size);
    assert.ok(largest <= 1024 * 1024, `largest piece ${largest}`);
  });
});

describe('authentication', () => {
  it('refuses a missing or wrong key with a Tencent AuthFailure', async () => {
    for (const key of [null, 'wrong-key']) {
      const reply = await create(BODY, { key });
      assert.equal(reply.status, 401);
      assert.equal(at(reply.json, 'Response', 'Error', 'Code'), 'AuthFailure');
      assert.ok(!reply.text.includes('wrong-key'), 'the key is not echoed');
    }
    assert.equal(sim.tasks.size, 0);
    assert.equal((await create()).status, 200);
  });

  it('records every request with lower-case headers and the body', async () => {
    await create();
    const [request] = sim.requests;
    assert.equal(request?.server, 'api');
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/tencent-vod/v1/aigc-image');
    assert.equal(request?.headers['authorization'], `Bearer ${sim.apiKey}`);
    assert.deepEqual(JSON.parse(request.body), BODY);
  });
});

describe('create', () => {
  it('accepts the documented model pairs and refuses others with the bad version named', async () => {
    for (const [name, version] of [
      ['GEM', '2.5'],
      ['GEM', '3.0'],
      ['Qwen', '0925'],
      ['Hunyuan', '3.0'],
    ]) {
      assert.equal(
        (await create({ ...BODY, model_name: name, model_version: version })).status,
        200,
        `${name} ${version}`,
      );
    }
    const bad = await create({ ...BODY, model_version: '9.9' });
    assert.equal(bad.status, 400);
    assert.match(String(at(bad.json, 'Response', 'Error', 'Message')), /9\.9.*GEM/);
    assert.equal((await create({ ...BODY, model_name: 'Qwen', model_version: '3.0' })).status, 400);
    const noPrompt = await create({ model_name: 'GEM', model_version: '2.5' });
    assert.equal(noPrompt.status, 400);
    assert.match(String(at(noPrompt.json, 'Response', 'Error', 'Message')), /prompt/);
    assert.equal((await create({ ...BODY, prompt: '   ' })).status, 400);
    assert.equal(sim.tasks.size, 4);
  });

  it('a repeated session_id is refused with an error that does not reveal the first task', async () => {
    const first = await nativeTaskId({ ...BODY, session_id: 's-1' });
    const repeat = await create({ ...BODY, session_id: 's-1' });
    assert.equal(repeat.status, 400);
    assert.ok(at(repeat.json, 'Response', 'Error', 'Code'));
    assert.ok(!repeat.text.includes(first), 'the first task id is not in the refusal');
    const other = await nativeTaskId({ ...BODY, session_id: 's-2' });
    assert.notEqual(other, first);
    assert.equal(sim.tasks.size, 2);
    assert.equal(sim.tasks.get(first)?.sessionId, 's-1');
  });
});

describe('native mode', () => {
  it('walks WAITING → PROCESSING with rising progress → FINISH, on both query paths', async () => {
    sim.configure({ queueMs: 300, taskDurationMs: 600 });
    const reply = await create();
    assert.match(String(at(reply.json, 'Response', 'TaskId')), /^251007502-AigcImage-[0-9a-f]+$/);
    assert.equal(typeof at(reply.json, 'Response', 'RequestId'), 'string');
    const id = String(at(reply.json, 'Response', 'TaskId'));
    const task = sim.tasks.get(id)!;
    assert.equal(task.doneAt, task.createdAt + 900);

    const waiting = await call(`/tencent-vod/v1/query/${id}`);
    assert.equal(at(waiting.json, 'Response', 'Status'), 'WAITING');
    assert.equal(at(waiting.json, 'Response', 'AigcImageTask', 'TaskId'), id);

    await wait(task.startAt + 150 - Date.now());
    const early = await call(`/tencent-vod/v1/query/${id}`);
    await wait(200);
    const later = await call(`/tencent-vod/v1/aigc-image/${id}`);
    for (const r of [early, later]) assert.equal(at(r.json, 'Response', 'AigcImageTask', 'Status'), 'PROCESSING');
    const p1 = Number(at(early.json, 'Response', 'AigcImageTask', 'Progress'));
    const p2 = Number(at(later.json, 'Response', 'AigcImageTask', 'Progress'));
    assert.ok(p1 > 0 && p2 > p1 && p2 < 100, `progress ${p1} then ${p2}`);

    await wait(task.doneAt + 20 - Date.now());
    const done = await call(`/tencent-vod/v1/query/${id}`);
    const info = at(done.json, 'Response', 'AigcImageTask', 'Output', 'FileInfos', 0) as Record<string, unknown>;
    assert.equal(at(done.json, 'Response', 'Status'), 'FINISH');
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'ErrCode'), 0);
    assert.equal(info.FileUrl, `${sim.cdnOrigin}/files/${id}.png`);
    assert.equal(info.StorageMode, 'Temporary');
    assert.ok(Date.parse(String(info.ExpireTime)) > Date.now());
    assert.ok(Date.parse(String(at(done.json, 'Response', 'FinishTime'))) <= Date.now());
    assert.equal(task.statusRequests, 4);
  });

  it('Permanent storage gives a FileId, and the image format shows in the URL', async () => {
    sim.configure({ taskDurationMs: 0, imageFormat: 'jpeg' });
    const id = await nativeTaskId({ ...BODY, output_config: { storage_mode: 'Permanent' } });
    const done = await call(`/tencent-vod/v1/query/${id}`);
    const info = at(done.json, 'Response', 'AigcImageTask', 'Output', 'FileInfos', 0) as Record<string, unknown>;
    assert.equal(info.StorageMode, 'Permanent');
    assert.ok(String(info.FileId).length > 0);
    assert.ok(String(info.FileUrl).endsWith('.jpg'));
  });

  it('a violation FINISHes with ErrCode and ErrCodeExt, early', async () => {
    sim.configure({ taskDurationMs: 5000 });
    sim.fault({ route: 'create', fault: { kind: 'violation' } });
    const id = await nativeTaskId();
    await wait(sim.tasks.get(id)!.doneAt + 20 - Date.now());
    const done = await call(`/tencent-vod/v1/query/${id}`);
    assert.equal(at(done.json, 'Response', 'Status'), 'FINISH');
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'ErrCode'), 10001);
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'ErrCodeExt'), 'InvalidParameter.VoilationContent');
    assert.deepEqual(at(done.json, 'Response', 'AigcImageTask', 'Output', 'FileInfos'), []);
    const next = await nativeTaskId();
    assert.equal(sim.tasks.get(next)?.failure, undefined, 'the fault was used up');
  });

  it('an unknown task is TaskNotExist in each mode’s shape: HTTP 200 with the error in the body, or a 404 (queue)', async () => {
    const native = await call('/tencent-vod/v1/query/nope');
    assert.equal(native.status, 200);
    assert.equal(at(native.json, 'Response', 'Error', 'Code'), 'ResourceNotFound.TaskNotExist');
    sim.configure({ mode: 'queue' });
    const queue = await call('/queue/requests/nope/status');
    assert.equal(queue.status, 404);
    assert.equal(typeof queue.json.detail, 'string');
    sim.configure({ mode: 'envelope' });
    const envelope = await call('/tencent-vod/v1/query/nope');
    assert.equal(envelope.status, 200);
    assert.equal(envelope.json.code, 404);
    assert.equal(envelope.json.data, null);
  });

  it('a new task is TaskNotExist for `invisibleMs`, then found, in all three shapes', async () => {
    for (const mode of ['native', 'envelope', 'queue'] as const) {
      sim.reset();
      sim.configure({ mode, invisibleMs: 300, taskDurationMs: 5000, quiet: true });
      const reply = await create();
      const id = String(
        at(reply.json, 'Response', 'TaskId') ?? at(reply.json, 'data', 'task_id') ?? reply.json.request_id,
      );
      const path = mode === 'queue' ? `/queue/requests/${id}/status` : `/tencent-vod/v1/query/${id}`;
      const early = await call(path);
      if (mode === 'native') assert.equal(at(early.json, 'Response', 'Error', 'Code'), 'ResourceNotFound.TaskNotExist');
      if (mode === 'envelope') assert.equal(early.json.code, 404);
      if (mode === 'queue') assert.equal(early.status, 404);
      await wait(sim.tasks.get(id)!.createdAt + 320 - Date.now());
      const later = await call(path);
      assert.ok(later.status === 200 || later.status === 202, `${mode}: ${later.text}`);
      assert.ok(!at(later.json, 'Response', 'Error') && later.json.code !== 404, `${mode}: found after ${300} ms`);
    }
  });
});

describe('queue mode', () => {
  it('hands out URLs on the API origin, reports status with 202 until COMPLETED, then the result', async () => {
    sim.configure({ mode: 'queue', queueMs: 200, taskDurationMs: 300 });
    const reply = await create();
    assert.equal(reply.json.status, 'IN_QUEUE');
    assert.equal(typeof reply.json.queue_position, 'number');
    assert.deepEqual(reply.json.logs, []);
    const id = String(reply.json.request_id);
    const base = `${sim.apiOrigin}/queue/requests/${id}`;
    assert.equal(reply.json.status_url, `${base}/status`);
    assert.equal(reply.json.response_url, base);
    assert.equal(reply.json.cancel_url, `${base}/cancel`);
    const statusUrl = String(reply.json.status_url);

    const queued = await call(statusUrl);
    assert.equal(queued.status, 202);
    assert.equal(queued.json.status, 'IN_QUEUE');
    assert.equal(queued.json.queue_position, 0);

    await wait(sim.tasks.get(id)!.startAt + 50 - Date.now());
    const running = await call(statusUrl);
    assert.equal(running.status, 202);
    assert.equal(running.json.status, 'IN_PROGRESS');

    const early = await call(base);
    assert.equal(early.status, 400, 'no result before completion');

    await wait(sim.tasks.get(id)!.doneAt + 20 - Date.now());
    const done = await call(statusUrl);
    assert.equal(done.status, 200);
    assert.equal(done.json.status, 'COMPLETED');
    assert.equal(done.json.response_url, base);
    assert.equal(done.json.error, undefined);
    const result = await call(base);
    assert.equal(result.status, 200);
    assert.equal(at(result.json, 'Response', 'Status'), 'FINISH');
    assert.ok(
      String(at(result.json, 'Response', 'AigcImageTask', 'Output', 'FileInfos', 0, 'FileUrl')).startsWith(
        sim.cdnOrigin,
      ),
    );
    assert.equal(sim.tasks.get(id)?.statusRequests, 3, 'status look-ups counted, result fetches not');
  });

  it('counts queue positions of earlier waiting tasks', async () => {
    sim.configure({ mode: 'queue', queueMs: 1000 });
    await create();
    await create();
    const third = await create();
    assert.equal(third.json.queue_position, 2);
  });

  it('cancel marks the task cancelled; after the end it is ALREADY_COMPLETED', async () => {
    sim.configure({ mode: 'queue', taskDurationMs: 5000 });
    const submitted = (await create()).json;
    const id = String(submitted.request_id);
    const cancel = await call(String(submitted.cancel_url), { method: 'PUT' });
    assert.equal(cancel.status, 202);
    assert.equal(cancel.json.status, 'CANCELLATION_REQUESTED');
    assert.equal(sim.tasks.get(id)?.cancelled, true);
    const status = await call(String(submitted.status_url));
    assert.equal(status.json.status, 'COMPLETED');
    assert.match(String(status.json.error), /cancel/i);

    sim.configure({ taskDurationMs: 0 });
    const finished = (await create()).json;
    await wait(20);
    const late = await call(String(finished.cancel_url), { method: 'PUT' });
    assert.equal(late.status, 400);
    assert.equal(late.json.status, 'ALREADY_COMPLETED');
    assert.equal(sim.tasks.get(String(finished.request_id))?.cancelled, false);
  });

  it('errors answer in the queue shape', async () => {
    sim.configure({ mode: 'queue' });
    const bad = await create({ ...BODY, model_version: '9.9' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.detail), /9\.9/);
  });

  it('also serves the /{owner}/{alias}/requests/{id} layout @fal-ai/client builds (used by the benchmark)', async () => {
    sim.configure({ mode: 'queue', taskDurationMs: 100 });
    const id = String((await create()).json.request_id);
    const base = `/tencent-vod/v1/requests/${encodeURIComponent(id)}`;
    const running = await call(`${base}/status?logs=0`);
    assert.equal(running.status, 202);
    assert.equal(running.json.status, 'IN_PROGRESS');
    assert.equal(sim.tasks.get(id)?.statusRequests, 1, 'counted as a status look-up');
    await wait(sim.tasks.get(id)!.doneAt + 20 - Date.now());
    assert.equal((await call(`${base}/status`)).json.status, 'COMPLETED');
    const result = await call(base);
    assert.equal(result.status, 200);
    assert.equal(at(result.json, 'Response', 'Status'), 'FINISH');
    assert.equal((await call('/tencent-vod/v1/requests/nope/status')).status, 404);
  });
});

describe('envelope mode', () => {
  it('wraps create and query answers, with the native detail inside', async () => {
    sim.configure({ mode: 'envelope', queueMs: 200, taskDurationMs: 300 });
    const reply = await create();
    assert.equal(reply.json.code, 0);
    assert.equal(reply.json.message, 'success');
    const id = String(at(reply.json, 'data', 'task_id'));
    assert.ok(sim.tasks.has(id));

    const queued = await call(`/tencent-vod/v1/query/${id}`);
    assert.equal(queued.json.code, 0);
    assert.equal(at(queued.json, 'data', 'task_id'), id);
    assert.equal(at(queued.json, 'data', 'status'), 'QUEUED');

    await wait(sim.tasks.get(id)!.startAt + 100 - Date.now());
    const running = await call(`/tencent-vod/v1/query/${id}`);
    assert.equal(at(running.json, 'data', 'status'), 'IN_PROGRESS');
    assert.match(String(at(running.json, 'data', 'progress')), /^\d+%$/);

    await wait(sim.tasks.get(id)!.doneAt + 20 - Date.now());
    const done = await call(`/tencent-vod/v1/query/${id}`);
    // As the protocol writes it: {code, message, data: {task_id, status, data: {Response: …}}}.
    assert.deepEqual(Object.keys(done.json).sort(), ['code', 'data', 'message']);
    assert.equal(at(done.json, 'data', 'status'), 'SUCCESS');
    assert.equal(at(done.json, 'data', 'data', 'Response', 'Status'), 'FINISH');
    assert.ok(
      String(
        at(done.json, 'data', 'data', 'Response', 'AigcImageTask', 'Output', 'FileInfos', 0, 'FileUrl'),
      ).startsWith(sim.cdnOrigin),
    );

    sim.configure({ envelopeNesting: 'bare' });
    const bare = await call(`/tencent-vod/v1/query/${id}`);
    assert.equal(
      at(bare.json, 'data', 'data', 'Status'),
      'FINISH',
      'the other nesting: the Response contents without the wrapper',
    );
    assert.equal(at(bare.json, 'data', 'data', 'Response'), undefined);
  });

  it('a violation is a FAILURE with the reason', async () => {
    sim.configure({ mode: 'envelope', taskDurationMs: 0 });
    sim.fault({ route: 'create', fault: { kind: 'violation' } });
    const id = String(at((await create()).json, 'data', 'task_id'));
    await wait(20);
    const done = await call(`/tencent-vod/v1/query/${id}`);
    assert.equal(at(done.json, 'data', 'status'), 'FAILURE');
    assert.match(String(at(done.json, 'data', 'fail_reason')), /content policy/);
    assert.equal(
      at(done.json, 'data', 'data', 'Response', 'AigcImageTask', 'ErrCodeExt'),
      'InvalidParameter.VoilationContent',
    );
  });

  it('errors answer with a non-zero code and the message', async () => {
    sim.configure({ mode: 'envelope' });
    sim.fault({ route: 'create', fault: { kind: 'http', status: 400, message: 'prompt too spicy' } });
    const reply = await create();
    assert.equal(reply.status, 400);
    assert.equal(reply.json.code, 400);
    assert.equal(reply.json.message, 'prompt too spicy');
  });
});

describe('faults', () => {
  it('are used up after `times`, per route and in order', async () => {
    sim.fault({ route: 'create', fault: { kind: 'http', status: 503 }, times: 2 });
    sim.fault({ route: 'create', fault: { kind: 'http', status: 500 } });
    sim.fault({ route: 'query', fault: { kind: 'http', status: 502 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await create()).status);
    assert.deepEqual(statuses, [503, 503, 500, 200]);
    const id = String(at((await create()).json, 'Response', 'TaskId'));
    assert.equal((await call(`/tencent-vod/v1/query/${id}`)).status, 502);
    assert.equal((await call(`/tencent-vod/v1/query/${id}`)).status, 200);
  });

  it('Infinity lasts until clearFaults; route any hits every API route but not the CDN', async () => {
    sim.fault({ route: 'any', fault: { kind: 'http', status: 500 }, times: Infinity });
    assert.equal((await create()).status, 500);
    assert.equal((await call('/tencent-vod/v1/query/x')).status, 500);
    assert.equal((await call(`${sim.cdnOrigin}/files/x.png`)).status, 200);
    sim.clearFaults();
    assert.equal((await create()).status, 200);
  });

  it('an HTTP fault answers in the mode’s shape with its message; 429 sets Retry-After', async () => {
    sim.fault({ route: 'create', fault: { kind: 'http', status: 400, message: 'prompt too spicy' } });
    const native = await create();
    assert.equal(native.status, 400);
    assert.equal(at(native.json, 'Response', 'Error', 'Message'), 'prompt too spicy');
    sim.fault({ route: 'create', fault: { kind: 'http', status: 429, retryAfterSeconds: 7 } });
    const limited = await create();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal(at(limited.json, 'Response', 'Error', 'Code'), 'RequestLimitExceeded');
    sim.configure({ mode: 'queue' });
    sim.fault({ route: 'create', fault: { kind: 'http', status: 400, message: 'prompt too spicy' } });
    assert.equal((await create()).json.detail, 'prompt too spicy');
  });

  it('HTML error page, malformed JSON, reset and redirect', async () => {
    sim.fault({ route: 'create', fault: { kind: 'htmlError' } });
    const html = await create();
    assert.equal(html.status, 502);
    assert.match(html.headers.get('content-type') ?? '', /html/);
    assert.match(html.text, /<title>502 Bad Gateway<\/title>/);

    sim.fault({ route: 'create', fault: { kind: 'malformedJson' } });
    const malformed = await create();
    assert.equal(malformed.status, 200);
    assert.throws(() => JSON.parse(malformed.text));

    sim.fault({ route: 'create', fault: { kind: 'reset' } });
    await assert.rejects(create());

    sim.fault({ route: 'create', fault: { kind: 'redirect' } });
    const redirect = await create();
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), `${sim.thirdOrigin}/tencent-vod/v1/aigc-image`);
    assert.equal(sim.tasks.size, 0);
  });

  it('slow answers normally after the delay, and drops the answer if the client left', async () => {
    sim.fault({ route: 'create', fault: { kind: 'slow', delayMs: 300 } });
    const started = Date.now();
    assert.equal((await create()).status, 200);
    assert.ok(Date.now() - started >= 280);

    sim.fault({ route: 'create', fault: { kind: 'slow', delayMs: 300 } });
    const before = sim.tasks.size;
    await assert.rejects(
      fetch(`${sim.apiOrigin}/tencent-vod/v1/aigc-image`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${sim.apiKey}` },
        body: JSON.stringify(BODY),
        signal: AbortSignal.timeout(50),
      }),
    );
    await wait(400);
    assert.equal(sim.tasks.size, before, 'a task nobody waits for is not created');
  });

  it('an error inside an HTTP 200 answer: Response.Error (native), a non-zero code (envelope); queue has none, so HTTP 500', async () => {
    sim.fault({ route: 'create', fault: { kind: 'bodyError', code: 'InternalError', message: 'busy' } });
    const native = await create();
    assert.equal(native.status, 200);
    assert.equal(at(native.json, 'Response', 'Error', 'Code'), 'InternalError');
    sim.configure({ mode: 'envelope' });
    sim.fault({ route: 'create', fault: { kind: 'bodyError', code: '5001', message: 'busy' } });
    const envelope = await create();
    assert.equal(envelope.status, 200);
    assert.equal(envelope.json.code, 5001);
    assert.equal(envelope.json.message, 'busy');
    sim.configure({ mode: 'queue' });
    sim.fault({ route: 'create', fault: { kind: 'bodyError', message: 'busy' } });
    assert.equal((await create()).status, 500);
    assert.equal(sim.tasks.size, 0);
  });

  it('a FINISH failure other than the content policy, after the task ran its time', async () => {
    sim.configure({ taskDurationMs: 200 });
    sim.fault({
      route: 'create',
      fault: { kind: 'taskFailure', errCode: 70001, errCodeExt: 'FailedOperation', message: 'no GPU' },
    });
    const id = await nativeTaskId();
    assert.equal(sim.tasks.get(id)!.doneAt - sim.tasks.get(id)!.createdAt, 200);
    await wait(sim.tasks.get(id)!.doneAt + 20 - Date.now());
    const done = await call(`/tencent-vod/v1/query/${id}`);
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'Status'), 'FINISH');
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'ErrCode'), 70001);
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'ErrCodeExt'), 'FailedOperation');
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'Message'), 'no GPU');
  });

  it('an outage (forMs) fails every matching request until it is over, however many', async () => {
    const id = await nativeTaskId();
    sim.fault({ route: 'query', fault: { kind: 'http', status: 503 }, forMs: 300 });
    for (let i = 0; i < 5; i++) assert.equal((await call(`/tencent-vod/v1/query/${id}`)).status, 503);
    await wait(320);
    assert.equal((await call(`/tencent-vod/v1/query/${id}`)).status, 200);
  });

  it('progress shapes: none, stuck at 99, jumps, a constant 50', async () => {
    sim.configure({ taskDurationMs: 1000 });
    const sample = async (progress: 'none' | 'stuck99' | 'jumps' | 'constant50') => {
      sim.configure({ progress });
      const id = await nativeTaskId();
      const seen: unknown[] = [];
      for (const offset of [100, 400, 800]) {
        await wait(sim.tasks.get(id)!.startAt + offset - Date.now());
        seen.push(at((await call(`/tencent-vod/v1/query/${id}`)).json, 'Response', 'AigcImageTask', 'Progress'));
      }
      return seen;
    };
    assert.deepEqual(await sample('none'), [undefined, undefined, undefined]);
    assert.deepEqual(await sample('stuck99'), [0, 99, 99]);
    assert.deepEqual(await sample('jumps'), [0, 30, 80]);
    assert.deepEqual(await sample('constant50'), [50, 50, 50]);
  });

  it('malformed optional fields, as some gateways send them', async () => {
    sim.configure({ taskDurationMs: 0, malformedFields: true });
    const id = await nativeTaskId();
    await wait(20);
    const done = await call(`/tencent-vod/v1/query/${id}`);
    assert.equal(at(done.json, 'Response', 'FinishTime'), 'N/A');
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'Output', 'FileInfos', 0, 'ExpireTime'), '0000-00-00');
    assert.equal(at(done.json, 'Response', 'AigcImageTask', 'Output', 'FileInfos', 0, 'StorageMode'), 0);
    assert.ok(
      String(at(done.json, 'Response', 'AigcImageTask', 'Output', 'FileInfos', 0, 'FileUrl')).startsWith(sim.cdnOrigin),
    );
  });

  it('refuses a fault on a route it cannot apply to', () => {
    assert.throws(() => sim.fault({ route: 'query', fault: { kind: 'violation' } }), /violation/);
    assert.throws(() => sim.fault({ route: 'create', fault: { kind: 'expiredUrl' } }), /expiredUrl/);
    assert.throws(() => sim.fault({ route: 'query', fault: { kind: 'taskFailure' } }), /taskFailure/);
  });
});

describe('the CDN and the third origin', () => {
  async function download(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; type: string | null; bytes: Buffer; headers: Headers }> {
    const response = await fetch(url, { headers, redirect: 'manual' });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes: Buffer.from(await response.arrayBuffer()),
      headers: response.headers,
    };
  }

  it('serves a real image in each format and records the request', async () => {
    for (const [format, ext] of [
      ['png', 'png'],
      ['jpeg', 'jpg'],
      ['webp', 'webp'],
    ] as const) {
      const got = await download(`${sim.cdnOrigin}/files/some-task.${ext}`);
      assert.equal(got.status, 200);
      assert.equal(got.type, `image/${format}`);
      assert.equal(sniffFormat(got.bytes), format);
    }
    assert.ok(sim.requests.every((r) => r.server === 'cdn'));
    assert.equal(sim.cdnSawAuthorization(), false);
  });

  it('the result URL of a finished task serves that task’s image', async () => {
    sim.configure({ taskDurationMs: 0, imageFormat: 'webp' });
    const id = await nativeTaskId();
    const url = String(
      at(
        (await call(`/tencent-vod/v1/query/${id}`)).json,
        'Response',
        'AigcImageTask',
        'Output',
        'FileInfos',
        0,
        'FileUrl',
      ),
    );
    const got = await download(url);
    assert.equal(got.status, 200);
    assert.equal(sniffFormat(got.bytes), 'webp');
    assert.deepEqual(got.bytes, await sceneImage(sim.sceneOf(id), 'webp'), 'the scene the simulator says it showed');
  });

  it('a gateway that echoes the key puts it in its task ids and in its result URLs’ query, and the CDN serves them', async () => {
    sim.configure({ taskDurationMs: 0, keyEcho: ['taskId', 'fileUrl'] });
    const id = await nativeTaskId();
    assert.ok(id.endsWith(`-${sim.apiKey}`), id);
    const done = await call(`/tencent-vod/v1/query/${encodeURIComponent(id)}`);
    const url = new URL(String(at(done.json, 'Response', 'AigcImageTask', 'Output', 'FileInfos', 0, 'FileUrl')));
    assert.equal(url.searchParams.get('auth'), sim.apiKey);
    assert.ok(decodeURIComponent(url.pathname).includes(sim.apiKey), url.pathname);
    assert.equal((await download(url.href)).status, 200);
  });

  it('signed result URLs carry an expiry and a signature in their query, and the CDN serves them', async () => {
    sim.configure({ taskDurationMs: 0, signedUrls: true });
    const id = await nativeTaskId();
    const url = new URL(
      String(
        at(
          (await call(`/tencent-vod/v1/query/${id}`)).json,
          'Response',
          'AigcImageTask',
          'Output',
          'FileInfos',
          0,
          'FileUrl',
        ),
      ),
    );
    assert.match(url.searchParams.get('t') ?? '', /^[0-9a-f]+$/);
    assert.match(url.searchParams.get('sign') ?? '', /^[0-9a-f]{32}$/);
    assert.equal(url.searchParams.get('auth'), null, 'no key unless the gateway echoes it');
    const got = await download(url.href);
    assert.equal(got.status, 200);
    assert.equal(sniffFormat(got.bytes), 'png');
  });

  it('a result has the shape its task asked for: 16:9 wide, 9:16 tall, 21:9 wider, square without a ratio', async () => {
    sim.configure({ taskDurationMs: 0, imageFormat: 'png' });
    const shapes: Record<string, [number, number]> = {};
    for (const ratio of ['16:9', '9:16', '21:9', undefined]) {
      const id = await nativeTaskId({ ...BODY, ...(ratio ? { output_config: { aspect_ratio: ratio } } : {}) });
      const url = String(
        at(
          (await call(`/tencent-vod/v1/query/${id}`)).json,
          'Response',
          'AigcImageTask',
          'Output',
          'FileInfos',
          0,
          'FileUrl',
        ),
      );
      const ihdr = readPng((await download(url)).bytes)[0]!.data;
      shapes[ratio ?? 'none'] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)];
    }
    assert.deepEqual(shapes, { '16:9': [128, 72], '9:16': [72, 128], '21:9': [128, 55], none: [64, 64] });
  });

  it('notices an Authorization header on the CDN or the third origin; reset forgets it', async () => {
    await download(`${sim.cdnOrigin}/files/a.png`, { Authorization: 'Bearer leaked' });
    assert.equal(sim.cdnSawAuthorization(), true);
    sim.reset();
    assert.equal(sim.cdnSawAuthorization(), false);
    await download(`${sim.thirdOrigin}/files/a.png`, { Authorization: 'Bearer leaked' });
    assert.equal(sim.cdnSawAuthorization(), true);
    assert.equal(sim.requests[0]?.server, 'third');
  });

  it('a CDN redirect goes to the third origin, which serves the same file', async () => {
    sim.fault({ route: 'cdn', fault: { kind: 'redirect' } });
    const hop = await download(`${sim.cdnOrigin}/files/a.png`);
    assert.equal(hop.status, 302);
    const location = hop.headers.get('location')!;
    assert.equal(location, `${sim.thirdOrigin}/files/a.png`);
    const got = await download(location);
    assert.equal(sniffFormat(got.bytes), 'png');
    assert.deepEqual(
      sim.requests.map((r) => r.server),
      ['cdn', 'third'],
    );
  });

  it('expired URL, not an image, oversized', async () => {
    sim.fault({ route: 'cdn', fault: { kind: 'expiredUrl' } });
    const expired = await download(`${sim.cdnOrigin}/files/a.png`);
    assert.equal(expired.status, 403);
    assert.match(expired.bytes.toString(), /expired/);

    sim.fault({ route: 'cdn', fault: { kind: 'notImage' } });
    const page = await download(`${sim.cdnOrigin}/files/a.png`);
    assert.equal(page.status, 200);
    assert.equal(page.type, 'image/png');
    assert.equal(sniffFormat(page.bytes), undefined);

    sim.fault({ route: 'cdn', fault: { kind: 'oversized', bytes: 3_000_000 } });
    const big = await download(`${sim.cdnOrigin}/files/a.png`);
    assert.equal(big.headers.get('content-length'), '3000000');
    assert.equal(big.bytes.length, 3_000_000);
    readPng(big.bytes);
  });

  it('serves images with the Content-Type it is told (application/octet-stream), the bytes unchanged', async () => {
    sim.configure({ imageContentType: 'application/octet-stream' });
    const response = await fetch(`${sim.cdnOrigin}/files/x.png`);
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    assert.equal(sniffFormat(Buffer.from(await response.arrayBuffer())), 'png');
  });

  it('a truncated body fails to read', async () => {
    sim.fault({ route: 'cdn', fault: { kind: 'truncated' } });
    const response = await fetch(`${sim.cdnOrigin}/files/a.png`);
    assert.equal(response.status, 200);
    await assert.rejects(response.arrayBuffer());
  });

  it('a finished task lists as many FileInfos as asked, each its own image on the CDN', async () => {
    sim.configure({ taskDurationMs: 0, imagesPerTask: 3 });
    const id = await nativeTaskId();
    const infos = at(
      (await call(`/tencent-vod/v1/query/${id}`)).json,
      'Response',
      'AigcImageTask',
      'Output',
      'FileInfos',
    ) as { FileUrl: string }[];
    assert.equal(infos.length, 3);
    assert.equal(new Set(infos.map((i) => i.FileUrl)).size, 3);
    assert.ok(infos[1]!.FileUrl.endsWith(`${id}_1.png`));
    for (const info of infos) assert.equal(sniffFormat((await download(info.FileUrl)).bytes), 'png');
  });

  it('fileUrl is given as the FileUrl of every finished task, unparseable as it may be', async () => {
    sim.configure({ taskDurationMs: 0, fileUrl: 'https://xn--/x.png', imagesPerTask: 2 });
    const id = await nativeTaskId();
    const infos = at(
      (await call(`/tencent-vod/v1/query/${id}`)).json,
      'Response',
      'AigcImageTask',
      'Output',
      'FileInfos',
    ) as { FileUrl: string }[];
    assert.deepEqual(
      infos.map((i) => i.FileUrl),
      ['https://xn--/x.png', 'https://xn--/x.png'],
    );
  });

  it('a trickle sends the whole image, with its full length announced, a few bytes at a time', async () => {
    const whole = (await download(`${sim.cdnOrigin}/files/a.png`)).bytes;
    sim.fault({ route: 'cdn', fault: { kind: 'trickle', bytes: 64, everyMs: 5 } });
    const response = await fetch(`${sim.cdnOrigin}/files/a.png`);
    assert.equal(response.headers.get('content-length'), String(whole.length));
    const pieces: number[] = [];
    for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) pieces.push(piece.length);
    assert.equal(
      pieces.reduce((a, b) => a + b, 0),
      whole.length,
    );
    assert.ok(pieces.length >= whole.length / 64 / 2, `${pieces.length} reads for ${whole.length} bytes`);
    assert.ok(Math.max(...pieces) <= 128, 'never much more than one piece at a time');
  });

  it('imageBytes pads every served image to the requested size', async () => {
    const unpadded = (await download(`${sim.cdnOrigin}/files/a.png`)).bytes;
    sim.configure({ imageBytes: 5 * 1024 * 1024 + 3 });
    const response = await fetch(`${sim.cdnOrigin}/files/a.png`);
    assert.equal(response.headers.get('content-length'), String(5 * 1024 * 1024 + 3));
    let received = 0;
    for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) received += piece.length;
    assert.equal(received, 5 * 1024 * 1024 + 3);
    sim.configure({ imageBytes: 0 });
    const plain = await download(`${sim.cdnOrigin}/files/a.png`);
    assert.deepEqual(plain.bytes, unpadded);
  });
});

describe('reset', () => {
  it('restores the options given at start', async () => {
    sim.configure({ mode: 'envelope', apiKey: 'other', taskDurationMs: 1 });
    sim.reset();
    assert.equal(sim.options.mode, 'native');
    assert.equal(sim.apiKey, 'sim-key');
    assert.equal(sim.options.taskDurationMs, 400);
    assert.equal(sim.requests.length, 0);
    assert.equal(sim.tasks.size, 0);
  });
});
