/**
 * The customer's subscriptions and profile in the portal, over real HTTP on a real SQLite file:
 * what a subscription shows and which actions it offers, cancelling (at period end or now, with a
 * reason, an email in the customer's language and a webhook) and resuming, and the profile.
 */
import type { ErrorBody, PortalSubscription, PortalSubscriptionPage, Product, Profile, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { createHarness, type Harness } from '../../testing/harness.ts';

let h: Harness;
let key: string;
let starter: Product;
let pro: Product;
let lonely: Product;
let seat: Product;

async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const product = async (body: Record<string, unknown>) =>
  json<Product>(await h.merchant(key, 'POST', '/v1/products', { billing_type: 'subscription', currency: 'EUR', interval: 'month', tax_rate_bps: 2000, ...body }), 201);
const cardToken = async () =>
  (
    await json<{ card_token: string }>(
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
      }),
      201,
    )
  ).card_token;

/** A portal call as the customer with a fresh session (sessions live on the business's clock). */
const portal = async (customerId: string, method: string, path: string, body?: unknown) => {
  const token = (await h.createSession(key, customerId)).session_token;
  return h.app.request(`/portal/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
};

async function subscribe(customerId: string, plan: Product, addons: { product_id: string; quantity: number }[] = []) {
  return json<Subscription>(
    await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customerId, product_id: plan.product_id, quantity: 1, addons, card_token: await cardToken() }),
    201,
  );
}

beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'Portal Co' } });
  key = h.business.keys.test;
  await json(await h.merchant(key, 'PATCH', '/v1/business', { allow_subscription_updates: true, allow_cancellation: true }), 200);
  starter = await product({ name: 'Starter', price: 900 });
  pro = await product({ name: 'Pro', price: 2900 });
  lonely = await product({ name: 'Solo', price: 500, interval: 'week' });
  seat = await product({ name: 'Seat', price: 300, is_addon: true });
  await json(await h.merchant(key, 'POST', '/v1/product-collections', { name: 'Tiers', product_ids: [starter.product_id, pro.product_id] }), 201);
});
afterAll(async () => h.close());

describe('GET /portal/v1/subscriptions', () => {
  it('shows each subscription with its products, recurring amount, card and actions; past ones too', async () => {
    const customer = await h.createCustomer(key);
    const active = await subscribe(customer.customer_id, starter, [{ product_id: seat.product_id, quantity: 2 }]);
    const solo = await subscribe(customer.customer_id, lonely);
    const page = await json<PortalSubscriptionPage>(await portal(customer.customer_id, 'GET', '/subscriptions'), 200);
    expect(page.items.map((item) => item.subscription_id)).toEqual([solo.subscription_id, active.subscription_id]);
    const shown = page.items[1]!;
    expect(shown).toMatchObject({
      status: 'active',
      product: { product_id: starter.product_id, name: 'Starter', price: 900, currency: 'EUR', interval: 'month', interval_count: 1, tax_rate_bps: 2000 },
      addon_items: [{ product: { product_id: seat.product_id, name: 'Seat', price: 300 }, quantity: 2 }],
      recurring_amount: 900 + 2 * 300,
      next_billing_date: active.current_period_end,
      cancel_at_period_end: false,
      payment_method: { brand: 'visa', last4: '4242' },
      actions: ['cancel', 'change_plan', 'update_payment_method'],
    });
    expect(shown.collection_id).toBeTruthy();
    // A weekly plan in no collection, with no add-on on its interval, has nothing to change to.
    expect(page.items[0]!.actions).toEqual(['cancel', 'update_payment_method']);
    expect(page.items[0]!.collection_id).toBeNull();

    const one = await json<{ items: PortalSubscription[]; next_cursor: string | null }>(await portal(customer.customer_id, 'GET', '/subscriptions?limit=1'), 200);
    expect(one.items).toHaveLength(1);
    const next = await json<PortalSubscriptionPage>(await portal(customer.customer_id, 'GET', `/subscriptions?limit=1&cursor=${one.next_cursor}`), 200);
    expect(next.items.map((item) => item.subscription_id)).toEqual([active.subscription_id]);
    expect((await portal(customer.customer_id, 'GET', '/subscriptions?limit=0')).status).toBe(400);
    expect((await portal(customer.customer_id, 'GET', '/subscriptions?status=active')).status).toBe(400);

    await json(await portal(customer.customer_id, 'POST', `/subscriptions/${solo.subscription_id}/cancel`, { when: 'immediately' }), 200);
    const after = await json<PortalSubscriptionPage>(await portal(customer.customer_id, 'GET', '/subscriptions'), 200);
    expect(after.items[0]).toMatchObject({ subscription_id: solo.subscription_id, status: 'cancelled', next_billing_date: null, actions: [] });
  });

  it('answers 404 for an unknown or malformed id and 401 without a session', async () => {
    const customer = await h.createCustomer(key);
    for (const id of ['sub_00000000000000000000000000', 'nope']) {
      const answer = await portal(customer.customer_id, 'GET', `/subscriptions/${id}`);
      expect(answer.status).toBe(404);
      expect((await errorOf(answer)).code).toBe('not_found');
    }
    expect((await h.app.request('/portal/v1/subscriptions')).status).toBe(401);
  });
});

describe('cancel and resume', () => {
  it('cancels at period end by default with the reason kept, resumes, and emails in the customer’s language', async () => {
    const customer = await h.createCustomer(key, { locale: 'sv-SE' });
    const subscription = await subscribe(customer.customer_id, pro);
    const path = `/subscriptions/${subscription.subscription_id}`;
    const endpoint = await json<{ webhook_endpoint_id: string }>(await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' }), 201);

    const scheduled = await json<PortalSubscription>(await portal(customer.customer_id, 'POST', `${path}/cancel`, { reason: 'too_expensive', comment: 'Budget <cuts>' }), 200);
    expect(scheduled).toMatchObject({ status: 'active', cancel_at_period_end: true, next_billing_date: null, actions: ['resume', 'change_plan', 'update_payment_method'] });
    const row = await h.store.db.selectFrom('subscriptions').select(['cancellation_reason', 'cancellation_comment']).where('id', '=', subscription.subscription_id).executeTakeFirstOrThrow();
    expect(row).toEqual({ cancellation_reason: 'too_expensive', cancellation_comment: 'Budget <cuts>' });
    const [mail] = await h.outbox(customer.email);
    expect(mail!.subject).toContain('avslutat');
    expect(mail!.html_body).toContain('Pro');

    const resumed = await json<PortalSubscription>(await portal(customer.customer_id, 'POST', `${path}/resume`), 200);
    expect(resumed).toMatchObject({ cancel_at_period_end: false, next_billing_date: subscription.current_period_end, actions: ['cancel', 'change_plan', 'update_payment_method'] });
    const again = await portal(customer.customer_id, 'POST', `${path}/resume`);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe('not_scheduled_to_cancel');

    const ended = await json<PortalSubscription>(await portal(customer.customer_id, 'POST', `${path}/cancel`, { when: 'immediately', reason: 'switched_service' }), 200);
    expect(ended).toMatchObject({ status: 'cancelled', next_billing_date: null, actions: [] });
    expect(ended.cancelled_at).toBeTruthy();
    for (const action of ['cancel', 'resume']) {
      const refused = await portal(customer.customer_id, 'POST', `${path}/${action}`, action === 'cancel' ? {} : undefined);
      expect(refused.status).toBe(409);
      expect((await errorOf(refused)).code).toBe('subscription_ended');
    }

    const deliveries = await json<{ items: { event_type: string }[] }>(await h.merchant(key, 'GET', `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries`), 200);
    expect(deliveries.items.map((delivery) => delivery.event_type).sort()).toEqual(['subscription.cancelled', 'subscription.updated', 'subscription.updated']);
  });

  it('refuses bad bodies with the field named, and 403 cancellation_disabled when the business forbids it', async () => {
    const customer = await h.createCustomer(key);
    const subscription = await subscribe(customer.customer_id, starter);
    const path = `/subscriptions/${subscription.subscription_id}/cancel`;
    const bad = await portal(customer.customer_id, 'POST', path, { when: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues?.[0]?.path).toBe('when');
    const reason = await portal(customer.customer_id, 'POST', path, { reason: 'because' });
    expect((await errorOf(reason)).issues?.[0]?.path).toBe('reason');

    await json(await h.merchant(key, 'PATCH', '/v1/business', { allow_cancellation: false }), 200);
    try {
      const refused = await portal(customer.customer_id, 'POST', path, { when: 'immediately' });
      expect(refused.status).toBe(403);
      expect((await errorOf(refused)).code).toBe('cancellation_disabled');
      const shown = await json<PortalSubscription>(await portal(customer.customer_id, 'GET', `/subscriptions/${subscription.subscription_id}`), 200);
      expect(shown.actions).not.toContain('cancel');
      expect(shown.status).toBe('active');
    } finally {
      await json(await h.merchant(key, 'PATCH', '/v1/business', { allow_cancellation: true }), 200);
    }
  });
});

describe('profile', () => {
  it('shows name, contact and credit; edits name and billing address; names the wrong field', async () => {
    const customer = await h.createCustomer(key, { name: 'Ada', phone_number: '+46 70 123 45 67' });
    const profile = await json<Profile>(await portal(customer.customer_id, 'GET', '/profile'), 200);
    expect(profile).toEqual({ customer_id: customer.customer_id, name: 'Ada', email: customer.email, phone_number: '+46 70 123 45 67', billing_address: null, credit_balances: [] });

    const address = { street: 'Drottninggatan 1', city: 'Stockholm', state: '', zipcode: '111 51', country: 'SE' };
    const updated = await json<Profile>(await portal(customer.customer_id, 'PATCH', '/profile', { name: '  Ada Lovelace ', billing_address: address }), 200);
    expect(updated).toMatchObject({ name: 'Ada Lovelace', billing_address: address, email: customer.email });
    // The merchant sees the same customer.
    expect(await json(await h.merchant(key, 'GET', `/v1/customers/${customer.customer_id}`), 200)).toMatchObject({ name: 'Ada Lovelace', billing_address: address });

    const cases: [unknown, string][] = [
      [{ billing_address: { ...address, country: 'se' } }, 'billing_address.country'],
      [{ billing_address: { ...address, city: '' } }, 'billing_address.city'],
      // A postal code that does not fit the country's known format (a Swedish code for Germany).
      [{ billing_address: { ...address, country: 'DE' } }, 'billing_address.zipcode'],
      [{ billing_address: { ...address, country: 'US', zipcode: 'SW1A 1AA' } }, 'billing_address.zipcode'],
      [{ name: '' }, 'name'],
      [{ email: 'x@example.com' }, ''],
      [{}, ''],
    ];
    for (const [body, path] of cases) {
      const answer = await portal(customer.customer_id, 'PATCH', '/profile', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(answer);
      expect(error.code).toBe('invalid_request');
      expect(error.issues?.[0]?.path ?? '').toBe(path);
    }
    const cleared = await json<Profile>(await portal(customer.customer_id, 'PATCH', '/profile', { billing_address: null }), 200);
    expect(cleared.billing_address).toBeNull();
    expect((await portal(customer.customer_id, 'PUT', '/profile', { name: 'x' })).status).toBe(405);
  });
});
