/**
 * The A/B compare flips two images over each other: marking A and B must always leave two
 * different images (or fewer), whatever order the user presses the keys in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ComparePair, isComplete, markSide, otherSide, sideOf } from '../../src/shared/comparePair';

describe('choosing the two images to flip between', () => {
  it('opens the A/B view only once A and B are on two different images', () => {
    let pair: ComparePair = {};
    pair = markSide(pair, 'A', 0);
    assert.equal(isComplete(pair), false);
    pair = markSide(pair, 'B', 2);
    assert.equal(isComplete(pair), true);
    assert.deepEqual(pair, { A: 0, B: 2 });
  });

  it('moves a mark rather than compare an image with itself', () => {
    const pair = markSide({ A: 1, B: 3 }, 'B', 1);
    assert.deepEqual(pair, { B: 1 });
    assert.equal(isComplete(pair), false);
  });

  it('moves A to another image and keeps B where it was', () => {
    assert.deepEqual(markSide({ A: 1, B: 3 }, 'A', 2), { A: 2, B: 3 });
  });

  it('says which side an image is marked as, and which side is the other', () => {
    const cases: [ComparePair, number, string | undefined][] = [
      [{ A: 0, B: 1 }, 0, 'A'],
      [{ A: 0, B: 1 }, 1, 'B'],
      [{ A: 0 }, 1, undefined],
    ];
    for (const [pair, index, side] of cases) assert.equal(sideOf(pair, index), side);
    assert.equal(otherSide('A'), 'B');
    assert.equal(otherSide('B'), 'A');
  });
});
