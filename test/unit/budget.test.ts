/**
 * Cap decisions and estimates, as tables: the numbers in a refusal are what the user decides
 * by, so each case checks the words and figures shown, not only yes or no.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Budget, NO_BUDGET, admit, estimate, money } from '../../src/core/budget';
import { checkSettings } from '../../src/core/settingsSchema';

const budget = (over: Partial<Budget>): Budget => ({ ...NO_BUDGET, ...over });
const usage = (day: Record<string, number>, month: Record<string, number> = day) => ({ day, month });

describe('spending caps', () => {
  it('lets every request through when no cap is set', () => {
    assert.deepEqual(admit(NO_BUDGET, usage({ 'GEM 3.0': 500 }), 'GEM 3.0', 8), { ok: true });
  });

  it('refuses the third image of a daily cap of 2, saying which image and how many were made today', () => {
    const decision = admit(budget({ dailyImages: 2 }), usage({ 'GEM 3.0': 1, 'Qwen 0925': 1 }), 'GEM 3.0', 1);
    assert.deepEqual(decision, {
      ok: false,
      cap: 'dailyImages',
      template: 'This would be image {0} of your daily cap of {1} ({2} already today). Allow this once?',
      args: ['3', 2, 2],
    });
  });

  it('lets the last image under the daily cap through', () => {
    assert.deepEqual(admit(budget({ dailyImages: 2 }), usage({ 'GEM 3.0': 1 }), 'GEM 3.0', 1), { ok: true });
  });

  it('names the range of a batch that would pass the cap', () => {
    const decision = admit(budget({ dailyImages: 5 }), usage({ 'GEM 3.0': 3 }), 'GEM 3.0', 4);
    assert.equal(decision.ok, false);
    assert.deepEqual(!decision.ok && decision.args, ['4–7', 5, 3]);
  });

  it('refuses by the monthly image cap when the day is still under its own', () => {
    const decision = admit(budget({ dailyImages: 10, monthlyImages: 30 }), usage({}, { 'GEM 3.0': 30 }), 'GEM 3.0', 1);
    assert.equal(!decision.ok && decision.cap, 'monthlyImages');
    assert.deepEqual(!decision.ok && decision.args, ['31', 30, 30]);
  });

  it('refuses by the daily spend cap at the configured prices, in the configured currency', () => {
    const b = budget({ prices: { 'GEM 3.0': 0.6 }, currency: '¥', dailySpend: 2 });
    const decision = admit(b, usage({ 'GEM 3.0': 3 }), 'GEM 3.0', 1);
    assert.equal(!decision.ok && decision.cap, 'dailySpend');
    assert.deepEqual(!decision.ok && decision.args, ['¥2.40', '¥2.00', '¥1.80']);
  });

  it('lets spend reach the cap exactly', () => {
    const b = budget({ prices: { 'GEM 3.0': 0.6 }, dailySpend: 2.4 });
    assert.deepEqual(admit(b, usage({ 'GEM 3.0': 3 }), 'GEM 3.0', 1), { ok: true });
  });

  it('does not hold an unpriced model to a money cap', () => {
    const b = budget({ prices: { 'GEM 3.0': 0.6 }, dailySpend: 1, monthlySpend: 1 });
    assert.deepEqual(admit(b, usage({ 'GEM 3.0': 5 }), 'Qwen 0925', 1), { ok: true });
  });

  it('refuses by the monthly spend cap', () => {
    const b = budget({ prices: { 'Qwen 0925': 1 }, currency: 'CNY', monthlySpend: 10 });
    const decision = admit(b, usage({}, { 'Qwen 0925': 10 }), 'Qwen 0925', 1);
    assert.deepEqual(!decision.ok && decision.args, ['CNY 11.00', 'CNY 10.00', 'CNY 10.00']);
  });
});

describe('the estimate of what Generate starts', () => {
  it('prices a batch and numbers its first image of the day', () => {
    const b = budget({ prices: { 'GEM 3.0': 0.6 }, currency: '¥', dailyImages: 10 });
    assert.deepEqual(estimate(b, usage({ 'GEM 3.0': 2 }), 'GEM 3.0', 4), {
      count: 4,
      cost: 2.4,
      todayNumber: 3,
      dailyCap: 10,
    });
    assert.equal(money(b, 2.4), '¥2.40');
  });

  it('gives no cost without a price', () => {
    assert.deepEqual(estimate(NO_BUDGET, usage({}), 'GEM 3.0', 1), { count: 1, todayNumber: 1, dailyCap: 0 });
  });
});

describe('budget settings', () => {
  it('takes prices per model and caps as given', () => {
    const { settings, ignored } = checkSettings({
      'budget.prices': { 'GEM 3.0': 0.6 },
      'budget.currency': ' ¥ ',
      'budget.dailyImages': 2,
      'budget.monthlySpend': 100,
    });
    assert.deepEqual(ignored, []);
    assert.deepEqual(settings['budget.prices'], { 'GEM 3.0': 0.6 });
    assert.equal(settings['budget.currency'], '¥');
    assert.equal(settings['budget.dailyImages'], 2);
    assert.equal(settings['budget.monthlySpend'], 100);
  });

  it('ignores a negative price, a fractional image cap or a text cap, leaving no cap rather than a wrong one', () => {
    const { settings, ignored } = checkSettings({
      'budget.prices': { 'GEM 3.0': -1 },
      'budget.dailyImages': 2.5,
      'budget.dailySpend': '10',
    });
    assert.deepEqual(ignored.sort(), ['budget.dailyImages', 'budget.dailySpend', 'budget.prices']);
    assert.deepEqual(settings['budget.prices'], {});
    assert.equal(settings['budget.dailyImages'], 0);
  });
});
