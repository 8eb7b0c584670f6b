/**
 * VS Code asks the missing-image quick fix for code actions at every cursor move: what it reads
 * has to follow the request, not the document. These tests hold it to the lines of the range and
 * a few around them, to nothing in documents and lines too large to be written by hand, and to
 * the same references a whole-document scan finds there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImageLinks, linksInRange } from '../../src/core/imageLinks';
import { SCAN_LIMITS, scanWindow } from '../../src/core/scanWindow';
import { ordinaryDocument, repeatTo } from '../support/scanDocuments';

/** `count` lines of prose, each `width` characters with its line break. */
const prose = (count: number, width = 80) =>
  repeatTo(`${'The harbour wall runs north from the lighthouse. '.repeat(3).slice(0, width - 1)}\n`, count * width);

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length - 1;

describe('what the quick fix reads for one request', () => {
  it('a request at the cursor reads its line and at most 32 lines or 8 KB on either side, however long the document', () => {
    const text = prose(12_000);
    const cursor = 6_000 * 80 + 10;
    const window = scanWindow(text, cursor, cursor)!;
    assert.ok(
      window.end - window.start <= 80 + 2 * SCAN_LIMITS.contextLength,
      `${window.end - window.start} characters read`,
    );
    assert.equal(lineOf(text, cursor) - lineOf(text, window.start), 32, 'lines before');
    assert.equal(lineOf(text, window.end) - lineOf(text, cursor), 32, 'lines after');
    assert.ok(window.start === 0 || text[window.start - 1] === '\n', 'whole lines');

    const wide = prose(900, 1_000);
    const wideWindow = scanWindow(wide, 450 * 1_000 + 5, 450 * 1_000 + 5)!;
    assert.ok(
      wideWindow.end - wideWindow.start <= 1_000 + 2 * SCAN_LIMITS.contextLength,
      'long lines: the 8 KB bound holds',
    );
  });

  it('an <img> whose attributes span lines is still found with the cursor on its src', () => {
    const tag =
      '<img\n  class="hero"\n  loading="lazy"\n  src="assets/hero.png"\n  alt="The harbour at dawn"\n  width="1600"\n  height="900"\n>\n';
    const text = prose(5_000) + tag + prose(5_000);
    const at = text.indexOf('hero.png');
    assert.deepEqual(
      linksInRange(text, 'html', at, at).map((r) => [r.path, r.alt, r.width, r.height, text.slice(r.start, r.end)]),
      [['assets/hero.png', 'The harbour at dawn', 1600, 900, 'assets/hero.png']],
    );
  });

  it('a document over 1 MB offers no fix, even with the cursor on a missing image', () => {
    const image = '![A boat](boats/missing.png)\n';
    const small = image + prose(100);
    assert.equal(linksInRange(small, 'markdown', 12, 12).length, 1);
    const large = image + prose(Math.ceil(SCAN_LIMITS.documentLength / 80));
    assert.deepEqual(linksInRange(large, 'markdown', 12, 12), []);
  });

  it('a line over 20,000 characters under the cursor offers no fix; such a line elsewhere changes nothing', () => {
    const long = `![A boat](boats/missing.png) ${'x'.repeat(SCAN_LIMITS.lineLength)}\n`;
    assert.deepEqual(linksInRange(long + prose(10), 'markdown', 12, 12), []);
    const text = `${'y'.repeat(SCAN_LIMITS.lineLength * 2)}\n${prose(3)}![A boat](boats/missing.png)\n${prose(3)}${'z'.repeat(SCAN_LIMITS.lineLength * 2)}\n`;
    const at = text.indexOf('missing.png');
    assert.deepEqual(
      linksInRange(text, 'markdown', at, at).map((r) => r.path),
      ['boats/missing.png'],
    );
  });

  it('a selection over a hundred missing images offers fixes for the first 20', () => {
    const text = Array.from({ length: 100 }, (_, i) => `![Boat ${i}](boats/${i}.png)\n`).join('');
    const found = linksInRange(text, 'markdown', 0, text.length);
    assert.equal(found.length, SCAN_LIMITS.referencesPerRequest);
    assert.deepEqual(found.map((r) => r.path).slice(0, 2), ['boats/0.png', 'boats/1.png']);
  });

  it('in ordinary documents, with either line ending, it offers what a scan of the whole document offers where the cursor is', () => {
    for (const language of ['markdown', 'html', 'css', 'typescriptreact', 'vue']) {
      for (const text of [
        ordinaryDocument(language, 64 * 1024),
        ordinaryDocument(language, 64 * 1024).replace(/\n/g, '\r\n'),
      ]) {
        const whole = findImageLinks(text, language);
        for (let cursor = 0; cursor <= text.length; cursor += 97) {
          const expected = whole.filter((r) => r.span.start <= cursor && cursor <= r.span.end);
          assert.deepEqual(linksInRange(text, language, cursor, cursor), expected, `${language} at ${cursor}`);
        }
      }
    }
    assert.deepEqual(linksInRange('', 'markdown', 0, 0), []);
    assert.deepEqual(scanWindow('', 0, 0), { start: 0, end: 0 });
  });
});
