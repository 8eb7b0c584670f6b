/**
 * Prices and caps: what a request would cost and whether it would pass a cap the user set. Pure,
 * so every decision is a table of cases in plain Node. A refusal carries its numbers as a
 * message template (the l10n key) and its arguments, for the host to translate.
 */
import { type ModelCounts, total } from './ledger';

/** The user's budget settings, checked (see settingsSchema.ts). A cap of 0 is no cap. */
export interface Budget {
  /** Model key → price of one image; a model without one costs nothing the ledger can count. */
  prices: Record<string, number>;
  currency: string;
  dailyImages: number;
  monthlyImages: number;
  dailySpend: number;
  monthlySpend: number;
}

export const NO_BUDGET: Budget = {
  prices: {},
  currency: '',
  dailyImages: 0,
  monthlyImages: 0,
  dailySpend: 0,
  monthlySpend: 0,
};

/** What the ledger holds for the current day and month. */
export interface Usage {
  day: ModelCounts;
  month: ModelCounts;
}

export type Admission =
  | { ok: true }
  | {
      ok: false;
      cap: 'dailyImages' | 'monthlyImages' | 'dailySpend' | 'monthlySpend';
      template: string;
      args: (string | number)[];
    };

export function isPriced(budget: Budget): boolean {
  return Object.keys(budget.prices).length > 0;
}

export function hasCaps(budget: Budget): boolean {
  return budget.dailyImages > 0 || budget.monthlyImages > 0 || budget.dailySpend > 0 || budget.monthlySpend > 0;
}

/** The cost of these counts at the budget's prices. */
export function spendOf(budget: Budget, counts: ModelCounts): number {
  return Object.entries(counts).reduce((sum, [model, n]) => sum + n * (budget.prices[model] ?? 0), 0);
}

/** Money as the user writes it: the currency, then two decimals ("¥2.40", "CNY 2.40"). */
export function money(budget: Budget, amount: number): string {
  const currency = budget.currency.trim();
  const figure = amount.toFixed(2);
  return /^[A-Za-z]{2,}$/.test(currency) ? `${currency} ${figure}` : `${currency}${figure}`;
}

/**
 * Whether `count` more images of `model` stay within every cap. The first cap they would pass
 * refuses them, with the numbers: image caps before money caps, the day before the month.
 */
export function admit(budget: Budget, usage: Usage, model: string, count: number): Admission {
  const dayImages = total(usage.day);
  const monthImages = total(usage.month);
  if (budget.dailyImages > 0 && dayImages + count > budget.dailyImages)
    return overImages('dailyImages', budget.dailyImages, dayImages, count, 'today');
  if (budget.monthlyImages > 0 && monthImages + count > budget.monthlyImages)
    return overImages('monthlyImages', budget.monthlyImages, monthImages, count, 'month');
  const adding = count * (budget.prices[model] ?? 0);
  const daySpend = spendOf(budget, usage.day);
  if (budget.dailySpend > 0 && adding > 0 && daySpend + adding > budget.dailySpend + 1e-9)
    return {
      ok: false,
      cap: 'dailySpend',
      template:
        "This would bring today's spend to {0}, over your daily cap of {1} ({2} already today). Allow this once?",
      args: [money(budget, daySpend + adding), money(budget, budget.dailySpend), money(budget, daySpend)],
    };
  const monthSpend = spendOf(budget, usage.month);
  if (budget.monthlySpend > 0 && adding > 0 && monthSpend + adding > budget.monthlySpend + 1e-9)
    return {
      ok: false,
      cap: 'monthlySpend',
      template:
        "This would bring this month's spend to {0}, over your monthly cap of {1} ({2} already this month). Allow this once?",
      args: [money(budget, monthSpend + adding), money(budget, budget.monthlySpend), money(budget, monthSpend)],
    };
  return { ok: true };
}

function overImages(
  cap: 'dailyImages' | 'monthlyImages',
  limit: number,
  already: number,
  count: number,
  period: 'today' | 'month',
): Admission {
  const first = already + 1;
  const last = already + count;
  const image = count === 1 ? String(first) : `${first}–${last}`;
  return {
    ok: false,
    cap,
    template:
      period === 'today'
        ? 'This would be image {0} of your daily cap of {1} ({2} already today). Allow this once?'
        : 'This would be image {0} of your monthly cap of {1} ({2} already this month). Allow this once?',
    args: [image, limit, already],
  };
}

/** What Generate would start, for the line beside the button and the tool's confirmation. */
export interface Estimate {
  count: number;
  /** Undefined without a price for this model. */
  cost?: number;
  /** The number the first new image would have today, and the daily cap (0 = none). */
  todayNumber: number;
  dailyCap: number;
}

export function estimate(budget: Budget, usage: Usage, model: string, count: number): Estimate {
  const price = budget.prices[model];
  return {
    count,
    ...(price !== undefined ? { cost: price * count } : {}),
    todayNumber: total(usage.day) + 1,
    dailyCap: budget.dailyImages,
  };
}
