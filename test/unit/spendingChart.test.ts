/**
 * The Spending chart's picture and page: bars stack by model in one order with one colour per
 * model, scale to the busiest day, and the page loads under the Studio's strict policy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layoutChart } from '../../src/shared/spendingChart';
import { spendingDataSchema } from '../../src/shared/spendingMessages';
import { buildSpendingHtml } from '../../src/host/spendingHtml';
import { type SpendingEstimate, estimateLine } from '../../src/shared/spendingEstimate';

const days: { day: string; counts: Record<string, number> }[] = [
  { day: '2026-12-01', counts: { 'Qwen 0925': 1, 'GEM 3.0': 3 } },
  { day: '2026-12-02', counts: {} },
  { day: '2026-12-03', counts: { 'GEM 3.0': 2 } },
];

describe('the Spending chart', () => {
  it('draws the busiest day full height, stacked by model, and an empty day as no bar', () => {
    const layout = layoutChart(days, { width: 300, height: 100 });
    assert.equal(layout.max, 4);
    const [busy, empty, quiet] = layout.columns;
    assert.deepEqual(
      busy!.segments.map((s) => [s.model, s.height]),
      [
        ['GEM 3.0', 75],
        ['Qwen 0925', 25],
      ],
    );
    assert.equal(busy!.segments[1]!.y, 0);
    assert.deepEqual(empty!.segments, []);
    assert.equal(quiet!.segments[0]!.height, 50);
  });

  it('gives a model the same colour on every day', () => {
    const layout = layoutChart(days, { width: 300, height: 100 });
    const colours = layout.columns
      .flatMap((c) => c.segments)
      .filter((s) => s.model === 'GEM 3.0')
      .map((s) => s.colour);
    assert.deepEqual(new Set(colours).size, 1);
  });

  it('refuses a message that is not a ledger, so the page draws nothing it was not meant to', () => {
    assert.equal(spendingDataSchema.safeParse({ type: 'ledger', days: [{ day: '<img>', counts: {} }] }).success, false);
  });

  it('loads its one script by nonce and nothing inline', () => {
    const html = buildSpendingHtml({
      cspSource: 'https://webview.example',
      nonce: 'abcdefghijklmnop0123==',
      scriptUri: 'https://webview.example/spending.js',
      styleUri: 'https://webview.example/spending.css',
      lang: 'en',
      title: 'Spending',
    });
    assert.match(html, /script-src &#39;nonce-abcdefghijklmnop0123==&#39;/);
    assert.doesNotMatch(html, /unsafe-inline|style=/);
    assert.equal(html.match(/<script/g)?.length, 1);
  });
});

describe('the line beside Generate', () => {
  const strings = { oneImage: '1 image', images: '{0} images', estimate: 'est. {0}', ofCap: 'image {0} of {1} today' };
  const spending = (over: Partial<SpendingEstimate>): SpendingEstimate => ({
    type: 'spending',
    today: 2,
    dailyCap: 0,
    prices: {},
    currency: '¥',
    ...over,
  });

  it('says only how many images without prices or a cap', () => {
    assert.equal(estimateLine(strings, spending({}), 'GEM 3.0', 1), '1 image');
  });

  it('prices a batch of four at the chosen model’s price', () => {
    assert.equal(
      estimateLine(strings, spending({ prices: { 'GEM 3.0': 0.6 } }), 'GEM 3.0', 4),
      '4 images · est. ¥2.40',
    );
  });

  it('numbers the next image against the daily cap', () => {
    assert.equal(estimateLine(strings, spending({ dailyCap: 10 }), 'Qwen 0925', 1), '1 image · image 3 of 10 today');
  });
});
