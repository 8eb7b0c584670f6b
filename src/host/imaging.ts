/**
 * The extension's one image engine. Host code asks for it here and gets an ImageFinisher at once;
 * the engine's code (src/imaging) is imported on the first job and its worker thread started then,
 * so activation loads none of it. One engine per extension: every command shares its queue.
 */
import * as path from 'node:path';
import type { FinishReport, FinishSpec, ImageFacts, ImageFinisher } from '../core/finish';
import type { ImageWorker } from '../imaging/imageWorker';
import { lazy } from './lazy';

interface SharedEngine {
  finisher: ImageFinisher;
  /** The worker, if a job has loaded it. */
  loaded?: ImageWorker;
}

let shared: SharedEngine | undefined;

function makeShared(extensionPath: string): SharedEngine {
  const engine: SharedEngine = { finisher: undefined as unknown as ImageFinisher };
  const worker = lazy(() =>
    import('../imaging/imageWorker.js').then(({ ImageWorker }) => {
      engine.loaded = new ImageWorker({ script: path.join(extensionPath, 'dist', 'imageWorker.js') });
      return engine.loaded;
    }),
  );
  engine.finisher = {
    finish: async (input: string, spec: FinishSpec, output: string): Promise<FinishReport> =>
      (await worker()).finish(input, spec, output),
    probe: async (input: string): Promise<ImageFacts> => (await worker()).probe(input),
  };
  return engine;
}

/** The shared ImageFinisher of the extension installed at `extension` (its path or its Uri). */
export function imageFinisher(extension: string | { fsPath: string }): ImageFinisher {
  shared ??= makeShared(typeof extension === 'string' ? extension : extension.fsPath);
  return shared.finisher;
}

/** Ends the engine's worker (a job in flight fails as stopped); the next imageFinisher() call makes a new engine. */
export async function disposeImageFinisher(): Promise<void> {
  const engine = shared;
  shared = undefined;
  await engine?.loaded?.dispose();
}
