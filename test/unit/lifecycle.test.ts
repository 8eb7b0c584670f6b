/**
 * The task state machine, as a table: every phase, every event, what it leads to. Pure, so a
 * wrong transition shows here before any server or file is involved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TASK_PHASES,
  type LifecycleEvent,
  MAX_IMAGES_PER_TASK,
  RETENTION_MS,
  actionsOf,
  advance,
  applies,
  isCollectable,
  isPastRetention,
  isTerminal,
  needsUser,
  statusOf,
  waitsForCollectNow,
} from '../../src/core/lifecycle';
import { T0, inPhase, landedFile, note, record, succeeded } from './helpers/records';

describe('the task state machine', () => {
  it('reaches every phase through events, and each is what it claims', () => {
    for (const phase of TASK_PHASES) assert.equal(inPhase(phase).phase, phase);
  });

  it('has exactly three terminal phases, and they accept no event', () => {
    assert.deepEqual(TASK_PHASES.filter(isTerminal), ['landed', 'refused', 'discarded']);
    const events: LifecycleEvent[] = [
      { type: 'upstream', state: succeeded(['u']) },
      { type: 'discard', reason: 'user' },
      { type: 'resubmit' },
      { type: 'restarted' },
      { type: 'problem', note },
    ];
    for (const phase of ['landed', 'refused', 'discarded'] as const) {
      const before = inPhase(phase);
      for (const event of events)
        assert.equal(advance(before, event, T0 + 99), before, `${phase} ignores ${event.type}`);
    }
  });

  it('submitting: an answer with an id waits; a refusal ends it; a lost answer makes it uncertain', () => {
    const waiting = advance(
      record(),
      { type: 'submitted', ref: { taskId: 't1', cancelUrl: 'https://gw/c' }, requestId: 'q' },
      T0 + 5,
    );
    assert.equal(waiting.phase, 'waiting');
    assert.equal(waiting.ref?.taskId, 't1');
    assert.equal(waiting.submittedAt, T0 + 5);
    assert.equal(advance(record(), { type: 'submitRefused', note }, T0).phase, 'refused');
    const uncertain = advance(record(), { type: 'submitUnknown', note }, T0);
    assert.equal(uncertain.phase, 'uncertain');
    assert.ok(needsUser(uncertain.phase));
  });

  it('a host that picks up a record still submitting never submits it again by itself', () => {
    const restarted = advance(record(), { type: 'restarted' }, T0 + 10);
    assert.equal(restarted.phase, 'uncertain');
    assert.ok(!isCollectable(restarted.phase), 'an uncertain task waits for the user');
    assert.equal(advance(restarted, { type: 'resubmit' }, T0 + 20).phase, 'submitting', 'only the user sends it again');
    // Restarting a waiting or landing task changes nothing but the time.
    for (const phase of ['waiting', 'landing', 'blocked'] as const)
      assert.equal(advance(inPhase(phase), { type: 'restarted' }, T0 + 50).phase, phase);
  });

  it('waiting: queued and running answers are kept for display; problems never end the task', () => {
    let r = inPhase('waiting');
    r = advance(r, { type: 'upstream', state: { taskId: 't', status: 'queued', position: 3 } }, T0 + 10);
    assert.deepEqual(r.upstream, { status: 'queued', position: 3, at: T0 + 10 });
    r = advance(r, { type: 'problem', note: { ...note, template: 'HTTP 503' } }, T0 + 11);
    assert.equal(r.phase, 'waiting');
    assert.equal(r.problem?.template, 'HTTP 503');
    r = advance(r, { type: 'upstream', state: { taskId: 't', status: 'running', progress: 40 } }, T0 + 12);
    assert.equal(r.problem, undefined, 'an answer clears the problem');
    assert.equal(r.upstream?.progress, 40);
  });

  it('no problem ends a waiting or landing task, whatever it is: a reset, an outage, a refused key, a full disk', () => {
    const kinds = [
      'network',
      'server',
      'rateLimited',
      'auth',
      'notFound',
      'invalidResponse',
      'download',
      'fileSystem',
      'unexpected',
    ];
    for (const phase of ['waiting', 'landing'] as const) {
      for (const kind of kinds) {
        const after = advance(inPhase(phase), { type: 'problem', note: { kind, template: 'x', at: T0 } }, T0 + 9);
        assert.equal(after.phase, phase, `${phase} + a ${kind} problem`);
        assert.equal(after.problem?.kind, kind, 'the problem is shown while it lasts');
        assert.ok(isCollectable(after.phase));
      }
    }
  });

  it('waiting: a finish with images lands; a failed task is refused with its code', () => {
    const landing = advance(
      inPhase('waiting'),
      { type: 'upstream', state: succeeded(['u1', 'u2'], '2026-01-01T00:00:00.000Z') },
      T0 + 3,
    );
    assert.equal(landing.phase, 'landing');
    assert.equal(landing.images?.length, 2);
    assert.equal(landing.finishedAt, '2026-01-01T00:00:00.000Z');
    const refused = advance(
      inPhase('waiting'),
      {
        type: 'upstream',
        state: { taskId: 't', status: 'failed', code: 'InternalError', message: 'model crashed', contentPolicy: false },
      },
      T0 + 3,
    );
    assert.equal(refused.phase, 'refused');
    assert.equal(refused.outcome?.code, 'InternalError');
    assert.deepEqual(refused.outcome?.args, ['model crashed', 'InternalError']);
    const policy = advance(
      inPhase('waiting'),
      {
        type: 'upstream',
        state: {
          taskId: 't',
          status: 'failed',
          code: 'InvalidParameter.VoilationContent',
          message: '',
          contentPolicy: true,
        },
      },
      T0 + 3,
    );
    assert.equal(policy.outcome?.kind, 'contentPolicy');
  });

  it('an upstream cancel is discarded when the user asked for it, refused when not', () => {
    const asked = advance(inPhase('waiting'), { type: 'cancelRequested' }, T0 + 3);
    assert.equal(
      advance(asked, { type: 'upstream', state: { taskId: 't', status: 'cancelled' } }, T0 + 4).phase,
      'discarded',
    );
    assert.equal(
      advance(inPhase('waiting'), { type: 'upstream', state: { taskId: 't', status: 'cancelled' } }, T0 + 4).phase,
      'refused',
    );
  });

  it('landing: each image lands once; the task lands when all have', () => {
    let r = advance(inPhase('waiting'), { type: 'upstream', state: succeeded(['u1', 'u2']) }, T0 + 3);
    r = advance(r, { type: 'placing', index: 0, file: landedFile('/w/a-1.png') }, T0 + 4);
    assert.equal(r.images?.[0]?.placing?.path, '/w/a-1.png');
    r = advance(r, { type: 'imageLanded', index: 0, file: landedFile('/w/a-1.png') }, T0 + 5);
    assert.equal(r.phase, 'landing');
    assert.equal(r.images?.[0]?.placing, undefined);
    const again = advance(r, { type: 'imageLanded', index: 0, file: landedFile('/w/other.png') }, T0 + 6);
    assert.equal(again, r, 'a second "landed" for the same image changes nothing');
    r = advance(r, { type: 'imageLanded', index: 1, file: landedFile('/w/a-2.png') }, T0 + 7);
    assert.equal(r.phase, 'landed');
    assert.equal(r.endedAt, T0 + 7);
  });

  it('landing: fresh URLs replace only the images not landed yet', () => {
    let r = advance(inPhase('waiting'), { type: 'upstream', state: succeeded(['old1', 'old2']) }, T0 + 3);
    r = advance(r, { type: 'imageLanded', index: 0, file: landedFile('/w/1.png') }, T0 + 4);
    r = advance(r, { type: 'upstream', state: succeeded(['new1', 'new2']) }, T0 + 5);
    assert.equal(r.images?.[0]?.url, 'old1', 'a landed image keeps its record');
    assert.equal(r.images?.[0]?.landed?.path, '/w/1.png');
    assert.equal(r.images?.[1]?.url, 'new2');
    assert.equal(r.phase, 'landing');
  });

  it('landing: something that is not an image gets one fresh URL, then the task is refused', () => {
    let r = inPhase('landing');
    r = advance(r, { type: 'notAnImage', index: 0, note }, T0 + 4);
    assert.equal(r.phase, 'landing', 'first strike: ask for a fresh URL');
    r = advance(r, { type: 'upstream', state: succeeded(['fresh']) }, T0 + 5);
    assert.equal(r.images?.[0]?.notImage, 1, 'the strike survives the fresh URL');
    r = advance(r, { type: 'notAnImage', index: 0, note }, T0 + 6);
    assert.equal(r.phase, 'refused');
  });

  it('landing: images listed beyond the fourth are never fetched, and the landed task says how many were left out', () => {
    const urls = Array.from({ length: 10 }, (_, i) => `https://cdn/${i}.png`);
    let r = advance(inPhase('waiting'), { type: 'upstream', state: succeeded(urls) }, T0 + 3);
    assert.equal(MAX_IMAGES_PER_TASK, 4);
    assert.deepEqual(
      r.images?.map((i) => i.url),
      urls.slice(0, 4),
    );
    assert.equal(r.imagesLeftOut, 6);
    r = advance(r, { type: 'upstream', state: succeeded(urls.map((u) => `${u}?fresh`)) }, T0 + 4);
    assert.equal(r.images?.length, 4, 'a fresh answer is held to the same limit');
    for (let i = 0; i < 4; i++)
      r = advance(r, { type: 'imageLanded', index: i, file: landedFile(`/w/${i}.png`) }, T0 + 5 + i);
    assert.equal(r.phase, 'landed');
    assert.equal(r.outcome?.kind, 'leftOut');
    assert.deepEqual(r.outcome?.args, [4, 10, 6]);
    const one = advance(inPhase('landing'), { type: 'imageLanded', index: 0, file: landedFile('/w/a.png') }, T0 + 3);
    assert.equal(one.outcome, undefined, 'nothing left out, nothing said');
  });

  it('landing: an image left out by the byte limit settles like a landed one; a late "landed" for it changes nothing', () => {
    let r = advance(inPhase('waiting'), { type: 'upstream', state: succeeded(['u1', 'u2', 'u3']) }, T0 + 3);
    r = advance(r, { type: 'imageLanded', index: 0, file: landedFile('/w/1.png') }, T0 + 4);
    r = advance(r, { type: 'imageLeftOut', index: 1, note }, T0 + 5);
    assert.equal(r.phase, 'landing');
    assert.equal(r.images?.[1]?.leftOut, true);
    assert.equal(advance(r, { type: 'imageLanded', index: 1, file: landedFile('/w/2.png') }, T0 + 6), r);
    r = advance(r, { type: 'upstream', state: succeeded(['n1', 'n2', 'n3']) }, T0 + 6);
    assert.equal(r.images?.[1]?.leftOut, true, 'a fresh answer does not bring it back');
    r = advance(r, { type: 'imageLeftOut', index: 2, note }, T0 + 7);
    assert.equal(r.phase, 'landed');
    assert.deepEqual(r.outcome?.args, [1, 3, 2]);
  });

  it('landing: an unusable address is asked for again twice, then the task waits for Collect Now, which gives it another round', () => {
    const unusable = {
      kind: 'download',
      code: 'badUrl',
      template: 'The image service gave an image address that cannot be used: {0}',
      args: ['https://xn--/x.png'],
      at: T0,
    };
    let r = inPhase('landing');
    for (let strike = 1; strike <= 3; strike++) {
      assert.ok(!waitsForCollectNow(r), `before strike ${strike} it still asks`);
      r = advance(r, { type: 'unusableUrl', index: 0, note: unusable }, T0 + 10 * strike);
      if (strike < 3)
        r = advance(r, { type: 'upstream', state: succeeded(['https://xn--/x.png']) }, T0 + 10 * strike + 1);
    }
    assert.equal(r.images?.[0]?.unusable, 3, 'strikes survive fresh answers');
    assert.ok(waitsForCollectNow(r));
    assert.equal(r.phase, 'landing', 'not refused, not lost: the task was billed');
    assert.deepEqual(r.problem?.args, ['https://xn--/x.png']);
    assert.deepEqual(actionsOf(r, false), ['collectNow', 'discard']);
    const retried = advance(r, { type: 'retry' }, T0 + 50);
    assert.ok(!waitsForCollectNow(retried));
    assert.equal(retried.images?.[0]?.unusable, undefined);
    assert.equal(
      advance(retried, { type: 'retry' }, T0 + 51),
      retried,
      'nothing to retry: the record is left as it is',
    );
  });

  it('landing: a failed or cancelled answer after the finish cannot undo it', () => {
    const landing = inPhase('landing');
    assert.equal(
      advance(
        landing,
        { type: 'upstream', state: { taskId: 't', status: 'failed', code: 'X', message: '', contentPolicy: false } },
        T0 + 9,
      ),
      landing,
    );
    assert.equal(advance(landing, { type: 'upstream', state: { taskId: 't', status: 'cancelled' } }, T0 + 9), landing);
  });

  it('blocked: a chosen folder resumes landing there; a problem elsewhere never blocks', () => {
    const blocked = inPhase('blocked');
    assert.ok(needsUser(blocked.phase));
    const resumed = advance(blocked, { type: 'folderChosen', targetDir: '/elsewhere' }, T0 + 9);
    assert.equal(resumed.phase, 'landing');
    assert.equal(resumed.target.targetDir, '/elsewhere');
    assert.equal(resumed.problem, undefined);
    assert.equal(
      advance(inPhase('landing'), { type: 'problem', note }, T0 + 9).phase,
      'landing',
      'a CDN error or a full disk: try later',
    );
  });

  it('discard works in every phase that is not over', () => {
    for (const phase of TASK_PHASES.filter((p) => !isTerminal(p))) {
      const discarded = advance(inPhase(phase), { type: 'discard', reason: 'user' }, T0 + 9);
      assert.equal(discarded.phase, 'discarded', phase);
      assert.equal(discarded.outcome?.kind, 'discarded');
    }
  });

  it('is past retention three days after submission (not after the last look)', () => {
    const waiting = inPhase('waiting');
    assert.ok(!isPastRetention(waiting, waiting.submittedAt! + RETENTION_MS - 1));
    assert.ok(isPastRetention(waiting, waiting.submittedAt! + RETENTION_MS + 1));
    assert.ok(!isPastRetention(inPhase('landed'), T0 + 10 * RETENTION_MS), 'an ended task is not "expired"');
    const expired = advance(waiting, { type: 'discard', reason: 'retention' }, T0 + RETENTION_MS + 2);
    assert.equal(expired.outcome?.kind, 'expired');
  });

  it('every event a phase does not list leaves the record as it is', () => {
    const events: LifecycleEvent[] = [
      { type: 'submitted', ref: { taskId: 'x' } },
      { type: 'submitRefused', note },
      { type: 'submitUnknown', note },
      { type: 'resubmit' },
      { type: 'restarted' },
      { type: 'upstream', state: succeeded(['u']) },
      { type: 'problem', note },
      { type: 'placing', index: 0, file: landedFile('/p') },
      { type: 'imageLanded', index: 0, file: landedFile('/p') },
      { type: 'notAnImage', index: 0, note },
      { type: 'unusableUrl', index: 0, note },
      { type: 'imageLeftOut', index: 0, note },
      { type: 'retry' },
      { type: 'needsFolder', note },
      { type: 'folderChosen', targetDir: '/d' },
      { type: 'cancelRequested' },
      { type: 'cancelWhenSubmitted' },
      { type: 'discard', reason: 'user' },
    ];
    let checked = 0;
    for (const phase of TASK_PHASES) {
      const before = inPhase(phase);
      for (const event of events) {
        if (applies(phase, event.type)) continue;
        assert.equal(advance(before, event, T0 + 99), before, `${phase} + ${event.type}`);
        checked++;
      }
    }
    assert.ok(checked > 60, `checked ${checked} pairs`);
  });
});

describe('what the user sees of a task', () => {
  it('one status per phase; a waiting task is "background" once nobody watches', () => {
    assert.equal(statusOf(inPhase('waiting'), true), 'queued');
    const running = advance(
      inPhase('waiting'),
      { type: 'upstream', state: { taskId: 't', status: 'running', progress: 5 } },
      T0 + 3,
    );
    assert.equal(statusOf(running, true), 'running');
    assert.equal(statusOf(running, false), 'background');
    assert.equal(statusOf(inPhase('landing'), true), 'saving');
    assert.equal(statusOf(inPhase('uncertain'), false), 'uncertain');
    assert.equal(statusOf(inPhase('blocked'), false), 'blocked');
    for (const phase of ['landed', 'refused', 'discarded'] as const)
      assert.equal(statusOf(inPhase(phase), false), phase);
  });

  it('offers what really happens: cancel only where the gateway can, stop waiting otherwise', () => {
    assert.deepEqual(
      actionsOf(inPhase('waiting'), true),
      ['stopWaiting'],
      'no cancel_url: stopping the wait is all there is',
    );
    const cancellable = advance(
      record(),
      { type: 'submitted', ref: { taskId: 't', cancelUrl: 'https://gw/c' } },
      T0 + 1,
    );
    assert.deepEqual(actionsOf(cancellable, true), ['cancel']);
    assert.deepEqual(
      actionsOf(inPhase('waiting'), false),
      ['collectNow', 'discard'],
      'a background task: collect now or discard',
    );
    assert.deepEqual(actionsOf(inPhase('uncertain'), false), ['resubmit', 'discard']);
    assert.deepEqual(actionsOf(inPhase('blocked'), false), ['chooseFolder', 'discard']);
    assert.deepEqual(actionsOf(inPhase('landing'), true), [], 'a finished task is saved, not cancelled');
    assert.deepEqual(actionsOf(advance(inPhase('landing'), { type: 'problem', note }, T0 + 5), false), [
      'collectNow',
      'discard',
    ]);
    for (const phase of ['landed', 'refused', 'discarded'] as const)
      assert.deepEqual(actionsOf(inPhase(phase), false), []);
    assert.deepEqual(
      actionsOf(advance(record(), { type: 'cancelWhenSubmitted' }, T0), true),
      [],
      'a cancel already on its way',
    );
  });
});
