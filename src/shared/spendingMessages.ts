/**
 * The Spending view's messages, checked with zod on both sides: the host posts the ledger's last
 * 30 days and months already cut to what the chart draws; the webview only says it is ready.
 */
import * as z from 'zod/mini';

const counts = z.record(z.string().check(z.maxLength(60)), z.int().check(z.gte(0)));

export const spendingStringsSchema = z.object({
  title: z.string(),
  images: z.string(),
  spend: z.string(),
  months: z.string(),
  summary: z.string(),
  empty: z.string(),
});
export type SpendingStrings = z.infer<typeof spendingStringsSchema>;

export const spendingDataSchema = z.object({
  type: z.literal('ledger'),
  /** Oldest first; every day of the window, empty ones too. */
  days: z.array(z.object({ day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)), counts })).check(z.maxLength(62)),
  months: z.array(z.object({ month: z.string().check(z.regex(/^\d{4}-\d{2}$/)), counts })).check(z.maxLength(24)),
  /** Model key → price; empty without prices (then no money is drawn). */
  prices: z.record(z.string().check(z.maxLength(60)), z.number().check(z.gte(0))),
  currency: z.string().check(z.maxLength(8)),
  strings: spendingStringsSchema,
});
export type SpendingData = z.infer<typeof spendingDataSchema>;

export const spendingReadySchema = z.object({ type: z.literal('ready') });
