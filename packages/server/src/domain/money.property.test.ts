/**
 * Property tests for the money math the issue names besides proration: tax rounding and refunds
 * never exceeding their payment. The oracles below are written from the stated rules, not from the
 * implementation: tax is subtotal × rate / 10 000 rounded once to the nearest minor unit, halves
 * away from zero (once per rate when lines carry their own rates); a refund succeeds exactly when it fits in what is left of the payment.
 */
import fc from 'fast-check';
import type { Payment, Product, Refund } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../payments/sandbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { computeInvoiceTotals, computeTax } from './money.ts';

/** Round-half-away-from-zero of n / d (d > 0) by comparing twice the remainder with d, on BigInt. */
function oracleTax(subtotal: number, bps: number): number {
  const exact = BigInt(subtotal) * BigInt(bps);
  const sign = exact < 0n ? -1n : 1n;
  const magnitude = exact * sign;
  const floor = magnitude / 10_000n;
  const twiceRest = (magnitude - floor * 10_000n) * 2n;
  return Number(sign * (twiceRest >= 10_000n ? floor + 1n : floor));
}

describe('tax rounding', () => {
  const subtotal = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });
  const rate = fc.integer({ min: 0, max: 10_000 });

  it('is the exact tax rounded once to the nearest minor unit, halves away from zero', () => {
    fc.assert(
      fc.property(subtotal, rate, (amount, bps) => {
        const tax = computeTax(amount, bps);
        expect(tax).toBe(oracleTax(amount, bps));
        // Never more than half a minor unit from the exact value.
        expect(Math.abs(tax * 10_000 - amount * bps)).toBeLessThanOrEqual(5_000);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is symmetric for credits (a negative subtotal is taxed as the negative of its positive)', () => {
    fc.assert(
      fc.property(subtotal, rate, (amount, bps) => {
        expect(computeTax(-amount, bps) + computeTax(amount, bps)).toBe(0);
      }),
    );
  });

  it('is applied once on the subtotal: totals do not depend on the order or split of lines', () => {
    const line = fc.record({ quantity: fc.integer({ min: 1, max: 1_000 }), unit_amount: fc.integer({ min: 0, max: 10_000_000 }) });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), rate, (lines, bps) => {
        const priced = lines.map((entry, index) => ({ description: `line ${index}`, ...entry }));
        const totals = computeInvoiceTotals(priced, bps);
        const reversed = computeInvoiceTotals([...priced].reverse(), bps);
        const subtotalSum = lines.reduce((sum, entry) => sum + entry.quantity * entry.unit_amount, 0);
        expect(totals.subtotal).toBe(subtotalSum);
        expect(totals.tax).toBe(oracleTax(subtotalSum, bps));
        expect(totals.total).toBe(totals.subtotal + totals.tax);
        expect(reversed.tax).toBe(totals.tax);
        for (const item of totals.line_items) expect(item.amount).toBe(item.quantity * item.unit_amount);
      }),
      { numRuns: 500 },
    );
  });
});

describe('lines at their own tax rates', () => {
  it('taxes each rate once on the sum of its lines; every line keeps its rate; order does not matter', () => {
    const rates = [0, 600, 1200, 2500];
    const line = fc.record({ quantity: fc.integer({ min: 1, max: 1_000 }), unit_amount: fc.integer({ min: 0, max: 10_000_000 }), tax_rate_bps: fc.constantFrom(...rates) });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        const priced = lines.map((entry, index) => ({ description: `line ${index}`, ...entry }));
        const totals = computeInvoiceTotals(priced, 9_999);
        const expected = rates.reduce(
          (sum, bps) =>
            sum +
            oracleTax(
              lines.filter((entry) => entry.tax_rate_bps === bps).reduce((base, entry) => base + entry.quantity * entry.unit_amount, 0),
              bps,
            ),
          0,
        );
        expect(totals.tax).toBe(expected);
        expect(totals.total).toBe(totals.subtotal + totals.tax);
        expect(totals.line_items.map((item) => item.tax_rate_bps)).toEqual(lines.map((entry) => entry.tax_rate_bps));
        expect(computeInvoiceTotals([...priced].reverse(), 9_999).tax).toBe(totals.tax);
      }),
      { numRuns: 500 },
    );
  });
});

describe('refunds never exceed the payment (real server, SQLite)', () => {
  let h: Harness;
  let key: string;
  let product: Product;
  let cardToken: () => Promise<string>;
  beforeAll(async () => {
    h = await createHarness({ businessInput: { name: 'Refund Properties' } });
    key = h.business.keys.test;
    cardToken = async () => {
      const response = await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
      });
      return ((await response.json()) as { card_token: string }).card_token;
    };
    product = (await (await h.merchant(key, 'POST', '/v1/products', { name: 'Widget', billing_type: 'one_time', price: 1, currency: 'USD' })).json()) as Product;
  });
  afterAll(async () => h.close());

  it('for any sequence of refund requests (sequential, then racing), exactly what fits succeeds', async () => {
    const scenario = fc.record({
      quantity: fc.integer({ min: 1, max: 10_000 }), // the API's largest quantity
      sequential: fc.array(fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }), { maxLength: 5 }),
      racing: fc.array(fc.integer({ min: 1, max: 30_000 }), { maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ quantity, sequential, racing }) => {
        const customer = (await (await h.merchant(key, 'POST', '/v1/customers', { email: `p${Math.random().toString(36).slice(2)}@example.com`, name: 'P' })).json()) as {
          customer_id: string;
        };
        const bought = await h.merchant(key, 'POST', '/v1/payments', {
          customer_id: customer.customer_id,
          items: [{ product_id: product.product_id, quantity }],
          card_token: await cardToken(),
        });
        const payment = (await bought.json()) as Payment;
        expect(bought.status).toBe(201);
        let left = payment.amount;

        // Sequential: the oracle knows each answer in advance. (No amount = all that is left.)
        for (const amount of sequential) {
          const response = await h.merchant(key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, ...(amount === undefined ? {} : { amount }) });
          const asked = amount ?? left;
          // A fully refunded payment is no longer refundable at all (400, docs/billing.md).
          if (left === 0) expect(response.status).toBe(400);
          else if (asked <= left) {
            expect(response.status).toBe(201);
            expect(((await response.json()) as Refund).amount).toBe(asked);
            left -= asked;
          } else expect(response.status).toBe(409);
        }

        // Racing: which ones win is up to the race, but never more than what was left, and a
        // refused one (409 exceeds, or 400 once the payment is wholly refunded) would not have fit.
        const answers = await Promise.all(racing.map((amount) => h.merchant(key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount })));
        const won = racing.filter((_, index) => answers[index]!.status === 201);
        const wonTotal = won.reduce((sum, amount) => sum + amount, 0);
        expect(wonTotal).toBeLessThanOrEqual(left);
        racing.forEach((amount, index) => {
          const status = answers[index]!.status;
          expect([201, 400, 409]).toContain(status);
          if (status !== 201) expect(amount).toBeGreaterThan(left - wonTotal);
        });
        left -= wonTotal;

        const after = (await (await h.merchant(key, 'GET', `/v1/payments/${payment.payment_id}`)).json()) as Payment;
        expect(after.amount_refunded).toBe(payment.amount - left);
        expect(after.amount_refunded).toBeLessThanOrEqual(after.amount);
        expect(after.status).toBe(left === payment.amount ? 'succeeded' : left === 0 ? 'refunded' : 'partially_refunded');
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
