import type { Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAppContext } from '../app.ts';
import { toTimestamp } from '../domain/ports.ts';
import { advanceTestClockRow } from '../store/test-clocks.ts';
import { createHarness, PUBLIC_URL, type Harness } from '../testing/harness.ts';
import { startScheduler } from './scheduler.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

it('renews what fell due on its own ticks, and stops', async () => {
  const key = h.business.keys.test;
  const post = async <T>(path: string, body: unknown): Promise<T> => (await (await h.merchant(key, 'POST', path, body)).json()) as T;
  const product = await post<Product>('/v1/products', { name: 'Daily', billing_type: 'subscription', price: 300, currency: 'USD', interval: 'day' });
  const customer = await h.createCustomer(key);
  const card = (await (
    await h.app.request('/sandbox/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: '4242424242424242', exp_month: 1, exp_year: 2040, cvc: '123' }),
    })
  ).json()) as { card_token: string };
  const subscription = await post<Subscription>('/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: card.card_token });

  const scheduler = startScheduler(createAppContext({ store: h.store, clock: h.clock, publicUrl: PUBLIC_URL, logger: h.logger }), { intervalMs: 20 });
  try {
    // Time passes on the test clock without an advance call (e.g. set by another process): the scheduler picks it up.
    await advanceTestClockRow(h.store.db, h.business.id, subscription.current_period_end, toTimestamp(h.clock.now()));
    await expect
      .poll(async () => (await h.store.db.selectFrom('subscriptions').select('period_index').where('id', '=', subscription.subscription_id).executeTakeFirstOrThrow()).period_index, {
        timeout: 5000,
      })
      .toBe(1);
  } finally {
    await scheduler.stop();
  }
  await advanceTestClockRow(h.store.db, h.business.id, '2030-01-01T00:00:00.000Z', toTimestamp(h.clock.now()));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(Number((await h.store.db.selectFrom('subscriptions').select('period_index').where('id', '=', subscription.subscription_id).executeTakeFirstOrThrow()).period_index)).toBe(1);
  expect(() => startScheduler(createAppContext({ store: h.store, clock: h.clock, publicUrl: PUBLIC_URL }), { intervalMs: 0 })).toThrow(RangeError);
});
