/**
 * The image worker thread (bundled as dist/imageWorker.js): loads sharp on start, then runs one
 * job at a time as ImageWorker sends them. Decoding and encoding happen here so a 4K image never
 * holds up the extension host's event loop, and the worker can be ended to return libvips' memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isGenerationError } from '../core/errors';
import { finishImage, probeImage } from './finishImage';
import type { ProcessingCode } from './imagingErrors';
import { type LoadedSharp, loadSharp, sharpBuildFor } from './loadSharp';
import { type Job, type Reply, jobSchema, workerOptionsSchema } from './messages';

function loadOnce(): () => LoadedSharp {
  let loaded: LoadedSharp | undefined;
  return () => {
    if (!loaded) {
      const { build } = workerOptionsSchema.parse(workerData ?? { build: 'auto' });
      loaded = loadSharp(sharpBuildFor(build, process.versions, process.platform));
    }
    return loaded;
  };
}
const library = loadOnce();

async function run(job: Job): Promise<unknown> {
  switch (job.job) {
    case 'finish':
      return finishImage(library().sharp, job.input, job.spec, job.output);
    case 'probe':
      return probeImage(library().sharp, job.input);
    case 'library':
      return { build: library().build, vips: library().sharp.versions.vips };
    default: {
      const never: never = job;
      throw new Error(`unknown job ${JSON.stringify(never)}`);
    }
  }
}

/** An error as the host can rebuild it: a processing code, a file-system error, or anything else. */
function failure(id: number, error: unknown): Reply {
  const message = error instanceof Error ? error.message : String(error);
  if (isGenerationError(error) && error.kind === 'processing') {
    const code = error.code as ProcessingCode;
    return { id, ok: false, code, args: [...error.args], message: error.details ?? message };
  }
  const fields = error as { code?: unknown; syscall?: unknown; path?: unknown };
  if (typeof fields.code === 'string' && typeof fields.syscall === 'string') {
    const path = typeof fields.path === 'string' ? fields.path : undefined;
    return {
      id,
      ok: false,
      code: 'fileSystem',
      args: [],
      message,
      file: { errno: fields.code, syscall: fields.syscall, path },
    };
  }
  return {
    id,
    ok: false,
    code: 'unexpected',
    args: [],
    message: error instanceof Error ? (error.stack ?? message) : message,
  };
}

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (message: unknown) => {
  const parsed = jobSchema.safeParse(message);
  const id = (message as { id?: unknown } | undefined)?.id;
  queue = queue.then(async () => {
    let reply: Reply;
    if (!parsed.success) {
      reply = failure(
        typeof id === 'number' ? id : -1,
        new Error(`a job the worker cannot read: ${parsed.error.message}`),
      );
    } else {
      try {
        reply = { id: parsed.data.id, ok: true, value: await run(parsed.data) };
      } catch (error) {
        reply = failure(parsed.data.id, error);
      }
    }
    parentPort?.postMessage(reply);
  });
});
