/**
 * The details of the task state machine a wrong transition gets subtly wrong: the edges of
 * retention, what a fresh answer keeps of an image being placed, which image an event touches in
 * a task of several, when an answer is news, and the words of every note. Mutation testing
 * (docs/mutation-testing.md) found each of these untested; lifecycle.test.ts has the main table.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  TASK_PHASES,
  MAX_IMAGES_PER_TASK,
  MAX_TASK_BYTES,
  type Note,
  TASK_STATUSES,
  type TaskRecord,
  actionsOf,
  advance,
  isCollectable,
  isEndedStatus,
  isPastRetention,
  isTerminal,
  needsUser,
  waitsForCollectNow,
} from '../../src/core/lifecycle';
import { T0, inPhase, landedFile, landingWith, note, record, succeeded } from './helpers/records';

const HOUR = 3600_000;
const unusable = { kind: 'download', code: 'badUrl', template: 'x', at: T0 };

/** Three unusable addresses in a row for one image: the task stops asking (UNUSABLE_URL_TRIES). */
function struckThrice(start: TaskRecord, index: number): TaskRecord {
  let r = start;
  for (let strike = 1; strike <= 3; strike++)
    r = advance(r, { type: 'unusableUrl', index, note: unusable }, T0 + 10 + strike);
  return r;
}

describe('who works on a task', () => {
  it('the extension collects a task submitting, waiting or landing; the user decides an uncertain or blocked one; three phases are over', () => {
    const table = TASK_PHASES.map((phase) => [phase, isCollectable(phase), needsUser(phase), isTerminal(phase)]);
    assert.deepEqual(table, [
      ['submitting', true, false, false],
      ['uncertain', false, true, false],
      ['waiting', true, false, false],
      ['landing', true, false, false],
      ['blocked', false, true, false],
      ['landed', false, false, true],
      ['refused', false, false, true],
      ['discarded', false, false, true],
    ]);
  });

  it('a task is collected for three days after its submission: at 71 hours and at exactly 72 still, at 73 no more', () => {
    const waiting = inPhase('waiting');
    const submitted = waiting.submittedAt!;
    assert.ok(!isPastRetention(waiting, submitted + 71 * HOUR));
    assert.ok(!isPastRetention(waiting, submitted + 72 * HOUR));
    assert.ok(isPastRetention(waiting, submitted + 73 * HOUR));
  });

  it('a task brings at most four images and 400 MB, the limits the documentation gives', () => {
    assert.equal(MAX_IMAGES_PER_TASK, 4);
    assert.equal(MAX_TASK_BYTES, 400 * 1024 * 1024);
  });

  it('a task being submitted can be cancelled; once the cancel is on its way nothing more is offered, and the task is still submitting', () => {
    assert.deepEqual(actionsOf(inPhase('submitting'), true), ['cancel']);
    const cancelling = advance(record(), { type: 'cancelWhenSubmitted' }, T0);
    assert.deepEqual(actionsOf(cancelling, true), []);
    assert.equal(cancelling.phase, 'submitting', 'the create in flight is answered first');
    assert.equal(cancelling.cancelWhenSubmitted, true);
  });

  it('the task list counts as open every status but landed, refused and discarded', () => {
    const ended = TASK_STATUSES.filter(isEndedStatus);
    assert.deepEqual(ended, ['landed', 'refused', 'discarded']);
  });
});

describe('what a waiting task keeps of the gateway’s answers', () => {
  it('keeps the request id the create answered with', () => {
    const waiting = advance(record(), { type: 'submitted', ref: { taskId: 't' }, requestId: 'req-1' }, T0 + 1);
    assert.equal(waiting.requestId, 'req-1');
  });

  it('a queued answer keeps the position only; a running one the progress only', () => {
    const queued = advance(
      inPhase('waiting'),
      { type: 'upstream', state: { taskId: 't', status: 'queued', position: 2 } },
      T0 + 5,
    );
    assert.deepEqual(queued.upstream, { status: 'queued', position: 2, at: T0 + 5 });
    const running = advance(
      queued,
      { type: 'upstream', state: { taskId: 't', status: 'running', progress: 30 } },
      T0 + 6,
    );
    assert.deepEqual(running.upstream, { status: 'running', progress: 30, at: T0 + 6 });
  });

  it('the same answer again changes nothing (no journal write, no redraw); a new position or progress, or a problem to clear, does', () => {
    const queued = advance(
      inPhase('waiting'),
      { type: 'upstream', state: { taskId: 't', status: 'queued', position: 2 } },
      T0 + 5,
    );
    assert.equal(
      advance(queued, { type: 'upstream', state: { taskId: 't', status: 'queued', position: 2 } }, T0 + 6),
      queued,
    );
    assert.equal(
      advance(queued, { type: 'upstream', state: { taskId: 't', status: 'queued', position: 1 } }, T0 + 6).upstream
        ?.position,
      1,
    );
    const running = advance(
      queued,
      { type: 'upstream', state: { taskId: 't', status: 'running', progress: 30 } },
      T0 + 7,
    );
    assert.equal(
      advance(running, { type: 'upstream', state: { taskId: 't', status: 'running', progress: 30 } }, T0 + 8),
      running,
    );
    assert.equal(
      advance(running, { type: 'upstream', state: { taskId: 't', status: 'running', progress: 31 } }, T0 + 8).upstream
        ?.progress,
      31,
    );
    const troubled = advance(running, { type: 'problem', note }, T0 + 9);
    const cleared = advance(
      troubled,
      { type: 'upstream', state: { taskId: 't', status: 'running', progress: 30 } },
      T0 + 10,
    );
    assert.notEqual(cleared, troubled);
    assert.equal(cleared.problem, undefined, 'the same answer after a failed look clears the problem');
  });

  it('a queued or running answer that arrives after the finish changes nothing', () => {
    const landing = inPhase('landing');
    assert.equal(
      advance(landing, { type: 'upstream', state: { taskId: 't', status: 'running', progress: 50 } }, T0 + 9),
      landing,
    );
    assert.equal(advance(landing, { type: 'upstream', state: { taskId: 't', status: 'queued' } }, T0 + 9), landing);
  });
});

describe('the images of a landing task', () => {
  it('a fresh answer keeps the name an image was being placed under, and its strikes', () => {
    let r = landingWith(['old-1', 'old-2']);
    r = advance(r, { type: 'placing', index: 0, file: landedFile('/w/a-1.png') }, T0 + 4);
    r = advance(r, { type: 'notAnImage', index: 1, note }, T0 + 5);
    r = advance(r, { type: 'unusableUrl', index: 1, note: unusable }, T0 + 6);
    r = advance(r, { type: 'upstream', state: succeeded(['new-1', 'new-2']) }, T0 + 7);
    assert.deepEqual(r.images, [
      { url: 'new-1', placing: landedFile('/w/a-1.png') },
      { url: 'new-2', notImage: 1, unusable: 1 },
    ]);
  });

  it('an event about the second image leaves the first as it was', () => {
    const start = landingWith(['u1', 'u2', 'u3']);
    const first = start.images![0];
    for (const event of [
      { type: 'notAnImage', index: 1, note },
      { type: 'unusableUrl', index: 1, note: unusable },
      { type: 'imageLeftOut', index: 1, note },
      { type: 'placing', index: 1, file: landedFile('/w/2.png') },
    ] as const) {
      const after = advance(start, event, T0 + 5);
      assert.deepEqual(after.images?.[0], first, event.type);
      assert.equal(after.images?.length, 3, event.type);
    }
  });

  it('an image event about an image already landed, or one the task does not have, changes nothing', () => {
    const oneLanded = advance(
      landingWith(['u1', 'u2']),
      { type: 'imageLanded', index: 0, file: landedFile('/w/1.png') },
      T0 + 4,
    );
    for (const index of [0, 7]) {
      for (const event of [
        { type: 'placing', index, file: landedFile('/w/other.png') },
        { type: 'imageLanded', index, file: landedFile('/w/other.png') },
        { type: 'imageLeftOut', index, note },
        { type: 'notAnImage', index, note },
        { type: 'unusableUrl', index, note: unusable },
      ] as const) {
        assert.equal(advance(oneLanded, event, T0 + 5), oneLanded, `${event.type} for image ${index}`);
      }
    }
  });

  it('the count of images left out follows the latest answer: ten, then two, then exactly four', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `u${i}`);
    const r = landingWith(ten);
    assert.equal(r.imagesLeftOut, 6);
    assert.equal(advance(r, { type: 'upstream', state: succeeded(ten.slice(0, 2)) }, T0 + 5).imagesLeftOut, undefined);
    assert.equal(advance(r, { type: 'upstream', state: succeeded(ten.slice(0, 4)) }, T0 + 5).imagesLeftOut, undefined);
  });

  it('one image out of addresses is enough to wait for Collect Now; a landed, left-out or discarded one is not', () => {
    const two = landingWith(['https://xn--/a.png', 'https://cdn/b.png']);
    const stuck = struckThrice(two, 0);
    assert.ok(waitsForCollectNow(stuck), 'one of two images is enough');
    assert.ok(
      !waitsForCollectNow(advance(stuck, { type: 'imageLanded', index: 0, file: landedFile('/w/a.png') }, T0 + 20)),
    );
    assert.ok(!waitsForCollectNow(advance(stuck, { type: 'imageLeftOut', index: 0, note }, T0 + 20)));
    const discarded = advance(stuck, { type: 'discard', reason: 'user' }, T0 + 20);
    assert.equal(discarded.images?.[0]?.unusable, 3);
    assert.ok(!waitsForCollectNow(discarded), 'a task that is over waits for nothing');
  });

  it('Collect Now clears the strikes of the one image that has them', () => {
    const stuck = struckThrice(landingWith(['https://cdn/a.png', 'https://xn--/b.png']), 1);
    const retried = advance(stuck, { type: 'retry' }, T0 + 30);
    assert.deepEqual(
      retried.images?.map((i) => i.unusable),
      [undefined, undefined],
    );
    assert.ok(!waitsForCollectNow(retried));
  });

  it('a folder chosen for a blocked task is remembered as chosen: the one folder not held to the workspace', () => {
    const resumed = advance(inPhase('blocked'), { type: 'folderChosen', targetDir: '/picked' }, T0 + 9);
    assert.equal(resumed.target.chosen, true);
  });
});

describe('the notes a task shows', () => {
  const bundle = JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', '..', 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8'),
  ) as Record<string, string>;

  /** The note, checked to be one the host can show translated. */
  function shown(n: Note | undefined, kind: string): Note {
    assert.ok(n, `a ${kind} note`);
    assert.equal(n.kind, kind);
    assert.ok(n.template in bundle, `"${n.template}" has a translation`);
    return n;
  }

  it('each ending and each lost submission says why, in words the host translates', () => {
    shown(advance(record(), { type: 'restarted' }, T0 + 1).problem, 'uncertain');
    shown(advance(inPhase('waiting'), { type: 'discard', reason: 'user' }, T0 + 2).outcome, 'discarded');
    shown(advance(inPhase('waiting'), { type: 'discard', reason: 'retention' }, T0 + 2).outcome, 'expired');
    const failed = { taskId: 't', status: 'failed', message: 'the model crashed', contentPolicy: false } as const;
    const policy = shown(
      advance(
        inPhase('waiting'),
        { type: 'upstream', state: { ...failed, code: 'InvalidParameter.VoilationContent', contentPolicy: true } },
        T0 + 3,
      ).outcome,
      'contentPolicy',
    );
    assert.deepEqual(policy.args, ['InvalidParameter.VoilationContent']);
    shown(
      advance(inPhase('waiting'), { type: 'upstream', state: { ...failed, code: 'InternalError' } }, T0 + 3).outcome,
      'taskFailed',
    );
    const cancelled = { taskId: 't', status: 'cancelled' } as const;
    const asked = advance(inPhase('waiting'), { type: 'cancelRequested' }, T0 + 3);
    const mine = shown(advance(asked, { type: 'upstream', state: cancelled }, T0 + 4).outcome, 'cancelled');
    const theirs = shown(
      advance(inPhase('waiting'), { type: 'upstream', state: cancelled }, T0 + 4).outcome,
      'cancelled',
    );
    assert.notEqual(
      mine.template,
      theirs.template,
      'a cancel the user asked for reads differently from one the gateway made',
    );
    let many = landingWith(['u1', 'u2', 'u3', 'u4', 'u5']);
    for (let i = 0; i < 4; i++)
      many = advance(many, { type: 'imageLanded', index: i, file: landedFile(`/w/${i}.png`) }, T0 + 5 + i);
    shown(many.outcome, 'leftOut');
  });
});
