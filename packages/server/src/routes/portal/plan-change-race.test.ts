/**
 * Identical plan changes sent at once, without an Idempotency-Key, through a real server over TCP
 * on each store: one of them changes the plan and charges, every other one answers 409 (the plan
 * is already what they ask for, or the change is in progress) — never a second charge.
 */
import type { ErrorBody, Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { sandboxCardToken, servedBackends, type Served } from '../../testing/served.ts';

const BURSTS = 20;
const PARALLEL = 20;

describe.each(servedBackends())('concurrent identical plan changes over TCP (%s)', (_name, start) => {
  let t: Served;
  let key: string;
  let basic: Product;
  let pro: Product;

  beforeAll(async () => {
    // trustProxy: each card token comes "from" its own address, under the per-IP token limit.
    t = await start({ trustProxy: true });
    key = t.business.keys.test;
    await t.expect(200, key, 'PATCH', '/v1/business', { allow_subscription_updates: true });
    const product = (name: string, price: number) =>
      t.expect<Product>(201, key, 'POST', '/v1/products', { name, price, billing_type: 'subscription', currency: 'USD', interval: 'month', tax_rate_bps: 0 });
    basic = await product('Basic', 1_000);
    pro = await product('Pro', 3_000);
    await t.expect(201, key, 'POST', '/v1/product-collections', { name: 'Plans', product_ids: [basic.product_id, pro.product_id] });
  });
  afterAll(async () => t?.close());

  it(`${PARALLEL} simultaneous upgrades of one subscription charge once, in each of ${BURSTS} bursts`, async () => {
    const statuses = new Map<string, number>();
    for (let burst = 0; burst < BURSTS; burst += 1) {
      const customer = await t.expect<{ customer_id: string }>(201, key, 'POST', '/v1/customers', { email: `race${burst}@example.com`, name: `Race ${burst}` });
      const subscription = await t.expect<Subscription>(201, key, 'POST', '/v1/subscriptions', {
        customer_id: customer.customer_id,
        product_id: basic.product_id,
        card_token: await sandboxCardToken(t, SandboxCards.succeeds),
      });
      const session = await t.expect<{ session_token: string }>(201, key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`);
      const path = `/portal/v1/subscriptions/${subscription.subscription_id}/change-plan`;
      const responses = await Promise.all(Array.from({ length: PARALLEL }, () => t.call(session.session_token, 'POST', path, { product_id: pro.product_id })));
      const answers = await Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as Partial<ErrorBody> })));
      for (const answer of answers) {
        const tag = answer.status === 200 ? '200' : `${answer.status} ${answer.body.error?.code}`;
        statuses.set(tag, (statuses.get(tag) ?? 0) + 1);
      }

      const charges = await t.server.store.db
        .selectFrom('payments')
        .select(['amount', 'status'])
        .where('subscription_id', '=', subscription.subscription_id)
        .where('status', '!=', 'failed')
        .orderBy('created_at')
        .execute();
      // The first period's payment, then exactly one upgrade charge (Pro − Basic, prorated).
      expect(charges.length, `burst ${burst}: ${JSON.stringify(answers.map((a) => a.status))}`).toBe(2);
      expect(charges.every((charge) => charge.status === 'succeeded')).toBe(true);
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
      expect(
        answers.every((answer) => answer.status === 200 || answer.status === 409),
        JSON.stringify(answers.filter((a) => a.status !== 200 && a.status !== 409)),
      ).toBe(true);
      const after = await t.expect<Subscription>(200, key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`);
      expect(after.product_id).toBe(pro.product_id);
    }
    console.log(`answers over ${BURSTS} bursts of ${PARALLEL}:`, Object.fromEntries(statuses));
    expect(t.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  }, 120_000);
});
