import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GenerationError } from '../../src/core/errors';
import { failureToError, normaliseAnswer, normaliseSubmit } from '../../src/core/gatewayAnswer';

const detail = (task: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  Response: {
    Status: task.Status,
    TaskType: 'AigcImageTask',
    RequestId: 'req-1',
    AigcImageTask: { TaskId: 't-1', ...task },
    ...extra,
  },
});

describe('Tencent-native answers', () => {
  it('reads a create answer', () => {
    assert.deepEqual(normaliseSubmit({ Response: { TaskId: '251007502-AigcImage-1', RequestId: 'f50d' } }), {
      taskId: '251007502-AigcImage-1',
      requestId: 'f50d',
    });
  });

  it('maps WAITING, PROCESSING and FINISH', () => {
    assert.deepEqual(normaliseAnswer(detail({ Status: 'WAITING' })), {
      taskId: 't-1',
      requestId: 'req-1',
      status: 'queued',
    });
    assert.deepEqual(normaliseAnswer(detail({ Status: 'PROCESSING', Progress: 42 })), {
      taskId: 't-1',
      requestId: 'req-1',
      status: 'running',
      progress: 42,
    });
    const done = normaliseAnswer(
      detail(
        {
          Status: 'FINISH',
          Progress: 100,
          ErrCode: 0,
          ErrCodeExt: '',
          Output: {
            FileInfos: [
              {
                FileUrl: 'http://cdn.example/a.png',
                ExpireTime: '2026-01-05T12:03:57Z',
                StorageMode: 'Temporary',
                FileId: '',
              },
            ],
          },
        },
        { FinishTime: '2026-01-02T00:00:00Z' },
      ),
    );
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.status === 'succeeded' && done.images, [
      {
        url: 'http://cdn.example/a.png',
        fileId: undefined,
        expiresAt: '2026-01-05T12:03:57Z',
        storageMode: 'Temporary',
      },
    ]);
  });

  it('treats FINISH with an error code as a failure, content policy included', () => {
    const failed = normaliseAnswer(
      detail({
        Status: 'FINISH',
        ErrCode: 70000,
        ErrCodeExt: 'InvalidParameter.VoilationContent',
        Message: 'content not allowed',
      }),
    );
    assert.equal(failed.status, 'failed');
    assert.ok(failed.status === 'failed' && failed.contentPolicy);
    const error = failureToError(failed);
    assert.equal(error.kind, 'contentPolicy');
    assert.match(error.message, /InvalidParameter\.VoilationContent/);

    const ext = normaliseAnswer(detail({ Status: 'FINISH', ErrCode: 0, ErrCodeExt: 'InternalError', Message: 'boom' }));
    assert.equal(ext.status, 'failed');
    assert.equal(failureToError(ext as never).kind, 'taskFailed');
    const limit = normaliseAnswer(detail({ Status: 'FINISH', ErrCode: 1, ErrCodeExt: 'RequestLimitExceeded' }));
    assert.equal(failureToError(limit as never).kind, 'rateLimited');
  });

  it('reads an error answer', () => {
    const state = normaliseAnswer(
      { Response: { Error: { Code: 'InvalidParameterValue', Message: 'bad' }, RequestId: 'r' } },
      'x',
    );
    assert.deepEqual(state, {
      taskId: 'x',
      requestId: 'r',
      status: 'failed',
      code: 'InvalidParameterValue',
      message: 'bad',
      contentPolicy: false,
    });
    assert.throws(
      () => normaliseSubmit({ Response: { Error: { Code: 'AuthFailure', Message: 'no' }, RequestId: 'r' } }),
      GenerationError,
    );
  });

  it('reads malformed optional fields as unknown, never as a failure of a task that has images', () => {
    const done = normaliseAnswer(
      detail(
        {
          Status: 'FINISH',
          Progress: '--',
          ErrCode: '0',
          ErrCodeExt: null,
          Message: 42,
          Output: {
            FileInfos: [
              { FileUrl: 'https://cdn.example/a.png', ExpireTime: '0000-00-00', StorageMode: 0, FileId: null },
            ],
          },
        },
        { FinishTime: 'N/A', CreateTime: 12 },
      ),
    );
    assert.equal(done.status, 'succeeded');
    assert.ok(done.status === 'succeeded');
    assert.equal(done.finishedAt, undefined);
    assert.deepEqual(done.images, [
      { url: 'https://cdn.example/a.png', fileId: undefined, expiresAt: undefined, storageMode: undefined },
    ]);
    const running = normaliseAnswer(detail({ Status: 'PROCESSING', Progress: { percent: 5 } }));
    assert.deepEqual(running, { taskId: 't-1', requestId: 'req-1', status: 'running', progress: undefined });
    const valid = normaliseAnswer(
      detail(
        {
          Status: 'FINISH',
          Output: { FileInfos: [{ FileUrl: 'https://cdn/x.png', ExpireTime: '2026-01-05T12:03:57Z' }] },
        },
        { FinishTime: '2026-01-02T12:03:57Z' },
      ),
    );
    assert.ok(
      valid.status === 'succeeded' &&
        valid.finishedAt === '2026-01-02T12:03:57Z' &&
        valid.images[0]!.expiresAt === '2026-01-05T12:03:57Z',
    );
  });

  it('refuses a FINISH without images instead of reporting success', () => {
    assert.throws(
      () => normaliseAnswer(detail({ Status: 'FINISH', ErrCode: 0, Output: { FileInfos: [] } })),
      /does not understand/,
    );
  });
});

describe('queue-style answers', () => {
  const urls = { status_url: 'https://api/s', response_url: 'https://api/r', cancel_url: 'https://api/c' };
  it('reads a create answer with its URLs and queue position', () => {
    assert.deepEqual(
      normaliseSubmit({ status: 'IN_QUEUE', request_id: 'q1', queue_position: 3, logs: null, metrics: {}, ...urls }),
      {
        taskId: 'q1',
        requestId: 'q1',
        statusUrl: 'https://api/s',
        responseUrl: 'https://api/r',
        cancelUrl: 'https://api/c',
        initial: { taskId: 'q1', requestId: 'q1', status: 'queued', position: 3 },
      },
    );
  });
  it('maps IN_QUEUE, IN_PROGRESS and COMPLETED (result at response_url)', () => {
    assert.equal(normaliseAnswer({ status: 'IN_QUEUE', request_id: 'q1', queue_position: 0 }).status, 'queued');
    assert.equal(normaliseAnswer({ status: 'IN_PROGRESS', request_id: 'q1' }).status, 'running');
    assert.deepEqual(normaliseAnswer({ status: 'COMPLETED', request_id: 'q1', ...urls }), {
      taskId: 'q1',
      requestId: 'q1',
      status: 'resultReady',
      resultUrl: 'https://api/r',
    });
    assert.equal(
      normaliseAnswer({ status: 'COMPLETED', request_id: 'q1', error: 'Cancelled by user', ...urls }).status,
      'cancelled',
    );
  });
  it('reads a fal-style images result', () => {
    const state = normaliseAnswer({ images: [{ url: 'https://cdn/x.png', content_type: 'image/png' }] }, 'q1');
    assert.equal(state.status, 'succeeded');
  });
});

describe('task envelope answers', () => {
  it('reads a create answer', () => {
    assert.deepEqual(normaliseSubmit({ code: 0, message: 'success', data: { task_id: 'e1' } }), { taskId: 'e1' });
  });
  it('maps every envelope status', () => {
    for (const status of ['NOT_START', 'SUBMITTED', 'QUEUED']) {
      assert.equal(normaliseAnswer({ code: 0, data: { task_id: 'e1', status } }).status, 'queued');
    }
    assert.deepEqual(normaliseAnswer({ code: 0, data: { task_id: 'e1', status: 'IN_PROGRESS', progress: '40%' } }), {
      taskId: 'e1',
      status: 'running',
      progress: 40,
    });
    const ok = normaliseAnswer({
      code: 0,
      data: {
        task_id: 'e1',
        status: 'SUCCESS',
        data: detail({ Status: 'FINISH', ErrCode: 0, Output: { FileInfos: [{ FileUrl: 'http://cdn/a.png' }] } }),
      },
    });
    assert.equal(ok.status, 'succeeded');
    assert.equal(ok.taskId, 'e1');
    const failed = normaliseAnswer({
      code: 0,
      data: { task_id: 'e1', status: 'FAILURE', fail_reason: 'upstream said no' },
    });
    assert.equal(failed.status === 'failed' && failed.message, 'upstream said no');
  });
  it('finds the task detail nested as documented ({Response: …}) or bare', () => {
    const response = {
      Status: 'FINISH',
      AigcImageTask: { TaskId: 'e1', Status: 'FINISH', Output: { FileInfos: [{ FileUrl: 'https://cdn/e.png' }] } },
    };
    for (const inner of [{ Response: response }, response]) {
      const state = normaliseAnswer({ code: 0, message: '', data: { task_id: 'e1', status: 'SUCCESS', data: inner } });
      assert.ok(state.status === 'succeeded' && state.images[0]!.url === 'https://cdn/e.png', JSON.stringify(state));
    }
  });

  it('treats a non-zero code as a failure', () => {
    assert.throws(
      () => normaliseSubmit({ code: 1001, message: 'insufficient balance', data: null }),
      (e: unknown) => e instanceof GenerationError && e.kind === 'balance',
    );
  });
});

describe('anything else', () => {
  it('is an invalid answer with the raw body kept for the log', () => {
    for (const raw of [null, 'text', { hello: 1 }, [1, 2]]) {
      assert.throws(
        () => normaliseAnswer(raw, 't'),
        (e: unknown) => e instanceof GenerationError && e.kind === 'invalidResponse' && typeof e.details === 'string',
      );
    }
  });
});
