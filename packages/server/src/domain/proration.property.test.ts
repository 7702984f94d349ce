/**
 * Property tests of proration against an independent oracle, written from the table (not
 * from proration.ts, and calling none of its helpers): random prices, quantities, tax rates,
 * intervals, credit, period starts (month ends included) and change times. First the pure
 * quote, then — fewer runs, each a fresh business on its own test clock — the real HTTP preview
 * and charge, whose preview, payment and invoice must all equal the oracle.
 */
import type { ChangePlanPreview, ChangePlanResult, Product, ProrationBillingMode, Subscription } from '@dodo-portal/wire/schemas';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../payments/sandbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { periodsAfterChange, quoteChange, type LineChange } from './proration.ts';

// ---- The oracle ------------------------------------------------------------------------------

type Interval = 'day' | 'week' | 'month' | 'year';
const MODES: ProrationBillingMode[] = ['prorated_immediately', 'full_immediately', 'difference_immediately', 'do_not_bill'];

/** n / d rounded to the nearest integer, halves away from zero (d > 0), in exact BigInt arithmetic. */
function nearest(n: bigint, d: bigint): number {
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const q = (2n * abs + d) / (2n * d); // floor((|n| + d/2) / d)
  return Number(negative ? -q : q);
}

/** `date` + n intervals in calendar terms; a day past the target month's end is clamped to it. */
function calendarAdd(date: Date, interval: Interval, n: number): Date {
  if (interval === 'day') return new Date(date.getTime() + n * 86_400_000);
  if (interval === 'week') return new Date(date.getTime() + n * 7 * 86_400_000);
  const months = interval === 'year' ? 12 * n : n;
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()));
}

interface OracleLine {
  /** old unit price × old quantity (0 when the line is new), new likewise (0 when removed). */
  a: number;
  b: number;
  /** The tax rate of the line's (new) product. */
  rateBps: number;
}

/** What the table says is charged now, taxed, credited, and when the next bill falls. */
function oracle(input: { mode: ProrationBillingMode; sameInterval: boolean; s: Date; e: Date; t: Date; lines: OracleLine[]; credit: number }) {
  const sec = (d: Date) => BigInt(Math.floor(d.getTime() / 1000));
  const whole = sec(input.e) - sec(input.s);
  let left = sec(input.e) - sec(input.t);
  if (left < 0n) left = 0n;
  if (left > whole) left = whole;
  const timesF = (x: number) => nearest(BigInt(x) * left, whole);
  const nets = input.lines.map(({ a, b }) => {
    switch (input.mode) {
      case 'prorated_immediately':
        return input.sameInterval ? timesF(b) - timesF(a) : b - timesF(a);
      case 'full_immediately':
        return b;
      case 'difference_immediately':
        return b - a;
      case 'do_not_bill':
        return 0;
    }
  });
  const subtotal = nets.reduce((x, y) => x + y, 0);
  const tax =
    subtotal > 0
      ? Math.max(
          0,
          nets.reduce((sum, net, i) => sum + nearest(BigInt(net) * BigInt(input.lines[i]!.rateBps), 10_000n), 0),
        )
      : 0;
  const gross = subtotal > 0 ? subtotal + tax : 0;
  const creditApplied = Math.min(input.credit, gross);
  return { subtotal, tax, credit_applied: creditApplied, total: gross - creditApplied, credit_to_balance: subtotal < 0 ? -subtotal : 0 };
}

function oracleNextBilling(mode: ProrationBillingMode, sameInterval: boolean, e: Date, t: Date, interval: Interval, count: number): Date {
  if (mode === 'full_immediately') return calendarAdd(t, interval, count);
  if (sameInterval) return e;
  return mode === 'do_not_bill' ? e : calendarAdd(t, interval, count);
}

// ---- Generators ------------------------------------------------------------------------------

const interval = fc.constantFrom<Interval>('day', 'week', 'month', 'year');
/** Starts around month ends and leap days, and anywhere else. */
const periodStart = fc.oneof(
  fc.constantFrom('2024-01-31T00:00:00Z', '2024-02-29T12:00:00Z', '2025-01-31T23:59:59Z', '2025-03-31T08:30:00Z', '2025-12-31T00:00:00Z').map((iso) => new Date(iso)),
  fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }),
);
const side = fc.record({ price: fc.integer({ min: 0, max: 5_000_000 }), quantity: fc.integer({ min: 1, max: 50 }), rate: fc.integer({ min: 0, max: 10_000 }) });
const line = fc.record({ old: fc.option(side, { nil: null }), new: fc.option(side, { nil: null }) }).filter((l) => l.old !== null || l.new !== null);

describe('quoteChange and periodsAfterChange agree with the oracle', () => {
  it('for random plans, add-ons, modes, intervals, credit and change times', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODES),
        periodStart,
        interval,
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        side,
        side,
        fc.array(line, { maxLength: 3 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        (mode, s, unit, count, sameInterval, fraction, oldPlan, newPlan, addons, credit) => {
          const e = calendarAdd(s, unit, count);
          const t = new Date(s.getTime() + Math.floor(fraction * (e.getTime() - s.getTime())));
          const toSide = (x: { price: number; quantity: number; rate: number }, id: string) => ({ productId: id, name: id, unitPrice: x.price, quantity: x.quantity, taxRateBps: x.rate });
          const lines: LineChange[] = [
            { key: 'plan', old: toSide(oldPlan, 'old-plan'), new: toSide(newPlan, 'new-plan') },
            ...addons.map((l, i) => ({ key: `addon${i}`, old: l.old ? toSide(l.old, `addon${i}`) : null, new: l.new ? toSide(l.new, `addon${i}`) : null })),
          ];
          const got = quoteChange({ mode, sameInterval, period: { start: s, end: e }, at: t, lines, creditBalance: credit });
          const expected = oracle({
            mode,
            sameInterval,
            s,
            e,
            t,
            credit,
            lines: [
              { a: oldPlan.price * oldPlan.quantity, b: newPlan.price * newPlan.quantity, rateBps: newPlan.rate },
              ...addons.map((l) => ({ a: l.old ? l.old.price * l.old.quantity : 0, b: l.new ? l.new.price * l.new.quantity : 0, rateBps: (l.new ?? l.old)!.rate })),
            ],
          });
          expect({ subtotal: got.subtotal, tax: got.tax, credit_applied: got.credit_applied, total: got.total, credit_to_balance: got.credit_to_balance }).toEqual(expected);
          expect(got.line_items.reduce((sum, item) => sum + item.amount, 0)).toBe(got.subtotal);
          expect(got.total).toBeGreaterThanOrEqual(0);

          const newUnit: Interval = sameInterval ? unit : unit === 'year' ? 'month' : 'year';
          const after = periodsAfterChange({ mode, sameInterval, current: { anchor: s, periodIndex: 0, period: { start: s, end: e } }, at: t, interval: newUnit, intervalCount: count });
          expect(after.nextBillingDate.toISOString()).toBe(oracleNextBilling(mode, sameInterval, e, t, newUnit, count).toISOString());
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

// ---- Over HTTP: preview == charge == invoice == oracle ------------------------------------------

let h: Harness;
beforeAll(async () => {
  // Each run tokenizes a card from its own client address: the sandbox's per-IP token limit runs
  // on the harness clock, which these runs set back and forth between years.
  h = await createHarness({ businessInput: { name: 'Property Co' }, deps: { trustProxy: true } });
});
afterAll(async () => h.close());

async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}

describe('the portal charges what the oracle says', () => {
  it('for random prices, quantities, intervals, modes and change times (each run a fresh business and test clock)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...MODES),
        periodStart.filter((d) => d.getUTCFullYear() < 2034),
        fc.constantFrom<Interval>('week', 'month', 'year'),
        fc.boolean(),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (mode, start, unit, sameInterval, oldPrice, newPrice, quantity, rate, fraction) => {
          run += 1;
          h.clock.set(start); // a new business's test clock starts at the real time it was created
          const biz = await h.newBusiness({ name: 'Run' });
          const key = biz.keys.test;
          await json(await h.merchant(key, 'PATCH', '/v1/business', { allow_subscription_updates: true, proration_billing_mode: mode }), 200);
          const newUnit: Interval = sameInterval ? unit : unit === 'year' ? 'month' : 'year';
          const make = async (name: string, price: number, every: Interval) =>
            json<Product>(await h.merchant(key, 'POST', '/v1/products', { name, billing_type: 'subscription', price, currency: 'USD', interval: every, tax_rate_bps: rate }), 201);
          const from = await make('From', oldPrice, unit);
          const to = await make('To', newPrice, newUnit);
          await json(await h.merchant(key, 'POST', '/v1/product-collections', { name: 'Ladder', product_ids: [from.product_id, to.product_id] }), 201);
          const customer = await h.createCustomer(key);
          const card = await json<{ card_token: string }>(
            await h.app.request('/sandbox/v1/tokens', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(run >> 8) & 255}.${run & 255}.1` },
              body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
            }),
            201,
          );
          const subscription = await json<Subscription>(
            await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: from.product_id, quantity, card_token: card.card_token }),
            201,
          );
          const s = new Date(subscription.current_period_start);
          const e = new Date(subscription.current_period_end);
          const t = new Date(s.getTime() + Math.floor(fraction * (e.getTime() - s.getTime())));
          if (t > s) await h.advanceTestClock(key, t.toISOString());
          const token = (await h.createSession(key, customer.customer_id)).session_token;
          const call = (path: string, headers: Record<string, string> = {}) =>
            h.app.request(`/portal/v1/subscriptions/${subscription.subscription_id}${path}`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
              body: JSON.stringify({ product_id: to.product_id }),
            });

          const expected = oracle({ mode, sameInterval, s, e, t, credit: 0, lines: [{ a: oldPrice * quantity, b: newPrice * quantity, rateBps: rate }] });
          const preview = await json<ChangePlanPreview>(await call('/change-plan/preview'), 200);
          const { line_items: _lines, currency: _currency, ...charge } = preview.immediate_charge;
          expect(charge).toEqual({ subtotal: expected.subtotal, tax: expected.tax, credit_applied: 0, total: expected.total });
          expect(preview.credit_to_balance).toBe(expected.credit_to_balance);
          expect(preview.next_billing_date).toBe(oracleNextBilling(mode, sameInterval, e, t, newUnit, 1).toISOString());

          const result = await json<ChangePlanResult>(await call('/change-plan', { 'idempotency-key': 'once' }), 200);
          expect(result.payment?.amount ?? 0).toBe(preview.immediate_charge.total);
          expect(result.invoice?.total ?? 0).toBe(preview.immediate_charge.total);
          expect(result.credit_to_balance).toBe(preview.credit_to_balance);
          expect(result.subscription.next_billing_date).toBe(preview.next_billing_date);
          expect(result.subscription.product_id).toBe(to.product_id);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
