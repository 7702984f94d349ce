/**
 * Never twice: parallel renewal runs — in one process, and over two connection pools of one
 * PostgreSQL database (what two server processes are) — charge each period once.
 */
import type { Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, createAppContext } from '../app.ts';
import { toTimestamp } from '../domain/ports.ts';
import { memoryLogger, TEST_SERVER_SECRET, TestClock } from '../testing/harness.ts';
import { sharedDatabaseBackends, type SharedDatabase } from '../testing/shared-db.ts';
import { advanceTestClockRow } from '../store/test-clocks.ts';
import { createBusiness } from './businesses.ts';
import { runDueRenewals } from './renewals.ts';
import { serviceContext } from '../runtime.ts';

let shared: SharedDatabase | undefined;
afterEach(async () => {
  await shared?.cleanup();
  shared = undefined;
});

describe.each(sharedDatabaseBackends())('parallel renewals (%s)', (_name, open) => {
  it('charges every due period exactly once when eight runners race over two pools', async () => {
    shared = await open();
    const [first, second] = shared.stores;
    const clock = new TestClock(new Date('2025-06-01T00:00:00.000Z'));
    const logger = memoryLogger();
    const { business, apiKeys } = await createBusiness(serviceContext(first, { clock }), { name: 'Race Co' });
    // One server secret, as every process of a deployment shares DODO_PORTAL_SECRET (queued mail is sealed under it).
    const app = createApp({ store: first, clock, publicUrl: 'https://portal.test', logger, secret: TEST_SERVER_SECRET });
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${apiKeys.test}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      expect(response.status, path).toBeLessThan(300);
      return (await response.json()) as T;
    };
    const product = await call<Product>('POST', '/v1/products', { name: 'Daily', billing_type: 'subscription', price: 700, currency: 'USD', interval: 'day' });
    const subscriptions: Subscription[] = [];
    for (let i = 0; i < 4; i += 1) {
      const customer = await call<{ customer_id: string }>('POST', '/v1/customers', { email: `racer${i}@example.com`, name: `Racer ${i}` });
      const card = await call<{ card_token: string }>('POST', '/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' });
      subscriptions.push(await call<Subscription>('POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: card.card_token }));
    }
    // Five days pass on the test clock without anyone running renewals; then eight runners start at once.
    await advanceTestClockRow(first.db, business.id, '2025-06-06T00:00:00.000Z', toTimestamp(clock.now()));
    const runners = [first, second, first, second, first, second, first, second].map((store) =>
      createAppContext({ store, clock, publicUrl: 'https://portal.test', logger, secret: TEST_SERVER_SECRET }),
    );
    const reports = await Promise.all(runners.map((ctx) => runDueRenewals(ctx)));
    expect(reports.reduce((sum, report) => sum + report.renewed, 0)).toBe(4 * 5);

    for (const subscription of subscriptions) {
      const payments = await first.db.selectFrom('payments').select(['status', 'amount']).where('subscription_id', '=', subscription.subscription_id).execute();
      expect(payments).toHaveLength(6); // the first period + five renewals
      expect(payments.every((payment) => payment.status === 'succeeded')).toBe(true);
      const periods = await first.db
        .selectFrom('invoice_line_items')
        .innerJoin('invoices', 'invoices.id', 'invoice_line_items.invoice_id')
        .select('invoice_line_items.period_start')
        .where('invoices.subscription_id', '=', subscription.subscription_id)
        .orderBy('invoice_line_items.period_start')
        .execute();
      expect(periods.map((row) => row.period_start)).toEqual(['01', '02', '03', '04', '05', '06'].map((day) => `2025-06-${day}T00:00:00.000Z`));
      const row = await first.db
        .selectFrom('subscriptions')
        .select(['period_index', 'billing_locked_until', 'current_period_end'])
        .where('id', '=', subscription.subscription_id)
        .executeTakeFirstOrThrow();
      expect([Number(row.period_index), row.billing_locked_until, row.current_period_end]).toEqual([5, null, '2025-06-07T00:00:00.000Z']);
    }
    const charges = await first.db
      .selectFrom('sandbox_charges')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(charges.n)).toBe(4 * 6);
    const numbers = await first.db.selectFrom('invoices').select('number').where('business_id', '=', business.id).execute();
    expect(new Set(numbers.map((n) => n.number)).size).toBe(4 * 6);
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('records a usage event once when ten copies of it arrive at once over two pools', async () => {
    shared = await open();
    const [first, second] = shared.stores;
    const clock = new TestClock(new Date('2025-06-01T00:00:00.000Z'));
    const { apiKeys } = await createBusiness(serviceContext(first, { clock }), { name: 'Meter Co' });
    const apps = [first, second].map((store) => createApp({ store, clock, publicUrl: 'https://portal.test', logger: memoryLogger() }));
    const call = async (app: (typeof apps)[number], method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers: { authorization: `Bearer ${apiKeys.test}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const product = (await (
      await call(apps[0]!, 'POST', '/v1/products', { name: 'Meter', billing_type: 'usage_based', price: 0, currency: 'USD', interval: 'month', usage: { meter: 'calls', unit_price: 1 } })
    ).json()) as Product;
    const customer = (await (await call(apps[0]!, 'POST', '/v1/customers', { email: 'meter@example.com', name: 'Meter' })).json()) as { customer_id: string };
    const card = (await (await call(apps[0]!, 'POST', '/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' })).json()) as { card_token: string };
    const subscription = (await (
      await call(apps[0]!, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: card.card_token })
    ).json()) as Subscription;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(apps[i % 2]!, 'POST', '/v1/usage-events', { subscription_id: subscription.subscription_id, meter: 'calls', quantity: 7, event_id: 'same' }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(9);
    expect(await first.db.selectFrom('usage_events').selectAll().execute()).toHaveLength(1);
  });
});
