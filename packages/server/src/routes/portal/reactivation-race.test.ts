/**
 * Paying an on-hold subscription's dues from many requests at once, through a real server over
 * TCP on each store: the dues are charged once (the subscription's one lease, store/dues.ts); the
 * other requests find the charge in progress (409) or the subscription active again and only
 * switch the card (200 without a payment) — never a second charge, never a 500.
 */
import type { ErrorBody, PortalPaymentMethod, Product, Subscription, SubscriptionPaymentMethodResult } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { sandboxCardToken, servedBackends, type Served } from '../../testing/served.ts';

const BURSTS = 5;
const PARALLEL = 20;

describe.each(servedBackends())('concurrent dues payments over TCP (%s)', (_name, start) => {
  let t: Served;
  let key: string;
  let plan: Product;

  beforeAll(async () => {
    // trustProxy: each card token comes "from" its own address, under the per-IP token limit.
    t = await start({ trustProxy: true });
    key = t.business.keys.test;
    plan = await t.expect<Product>(201, key, 'POST', '/v1/products', { name: 'Monthly', price: 2_000, billing_type: 'subscription', currency: 'USD', interval: 'month', tax_rate_bps: 0 });
  });
  afterAll(async () => t?.close());

  it(`${PARALLEL} simultaneous reactivations of one on-hold subscription charge its dues once, in each of ${BURSTS} bursts`, async () => {
    for (let burst = 0; burst < BURSTS; burst += 1) {
      const customer = await t.expect<{ customer_id: string }>(201, key, 'POST', '/v1/customers', { email: `dues${burst}@example.com`, name: `Dues ${burst}` });
      const created = await t.expect<Subscription>(201, key, 'POST', '/v1/subscriptions', {
        customer_id: customer.customer_id,
        product_id: plan.product_id,
        card_token: await sandboxCardToken(t, SandboxCards.succeeds),
      });
      // The renewal declines: on hold with its invoice open.
      await t.expect(200, key, 'PATCH', `/v1/subscriptions/${created.subscription_id}`, { card_token: await sandboxCardToken(t, SandboxCards.attachesThenDeclines) });
      await t.expect(200, key, 'POST', '/v1/test-clock/advance', { to: created.current_period_end });
      expect((await t.expect<Subscription>(200, key, 'GET', `/v1/subscriptions/${created.subscription_id}`)).status).toBe('on_hold');

      const session = (await t.expect<{ session_token: string }>(201, key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`)).session_token;
      const card = await t.call(session, 'POST', '/portal/v1/payment-methods', { card_token: await sandboxCardToken(t, SandboxCards.succeeds) });
      expect(card.status).toBe(201);
      const methodId = ((await card.json()) as PortalPaymentMethod).payment_method_id;

      const path = `/portal/v1/subscriptions/${created.subscription_id}/payment-method`;
      const responses = await Promise.all(Array.from({ length: PARALLEL }, () => t.call(session, 'POST', path, { payment_method_id: methodId })));
      const answers = await Promise.all(
        responses.map(async (response) => ({ status: response.status, body: (await response.json()) as Partial<SubscriptionPaymentMethodResult & ErrorBody> })),
      );
      const summary = JSON.stringify(answers.map((answer) => (answer.status === 200 ? (answer.body.payment ? 'paid' : 'card') : `${answer.status} ${answer.body.error?.code}`)));
      expect(
        answers.every((answer) => answer.status === 200 || (answer.status === 409 && answer.body.error?.code === 'charge_in_progress')),
        summary,
      ).toBe(true);
      expect(
        answers.filter((answer) => answer.status === 200 && answer.body.payment),
        summary,
      ).toHaveLength(1);

      const paid = await t.server.store.db.selectFrom('payments').select(['amount']).where('subscription_id', '=', created.subscription_id).where('status', '=', 'succeeded').execute();
      // The first period, then the dues once.
      expect(paid.map((payment) => Number(payment.amount))).toEqual([2_000, 2_000]);
      expect((await t.expect<Subscription>(200, key, 'GET', `/v1/subscriptions/${created.subscription_id}`)).status).toBe('active');
    }
    expect(t.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  }, 180_000);
});
