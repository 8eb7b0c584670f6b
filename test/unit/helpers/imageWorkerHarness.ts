/**
 * Runs the real image worker with something the tests need to happen to it: a crash in the
 * middle of a job (`AIGC_WORKER_CRASH_ON`: the worker exits as a job for a file of that name
 * arrives), or an installation where sharp cannot be found (`AIGC_WORKER_NO_SHARP`). Test-only:
 * the worker itself has no such switches.
 */
import Module from 'node:module';
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';

interface ResolvingModule {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

if (process.env.AIGC_WORKER_NO_SHARP) {
  const loader = Module as unknown as ResolvingModule;
  const resolve = loader._resolveFilename.bind(loader);
  loader._resolveFilename = (request: string, ...rest: unknown[]) => {
    if (request === 'sharp')
      throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
    return resolve(request, ...rest);
  };
}

const crashOn = process.env.AIGC_WORKER_CRASH_ON;
if (crashOn) {
  parentPort?.on('message', (message: { input?: string }) => {
    if (message.input && path.basename(message.input) === crashOn) process.exit(70);
  });
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the worker runs where it is required
require(path.join(__dirname, '..', '..', '..', 'src', 'imaging', 'worker.js'));
