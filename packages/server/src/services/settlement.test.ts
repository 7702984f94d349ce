/**
 * The settlement pipeline (services/settlement.ts), kind by kind, each through its public route or
 * service on a real database (SQLite; PostgreSQL over two pools when DATABASE_URL is set) and the
 * real sandbox processor:
 *
 * - success: one charge, the payment `succeeded` and tied to its paid invoice, `payment.succeeded`;
 * - decline: one failed payment tied to what it tried to pay, `payment.failed`, and the kind's
 *   decline outcome (402 and nothing changed — or, for a renewal, the subscription on hold);
 * - a crash between the processor's charge and the settlement (the sandbox charges, then never
 *   answers): the payment stays `processing` until reconciliation settles it, exactly once even
 *   with two reconcilers running twice — a renewal finishes its period, any other kind (whose
 *   request has failed) is refunded in full and nothing else changes.
 */
import type { Invoice, Payment, Product, Subscription } from '@dodo-portal/wire/schemas';
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
import { serviceContext } from '../runtime.ts';
import { reconcile, RECONCILE_GRACE_MS } from './reconciliation.ts';
import { runDueRenewals } from './renewals.ts';
import type { ChargeKind } from './settlement.ts';

let shared: SharedDatabase | undefined;
afterEach(async () => {
  await shared?.cleanup();
  shared = undefined;
});

type World = Awaited<ReturnType<typeof world>>;

async function world(open: () => Promise<SharedDatabase>) {
  shared = await open();
  const [first, second] = shared.stores;
  const clock = new TestClock(new Date('2025-06-01T00:00:00.000Z'));
  const logger = memoryLogger();
  const { business, apiKeys } = await createBusiness(serviceContext(first, { clock }), { name: 'Pipeline Co' });
  const sandbox = stallingSandbox(first, clock);
  const deps = { clock, publicUrl: 'https://portal.test', logger, secret: TEST_SERVER_SECRET };
  const app = createApp({ store: first, paymentProcessor: sandbox, ...deps });
  const runner = createAppContext({ store: first, paymentProcessor: sandbox, ...deps });
  /** Reconcilers as two processes would run them: their own pools, the plain sandbox. */
  const reconcilers = [first, second].map((store) => createAppContext({ store, ...deps }));
  const send = (auth: string, method: string, path: string, body?: unknown) =>
    app.request(path, { method, headers: { authorization: `Bearer ${auth}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const call = async <T>(method: string, path: string, body?: unknown, status = 0): Promise<T> => {
    const response = await send(apiKeys.test, method, path, body);
    const json = (await response.json()) as T;
    if (status) expect(response.status, `${path} ${JSON.stringify(json)}`).toBe(status);
    else expect(response.status, `${path} ${JSON.stringify(json)}`).toBeLessThan(300);
    return json;
  };
  const portal = async (customerId: string, method: string, path: string, body?: unknown) => {
    const { session_token } = await call<{ session_token: string }>('POST', `/v1/customers/${customerId}/customer-portal/session`);
    return send(session_token, method, `/portal/v1${path}`, body);
  };
  const token = async (number: string) => (await call<{ card_token: string }>('POST', '/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2040, cvc: '123' })).card_token;
  const db = first.db;
  const events = (type: string) => webhookEventData(db, business.id, type);
  const count = (table: 'sandbox_charges' | 'sandbox_refunds') => sandboxRowCount(db, table);
  const reconcileAll = async () =>
    (await Promise.all(reconcilers.map((ctx) => reconcile(ctx)))).reduce((sum, r) => ({ payments: sum.payments + r.payments, refunds: sum.refunds + r.refunds }));
  await call('POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' });
  await call('PATCH', '/v1/business', { allow_subscription_updates: true });
  const customer = await call<{ customer_id: string }>('POST', '/v1/customers', { email: 'pipe@example.com', name: 'Pipe Line' });
  const product = (body: Record<string, unknown>) => call<Product>('POST', '/v1/products', { currency: 'USD', ...body });
  const subscribe = async (plan: Product) =>
    call<Subscription>('POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await token(SandboxCards.succeeds) });
  /** A merchant call answering the raw response (the charge's own answer is what the test checks). */
  const merchant = async (method: string, path: string, body?: unknown) => send(apiKeys.test, method, path, body);
  /** Future charges of the subscription go to the card `number`. */
  const switchCard = async (subscription: Subscription, number: string) => call('PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { card_token: await token(number) });
  /** The period is over on the business's test clock (renewals do not run by themselves). */
  const endPeriod = (subscription: Subscription) => advanceTestClockRow(db, business.id, subscription.current_period_end, toTimestamp(clock.now()));
  const payment = (id: string) => call<Payment>('GET', `/v1/payments/${id}`);
  const paymentsOf = async () => (await call<{ items: Payment[] }>('GET', `/v1/payments?customer_id=${customer.customer_id}&limit=100`)).items;
  /** The customer's payments made since `before` (ids), newest first. */
  const newPayments = async (before: readonly string[]) => (await paymentsOf()).filter((p) => !before.includes(p.payment_id));
  const paymentIds = async () => (await paymentsOf()).map((p) => p.payment_id);
  return { clock, sandbox, runner, call, merchant, portal, token, events, count, reconcileAll, customer, product, subscribe, switchCard, endPeriod, payment, newPayments, paymentIds };
}

/** A kind: how to set up a charge of it, and run it (`card` is the card it is charged on). */
interface Kind {
  kind: ChargeKind;
  /** Prepares what the charge needs; returns the call that makes the charge. */
  prepare(w: World, card: string): Promise<() => Promise<Response | 'renewed' | 'on_hold' | 'skipped'>>;
  /** What a success leaves, besides the succeeded payment and its invoice. */
  succeeded?(w: World, payment: Payment): Promise<void>;
  /** What a decline leaves: the failed payment tied to … */
  declinedTies: { invoice: boolean; subscription: boolean };
}

const renewalOutcome = async (w: World) => {
  const report = await runDueRenewals(w.runner);
  return report.renewed ? 'renewed' : report.on_hold ? 'on_hold' : 'skipped';
};

/** An on-hold subscription (its renewal declined) of the world's customer. */
async function onHold(w: World) {
  const plan = await w.product({ name: 'Daily', billing_type: 'subscription', price: 700, interval: 'day' });
  const subscription = await w.subscribe(plan);
  await w.switchCard(subscription, SandboxCards.attachesThenDeclines);
  await w.endPeriod(subscription);
  expect(await renewalOutcome(w)).toBe('on_hold');
  return subscription;
}

/** A portal-saved card of the world's customer. */
const savedCard = async (w: World, number: string) => {
  const response = await w.portal(w.customer.customer_id, 'POST', '/payment-methods', { card_token: await w.token(number) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { payment_method_id: string }).payment_method_id;
};

const KINDS: Kind[] = [
  {
    kind: 'purchase',
    declinedTies: { invoice: false, subscription: false },
    prepare: async (w, card) => {
      const book = await w.product({ name: 'Book', billing_type: 'one_time', price: 2500 });
      const cardToken = await w.token(card);
      return () => w.merchant('POST', '/v1/payments', { customer_id: w.customer.customer_id, items: [{ product_id: book.product_id, quantity: 1 }], card_token: cardToken });
    },
  },
  {
    kind: 'first_period',
    declinedTies: { invoice: false, subscription: false },
    prepare: async (w, card) => {
      const plan = await w.product({ name: 'Monthly', billing_type: 'subscription', price: 1200, interval: 'month' });
      const cardToken = await w.token(card);
      return () => w.merchant('POST', '/v1/subscriptions', { customer_id: w.customer.customer_id, product_id: plan.product_id, card_token: cardToken });
    },
    succeeded: async (w, payment) => {
      expect(await w.call<Subscription>('GET', `/v1/subscriptions/${payment.subscription_id}`)).toMatchObject({ status: 'active' });
    },
  },
  {
    kind: 'renewal',
    declinedTies: { invoice: true, subscription: true },
    prepare: async (w, card) => {
      const plan = await w.product({ name: 'Daily', billing_type: 'subscription', price: 400, interval: 'day' });
      const subscription = await w.subscribe(plan);
      if (card !== SandboxCards.succeeds) await w.switchCard(subscription, SandboxCards.attachesThenDeclines);
      await w.endPeriod(subscription);
      return () => renewalOutcome(w);
    },
    succeeded: async (w, payment) => {
      expect(await w.call<Subscription>('GET', `/v1/subscriptions/${payment.subscription_id}`)).toMatchObject({ status: 'active', current_period_start: '2025-06-02T00:00:00.000Z' });
      expect(await w.events('subscription.renewed')).toHaveLength(1);
    },
  },
  {
    kind: 'dues',
    declinedTies: { invoice: true, subscription: true },
    prepare: async (w, card) => {
      const subscription = await onHold(w);
      const methodId = await savedCard(w, card === SandboxCards.succeeds ? card : SandboxCards.attachesThenDeclines);
      return () => w.portal(w.customer.customer_id, 'POST', `/subscriptions/${subscription.subscription_id}/payment-method`, { payment_method_id: methodId });
    },
    succeeded: async (w, payment) => {
      expect(await w.call<Subscription>('GET', `/v1/subscriptions/${payment.subscription_id}`)).toMatchObject({ status: 'active' });
    },
  },
  {
    kind: 'plan_change',
    declinedTies: { invoice: false, subscription: true },
    prepare: async (w, card) => {
      const basic = await w.product({ name: 'Basic', billing_type: 'subscription', price: 1000, interval: 'month' });
      const pro = await w.product({ name: 'Pro', billing_type: 'subscription', price: 3000, interval: 'month' });
      await w.call('POST', '/v1/product-collections', { name: 'Tiers', product_ids: [basic.product_id, pro.product_id] });
      const subscription = await w.subscribe(basic);
      if (card !== SandboxCards.succeeds) await w.switchCard(subscription, SandboxCards.attachesThenDeclines);
      return () => w.portal(w.customer.customer_id, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: pro.product_id });
    },
    succeeded: async (w, payment) => {
      const subscription = await w.call<Subscription>('GET', `/v1/subscriptions/${payment.subscription_id}`);
      expect((await w.events('subscription.plan_changed')).map((data) => data.payment_id)).toEqual([payment.payment_id]);
      expect(subscription.status).toBe('active');
    },
  },
  {
    kind: 'invoice',
    declinedTies: { invoice: true, subscription: false },
    prepare: async (w, card) => {
      const invoice = await w.call<Invoice>('POST', '/v1/invoices', {
        customer_id: w.customer.customer_id,
        currency: 'USD',
        status: 'open',
        line_items: [{ description: 'Consulting', quantity: 1, unit_amount: 9000 }],
      });
      const methodId = await savedCard(w, card === SandboxCards.succeeds ? card : SandboxCards.attachesThenDeclines);
      return () => w.portal(w.customer.customer_id, 'POST', `/invoices/${invoice.invoice_id}/pay`, { payment_method_id: methodId });
    },
  },
];

const answered = async (result: Response | string) =>
  typeof result === 'string' ? { status: result } : { status: result.status, body: (await result.json()) as { error?: { code: string } } };

describe.each(sharedDatabaseBackends())('the settlement pipeline (%s)', (_name, open) => {
  describe.each(KINDS)('$kind', (kind) => {
    it('settles a success once: the payment succeeded, its invoice paid, payment.succeeded', async () => {
      const w = await world(open);
      const charge = await kind.prepare(w, SandboxCards.succeeds);
      const before = await w.count('sandbox_charges');
      const earlier = await w.paymentIds();
      const result = await answered(await charge());
      expect([200, 201, 'renewed']).toContain(result.status);
      expect(await w.count('sandbox_charges')).toBe(before + 1);
      const made = await w.newPayments(earlier);
      expect(made).toHaveLength(1);
      const newest = made[0]!;
      expect(newest).toMatchObject({ status: 'succeeded', invoice_id: expect.stringMatching(/^inv_/) });
      expect(await w.call<Invoice>('GET', `/v1/invoices/${newest.invoice_id}`)).toMatchObject({ status: 'paid', total: newest.amount });
      expect((await w.events('payment.succeeded')).filter((data) => data.payment_id === newest.payment_id)).toHaveLength(1);
      await kind.succeeded?.(w, newest);
    });

    it('records a decline once and changes nothing else (a renewal goes on hold)', async () => {
      const w = await world(open);
      const charge = await kind.prepare(w, SandboxCards.declines);
      const earlier = await w.paymentIds();
      const result = await answered(await charge());
      if (kind.kind === 'renewal') expect(result.status).toBe('on_hold');
      else expect(result).toMatchObject({ status: 402, body: { error: { code: 'payment_failed' } } });
      const payments = await w.newPayments(earlier);
      expect(payments).toHaveLength(1);
      const failed = payments[0]!;
      expect(failed).toMatchObject({ status: 'failed', decline_code: 'card_declined' });
      expect(failed.invoice_id !== null).toBe(kind.declinedTies.invoice);
      expect(failed.subscription_id !== null).toBe(kind.declinedTies.subscription);
      expect((await w.events('payment.failed')).filter((data) => data.payment_id === failed.payment_id)).toHaveLength(1);
      if (failed.invoice_id) expect((await w.call<Invoice>('GET', `/v1/invoices/${failed.invoice_id}`)).status).toBe('open');
    });

    it('settles a charge whose answer was lost exactly once, through reconciliation', async () => {
      const w = await world(open);
      const charge = await kind.prepare(w, SandboxCards.succeeds);
      const before = await w.count('sandbox_charges');
      const earlier = await w.paymentIds();
      w.sandbox.stall = 'after';
      void charge(); // never answers: the process is as good as dead at that point
      await expect.poll(() => w.count('sandbox_charges'), { timeout: 5000 }).toBe(before + 1);
      w.sandbox.stall = 'none';
      const lost = (await w.newPayments(earlier))[0]!;
      expect(lost.status).toBe('processing');

      expect(await w.reconcileAll()).toEqual({ payments: 0, refunds: 0 }); // within the grace period
      w.clock.advance(RECONCILE_GRACE_MS);
      expect(await w.reconcileAll()).toEqual({ payments: 1, refunds: 0 });
      expect(await w.reconcileAll()).toEqual({ payments: 0, refunds: 0 });

      const settled = await w.payment(lost.payment_id);
      expect((await w.events('payment.succeeded')).filter((data) => data.payment_id === lost.payment_id)).toHaveLength(1);
      expect(await w.count('sandbox_charges')).toBe(before + 1);
      if (kind.kind === 'renewal') {
        // The order is finished as the runner would have: the period renewed, its invoice paid, no refund.
        expect(settled).toMatchObject({ status: 'succeeded', invoice_id: expect.stringMatching(/^inv_/) });
        expect(await w.count('sandbox_refunds')).toBe(0);
        await kind.succeeded?.(w, settled);
      } else {
        // The request that charged has failed: the money goes back, in full, once; nothing was bought.
        expect(settled).toMatchObject({ status: 'refunded', amount_refunded: lost.amount, invoice_id: null });
        expect(await w.count('sandbox_refunds')).toBe(1);
        expect((await w.events('refund.succeeded')).map((data) => data.payment_id)).toEqual([lost.payment_id]);
      }
    });
  });
});
