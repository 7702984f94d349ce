/**
 * Reconciliation on a real database — SQLite, and PostgreSQL over two connection pools when
 * DATABASE_URL is set: charges and refunds whose processor answer never came back are settled
 * later, once, from what the sandbox's ledger says, exactly as the normal path would have.
 *
 * "The answer never came back" is the real sandbox processor doing its work, after which the
 * call never returns (the process stalls, as if it died there): the ledger holds the charge or
 * refund, our database still says `processing` / `pending`.
 */
import type { Payment, Product, Refund, Subscription } from '@dodo-portal/wire/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, createAppContext } from '../app.ts';
import { toTimestamp } from '../domain/ports.ts';
import { SandboxCards } from '../payments/sandbox.ts';
import { advanceTestClockRow } from '../store/test-clocks.ts';
import { memoryLogger, TEST_SERVER_SECRET, TestClock } from '../testing/harness.ts';
import { sandboxRowCount, webhookEventData } from '../testing/db-reads.ts';
import { stallingSandbox } from '../testing/stalling-sandbox.ts';
import { sharedDatabaseBackends, type SharedDatabase } from '../testing/shared-db.ts';
import { createBusiness } from './businesses.ts';
import { reconcile, RECONCILE_GRACE_MS } from './reconciliation.ts';
import { runDueRenewals } from './renewals.ts';
import { serviceContext } from '../runtime.ts';

let shared: SharedDatabase | undefined;
afterEach(async () => {
  await shared?.cleanup();
  shared = undefined;
});

describe.each(sharedDatabaseBackends())('reconciliation (%s)', (_name, open) => {
  async function world() {
    shared = await open();
    const [first, second] = shared.stores;
    const clock = new TestClock(new Date('2025-06-01T00:00:00.000Z'));
    const logger = memoryLogger();
    const { business, apiKeys } = await createBusiness(serviceContext(first, { clock }), { name: 'Reconcile Co' });
    const sandbox = stallingSandbox(first, clock);
    const deps = { clock, publicUrl: 'https://portal.test', logger, secret: TEST_SERVER_SECRET };
    const app = createApp({ store: first, paymentProcessor: sandbox, ...deps });
    /** Reconcilers as two processes would run them: their own pools, the plain sandbox. */
    const runners = [first, second].map((store) => createAppContext({ store, ...deps }));
    const request = (method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers: { authorization: `Bearer ${apiKeys.test}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await request(method, path, body);
      const json = (await response.json()) as T;
      expect(response.status, `${path} ${JSON.stringify(json)}`).toBeLessThan(300);
      return json;
    };
    await call('POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' });
    const customer = await call<{ customer_id: string }>('POST', '/v1/customers', { email: 'lost@example.com', name: 'Lost Answer' });
    const token = async () => (await call<{ card_token: string }>('POST', '/sandbox/v1/tokens', { number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' })).card_token;
    const db = first.db;
    const events = (type: string) => webhookEventData(db, business.id, type);
    const count = (table: 'sandbox_charges' | 'sandbox_refunds') => sandboxRowCount(db, table);
    const waitFor = async (table: 'sandbox_charges' | 'sandbox_refunds', n: number) => expect.poll(() => count(table), { timeout: 5000 }).toBe(n);
    const reconcileBoth = async () =>
      (await Promise.all(runners.map((ctx) => reconcile(ctx)))).reduce((sum, r) => ({ payments: sum.payments + r.payments, refunds: sum.refunds + r.refunds }));
    return { first, clock, logger, business, sandbox, app, runners, request, call, customer, token, db, events, count, waitFor, reconcileBoth };
  }

  it('settles a renewal charge whose answer was lost exactly as the renewal would have, once', async () => {
    const w = await world();
    const plan = await w.call<Product>('POST', '/v1/products', { name: 'Daily', billing_type: 'subscription', price: 700, currency: 'USD', interval: 'day' });
    const subscription = await w.call<Subscription>('POST', '/v1/subscriptions', { customer_id: w.customer.customer_id, product_id: plan.product_id, card_token: await w.token() });
    await advanceTestClockRow(w.db, w.business.id, subscription.current_period_end, toTimestamp(w.clock.now()));

    // The renewal charges the card, and the answer never arrives.
    w.sandbox.stall = 'after';
    void runDueRenewals(createAppContext({ store: w.first, paymentProcessor: w.sandbox, clock: w.clock, publicUrl: 'https://portal.test', logger: w.logger, secret: TEST_SERVER_SECRET }));
    await w.waitFor('sandbox_charges', 2);
    const lost = await w.db.selectFrom('payments').selectAll().where('subscription_id', '=', subscription.subscription_id).where('status', '=', 'processing').executeTakeFirstOrThrow();

    // Other runners never charge that period again: not while the lease holds, not after it lapses.
    expect((await Promise.all(w.runners.map((ctx) => runDueRenewals(ctx)))).map((report) => report.renewed)).toEqual([0, 0]);
    w.clock.advance(6 * 60_000);
    expect((await Promise.all(w.runners.map((ctx) => runDueRenewals(ctx)))).map((report) => report.renewed)).toEqual([0, 0]);
    expect(await w.count('sandbox_charges')).toBe(2);
    // Nor is it reconciled within the grace period.
    expect(await w.reconcileBoth()).toEqual({ payments: 0, refunds: 0 });

    w.clock.advance(RECONCILE_GRACE_MS);
    expect(await w.reconcileBoth()).toEqual({ payments: 1, refunds: 0 });
    expect(await w.reconcileBoth()).toEqual({ payments: 0, refunds: 0 });

    const payment = await w.call<Payment>('GET', `/v1/payments/${lost.id}`);
    expect(payment).toMatchObject({ status: 'succeeded', amount: 700, subscription_id: subscription.subscription_id, invoice_id: expect.stringMatching(/^inv_/) });
    const invoice = await w.call<{ status: string; total: number; line_items: { period: { start: string } }[] }>('GET', `/v1/invoices/${payment.invoice_id}`);
    expect(invoice).toMatchObject({ status: 'paid', total: 700 });
    expect(invoice.line_items[0]!.period.start).toBe(subscription.current_period_end);
    const renewed = await w.call<Subscription>('GET', `/v1/subscriptions/${subscription.subscription_id}`);
    expect(renewed).toMatchObject({ status: 'active', current_period_start: subscription.current_period_end });
    const row = await w.db.selectFrom('subscriptions').select(['period_index', 'billing_locked_until']).where('id', '=', subscription.subscription_id).executeTakeFirstOrThrow();
    expect([Number(row.period_index), row.billing_locked_until]).toEqual([1, null]);
    expect((await w.events('payment.succeeded')).filter((data) => data.payment_id === lost.id)).toHaveLength(1);
    expect(await w.events('subscription.renewed')).toHaveLength(1);
    // The receipt goes through the mail queue (test mode, no SMTP: the outbox), after the renewal.
    await expect
      .poll(async () => (await w.db.selectFrom('mail_queue').select('subject').where('delivered_via', '=', 'outbox').where('to_address', '=', 'lost@example.com').execute()).length, {
        timeout: 5_000,
      })
      .toBeGreaterThanOrEqual(1);
    expect(await w.count('sandbox_charges')).toBe(2);

    // The next period renews normally afterwards (one new charge).
    await advanceTestClockRow(w.db, w.business.id, renewed.current_period_end, toTimestamp(w.clock.now()));
    expect((await runDueRenewals(w.runners[0]!)).renewed).toBe(1);
    expect(await w.count('sandbox_charges')).toBe(3);
  });

  it('fails a renewal charge that never reached the processor, and the period is then charged afresh', async () => {
    const w = await world();
    const plan = await w.call<Product>('POST', '/v1/products', { name: 'Daily', billing_type: 'subscription', price: 400, currency: 'USD', interval: 'day' });
    const subscription = await w.call<Subscription>('POST', '/v1/subscriptions', { customer_id: w.customer.customer_id, product_id: plan.product_id, card_token: await w.token() });
    await advanceTestClockRow(w.db, w.business.id, subscription.current_period_end, toTimestamp(w.clock.now()));
    w.sandbox.stall = 'before';
    const stalled = createAppContext({ store: w.first, paymentProcessor: w.sandbox, clock: w.clock, publicUrl: 'https://portal.test', logger: w.logger, secret: TEST_SERVER_SECRET });
    expect((await runDueRenewals(stalled)).renewed).toBe(0);
    const lost = await w.db.selectFrom('payments').select('id').where('subscription_id', '=', subscription.subscription_id).where('status', '=', 'processing').executeTakeFirstOrThrow();

    w.sandbox.stall = 'none';
    w.clock.advance(RECONCILE_GRACE_MS + 1);
    // Through the test clock's advance, which reconciles its scope before it renews.
    await w.call('POST', '/v1/test-clock/advance', { seconds: 1 });
    const failed = await w.call<Payment>('GET', `/v1/payments/${lost.id}`);
    expect(failed).toMatchObject({ status: 'failed', decline_code: 'charge_not_found' });
    expect((await w.events('payment.failed')).map((data) => data.payment_id)).toEqual([lost.id]);
    // The same advance then renewed the period with a fresh charge on the (now answering) sandbox.
    const renewed = await w.call<Subscription>('GET', `/v1/subscriptions/${subscription.subscription_id}`);
    expect(renewed.current_period_start).toBe(subscription.current_period_end);
    expect(await w.count('sandbox_charges')).toBe(2);
  });

  it('refunds in full a charge whose order never completed, once', async () => {
    const w = await world();
    const book = await w.call<Product>('POST', '/v1/products', { name: 'Book', billing_type: 'one_time', price: 2500, currency: 'USD' });
    const card = await w.token();
    w.sandbox.stall = 'after';
    void w.request('POST', '/v1/payments', { customer_id: w.customer.customer_id, items: [{ product_id: book.product_id, quantity: 1 }], card_token: card });
    await w.waitFor('sandbox_charges', 1);
    w.sandbox.stall = 'none';
    const lost = await w.db.selectFrom('payments').select('id').where('status', '=', 'processing').executeTakeFirstOrThrow();

    w.clock.advance(RECONCILE_GRACE_MS);
    expect(await w.reconcileBoth()).toEqual({ payments: 1, refunds: 0 });
    expect(await w.reconcileBoth()).toEqual({ payments: 0, refunds: 0 });
    const payment = await w.call<Payment>('GET', `/v1/payments/${lost.id}`);
    expect(payment).toMatchObject({ status: 'refunded', amount: 2500, amount_refunded: 2500, invoice_id: null });
    expect(payment.refunds).toHaveLength(1);
    expect(await w.count('sandbox_refunds')).toBe(1);
    expect((await w.events('payment.succeeded')).map((data) => data.payment_id)).toEqual([lost.id]);
    expect((await w.events('refund.succeeded')).map((data) => data.payment_id)).toEqual([lost.id]);
    expect(await w.db.selectFrom('invoices').select('id').where('business_id', '=', w.business.id).execute()).toEqual([]);
  });

  it('finishes a refund whose answer was lost, and sends one that never left, once each', async () => {
    const w = await world();
    const book = await w.call<Product>('POST', '/v1/products', { name: 'Book', billing_type: 'one_time', price: 3000, currency: 'USD' });
    const paid = await w.call<Payment>('POST', '/v1/payments', { customer_id: w.customer.customer_id, items: [{ product_id: book.product_id, quantity: 1 }], card_token: await w.token() });
    w.sandbox.stall = 'after';
    void w.request('POST', '/v1/refunds', { payment_id: paid.payment_id, amount: 1000 });
    await w.waitFor('sandbox_refunds', 1);
    w.sandbox.stall = 'none';
    // A refund reserved (`pending`) whose process stopped before it called the processor at all.
    const reserved = await w.db.selectFrom('refunds').selectAll().executeTakeFirstOrThrow();
    await w.db
      .updateTable('payments')
      .set((eb) => ({ amount_refunded: eb('amount_refunded', '+', 500), status: 'partially_refunded' }))
      .where('id', '=', paid.payment_id)
      .execute();
    await w.db
      .insertInto('refunds')
      .values({ ...reserved, id: 're_0000000000000000000000000n', amount: 500, processor_refund_id: null, status: 'pending', reconcile_claimed_until: null })
      .execute();

    const before = await w.call<{ items: Refund[] }>('GET', `/v1/refunds?payment_id=${paid.payment_id}`);
    expect(before.items.map((refund) => refund.status)).toEqual(['pending', 'pending']);
    expect(await w.reconcileBoth()).toEqual({ payments: 0, refunds: 0 }); // within the grace period
    w.clock.advance(RECONCILE_GRACE_MS);
    expect(await w.reconcileBoth()).toEqual({ payments: 0, refunds: 2 });
    expect(await w.reconcileBoth()).toEqual({ payments: 0, refunds: 0 });

    const after = await w.call<Payment>('GET', `/v1/payments/${paid.payment_id}`);
    expect(after).toMatchObject({ status: 'partially_refunded', amount_refunded: 1500 });
    expect((after.refunds ?? []).map((refund) => refund.amount).sort()).toEqual([1000, 500].sort());
    expect(await w.count('sandbox_refunds')).toBe(2);
    const charge = await w.db.selectFrom('sandbox_charges').select('amount_refunded').executeTakeFirstOrThrow();
    expect(Number(charge.amount_refunded)).toBe(1500);
    expect((await w.events('refund.succeeded')).map((data) => data.refund_id).sort()).toEqual([reserved.id, 're_0000000000000000000000000n'].sort());
    expect(w.logger.entries.filter((entry) => entry.level === 'error' && entry.message === 'reconciliation failed')).toEqual([]);
  });
});
