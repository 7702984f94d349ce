import type { Customer, ErrorBody, Invoice, InvoicePage, Page, Payment, PaymentMethod, Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../payments/sandbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let key: string;
beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'Billing Co', allowedOrigins: ['https://shop.example'] } });
  key = h.business.keys.test;
});
afterAll(async () => h.close());

const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const json = async <T>(response: Response, status: number): Promise<T> => {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
};
const tokenize = async (number: string, extra: Record<string, unknown> = {}) =>
  json<{ card_token: string; brand: string; last4: string }>(
    await h.app.request('/sandbox/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number, exp_month: 12, exp_year: 2030, cvc: '123', ...extra }),
    }),
    201,
  );
const product = async (k: string, body: Record<string, unknown>) => json<Product>(await h.merchant(k, 'POST', '/v1/products', body), 201);
const monthly = (name: string, price: number, extra: Record<string, unknown> = {}) => ({
  name,
  billing_type: 'subscription',
  price,
  currency: 'USD',
  interval: 'month',
  tax_rate_bps: 825,
  ...extra,
});

describe('PATCH /v1/customers/{id}', () => {
  it('changes the given fields, clears nullable ones, and keeps emails unique', async () => {
    const customer = await h.createCustomer(key, { phone_number: '+1 555 0100' });
    const patched = await json<Customer>(
      await h.merchant(key, 'PATCH', `/v1/customers/${customer.customer_id}`, {
        name: 'Renamed',
        phone_number: null,
        locale: 'de-de',
        billing_address: { street: 'Hauptstraße 1', city: 'Berlin', state: '', zipcode: '10115', country: 'DE' },
      }),
      200,
    );
    expect(patched).toEqual({
      ...customer,
      name: 'Renamed',
      phone_number: null,
      locale: 'de-DE',
      billing_address: { street: 'Hauptstraße 1', city: 'Berlin', state: '', zipcode: '10115', country: 'DE' },
    });
    const other = await h.createCustomer(key);
    const clash = await h.merchant(key, 'PATCH', `/v1/customers/${customer.customer_id}`, { email: other.email.toUpperCase() });
    expect(clash.status).toBe(409);
    expect((await errorOf(clash)).code).toBe('customer_exists');
    expect((await h.merchant(key, 'PATCH', `/v1/customers/${customer.customer_id}`, {})).status).toBe(400);
    expect((await h.merchant(key, 'PATCH', `/v1/customers/${customer.customer_id}`, { email: 'nope' })).status).toBe(400);
    expect((await h.merchant(h.business.keys.live, 'PATCH', `/v1/customers/${customer.customer_id}`, { name: 'x' })).status).toBe(404);
  });
});

describe('POST /sandbox/v1/tokens', () => {
  it('tokenizes test cards without a secret, open to any origin, and stores neither number nor CVC', async () => {
    const response = await h.app.request('/sandbox/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://checkout.example' },
      body: JSON.stringify({ number: '5555 5555 5555 4444', exp_month: 1, exp_year: 2031, cvc: '737', name: 'Ada' }),
    });
    const token = await json<Record<string, unknown>>(response, 201);
    expect(token).toEqual({ card_token: expect.stringMatching(/^tok_/), brand: 'mastercard', last4: '4444', exp_month: 1, exp_year: 2031 });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await h.app.request('/sandbox/v1/tokens', {
      method: 'OPTIONS',
      headers: { origin: 'https://checkout.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');

    // Nothing in the database carries the number or the CVC.
    for (const table of ['sandbox_cards', 'card_token_claims', 'payment_methods', 'payments', 'idempotency_keys'] as const) {
      const dump = JSON.stringify(await h.store.db.selectFrom(table).selectAll().execute());
      expect(dump).not.toContain('5555555555554444');
      expect(dump).not.toContain('737');
    }
    expect(JSON.stringify(h.logger.entries)).not.toContain('5555');
  });

  it('answers 400 invalid_card with the decline code and the field for bad numbers, expiry and CVC', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ number: '4242424242424241' }, 'invalid_number', 'number'],
      [{ number: '4111111111111111' }, 'card_not_supported', 'number'],
      [{ number: SandboxCards.succeeds, exp_month: 13 }, 'invalid_expiry_month', 'exp_month'],
      [{ number: SandboxCards.succeeds, exp_year: 2024 }, 'expired_card', 'exp_year'],
      [{ number: SandboxCards.succeeds, cvc: '12' }, 'invalid_cvc', 'cvc'],
    ];
    for (const [card, declineCode, path] of cases) {
      const response = await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ exp_month: 12, exp_year: 2030, cvc: '123', ...card }),
      });
      expect(response.status, declineCode).toBe(400);
      const error = await errorOf(response);
      expect(error).toMatchObject({ code: 'invalid_card', decline_code: declineCode });
      expect(error.issues?.[0]?.path).toBe(path);
      expect(JSON.stringify(error)).not.toContain(String(card.number).slice(0, 12));
    }
    expect((await h.app.request('/sandbox/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"number":"4242"}' })).status).toBe(400);
  });
});

describe('POST /v1/customers/{id}/payment-methods', () => {
  it('saves cards; the first is the default; a token belongs to one business, mode and customer', async () => {
    const customer = await h.createCustomer(key);
    const visa = await tokenize(SandboxCards.succeeds);
    const first = await json<PaymentMethod>(await h.merchant(key, 'POST', `/v1/customers/${customer.customer_id}/payment-methods`, { card_token: visa.card_token }), 201);
    expect(first).toEqual({
      payment_method_id: expect.stringMatching(/^pm_/),
      customer_id: customer.customer_id,
      brand: 'visa',
      last4: '4242',
      exp_month: 12,
      exp_year: 2030,
      is_default: true,
      created_at: h.clock.now().toISOString(),
    });
    const again = await json<PaymentMethod>(await h.merchant(key, 'POST', `/v1/customers/${customer.customer_id}/payment-methods`, { card_token: visa.card_token }), 200);
    expect(again.payment_method_id).toBe(first.payment_method_id);
    const mastercard = await tokenize(SandboxCards.mastercardSucceeds);
    const second = await json<PaymentMethod>(await h.merchant(key, 'POST', `/v1/customers/${customer.customer_id}/payment-methods`, { card_token: mastercard.card_token }), 201);
    expect(second.is_default).toBe(false);

    const someoneElse = await h.createCustomer(key);
    const stolen = await h.merchant(key, 'POST', `/v1/customers/${someoneElse.customer_id}/payment-methods`, { card_token: visa.card_token });
    expect(stolen.status).toBe(400);
    expect((await errorOf(stolen)).issues?.[0]?.path).toBe('card_token');
    const otherBusiness = await h.newBusiness({ name: 'Token Thief' });
    const thief = await h.createCustomer(otherBusiness.keys.test);
    expect((await h.merchant(otherBusiness.keys.test, 'POST', `/v1/customers/${thief.customer_id}/payment-methods`, { card_token: mastercard.card_token })).status).toBe(400);
    expect((await h.merchant(key, 'POST', `/v1/customers/${customer.customer_id}/payment-methods`, { card_token: 'tok_forged' })).status).toBe(400);
    expect((await h.merchant(key, 'POST', '/v1/customers/cus_00000000000000000000000000/payment-methods', { card_token: visa.card_token })).status).toBe(404);
  });

  it('makes exactly one default when two first cards are saved at once', async () => {
    const customer = await h.createCustomer(key);
    const tokens = await Promise.all([tokenize(SandboxCards.succeeds), tokenize(SandboxCards.mastercardSucceeds), tokenize(SandboxCards.succeeds)]);
    const saved = await Promise.all(
      tokens.map(async (t) => json<PaymentMethod>(await h.merchant(key, 'POST', `/v1/customers/${customer.customer_id}/payment-methods`, { card_token: t.card_token }), 201)),
    );
    expect(saved.filter((method) => method.is_default)).toHaveLength(1);
  });
});

describe('subscriptions', () => {
  let plan: Product;
  let seat: Product;
  beforeAll(async () => {
    plan = await product(key, monthly('Pro', 4900));
    seat = await product(key, monthly('Extra seat', 1500, { is_addon: true }));
  });

  it('charges the first period, then is active with a paid invoice, a payment and the saved card', async () => {
    // Test mode runs on the business's test clock: move it to a month end.
    await h.advanceTestClock(key, '2026-01-31T10:00:00.000Z');
    const customer = await h.createCustomer(key, { billing_address: { street: '1 Main St', city: 'Springfield', state: 'IL', zipcode: '62701', country: 'US' } });
    const card = await tokenize(SandboxCards.succeeds);
    const response = await h.merchant(key, 'POST', '/v1/subscriptions', {
      customer_id: customer.customer_id,
      product_id: plan.product_id,
      quantity: 2,
      addons: [{ product_id: seat.product_id, quantity: 3 }],
      card_token: card.card_token,
    });
    const subscription = await json<Subscription>(response, 201);
    expect(subscription).toMatchObject({
      subscription_id: expect.stringMatching(/^sub_/),
      customer_id: customer.customer_id,
      product_id: plan.product_id,
      quantity: 2,
      status: 'active',
      currency: 'USD',
      interval: 'month',
      interval_count: 1,
      current_period_start: '2026-01-31T10:00:00.000Z',
      // Month-end aware: Jan 31 + 1 month = Feb 28 (2026 is no leap year).
      current_period_end: '2026-02-28T10:00:00.000Z',
      next_billing_date: '2026-02-28T10:00:00.000Z',
      cancel_at_period_end: false,
      cancelled_at: null,
      payment_method: { payment_method_id: expect.stringMatching(/^pm_/), brand: 'visa', last4: '4242' },
      addons: [{ product_id: seat.product_id, quantity: 3 }],
    });

    const invoices = await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200);
    expect(invoices.items).toHaveLength(1);
    const invoice = invoices.items[0]!;
    const period = { start: '2026-01-31T10:00:00.000Z', end: '2026-02-28T10:00:00.000Z' };
    expect(invoice).toMatchObject({
      status: 'paid',
      subscription_id: subscription.subscription_id,
      currency: 'USD',
      subtotal: 2 * 4900 + 3 * 1500,
      tax: 1180, // 14300 × 8.25 % = 1179.75 → 1180
      total: 15_480,
      paid_at: '2026-01-31T10:00:00.000Z',
      billing_address: customer.billing_address,
      line_items: [
        { description: 'Pro (every month)', quantity: 2, unit_amount: 4900, amount: 9800, period },
        { description: 'Extra seat (every month)', quantity: 3, unit_amount: 1500, amount: 4500, period },
      ],
    });

    const payments = await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200);
    expect(payments.items).toEqual([
      {
        payment_id: expect.stringMatching(/^pay_/),
        customer_id: customer.customer_id,
        invoice_id: invoice.invoice_id,
        subscription_id: subscription.subscription_id,
        amount: 15_480,
        amount_refunded: 0,
        currency: 'USD',
        status: 'succeeded',
        decline_code: null,
        failure_message: null,
        card: { brand: 'visa', last4: '4242' },
        refunds: [],
        created_at: '2026-01-31T10:00:00.000Z',
      },
    ]);
    expect(await json(await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200)).toEqual(subscription);
    const list = await json<Page<Subscription>>(await h.merchant(key, 'GET', `/v1/subscriptions?customer_id=${customer.customer_id}`), 200);
    expect(list.items.map((s) => s.subscription_id)).toEqual([subscription.subscription_id]);

    // The saved card pays the next subscription.
    const second = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', {
        customer_id: customer.customer_id,
        product_id: plan.product_id,
        payment_method_id: subscription.payment_method!.payment_method_id,
      }),
      201,
    );
    expect(second.payment_method).toEqual(subscription.payment_method);
  });

  it('answers 402 payment_failed on a decline, records the failed payment, and leaves no subscription or invoice', async () => {
    const cases: [string, string][] = [
      [SandboxCards.declines, 'card_declined'],
      [SandboxCards.insufficientFunds, 'insufficient_funds'],
      [SandboxCards.processingError, 'processing_error'],
    ];
    for (const [number, declineCode] of cases) {
      const customer = await h.createCustomer(key);
      const card = await tokenize(number);
      const response = await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: card.card_token });
      expect(response.status).toBe(402);
      const error = await errorOf(response);
      expect(error).toMatchObject({ code: 'payment_failed', decline_code: declineCode, message: expect.any(String) });
      expect((await json<Page<Subscription>>(await h.merchant(key, 'GET', `/v1/subscriptions?customer_id=${customer.customer_id}`), 200)).items).toEqual([]);
      expect((await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200)).items).toEqual([]);
      const payments = await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200);
      expect(payments.items).toEqual([
        expect.objectContaining({ status: 'failed', decline_code: declineCode, invoice_id: null, subscription_id: null, amount: 5304, card: { brand: 'visa', last4: number.slice(-4) } }),
      ]);
      // The declined card was not saved.
      expect(await h.store.db.selectFrom('payment_methods').selectAll().where('customer_id', '=', customer.customer_id).execute()).toEqual([]);
    }
  });

  it('switches the card and sets cancel_at_period_end with PATCH; an ended subscription cannot change', async () => {
    const customer = await h.createCustomer(key);
    const card = await tokenize(SandboxCards.succeeds);
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: card.card_token }),
      201,
    );
    const holdCard = await tokenize(SandboxCards.attachesThenDeclines);
    const switched = await json<Subscription>(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { card_token: holdCard.card_token }), 200);
    expect(switched.payment_method).toMatchObject({ last4: '0341', brand: 'visa' });
    const methods = await h.store.db.selectFrom('payment_methods').select(['last4', 'is_default']).where('customer_id', '=', customer.customer_id).orderBy('last4').execute();
    expect(methods.map((m) => [m.last4, Number(m.is_default)])).toEqual([
      ['0341', 0],
      ['4242', 1],
    ]);

    const cancelling = await json<Subscription>(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: true }), 200);
    expect(cancelling).toMatchObject({ status: 'active', cancel_at_period_end: true, next_billing_date: null });
    const bad: [Record<string, unknown>, number][] = [
      [{}, 400],
      [{ card_token: holdCard.card_token, payment_method_id: switched.payment_method!.payment_method_id }, 400],
      [{ payment_method_id: 'pm_00000000000000000000000000' }, 400],
      [{ status: 'cancelled' }, 400],
    ];
    for (const [body, status] of bad) expect((await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, body)).status, JSON.stringify(body)).toBe(status);
    expect((await h.merchant(key, 'PATCH', '/v1/subscriptions/sub_00000000000000000000000000', { cancel_at_period_end: true })).status).toBe(404);
    // Another customer's saved card cannot be put on this subscription.
    const other = await h.createCustomer(key);
    const otherCard = await json<PaymentMethod>(
      await h.merchant(key, 'POST', `/v1/customers/${other.customer_id}/payment-methods`, { card_token: (await tokenize(SandboxCards.succeeds)).card_token }),
      201,
    );
    expect((await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { payment_method_id: otherCard.payment_method_id })).status).toBe(400);
  });

  it('validates plans, add-ons, currencies and the payment source', async () => {
    const customer = await h.createCustomer(key);
    const card = await tokenize(SandboxCards.succeeds);
    const oneTime = await product(key, { name: 'Once', billing_type: 'one_time', price: 100, currency: 'USD' });
    const yearlySeat = await product(key, monthly('Yearly seat', 100, { is_addon: true, interval: 'year' }));
    const euroSeat = await product(key, monthly('Euro seat', 100, { is_addon: true, currency: 'EUR' }));
    const base = { customer_id: customer.customer_id, product_id: plan.product_id, card_token: card.card_token };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, product_id: oneTime.product_id }, 'product_id'],
      [{ ...base, product_id: seat.product_id }, 'product_id'],
      [{ ...base, addons: [{ product_id: plan.product_id, quantity: 1 }] }, 'addons.0.product_id'],
      [{ ...base, addons: [{ product_id: yearlySeat.product_id, quantity: 1 }] }, 'addons.0.product_id'],
      [{ ...base, addons: [{ product_id: euroSeat.product_id, quantity: 1 }] }, 'addons.0.product_id'],
      [{ ...base, addons: [{ product_id: seat.product_id }, { product_id: seat.product_id }] }, 'addons.1.product_id'],
      [{ ...base, customer_id: 'cus_00000000000000000000000000' }, 'customer_id'],
      [{ ...base, quantity: 0 }, 'quantity'],
      [{ customer_id: customer.customer_id, product_id: plan.product_id }, ''],
      [{ ...base, card_token: 'tok_nope' }, 'card_token'],
    ];
    for (const [body, path] of cases) {
      const response = await h.merchant(key, 'POST', '/v1/subscriptions', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(
        (await errorOf(response)).issues?.map((issue) => issue.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    // Nothing was charged by any of them.
    expect((await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200)).items).toEqual([]);
  });
});

describe('one-time purchases', () => {
  it('charges the items into one paid invoice and records failed attempts too', async () => {
    const ebook = await product(key, { name: 'E-book', billing_type: 'one_time', price: 1999, currency: 'USD', tax_rate_bps: 2500 });
    const app = await product(key, {
      name: 'Desktop app',
      billing_type: 'one_time',
      price: 4999,
      currency: 'USD',
      tax_rate_bps: 2500,
      license_key: { activations_limit: 2, duration_days: 365 },
    });
    const customer = await h.createCustomer(key);
    const card = await tokenize(SandboxCards.succeeds);
    const payment = await json<Payment>(
      await h.merchant(key, 'POST', '/v1/payments', {
        customer_id: customer.customer_id,
        items: [{ product_id: ebook.product_id, quantity: 2 }, { product_id: app.product_id }],
        card_token: card.card_token,
      }),
      201,
    );
    expect(payment).toMatchObject({
      payment_id: expect.stringMatching(/^pay_/),
      status: 'succeeded',
      amount: 11_246,
      currency: 'USD',
      card: { brand: 'visa', last4: '4242' },
      subscription_id: null,
    });
    const invoice = await json<Invoice>(await h.merchant(key, 'GET', `/v1/invoices/${payment.invoice_id}`), 200);
    expect(invoice).toMatchObject({
      status: 'paid',
      subtotal: 8997,
      tax: 2249,
      total: 11_246,
      line_items: [
        { description: 'E-book', quantity: 2, amount: 3998 },
        { description: 'Desktop app', quantity: 1, amount: 4999 },
      ],
    });
    expect(invoice.line_items[0]).not.toHaveProperty('period');
    expect(await json(await h.merchant(key, 'GET', `/v1/payments/${payment.payment_id}`), 200)).toEqual(payment);
    // A one-time card token is charged, not saved.
    expect(await h.store.db.selectFrom('payment_methods').selectAll().where('customer_id', '=', customer.customer_id).execute()).toEqual([]);

    const declined = await h.merchant(key, 'POST', '/v1/payments', {
      customer_id: customer.customer_id,
      items: [{ product_id: ebook.product_id }],
      card_token: (await tokenize(SandboxCards.insufficientFunds)).card_token,
    });
    expect(declined.status).toBe(402);
    expect(await errorOf(declined)).toMatchObject({ code: 'payment_failed', decline_code: 'insufficient_funds' });
    const payments = await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200);
    expect(payments.items.map((p) => p.status).sort()).toEqual(['failed', 'succeeded']);
    expect((await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200)).items).toHaveLength(1);

    const plan = await product(key, monthly('Plan', 100));
    const euro = await product(key, { name: 'Euro thing', billing_type: 'one_time', price: 100, currency: 'EUR', tax_rate_bps: 2500 });
    const cases: [unknown[], string][] = [
      [[{ product_id: plan.product_id }], 'items.0.product_id'],
      [[{ product_id: ebook.product_id }, { product_id: euro.product_id }], 'items.1.product_id'],
      [[], 'items'],
    ];
    for (const [items, path] of cases) {
      const response = await h.merchant(key, 'POST', '/v1/payments', { customer_id: customer.customer_id, items, card_token: card.card_token });
      expect(response.status, path).toBe(400);
      expect((await errorOf(response)).issues?.map((issue) => issue.path)).toContain(path);
    }
  });

  it('fails live-mode charges with processor_not_configured and records nothing', async () => {
    const live = h.business.keys.live;
    const liveProduct = await product(live, { name: 'Live thing', billing_type: 'one_time', price: 100, currency: 'USD' });
    const customer = await h.createCustomer(live);
    const card = await tokenize(SandboxCards.succeeds);
    for (const [path, body] of [
      ['/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: liveProduct.product_id }], card_token: card.card_token }],
      [`/v1/customers/${customer.customer_id}/payment-methods`, { card_token: card.card_token }],
    ] as const) {
      const response = await h.merchant(live, 'POST', path, body);
      expect(response.status, path).toBe(503);
      expect((await errorOf(response)).code).toBe('processor_not_configured');
    }
    expect((await json<Page<Payment>>(await h.merchant(live, 'GET', '/v1/payments'), 200)).items).toEqual([]);
  });
});

describe('GET /portal/v1/payments', () => {
  it('lists the session customer’s transactions, failed ones included, and nobody else’s', async () => {
    const thing = await product(key, { name: 'Sticker', billing_type: 'one_time', price: 300, currency: 'USD' });
    const [mine, theirs] = [await h.createCustomer(key), await h.createCustomer(key)];
    const buy = async (customerId: string, number: string) =>
      h.merchant(key, 'POST', '/v1/payments', { customer_id: customerId, items: [{ product_id: thing.product_id }], card_token: (await tokenize(number)).card_token });
    expect((await buy(mine.customer_id, SandboxCards.succeeds)).status).toBe(201);
    expect((await buy(mine.customer_id, SandboxCards.declines)).status).toBe(402);
    expect((await buy(theirs.customer_id, SandboxCards.succeeds)).status).toBe(201);
    const theirPayment = (await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${theirs.customer_id}`), 200)).items[0]!;

    const session = await h.createSession(key, mine.customer_id);
    const page = await json<Page<Payment>>(await h.portal(session.session_token, 'GET', '/portal/v1/payments'), 200);
    expect(page.items.map((p) => [p.customer_id, p.status]).sort()).toEqual([
      [mine.customer_id, 'failed'],
      [mine.customer_id, 'succeeded'],
    ]);
    const firstPage = await json<Page<Payment>>(await h.portal(session.session_token, 'GET', '/portal/v1/payments?limit=1'), 200);
    const secondPage = await json<Page<Payment>>(await h.portal(session.session_token, 'GET', `/portal/v1/payments?limit=1&cursor=${firstPage.next_cursor}`), 200);
    expect([...firstPage.items, ...secondPage.items].map((p) => p.payment_id).sort()).toEqual(page.items.map((p) => p.payment_id).sort());
    expect((await h.portal(session.session_token, 'GET', `/portal/v1/payments/${page.items[0]!.payment_id}`)).status).toBe(200);
    const foreign = await h.portal(session.session_token, 'GET', `/portal/v1/payments/${theirPayment.payment_id}`);
    expect(foreign.status).toBe(404);
    expect((await errorOf(foreign)).code).toBe('not_found');
    expect((await h.app.request('/portal/v1/payments')).status).toBe(401);
  });
});

describe('sandbox token rate limit', () => {
  it('answers 429 rate_limited with Retry-After past the per-IP limit', async () => {
    const fresh = await createHarness();
    try {
      const post = () =>
        fresh.app.request('/sandbox/v1/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2030, cvc: '123' }),
        });
      for (let i = 0; i < 60; i += 1) expect((await post()).status).toBe(201);
      const limited = await post();
      expect(limited.status).toBe(429);
      expect((await errorOf(limited)).code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      fresh.clock.advance(15 * 60_000 + 1);
      expect((await post()).status).toBe(201);
    } finally {
      await fresh.close();
    }
  });
});
