/**
 * The missing-image quick fix scans a document on every cursor move, in the extension host that
 * every extension shares. Scanners built on backtracking regular expressions took seconds to
 * minutes on crafted files (a style sheet of repeated `url(`, `import` before blank lines), and
 * the whole editor froze meanwhile. Here every document built to make a scanner re-read its text
 * (`rescan` in scanDocuments.ts) has to be scanned within a small multiple of an ordinary one of
 * the same language and size, both timed in the same process. That process is killed if it runs
 * on, so a scanner gone slow fails here instead of hanging. (The `dense` documents, a broken
 * reference every few characters, are measured by the benchmark: they cost every linear scanner
 * more than sparse ordinary text, by a constant.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { hostileDocuments } from '../support/scanDocuments';

const SIZE = 320 * 1024;
/** A scan that grew with the square of the text takes minutes here; a linear one, milliseconds. */
const RATIO_LIMIT = 10;
/** Generous: the whole measurement (two documents, 40 runs each) takes a second or two. */
const KILL_AFTER_MS = 30_000;

const timer = path.join(__dirname, 'helpers', 'scanTimer.js');

async function ratio(name: string): Promise<{ ratio: number; detail: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [timer, String(SIZE), name], {
      timeout: KILL_AFTER_MS,
      killSignal: 'SIGKILL',
    });
    const { ordinaryMs, hostileMs } = JSON.parse(stdout) as { ordinaryMs: number; hostileMs: number };
    return {
      ratio: hostileMs / ordinaryMs,
      detail: `${hostileMs.toFixed(2)} ms against ${ordinaryMs.toFixed(2)} ms for an ordinary one`,
    };
  } catch (error) {
    const killed = (error as { killed?: boolean }).killed;
    if (killed) return { ratio: Infinity, detail: `still scanning after ${KILL_AFTER_MS / 1000} s, killed` };
    throw error;
  }
}

const LANGUAGES: Record<string, string> = {
  markdown: 'a Markdown file',
  html: 'an HTML page',
  css: 'a style sheet',
  typescript: 'a TypeScript module',
  vue: 'a Vue component',
  svelte: 'a Svelte component',
};

describe('a hostile document does not freeze the editor', () => {
  for (const document of hostileDocuments(SIZE).filter((d) => d.kind === 'rescan')) {
    it(`${LANGUAGES[document.languageId]} of 320 KB (${document.name}) is scanned within ${RATIO_LIMIT}× the time of an ordinary one`, async (t) => {
      const { ratio: measured, detail } = await ratio(document.name);
      t.diagnostic(`${measured.toFixed(1)}×: ${detail}`);
      assert.ok(measured <= RATIO_LIMIT, `${measured.toFixed(1)}×: ${detail}`);
    });
  }

  it(`an image under a 320 KB heading line of spaces gets its prompt within ${RATIO_LIMIT}× the time of one under an ordinary heading`, async (t) => {
    const { ratio: measured, detail } = await ratio('heading');
    t.diagnostic(`${measured.toFixed(1)}×: ${detail}`);
    assert.ok(measured <= RATIO_LIMIT, `${measured.toFixed(1)}×: ${detail}`);
  });
});
