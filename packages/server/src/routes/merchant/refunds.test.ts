/**
 * Refunds: full and partial, shown on the payment, the invoice and the portal; the never-exceeds
 * rule table-driven; and under concurrency on SQLite and PostgreSQL (two app instances, each with
 * its own pool on PostgreSQL), where of refunds racing for the same money only what fits succeeds.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorBody, Invoice, Page, Payment, PortalSession, Product, Refund } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { SandboxCards } from '../../payments/sandbox.ts';
import { createBusiness } from '../../services/businesses.ts';
import { createHarness, memoryLogger, TestClock, type Harness } from '../../testing/harness.ts';
import { sharedDatabaseBackends, type SharedDatabase } from '../../testing/shared-db.ts';
import { serviceContext } from '../../runtime.ts';

type App = ReturnType<typeof createApp>;

const call = (app: App, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
const errorCode = async (response: Response) => ((await response.json()) as ErrorBody).error.code;

/** A one-time purchase of `amount` (no tax) by a new customer, through the API. */
async function purchase(app: App, key: string, amount: number, number: string = SandboxCards.succeeds): Promise<{ payment: Payment; customerId: string; response: Response }> {
  const product = await json<Product>(await call(app, key, 'POST', '/v1/products', { name: `Thing ${amount}`, billing_type: 'one_time', price: amount, currency: 'USD' }), 201);
  const customer = await json<{ customer_id: string }>(
    await call(app, key, 'POST', '/v1/customers', { email: `buyer${Math.random().toString(36).slice(2)}@example.com`, name: 'Buyer' }),
    201,
  );
  const token = await json<{ card_token: string }>(
    await app.request('/sandbox/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }) }),
    201,
  );
  const response = await call(app, key, 'POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product.product_id }], card_token: token.card_token });
  const payment = (await response.clone().json()) as Payment;
  return { payment, customerId: customer.customer_id, response };
}

// On both stores: the invoice's refunds are read from the database's JSON (store/invoices.ts).
const backends: [string, string | undefined][] = [['sqlite', undefined], ...(process.env.DATABASE_URL ? [['postgres', process.env.DATABASE_URL] as [string, string]] : [])];

describe.each(backends)('POST /v1/refunds on %s', (_name, databaseUrl) => {
  let h: Harness;
  let key: string;
  beforeAll(async () => {
    h = await createHarness({ businessInput: { name: 'Refund Co' }, ...(databaseUrl ? { databaseUrl } : {}) });
    key = h.business.keys.test;
  });
  afterAll(async () => h.close());

  it('refunds part, then the rest; shows them on the payment, the invoice, the portal and the list', async () => {
    const { payment, customerId } = await purchase(h.app, key, 10_000);
    expect(payment.status).toBe('succeeded');
    const hook = await json<{ webhook_endpoint_id: string }>(await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['refund.succeeded'] }), 201);

    const partial = await json<Refund>(await h.merchant(key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 3000, reason: 'damaged' }), 201);
    expect(partial).toEqual({
      refund_id: expect.stringMatching(/^rfnd_/),
      payment_id: payment.payment_id,
      invoice_id: payment.invoice_id,
      amount: 3000,
      currency: 'USD',
      reason: 'damaged',
      status: 'succeeded',
      created_at: expect.any(String),
    });
    const afterPartial = await json<Payment>(await h.merchant(key, 'GET', `/v1/payments/${payment.payment_id}`), 200);
    expect(afterPartial).toMatchObject({ status: 'partially_refunded', amount_refunded: 3000, refunds: [partial] });

    // Omitted amount: all of what is left.
    const rest = await json<Refund>(await h.merchant(key, 'POST', '/v1/refunds', { payment_id: payment.payment_id }), 201);
    expect(rest).toMatchObject({ amount: 7000, reason: null, status: 'succeeded' });
    const refunded = await json<Payment>(await h.merchant(key, 'GET', `/v1/payments/${payment.payment_id}`), 200);
    expect(refunded).toMatchObject({ status: 'refunded', amount_refunded: 10_000, refunds: [partial, rest] });

    const invoice = await json<Invoice>(await h.merchant(key, 'GET', `/v1/invoices/${payment.invoice_id}`), 200);
    expect(invoice.amount_refunded).toBe(10_000);
    expect(invoice.refunds).toEqual([
      { refund_id: partial.refund_id, amount: 3000, created_at: partial.created_at, reason: 'damaged' },
      { refund_id: rest.refund_id, amount: 7000, created_at: rest.created_at, reason: null },
    ]);

    const list = await json<Page<Refund>>(await h.merchant(key, 'GET', `/v1/refunds?payment_id=${payment.payment_id}`), 200);
    expect(list).toEqual({ items: [rest, partial], next_cursor: null });
    const paged = await json<Page<Refund>>(await h.merchant(key, 'GET', `/v1/refunds?payment_id=${payment.payment_id}&limit=1`), 200);
    expect(paged.items).toEqual([rest]);
    expect((await json<Page<Refund>>(await h.merchant(key, 'GET', `/v1/refunds?limit=1&cursor=${paged.next_cursor}&payment_id=${payment.payment_id}`), 200)).items).toEqual([partial]);
    expect(await json(await h.merchant(key, 'GET', `/v1/refunds/${partial.refund_id}`), 200)).toEqual(partial);
    expect((await json<Page<Refund>>(await h.merchant(h.business.keys.live, 'GET', '/v1/refunds'), 200)).items).toEqual([]);

    // The portal: the customer's transactions and invoice detail.
    const session = await json<PortalSession>(await h.merchant(key, 'POST', `/v1/customers/${customerId}/customer-portal/session`, {}), 201);
    const portalPayments = await json<Page<Payment>>(await h.portal(session.session_token, 'GET', '/portal/v1/payments'), 200);
    expect(portalPayments.items[0]).toMatchObject({ payment_id: payment.payment_id, status: 'refunded', amount_refunded: 10_000, refunds: [partial, rest] });
    const portalInvoice = await json<Invoice>(await h.portal(session.session_token, 'GET', `/portal/v1/invoices/${payment.invoice_id}`), 200);
    expect(portalInvoice).toMatchObject({ amount_refunded: 10_000, refunds: invoice.refunds });

    // A refunded payment is not refundable any more (400); the webhook was queued for each refund.
    const again = await h.merchant(key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 1 });
    expect(again.status).toBe(400);
    const deliveries = await h.store.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', hook.webhook_endpoint_id).orderBy('created_at').orderBy('id').execute();
    expect(deliveries.map((d) => d.event_type)).toEqual(['refund.succeeded', 'refund.succeeded']);
    expect(deliveries.map((d) => (JSON.parse(d.payload) as { data: Refund }).data.refund_id).sort()).toEqual([partial.refund_id, rest.refund_id].sort());

    // The sandbox processor's ledger agrees.
    const row = await h.store.db.selectFrom('payments').select('processor_charge_id').where('id', '=', payment.payment_id).executeTakeFirstOrThrow();
    const charge = await h.store.db.selectFrom('sandbox_charges').selectAll().where('id', '=', row.processor_charge_id!).executeTakeFirstOrThrow();
    expect(Number(charge.amount_refunded)).toBe(10_000);
  });

  it('answers 404, 400 and 409 as it should, and replays with the same Idempotency-Key', async () => {
    const { payment } = await purchase(h.app, key, 5000);
    expect((await h.merchant(key, 'POST', '/v1/refunds', { payment_id: 'pay_nope' })).status).toBe(404);
    expect((await h.merchant(h.business.keys.live, 'POST', '/v1/refunds', { payment_id: payment.payment_id })).status).toBe(404);
    for (const body of [
      { payment_id: payment.payment_id, amount: 0 },
      { payment_id: payment.payment_id, amount: -5 },
      { payment_id: payment.payment_id, amount: 1.5 },
      { payment_id: payment.payment_id, extra: 1 },
      {},
    ]) {
      expect((await h.merchant(key, 'POST', '/v1/refunds', body)).status, JSON.stringify(body)).toBe(400);
    }
    const over = await h.merchant(key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 5001 });
    expect(over.status).toBe(409);
    expect(await errorCode(over)).toBe('refund_exceeds_payment');

    const { response: declined } = await purchase(h.app, key, 5000, SandboxCards.declines);
    expect(declined.status).toBe(402);
    const failed = (await json<Page<Payment>>(await h.merchant(key, 'GET', '/v1/payments'), 200)).items.find((p) => p.status === 'failed')!;
    const notRefundable = await h.merchant(key, 'POST', '/v1/refunds', { payment_id: failed.payment_id });
    expect(notRefundable.status).toBe(400);
    expect(((await notRefundable.json()) as ErrorBody).error.issues?.[0]?.path).toBe('payment_id');

    const body = { payment_id: payment.payment_id, amount: 1000 };
    const first = await h.app.request('/v1/refunds', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': 'refund-1' },
      body: JSON.stringify(body),
    });
    expect(first.status).toBe(201);
    const replay = await h.app.request('/v1/refunds', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': 'refund-1' },
      body: JSON.stringify(body),
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await first.json());
    expect((await json<Payment>(await h.merchant(key, 'GET', `/v1/payments/${payment.payment_id}`), 200)).amount_refunded).toBe(1000);
  });

  // The never-exceeds rule, table-driven: a payment of 10 000 and refunds asked one after another.
  const cases: { name: string; asks: (number | undefined)[]; expected: (number | 409 | 400)[]; status: Payment['status'] }[] = [
    { name: 'one full refund', asks: [undefined], expected: [10_000], status: 'refunded' },
    { name: 'exact split', asks: [4000, 6000], expected: [4000, 6000], status: 'refunded' },
    { name: 'one unit too many', asks: [4000, 6001], expected: [4000, 409], status: 'partially_refunded' },
    { name: 'too much at once', asks: [10_001], expected: [409], status: 'succeeded' },
    { name: 'partial then the rest by omission', asks: [1, undefined], expected: [1, 9999], status: 'refunded' },
    { name: 'after the whole, nothing more', asks: [10_000, 1, undefined], expected: [10_000, 400, 400], status: 'refunded' },
    { name: 'a refused refund leaves room for a fitting one', asks: [9000, 2000, 1000], expected: [9000, 409, 1000], status: 'refunded' },
    { name: 'many small ones', asks: [2500, 2500, 2500, 2500, 1], expected: [2500, 2500, 2500, 2500, 400], status: 'refunded' },
  ];
  it.each(cases)('never refunds more than the payment: $name', async ({ asks, expected, status }) => {
    const { payment } = await purchase(h.app, key, 10_000);
    const outcomes: (number | 409 | 400)[] = [];
    for (const amount of asks) {
      const response = await h.merchant(key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, ...(amount === undefined ? {} : { amount }) });
      outcomes.push(response.status === 201 ? ((await response.json()) as Refund).amount : (response.status as 409 | 400));
    }
    expect(outcomes).toEqual(expected);
    const after = await json<Payment>(await h.merchant(key, 'GET', `/v1/payments/${payment.payment_id}`), 200);
    const total = expected.filter((outcome): outcome is number => outcome !== 409 && outcome !== 400).reduce((a, b) => a + b, 0);
    expect(after).toMatchObject({ status, amount_refunded: total });
    expect(after.refunds!.reduce((sum, refund) => sum + refund.amount, 0)).toBe(total);
    expect(total).toBeLessThanOrEqual(10_000);
  });
});

describe.each(sharedDatabaseBackends())('refunds racing on %s, two app instances', (_dialect, open) => {
  let shared: SharedDatabase;
  let apps: [App, App];
  let key: string;
  beforeAll(async () => {
    shared = await open();
    const clock = new TestClock();
    apps = shared.stores.map((store) => createApp({ store, clock, publicUrl: 'https://portal.test', logger: memoryLogger(), cdnScriptPath: join(tmpdir(), 'no-bundle.js') })) as [App, App];
    key = (await createBusiness(serviceContext(shared.stores[0], { clock }), { name: 'Race Co' })).apiKeys.test;
  });
  afterAll(async () => shared?.cleanup());

  it('two parallel refunds that together exceed the payment: exactly one succeeds, the other is 409', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { payment } = await purchase(apps[0], key, 10_000);
      const responses = await Promise.all([
        call(apps[0], key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 6000 }),
        call(apps[1], key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 6000 }),
      ]);
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await errorCode(responses.find((r) => r.status === 409)!)).toBe('refund_exceeds_payment');
      const after = await json<Payment>(await call(apps[1], key, 'GET', `/v1/payments/${payment.payment_id}`), 200);
      expect(after).toMatchObject({ status: 'partially_refunded', amount_refunded: 6000 });
      expect(after.refunds).toHaveLength(1);
    }
  });

  it('eight parallel refunds of 3000 on 10 000: three succeed, the sum stays within the payment', async () => {
    const { payment } = await purchase(apps[0], key, 10_000);
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => call(apps[i % 2]!, key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 3000 })));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(5);
    const after = await json<Payment>(await call(apps[0], key, 'GET', `/v1/payments/${payment.payment_id}`), 200);
    expect(after).toMatchObject({ status: 'partially_refunded', amount_refunded: 9000 });
    const rows = await shared.stores[0].db.selectFrom('refunds').selectAll().where('payment_id', '=', payment.payment_id).execute();
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const row = await shared.stores[0].db.selectFrom('payments').select('processor_charge_id').where('id', '=', payment.payment_id).executeTakeFirstOrThrow();
    const charge = await shared.stores[1].db.selectFrom('sandbox_charges').selectAll().where('id', '=', row.processor_charge_id!).executeTakeFirstOrThrow();
    expect(Number(charge.amount_refunded)).toBe(9000);
  });
});
