/**
 * Times one hostile document against an ordinary one of the same language and size, in its own
 * process so that linkScanCost.test.ts can kill a scan that never ends. Run as
 * `node scanTimer.js <size> <document name>` (or `heading` for the prompt's heading look-up);
 * prints `{ ordinaryMs, hostileMs }`, the fastest of several interleaved runs of each — the
 * run least disturbed by whatever else the machine is doing.
 */
import { findImageLinks, promptFor } from '../../../src/core/imageLinks';
import {
  hostileDocuments,
  hostileHeadingDocument,
  ordinaryDocument,
  ordinaryHeadingDocument,
} from '../../support/scanDocuments';

const RUNS = 40;

function fastest(runs: Array<() => unknown>): number[] {
  const best = runs.map(() => Infinity);
  for (let i = 0; i < RUNS; i++) {
    runs.forEach((run, j) => {
      const started = performance.now();
      run();
      best[j] = Math.min(best[j]!, performance.now() - started);
    });
  }
  return best;
}

/** A prompt for the image at the end of `text`: its heading has to be looked for above it. */
function promptAtEnd(text: string): () => string {
  const reference = findImageLinks(text, 'markdown').at(-1);
  if (!reference) throw new Error('no image in the document');
  return () => promptFor(reference, text);
}

function measure(size: number, name: string): { ordinaryMs: number; hostileMs: number } {
  if (name === 'heading') {
    const [ordinaryMs, hostileMs] = fastest([
      promptAtEnd(ordinaryHeadingDocument(size)),
      promptAtEnd(hostileHeadingDocument(size)),
    ]);
    return { ordinaryMs: ordinaryMs!, hostileMs: hostileMs! };
  }
  const hostile = hostileDocuments(size).find((d) => d.name === name);
  if (!hostile) throw new Error(`no hostile document named ${name}`);
  const ordinary = ordinaryDocument(hostile.languageId, size);
  const [ordinaryMs, hostileMs] = fastest([
    () => findImageLinks(ordinary, hostile.languageId),
    () => findImageLinks(hostile.text, hostile.languageId),
  ]);
  return { ordinaryMs: ordinaryMs!, hostileMs: hostileMs! };
}

process.stdout.write(`${JSON.stringify(measure(Number(process.argv[2]), process.argv[3]!))}\n`);
