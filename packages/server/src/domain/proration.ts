/**
 * Proration of a plan change (issue 5; the table is in docs/proration.md). Pure: no HTTP, no SQL.
 *
 * A change at time t inside the current period [s, e) compares, line by line (the plan, and every
 * add-on), the old amount a = old unit price × old quantity with the new amount b, with
 * f = (e − t) / (e − s) in whole seconds. Each term is rounded to the minor unit on its own, halves
 * away from zero, and f is kept as an exact fraction (BigInt), so no float touches an amount.
 *
 * A negative subtotal is never refunded to the card: it becomes customer credit. A positive one is
 * taxed per line at that line's (new) product rate, then existing credit is spent on it first.
 */
import type { BillingInterval, ProrationBillingMode } from '@dodo-portal/wire/schemas';
import { divideRoundHalfAwayFromZero } from './money.ts';
import { addIntervals, type Period } from './periods.ts';
import { lineText, type LineParams } from './line-descriptions.ts';

/** One line of the subscription before and after the change (the plan, or one add-on). */
export interface LineChange {
  /** The plan line, or the add-on's product id: what is compared with what. */
  key: string;
  old: { productId: string; name: string; unitPrice: number; quantity: number; taxRateBps: number } | null;
  new: { productId: string; name: string; unitPrice: number; quantity: number; taxRateBps: number } | null;
}

export interface ProrationInput {
  mode: ProrationBillingMode;
  /** Old and new plan share interval unit and count. */
  sameInterval: boolean;
  period: Period;
  at: Date;
  lines: readonly LineChange[];
  /** The customer's credit in the subscription's currency, spent first (after tax). */
  creditBalance: number;
}

export interface QuoteLine {
  /** English; `description_key` and `description_params` render it in the reader's language. */
  description: string;
  description_key: string;
  description_params: LineParams;
  /** Signed: unused time is negative. */
  amount: number;
  product_id: string;
  /** The rate of the line's product (the new one's when both sides exist): each line is taxed at its own. */
  tax_rate_bps: number;
}

export interface ProrationQuote {
  line_items: QuoteLine[];
  subtotal: number;
  tax: number;
  credit_applied: number;
  /** What the card is charged now (never negative). */
  total: number;
  /** What the change adds to the customer's credit. */
  credit_to_balance: number;
}

const SECOND_MS = 1000;
const seconds = (date: Date): bigint => BigInt(Math.floor(date.getTime() / SECOND_MS));

/** round(amount × f), f = (e − t)/(e − s) in whole seconds, clamped to [0, 1]. */
export function prorate(amount: number, period: Period, at: Date): number {
  const total = seconds(period.end) - seconds(period.start);
  if (total <= 0n) return 0;
  let remaining = seconds(period.end) - seconds(at);
  if (remaining < 0n) remaining = 0n;
  if (remaining > total) remaining = total;
  return Number(divideRoundHalfAwayFromZero(BigInt(amount) * remaining, total));
}

/** Tax on a (signed) amount at a rate in basis points, rounded half away from zero. */
export const taxOn = (amount: number, rateBps: number): number => Number(divideRoundHalfAwayFromZero(BigInt(amount) * BigInt(rateBps), 10_000n));

const label = (side: { name: string; quantity: number }): string => (side.quantity > 1 ? `${side.name} × ${side.quantity}` : side.name);

const unchanged = (line: LineChange): boolean =>
  line.old !== null && line.new !== null && line.old.productId === line.new.productId && line.old.quantity === line.new.quantity && line.old.unitPrice === line.new.unitPrice;

/**
 * The immediate charge of a change, per the table:
 *
 * | mode                     | same interval           | different interval (new period at t) |
 * | prorated_immediately     | round(b·f) − round(a·f) | b − round(a·f)                       |
 * | full_immediately         | b                       | b                                    |
 * | difference_immediately   | b − a                   | b − a                                |
 * | do_not_bill              | 0                       | 0                                    |
 */
export function quoteChange(input: ProrationInput): ProrationQuote {
  const lines: (QuoteLine & { key: string })[] = [];
  const taxRateOf = new Map<string, number>();
  for (const line of input.lines) {
    const rate = (line.new ?? line.old)!.taxRateBps;
    taxRateOf.set(line.key, rate);
    const a = line.old ? line.old.unitPrice * line.old.quantity : 0;
    const b = line.new ? line.new.unitPrice * line.new.quantity : 0;
    const push = (text: ReturnType<typeof lineText>, amount: number, productId: string) => lines.push({ key: line.key, ...text, amount, product_id: productId, tax_rate_bps: rate });
    switch (input.mode) {
      case 'do_not_bill':
        break;
      case 'full_immediately':
        // A fresh period starts now for every line, unchanged ones too.
        if (line.new) push(lineText('proration.new_period', { item: label(line.new) }), b, line.new.productId);
        break;
      case 'difference_immediately':
        if (unchanged(line)) break;
        push(lineText('proration.difference', { from: line.old ? label(line.old) : null, to: line.new ? label(line.new) : null }), b - a, (line.new ?? line.old)!.productId);
        break;
      case 'prorated_immediately':
        if (input.sameInterval && unchanged(line)) break;
        if (line.old) push(lineText('proration.unused', { item: label(line.old) }), -prorate(a, input.period, input.at), line.old.productId);
        if (line.new) {
          if (input.sameInterval) push(lineText('proration.remaining', { item: label(line.new) }), prorate(b, input.period, input.at), line.new.productId);
          else push(lineText('proration.new_period', { item: label(line.new) }), b, line.new.productId);
        }
        break;
    }
  }
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  let tax = 0;
  if (subtotal > 0) {
    // Each line's net is taxed at its own product's rate (a shrinking add-on lowers the base).
    const netByKey = new Map<string, number>();
    for (const line of lines) netByKey.set(line.key, (netByKey.get(line.key) ?? 0) + line.amount);
    for (const [key, net] of netByKey) tax += taxOn(net, taxRateOf.get(key)!);
    tax = Math.max(0, tax);
  }
  const gross = subtotal > 0 ? subtotal + tax : 0;
  const creditApplied = Math.min(Math.max(0, input.creditBalance), gross);
  return {
    line_items: lines.map(({ key: _key, ...line }) => line),
    subtotal,
    tax,
    credit_applied: creditApplied,
    total: gross - creditApplied,
    credit_to_balance: subtotal < 0 ? -subtotal : 0,
  };
}

/** Where the subscription's periods stand after a change. `periodIndex` −1: the new interval starts at `anchor`. */
export interface PeriodsAfterChange {
  anchor: Date;
  periodIndex: number;
  period: Period;
  /** The next renewal. */
  nextBillingDate: Date;
}

/**
 * The billing-date rules of the table: kept for a same-interval change (except
 * `full_immediately`, which restarts the period at t); a different interval starts a new period
 * at t, except under `do_not_bill`, where it counts from the next billing date.
 */
export function periodsAfterChange(input: {
  mode: ProrationBillingMode;
  sameInterval: boolean;
  current: { anchor: Date; periodIndex: number; period: Period };
  at: Date;
  interval: BillingInterval;
  intervalCount: number;
}): PeriodsAfterChange {
  const restart = input.mode === 'full_immediately' || (!input.sameInterval && input.mode !== 'do_not_bill');
  if (restart) {
    const period = { start: input.at, end: addIntervals(input.at, input.interval, input.intervalCount) };
    return { anchor: input.at, periodIndex: 0, period, nextBillingDate: period.end };
  }
  if (!input.sameInterval) {
    // do_not_bill: this period runs out as it is; period 0 of the new interval begins at its end.
    return { anchor: input.current.period.end, periodIndex: -1, period: input.current.period, nextBillingDate: input.current.period.end };
  }
  return { ...input.current, nextBillingDate: input.current.period.end };
}
