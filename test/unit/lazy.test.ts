import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lazy, once } from '../../src/host/lazy';

describe('loading on first use', () => {
  it('loads once however many callers ask, at the first call and not before', async () => {
    let loads = 0;
    const get = lazy(async () => ++loads);
    assert.equal(loads, 0);
    assert.deepEqual(await Promise.all([get(), get(), get()]), [1, 1, 1]);
    assert.equal(loads, 1);
  });

  it('tries again after a failed load instead of failing for ever', async () => {
    let attempts = 0;
    const get = lazy(async () => {
      if (++attempts === 1) throw new Error('not yet');
      return 'loaded';
    });
    await assert.rejects(get(), /not yet/);
    assert.equal(await get(), 'loaded');
    assert.equal(attempts, 2);
  });

  it('makes a synchronous value once', () => {
    let made = 0;
    const get = once(() => ({ n: ++made }));
    assert.equal(get(), get());
    assert.equal(made, 1);
  });
});
