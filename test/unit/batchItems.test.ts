/**
 * A batch that lands opens the compare view on its own images: all of them, each once, and not
 * before the gallery lists every one (the gallery hears of results a moment after they land).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemsOfBatch } from '../../src/shared/batchItems';
import type { GalleryItem } from '../../src/shared/galleryItem';

function item(name: string, finished?: string): GalleryItem {
  return {
    id: `file:///w/${name}.json`,
    file: `/w/${name}.png`,
    relPath: `${name}.png`,
    thumb: `thumb/${name}`,
    prompt: 'a lighthouse',
    model: 'GEM 3.0',
    createdAt: 1,
    references: 0,
    ...(finished
      ? {
          finished: {
            file: `/w/${finished}`,
            relPath: finished,
            thumb: `thumb/${finished}`,
            width: 64,
            height: 64,
            format: 'png' as const,
            hasAlpha: false,
          },
        }
      : {}),
  };
}

describe('the images of a batch that just landed', () => {
  const a = item('a');
  const b = item('b', 'b-og.png');
  const c = item('c');
  const others = [item('older'), item('oldest')];

  it('are every listed image the batch named, in the order it named them', () => {
    assert.deepEqual(itemsOfBatch([...others, c, a], ['/w/a.png', '/w/c.png']), [a, c]);
  });

  it('count an image once when the batch names both its finished file and its original', () => {
    assert.deepEqual(itemsOfBatch([a, b], ['/w/b-og.png', '/w/a.png', '/w/b.png']), [b, a]);
  });

  it('are not ready while the gallery has not listed one of them yet', () => {
    assert.equal(itemsOfBatch([a, ...others], ['/w/a.png', '/w/c.png']), undefined);
  });
});
