/**
 * What a keyed request leaves for the retry of a dead one: the billing lock it takes lapses no
 * later than its key's lease (a retry that takes the key over must not find it held), and the
 * payment it is about to record is named on its key first.
 */
import type { Subscription } from '@dodo-portal/wire/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, createAppContext } from '../app.ts';
import { toTimestamp } from '../domain/ports.ts';
import { SandboxCards } from '../payments/sandbox.ts';
import { claimIdempotencyKey, findIdempotencyPaymentId } from '../store/idempotency.ts';
import { memoryLogger, tempSqliteStore, TEST_SERVER_SECRET, type TempStore } from '../testing/harness.ts';
import { createBusiness } from './businesses.ts';
import { attemptCharge } from './charging.ts';
import { runUnderIdempotencyKey } from './keyed-request.ts';
import { serviceContext } from '../runtime.ts';
import { BILLING_LOCK_MS, takeBillingLock } from './settlement.ts';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

async function world() {
  temp = await tempSqliteStore();
  const store = temp.store;
  const { business, apiKeys } = await createBusiness(serviceContext(store), { name: 'Keyed Co' });
  const deps = { store, publicUrl: 'https://portal.test', logger: memoryLogger(), secret: TEST_SERVER_SECRET };
  const app = createApp(deps);
  const ctx = createAppContext(deps);
  const call = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await app.request(path, { method: 'POST', headers: { authorization: `Bearer ${apiKeys.test}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as T;
    expect(response.status, JSON.stringify(json)).toBeLessThan(300);
    return json;
  };
  const scope = { businessId: business.id, mode: 'test' as const };
  return { store, ctx, call, scope };
}

describe('a keyed request', () => {
  it('takes a billing lock that lapses with its key lease when that is sooner, else after BILLING_LOCK_MS', async () => {
    const { ctx, call, scope } = await world();
    const product = await call<{ product_id: string }>('/v1/products', { name: 'Plan', price: 1_000, billing_type: 'subscription', currency: 'USD', interval: 'month' });
    const customer = await call<{ customer_id: string }>('/v1/customers', { email: 'keyed@example.com', name: 'Keyed' });
    const { card_token } = await call<{ card_token: string }>('/sandbox/v1/tokens', { number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' });
    const subscription = await call<Subscription>('/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token });

    const soon = toTimestamp(new Date(Date.now() + 2_000));
    const held = await runUnderIdempotencyKey({ scope, key: 'k-soon', leaseUntil: soon }, () => takeBillingLock(ctx, 'subscriptions', subscription.subscription_id, {}));
    expect(held?.until).toBe(soon);
    await ctx.store.db.updateTable('subscriptions').set({ billing_locked_until: null }).where('id', '=', subscription.subscription_id).execute();

    const late = toTimestamp(new Date(Date.now() + 60 * 60_000));
    const before = Date.now();
    const own = await runUnderIdempotencyKey({ scope, key: 'k-late', leaseUntil: late }, () => takeBillingLock(ctx, 'subscriptions', subscription.subscription_id, {}));
    const until = Date.parse(own!.until);
    expect(until).toBeGreaterThanOrEqual(before + BILLING_LOCK_MS);
    expect(until).toBeLessThan(Date.parse(late));
  });

  it('names the payment on its key before the payment is recorded', async () => {
    const { store, ctx, scope } = await world();
    const now = toTimestamp(new Date());
    await claimIdempotencyKey(store.db, scope, 'k-pay', 'hash', now, toTimestamp(new Date(Date.now() + 60_000)));
    // A customer that does not exist: recording the payment fails, where a process killed at that point would stop.
    const source = { token: 'tok_none', paymentMethodId: null, card: { brand: 'visa' as const, last4: '4242', exp_month: 12, exp_year: 2040 } };
    const attempt = runUnderIdempotencyKey({ scope, key: 'k-pay' }, () => attemptCharge(ctx, scope, { customerId: 'cus_missing', amount: 500, currency: 'USD', source, description: 'x' }));
    await expect(attempt).rejects.toThrow(/foreign key|violates/i);
    // The insert failed (the customers foreign key) — yet the key already names the payment, so a
    // retry knows what it may have been about to charge: a named payment that is not there means nothing was.
    const noted = await findIdempotencyPaymentId(store.db, scope, 'k-pay');
    expect(noted).toMatch(/^pay_/);
    expect(await store.db.selectFrom('payments').select('id').where('id', '=', noted!).executeTakeFirst()).toBeUndefined();
  });
});
