/**
 * The quick fix on a missing image makes the file the document names — its format from the
 * name, its size from the document — and leaves the document alone when that file lands where it
 * was named; a reference moves only to a finished file that had to take another name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FinishedFile } from '../../src/core/finish';
import type { TaskRecord } from '../../src/core/lifecycle';
import { finishLabel, missingImageFinish, sizeArgument } from '../../src/core/missingImageFinish';
import { referenceMove } from '../../src/core/referenceMove';
import { inPhase, landedFile } from './helpers/records';

const OG = { width: 1200, height: 630 };

describe('what the quick fix asks to be made', () => {
  it('a JPEG of the stated size at og.jpg', () => {
    assert.deepEqual(missingImageFinish('/w/site/og.jpg', OG), { size: OG, format: 'jpeg', path: '/w/site/og.jpg' });
  });

  it('the format of the name without a stated size, for PNG, JPEG, WebP and AVIF', () => {
    for (const [name, format] of [
      ['a.png', 'png'],
      ['b.JPEG', 'jpeg'],
      ['c.webp', 'webp'],
      ['d.avif', 'avif'],
    ] as const)
      assert.deepEqual(missingImageFinish(`/w/${name}`, undefined), { format, path: `/w/${name}` });
  });

  it('nothing to finish for a name of another format (saved as the model made it)', () => {
    assert.equal(missingImageFinish('/w/anim.gif', OG), undefined);
  });

  it('a size passed to the command is used only when it is one a finished file can have', () => {
    assert.deepEqual(sizeArgument({ width: 1200, height: 630, extra: 'ignored' }), OG);
    for (const forged of [
      { width: 0, height: 630 },
      { width: 1e9, height: 630 },
      { width: 1200.5, height: 630 },
      { width: '1200', height: '630' },
      { width: 1200 },
      'big',
      null,
    ])
      assert.equal(sizeArgument(forged), undefined, JSON.stringify(forged));
  });

  it('titles say what will be made', () => {
    assert.equal(finishLabel({ size: OG, format: 'jpeg' }), '1200×630 JPEG');
    assert.equal(finishLabel({ format: 'webp' }), 'WebP');
  });
});

const reference = { document: '/w/site/index.html', start: 10, end: 16, written: 'og.jpg' };

/** A landed quick-fix task; `finished` is what the landing journalled for its image. */
function landedTask(target: Partial<TaskRecord['target']>, finished?: string): TaskRecord {
  const record = inPhase('landed');
  const image = record.images![0]!;
  const finishedFile: FinishedFile | undefined = finished
    ? {
        ...landedFile(finished),
        format: 'jpeg',
        width: 1200,
        height: 630,
        hasAlpha: false,
        crop: { left: 0, top: 0, width: 1920, height: 1008 },
        filter: 'lanczos3',
      }
    : undefined;
  return {
    ...record,
    target: { ...record.target, reference, ...target },
    // Set directly: the landing journals it after the original has landed.
    images: [{ ...image, ...(finishedFile ? { finished: finishedFile } : {}) }],
  };
}

describe('where the document reference points after the task lands', () => {
  const finish = { size: OG, format: 'jpeg' as const, path: '/w/site/og.jpg' };

  it('at the finished file, which is where the document named it: nothing to edit', () => {
    const move = referenceMove(landedTask({ finish }, '/w/site/og.jpg'));
    assert.equal(move?.saved, move?.asked);
    assert.equal(move?.saved, '/w/site/og.jpg');
  });

  it('at the finished file under its free name when og.jpg was taken meanwhile, not at the original', () => {
    const move = referenceMove(landedTask({ finish }, '/w/site/og-2.jpg'));
    assert.deepEqual(move, { reference, asked: '/w/site/og.jpg', saved: '/w/site/og-2.jpg' });
  });

  it('nowhere when the finished file could not be made (the original in the output folder is not what the page asked for)', () => {
    assert.equal(referenceMove(landedTask({ finish })), undefined);
  });

  it('at the image under its true extension for a task without a finish, as before', () => {
    const move = referenceMove(landedTask({ exactPath: '/w/site/team.jpg' }));
    assert.deepEqual(move, { reference, asked: '/w/site/team.jpg', saved: '/w/a.png' });
  });

  it('nowhere before the task has landed', () => {
    const waiting = { ...inPhase('waiting'), target: { ...inPhase('waiting').target, reference, finish } };
    assert.equal(referenceMove(waiting), undefined);
  });
});
