/**
 * The two images an A/B compare flips between. Near-identical tries are told apart by flipping
 * one over the other in the same place, so the pair is two distinct images: marking the image
 * that is already the other side moves that side's mark rather than comparing an image with
 * itself. Pure: the compare dialog keeps one of these and draws it.
 */
export type Side = 'A' | 'B';

export interface ComparePair {
  A?: number;
  B?: number;
}

export function otherSide(side: Side): Side {
  return side === 'A' ? 'B' : 'A';
}

/** `pair` with `side` on image `index`; the other side lets go of that image. */
export function markSide(pair: ComparePair, side: Side, index: number): ComparePair {
  const other = otherSide(side);
  const next: ComparePair = { ...pair, [side]: index };
  if (next[other] === index) delete next[other];
  return next;
}

/** Both sides marked on two different images: the A/B view can open. */
export function isComplete(pair: ComparePair): pair is Required<ComparePair> {
  return pair.A !== undefined && pair.B !== undefined && pair.A !== pair.B;
}

/** The side image `index` is marked as, if any. */
export function sideOf(pair: ComparePair, index: number): Side | undefined {
  if (pair.A === index) return 'A';
  if (pair.B === index) return 'B';
  return undefined;
}
