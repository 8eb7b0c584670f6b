/**
 * A separate process that contends for task leases, as a second extension host would. Driven
 * over IPC by journal.test.ts: `{ dir, id, owner }` → it checks the lease, says `'checked'`,
 * waits for `'claim'` (so every contender has checked before any claims: a forced race), then
 * claims and answers `{ won, generation }`.
 */
import { TaskJournal } from '../../../src/core/journal';

interface Order {
  dir: string;
  id: string;
  owner: string;
  staleMs?: number;
}

let release: (() => void) | undefined;

process.on('message', (message: Order | 'exit' | 'claim') => {
  if (message === 'exit') process.exit(0);
  if (message === 'claim') {
    release?.();
    return;
  }
  const order = message;
  void (async () => {
    const journal = new TaskJournal(
      order.dir,
      { id: order.owner, pid: process.pid, host: 'test-host' },
      {
        staleMs: order.staleMs,
        beforeClaim: () =>
          new Promise<void>((resolve) => {
            release = resolve;
            process.send!('checked');
          }),
      },
    );
    const lease = await journal.tryAcquire(order.id);
    process.send!({ won: lease !== undefined, generation: lease?.generation ?? 0 });
  })();
});
process.send!('ready');
