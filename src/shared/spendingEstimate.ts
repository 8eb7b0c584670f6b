/**
 * The line beside the Studio's Generate button: how many images it starts, their estimated cost
 * when the user set prices, and which image of the daily cap the first would be ("4 images ·
 * est. ¥2.40 · image 3 of 10 today"). The host posts the numbers; the webview computes the line
 * from the form's model and count, so it follows every change without a round trip.
 */
import * as z from 'zod/mini';

export const spendingEstimateSchema = z.object({
  type: z.literal('spending'),
  /** Paid images counted today. */
  today: z.int().check(z.gte(0)),
  /** The daily image cap; 0 = none. */
  dailyCap: z.int().check(z.gte(0)),
  prices: z.record(z.string().check(z.maxLength(60)), z.number().check(z.gte(0))),
  currency: z.string().check(z.maxLength(8)),
});
export type SpendingEstimate = z.infer<typeof spendingEstimateSchema>;

export interface EstimateStrings {
  oneImage: string;
  /** `{0} images` */
  images: string;
  /** `est. {0}` */
  estimate: string;
  /** `image {0} of {1} today` */
  ofCap: string;
}

const fill = (template: string, ...args: (string | number)[]) =>
  template.replace(/\{(\d+)\}/g, (whole, i: string) =>
    args[Number(i)] === undefined ? whole : String(args[Number(i)]),
  );

export function estimateLine(
  strings: EstimateStrings,
  spending: SpendingEstimate,
  model: string,
  count: number,
): string {
  const parts = [count === 1 ? strings.oneImage : fill(strings.images, count)];
  const price = spending.prices[model];
  if (price !== undefined) parts.push(fill(strings.estimate, money(spending.currency, price * count)));
  if (spending.dailyCap > 0) parts.push(fill(strings.ofCap, spending.today + 1, spending.dailyCap));
  return parts.join(' · ');
}

function money(currency: string, amount: number): string {
  const c = currency.trim();
  return /^[A-Za-z]{2,}$/.test(c) ? `${c} ${amount.toFixed(2)}` : `${c}${amount.toFixed(2)}`;
}
