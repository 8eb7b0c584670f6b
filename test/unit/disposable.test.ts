import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Disposable } from '../../src/host/disposable';

class Owner extends Disposable {
  own(name: string, log: string[], fail = false) {
    return this.register({
      dispose: () => {
        log.push(name);
        if (fail) throw new Error(`${name} failed`);
      },
    });
  }
}

describe('what a host object owns is released', () => {
  it('in reverse order, once, a failing release not stopping the rest', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.own('listener', log);
    owner.own('watcher', log, true);
    owner.own('timer', log);
    owner.dispose();
    owner.dispose();
    assert.deepEqual(log, ['timer', 'watcher', 'listener']);
  });

  it('at once when registered after the owner is gone', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.dispose();
    owner.own('late', log);
    assert.deepEqual(log, ['late']);
  });
});
