import type { ErrorBody, Invoice, InvoicePage, Page, Payment, Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../payments/sandbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let key: string;
let plan: Product;
let seat: Product;
beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'Renew Co' } });
  key = h.business.keys.test;
  plan = await json<Product>(
    await h.merchant(key, 'POST', '/v1/products', { name: 'Pro', billing_type: 'subscription', price: 4900, currency: 'USD', interval: 'month', tax_rate_bps: 825 }),
    201,
  );
  seat = await json<Product>(
    await h.merchant(key, 'POST', '/v1/products', { name: 'Seat', billing_type: 'subscription', price: 1500, currency: 'USD', interval: 'month', tax_rate_bps: 825, is_addon: true }),
    201,
  );
});
afterAll(async () => h.close());

const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
const token = async (number: string) =>
  (
    await json<{ card_token: string }>(
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }),
      }),
      201,
    )
  ).card_token;
const clockNow = async (k = key) => (await json<{ now: string }>(await h.merchant(k, 'GET', '/v1/test-clock'), 200)).now;
const advance = async (body: unknown, k = key) => h.merchant(k, 'POST', '/v1/test-clock/advance', body);

describe('test clock', () => {
  it('starts at the business creation time, stays frozen while real time passes, and only moves forward', async () => {
    const business = await h.newBusiness({ name: 'Clock Co' });
    const created = h.clock.now().toISOString();
    expect(await clockNow(business.keys.test)).toBe(created);
    h.clock.advance(3_600_000); // an hour of real time
    expect(await clockNow(business.keys.test)).toBe(created);
    const customer = await h.createCustomer(business.keys.test);
    expect(customer.created_at).toBe(created); // test-mode records are dated on the test clock

    const bySeconds = await json<{ now: string; renewals: unknown }>(await advance({ seconds: 90 }, business.keys.test), 200);
    expect(bySeconds).toEqual({ now: new Date(Date.parse(created) + 90_000).toISOString(), renewals: { renewed: 0, on_hold: 0, cancelled: 0 } });
    const to = '2027-01-01T00:00:00.000Z'; // within the two years one call may move
    expect((await json<{ now: string }>(await advance({ to }, business.keys.test), 200)).now).toBe(to);
    const past = await advance({ to: '2026-12-31T23:59:59.000Z' }, business.keys.test);
    expect(past.status).toBe(400);
    expect((await errorOf(past)).issues).toEqual([{ path: 'to', message: 'is in the past of the test clock' }]);
    for (const body of [{}, { seconds: -1 }, { seconds: 1.5 }, { to: 'tomorrow' }, { seconds: 1, to }]) {
      expect((await advance(body, business.keys.test)).status, JSON.stringify(body)).toBe(400);
    }
    // Live mode has no test clock.
    for (const [method, path, body] of [
      ['GET', '/v1/test-clock', undefined],
      ['POST', '/v1/test-clock/advance', { seconds: 1 }],
    ] as const) {
      const live = await h.merchant(business.keys.live, method, path, body);
      expect(live.status).toBe(403);
      expect((await errorOf(live)).code).toBe('test_mode_only');
    }
    // Live-mode records follow the real (injected) clock.
    expect((await h.createCustomer(business.keys.live)).created_at).toBe(h.clock.now().toISOString());
  });
});

describe('renewals', () => {
  it('renews at period end into a paid invoice with the period, a payment and a receipt; twice advancing charges once', async () => {
    const start = await clockNow();
    const customer = await h.createCustomer(key, { name: 'Ada' });
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', {
        customer_id: customer.customer_id,
        product_id: plan.product_id,
        quantity: 2,
        addons: [{ product_id: seat.product_id, quantity: 1 }],
        card_token: await token(SandboxCards.succeeds),
      }),
      201,
    );
    expect(subscription.current_period_start).toBe(start);
    // One second short of the period end: nothing happens.
    await h.advanceTestClock(key, Date.parse(subscription.current_period_end) - Date.parse(start) - 1000);
    expect((await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200)).items).toHaveLength(1);

    const advanced = await json<{ renewals: { renewed: number } }>(await advance({ seconds: 1 }), 200);
    expect(advanced.renewals.renewed).toBe(1);
    expect((await json<{ renewals: { renewed: number } }>(await advance({ seconds: 1 }), 200)).renewals.renewed).toBe(0);

    const renewed = await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200);
    expect(renewed).toMatchObject({ status: 'active', current_period_start: subscription.current_period_end, next_billing_date: renewed.current_period_end });
    const invoices = (await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200)).items;
    expect(invoices).toHaveLength(2);
    const period = { start: renewed.current_period_start, end: renewed.current_period_end };
    expect(invoices[0]).toMatchObject({
      status: 'paid',
      subscription_id: subscription.subscription_id,
      issued_at: subscription.current_period_end,
      paid_at: subscription.current_period_end,
      subtotal: 2 * 4900 + 1500,
      tax: 932, // 11300 × 8.25 % = 932.25 → 932
      total: 12_232,
      line_items: [
        { description: 'Pro (every month)', quantity: 2, unit_amount: 4900, amount: 9800, period },
        { description: 'Seat (every month)', quantity: 1, unit_amount: 1500, amount: 1500, period },
      ],
    });
    const payments = (await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200)).items;
    expect(payments.map((p) => [p.status, p.amount, p.invoice_id])).toEqual([
      ['succeeded', 12_232, invoices[0]!.invoice_id],
      ['succeeded', 12_232, invoices[1]!.invoice_id],
    ]);
    const mail = (await h.outbox(customer.email)).reverse();
    expect(mail.map((m) => m.subject)).toEqual(['Your receipt from Renew Co: $122.32']);
  });

  it('puts a subscription on a failing card on hold: the renewal invoice stays open, the failed payment is kept, and a magic link is emailed', async () => {
    const customer = await h.createCustomer(key, { name: 'Kenji' });
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await token(SandboxCards.succeeds) }),
      201,
    );
    await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { card_token: await token(SandboxCards.attachesThenDeclines) }), 200);
    const report = await json<{ renewals: { on_hold: number } }>(await advance({ to: subscription.current_period_end }), 200);
    expect(report.renewals.on_hold).toBe(1);

    const held = await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200);
    expect(held).toMatchObject({ status: 'on_hold', next_billing_date: null, current_period_end: subscription.current_period_end });
    const [dues] = (await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200)).items as [Invoice];
    expect(dues).toMatchObject({ status: 'open', paid_at: null, total: 5304, subscription_id: subscription.subscription_id });
    const [failed] = (await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200)).items as [Payment];
    expect(failed).toMatchObject({
      status: 'failed',
      decline_code: 'card_declined',
      amount: 5304,
      invoice_id: dues.invoice_id,
      subscription_id: subscription.subscription_id,
      card: { last4: '0341' },
    });

    const [mail] = await h.outbox(customer.email);
    expect(mail!.subject).toBe('Your Pro subscription with Renew Co is on hold');
    const code = /\/magic#code=(dpm_[A-Za-z0-9_-]+)/.exec(mail!.text_body)?.[1];
    expect(code).toBeDefined();
    // The link opens the customer's portal (on the test clock, which the advance moved).
    const exchanged = await h.app.request('/portal/v1/magic-link/exchange', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(exchanged.status).toBe(201);

    // On hold is not renewed again, however far the clock goes.
    expect((await json<{ renewals: { on_hold: number } }>(await advance({ seconds: 90 * 86_400 }), 200)).renewals.on_hold).toBe(0);
    expect((await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200)).status).toBe('on_hold');
    expect((await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200)).items).toHaveLength(2);
  });

  it('cancels a subscription set to cancel at its period end, at that end, without charging', async () => {
    const customer = await h.createCustomer(key);
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await token(SandboxCards.succeeds) }),
      201,
    );
    await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: true }), 200);
    expect((await json<{ renewals: { cancelled: number } }>(await advance({ to: subscription.current_period_end }), 200)).renewals.cancelled).toBe(1);
    const cancelled = await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled_at: subscription.current_period_end, next_billing_date: null });
    expect((await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200)).items).toHaveLength(1);
    expect((await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: false })).status).toBe(409);
  });

  it('keeps one business’s test clock from renewing another’s subscriptions', async () => {
    const other = await h.newBusiness({ name: 'Other Co' });
    const product = await json<Product>(
      await h.merchant(other.keys.test, 'POST', '/v1/products', { name: 'Basic', billing_type: 'subscription', price: 100, currency: 'USD', interval: 'day' }),
      201,
    );
    const customer = await h.createCustomer(other.keys.test);
    const subscription = await json<Subscription>(
      await h.merchant(other.keys.test, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: await token(SandboxCards.succeeds) }),
      201,
    );
    await advance({ seconds: 30 * 86_400 }); // the first business's clock
    expect((await json<Subscription>(await h.merchant(other.keys.test, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200)).current_period_start).toBe(
      subscription.current_period_start,
    );
  });
});

describe('usage events', () => {
  it('records each event_id once and bills the period’s usage on its renewal invoice', async () => {
    const compute = await json<Product>(
      await h.merchant(key, 'POST', '/v1/products', {
        name: 'Compute',
        billing_type: 'usage_based',
        price: 500,
        currency: 'USD',
        interval: 'month',
        usage: { meter: 'compute_hours', unit_price: 12 },
      }),
      201,
    );
    const customer = await h.createCustomer(key);
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: compute.product_id, card_token: await token(SandboxCards.succeeds) }),
      201,
    );
    const send = (body: Record<string, unknown>) => h.merchant(key, 'POST', '/v1/usage-events', { subscription_id: subscription.subscription_id, meter: 'compute_hours', ...body });
    const first = await json<{ usage_event_id: string; occurred_at: string }>(await send({ quantity: 30, event_id: 'evt-1' }), 201);
    expect(first.occurred_at).toBe(await clockNow());
    expect(await json(await send({ quantity: 30, event_id: 'evt-1' }), 200)).toEqual(await json(await send({ quantity: 30, event_id: 'evt-1' }), 200));
    expect((await send({ quantity: 31, event_id: 'evt-1' })).status).toBe(409);
    await json(await send({ quantity: 12, event_id: 'evt-2' }), 201);
    expect((await errorOf(await send({ meter: 'gpu_hours', quantity: 1, event_id: 'evt-3' }))).issues).toEqual([{ path: 'meter', message: 'must be compute_hours' }]);
    expect((await h.merchant(key, 'POST', '/v1/usage-events', { subscription_id: 'sub_00000000000000000000000000', meter: 'compute_hours', quantity: 1, event_id: 'x' })).status).toBe(400);
    expect((await send({ quantity: 0, event_id: 'evt-4' })).status).toBe(400);
    // A live key does not see the test subscription.
    expect(
      (await h.merchant(h.business.keys.live, 'POST', '/v1/usage-events', { subscription_id: subscription.subscription_id, meter: 'compute_hours', quantity: 1, event_id: 'evt-1' })).status,
    ).toBe(400);

    await h.advanceTestClock(key, subscription.current_period_end);
    // Usage after the period end belongs to the next period.
    await json(await send({ quantity: 5, event_id: 'evt-5' }), 201);
    const [renewal] = (await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}&limit=1`), 200)).items as [Invoice];
    expect(renewal).toMatchObject({
      status: 'paid',
      subtotal: 500 + 42 * 12,
      line_items: [
        { description: 'Compute (every month)', quantity: 1, unit_amount: 500, period: { start: subscription.current_period_end } },
        { description: 'Compute: compute_hours', quantity: 42, unit_amount: 12, amount: 504, period: { start: subscription.current_period_start, end: subscription.current_period_end } },
      ],
    });
  });
});
