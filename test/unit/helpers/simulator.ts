/**
 * One gateway simulator per test file: started before the first test with `options` (quiet
 * unless told otherwise), reset to those options before each test — its requests, tasks, faults
 * and changed options forgotten — and closed after the last test.
 *
 * Call it at the top level of a test file. The returned object stands for the simulator once it
 * has started; touching it earlier (at module load) throws.
 */
import { after, before, beforeEach } from 'node:test';
import { type SimOptions, type Simulator, startSimulator } from '../../sim/simulator';

export function useSimulator(options: Partial<SimOptions> = {}): Simulator {
  let started: Simulator | undefined;
  before(async () => {
    started = await startSimulator({ quiet: true, ...options });
  });
  after(async () => {
    await started?.close();
    started = undefined;
  });
  beforeEach(() => {
    started?.reset();
  });
  return new Proxy({} as Simulator, {
    get(_target, property) {
      if (!started) throw new Error(`the simulator is not running (asked for ${String(property)})`);
      const value: unknown = Reflect.get(started, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
}
