import type { Dues, ErrorBody, Page, Payment, PortalPaymentMethod, PortalPaymentMethodList, Product, Subscription, SubscriptionPaymentMethodResult } from '@dodo-portal/wire/schemas';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { createHarness, type Harness } from '../../testing/harness.ts';
import { servedBackends, type Served } from '../../testing/served.ts';

let h: Harness;
let key: string;
let plan: Product;
beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'Cards Co' } });
  key = h.business.keys.test;
  plan = await json<Product>(await h.merchant(key, 'POST', '/v1/products', { name: 'Pro', billing_type: 'subscription', price: 4900, currency: 'USD', interval: 'month' }), 201);
  await json(await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' }), 201);
});
afterAll(async () => h.close());

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const token = async (number: string) =>
  (
    await json<{ card_token: string }>(
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }),
      }),
      201,
    )
  ).card_token;
const call = (session: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  h.app.request(path, {
    method,
    headers: { authorization: `Bearer ${session}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const list = async (session: string) => (await json<PortalPaymentMethodList>(await call(session, 'GET', '/portal/v1/payment-methods'), 200)).items;

/** A customer with a subscription paid by a Visa, and a portal session. */
async function subscriber() {
  const customer = await h.createCustomer(key);
  const subscription = await json<Subscription>(
    await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await token(SandboxCards.succeeds) }),
    201,
  );
  const session = (await h.createSession(key, customer.customer_id)).session_token;
  return { customer, subscription, session };
}

describe('portal payment methods', () => {
  it('lists the saved cards with the subscriptions they pay, saves tokenized cards, and refuses removing the only card of a live subscription', async () => {
    const { subscription, session } = await subscriber();
    const visaId = subscription.payment_method!.payment_method_id;
    const [visa] = await list(session);
    expect(visa).toEqual({
      payment_method_id: visaId,
      customer_id: subscription.customer_id,
      brand: 'visa',
      last4: '4242',
      exp_month: 12,
      exp_year: 2040,
      is_default: true,
      created_at: subscription.created_at,
      subscription_ids: [subscription.subscription_id],
    });

    const removeOnly = await call(session, 'DELETE', `/portal/v1/payment-methods/${visaId}`);
    expect(removeOnly.status).toBe(409);
    expect(await errorOf(removeOnly)).toMatchObject({ code: 'payment_method_in_use' });

    const mastercardToken = await token(SandboxCards.mastercardSucceeds);
    const mastercard = await json<PortalPaymentMethod>(await call(session, 'POST', '/portal/v1/payment-methods', { card_token: mastercardToken }), 201);
    expect(mastercard).toMatchObject({ brand: 'mastercard', last4: '4444', is_default: false, subscription_ids: [] });
    expect(mastercard).not.toHaveProperty('processor_token');
    // The same token again is the same card.
    expect(await json<PortalPaymentMethod>(await call(session, 'POST', '/portal/v1/payment-methods', { card_token: mastercardToken }), 200)).toEqual(mastercard);
    expect((await list(session)).map((method) => [method.payment_method_id, method.is_default])).toEqual([
      [visaId, true],
      [mastercard.payment_method_id, false],
    ]);
  });

  it('refuses bad input with a clear error and saves nothing', async () => {
    const { session } = await subscriber();
    const cases: [unknown, number, string][] = [
      [{}, 400, 'card_token'],
      [{ card_token: '' }, 400, 'card_token'],
      [{ card_token: 'tok_nope' }, 400, 'card_token'],
      [{ card_token: await token(SandboxCards.succeeds), number: '4242424242424242' }, 400, ''],
    ];
    for (const [body, status, path] of cases) {
      const response = await call(session, 'POST', '/portal/v1/payment-methods', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid_request');
      if (path) expect(error.issues?.map((issue) => issue.path)).toContain(path);
    }
    const asText = await h.app.request('/portal/v1/payment-methods', { method: 'POST', headers: { authorization: `Bearer ${session}`, 'content-type': 'text/plain' }, body: '{}' });
    expect(asText.status).toBe(415);
    expect(await list(session)).toHaveLength(1);
    expect((await h.app.request('/portal/v1/payment-methods')).status).toBe(401);
  });

  it('switches the card of an active subscription without charging, and shows no dues', async () => {
    const { customer, subscription, session } = await subscriber();
    const mastercard = await json<PortalPaymentMethod>(await call(session, 'POST', '/portal/v1/payment-methods', { card_token: await token(SandboxCards.mastercardSucceeds) }), 201);
    const switched = await json<SubscriptionPaymentMethodResult>(
      await call(
        session,
        'POST',
        `/portal/v1/subscriptions/${subscription.subscription_id}/payment-method`,
        { payment_method_id: mastercard.payment_method_id },
        { 'idempotency-key': 'switch-1' },
      ),
      200,
    );
    expect(switched).toMatchObject({
      payment: null,
      invoice: null,
      subscription: {
        subscription_id: subscription.subscription_id,
        status: 'active',
        payment_method: { payment_method_id: mastercard.payment_method_id, last4: '4444' },
        product: { name: 'Pro' },
      },
    });
    expect(switched.subscription.next_billing_date).toBe(subscription.current_period_end);
    expect((await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200)).items).toHaveLength(1);
    expect(await json<Dues>(await call(session, 'GET', `/portal/v1/subscriptions/${subscription.subscription_id}/dues`), 200)).toEqual({ amount: 0, currency: 'USD', invoice_ids: [] });
    expect((await list(session)).find((method) => method.payment_method_id === mastercard.payment_method_id)?.subscription_ids).toEqual([subscription.subscription_id]);

    for (const body of [{}, { payment_method_id: '' }, { payment_method_id: mastercard.payment_method_id, card_token: 'x' }, { payment_method_id: 'pm_nope' }]) {
      const response = await call(session, 'POST', `/portal/v1/subscriptions/${subscription.subscription_id}/payment-method`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('never shows or touches another customer’s cards or subscriptions (404)', async () => {
    const a = await subscriber();
    const b = await subscriber();
    const aCard = a.subscription.payment_method!.payment_method_id;
    expect((await list(b.session)).map((method) => method.payment_method_id)).not.toContain(aCard);
    expect((await call(b.session, 'DELETE', `/portal/v1/payment-methods/${aCard}`)).status).toBe(404);
    expect((await call(b.session, 'GET', `/portal/v1/subscriptions/${a.subscription.subscription_id}/dues`)).status).toBe(404);
    const bCard = b.subscription.payment_method!.payment_method_id;
    expect((await call(b.session, 'POST', `/portal/v1/subscriptions/${a.subscription.subscription_id}/payment-method`, { payment_method_id: bCard })).status).toBe(404);
    // A's card offered for B's subscription is not one of B's cards.
    const foreign = await call(b.session, 'POST', `/portal/v1/subscriptions/${b.subscription.subscription_id}/payment-method`, { payment_method_id: aCard });
    expect(foreign.status).toBe(400);
    expect((await errorOf(foreign)).issues).toEqual([{ path: 'payment_method_id', message: 'no such payment method for this customer' }]);
    // A token A saved cannot be saved by B.
    const aToken = await token(SandboxCards.mastercardSucceeds);
    await json(await call(a.session, 'POST', '/portal/v1/payment-methods', { card_token: aToken }), 201);
    expect((await call(b.session, 'POST', '/portal/v1/payment-methods', { card_token: aToken })).status).toBe(400);
    expect((await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${a.subscription.subscription_id}`), 200)).payment_method?.payment_method_id).toBe(aCard);
  });
});

/** The real server over TCP on each store: SQLite, and PostgreSQL when DATABASE_URL names one. */
describe.each(servedBackends())('saved cards over TCP (%s)', (_name, start) => {
  let s: Served;
  let secret: string;
  let pro: Product;
  let free: Product;

  beforeAll(async () => {
    s = await start({ businessInput: { name: 'Cards over TCP' }, cdnScriptPath: join(tmpdir(), 'dodo-portal-no-such-bundle.js') });
    secret = s.business.keys.test;
    pro = await json<Product>(await send(secret, 'POST', '/v1/products', { name: 'Pro', billing_type: 'subscription', price: 4900, currency: 'USD', interval: 'month' }), 201);
    free = await json<Product>(await send(secret, 'POST', '/v1/products', { name: 'Free', billing_type: 'subscription', price: 0, currency: 'USD', interval: 'month' }), 201);
    await json(await send(secret, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' }), 201);
  });
  afterAll(async () => s?.close());

  const send = (bearer: string | null, method: string, path: string, body?: unknown) => s.call(bearer, method, path, body);
  const tcpToken = async (number: string) =>
    (await json<{ card_token: string }>(await send(null, 'POST', '/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2040, cvc: '123' }), 201)).card_token;
  const cards = async (session: string) => (await json<PortalPaymentMethodList>(await send(session, 'GET', '/portal/v1/payment-methods'), 200)).items;
  const customerWithSession = async () => {
    const customer = await json<{ customer_id: string }>(await send(secret, 'POST', '/v1/customers', { email: `tcp${Math.random().toString(36).slice(2)}@example.com`, name: 'Tcp' }), 201);
    const session = (await json<{ session_token: string }>(await send(secret, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`), 201)).session_token;
    return { customerId: customer.customer_id, session };
  };
  const subscribe = async (customerId: string, product: Product, cardToken: string) =>
    send(secret, 'POST', '/v1/subscriptions', { customer_id: customerId, product_id: product.product_id, card_token: cardToken });

  it('verifies every card before saving it: the decline cards are 402 payment_failed on every path and nothing is saved', async () => {
    const { customerId, session } = await customerWithSession();
    const paying = await json<Subscription>(await subscribe(customerId, pro, await tcpToken(SandboxCards.succeeds)), 201);
    const before = await cards(session);
    const declines: [string, string][] = [
      [SandboxCards.declines, 'card_declined'],
      [SandboxCards.insufficientFunds, 'insufficient_funds'],
      [SandboxCards.processingError, 'processing_error'],
    ];
    for (const [number, declineCode] of declines) {
      const paths: [string, () => Promise<Response>][] = [
        ['portal add', async () => send(session, 'POST', '/portal/v1/payment-methods', { card_token: await tcpToken(number) })],
        ['merchant attach', async () => send(secret, 'POST', `/v1/customers/${customerId}/payment-methods`, { card_token: await tcpToken(number) })],
        ['subscription switched to a new card', async () => send(secret, 'PATCH', `/v1/subscriptions/${paying.subscription_id}`, { card_token: await tcpToken(number) })],
        ['subscription started with nothing to charge', async () => subscribe(customerId, free, await tcpToken(number))],
      ];
      for (const [what, attempt] of paths) {
        const response = await attempt();
        expect(response.status, `${what} ${number}`).toBe(402);
        expect(await errorOf(response), `${what} ${number}`).toMatchObject({ code: 'payment_failed', decline_code: declineCode });
      }
    }
    expect(await cards(session)).toEqual(before);
    const subscriptions = await json<Page<Subscription>>(await send(secret, 'GET', `/v1/subscriptions?customer_id=${customerId}`), 200);
    expect(subscriptions.items.map((item) => [item.subscription_id, item.payment_method?.payment_method_id])).toEqual([[paying.subscription_id, paying.payment_method!.payment_method_id]]);
    // Verifications are not charges: the customer paid once, for the subscription.
    expect((await json<Page<Payment>>(await send(secret, 'GET', `/v1/payments?customer_id=${customerId}`), 200)).items.map((p) => p.status)).toEqual(['succeeded']);
  });

  it('saves 4000 0000 0000 0341 (it passes the verification) and it fails only when charged', async () => {
    const { customerId, session } = await customerWithSession();
    const saved = await json<PortalPaymentMethod>(await send(session, 'POST', '/portal/v1/payment-methods', { card_token: await tcpToken(SandboxCards.attachesThenDeclines) }), 201);
    expect(saved).toMatchObject({ last4: '0341', is_default: true });
    const free4242 = await json<Subscription>(await subscribe(customerId, free, await tcpToken(SandboxCards.succeeds)), 201);
    expect(free4242.status).toBe('active');
    const charged = await send(secret, 'POST', '/v1/subscriptions', { customer_id: customerId, product_id: pro.product_id, payment_method_id: saved.payment_method_id });
    expect(charged.status).toBe(402);
    expect(await errorOf(charged)).toMatchObject({ code: 'payment_failed', decline_code: 'card_declined' });
  });

  const subscriptionOf = async (id: string) => json<Subscription>(await send(secret, 'GET', `/v1/subscriptions/${id}`), 200);
  const updatedEvents = async () =>
    (await s.server.store.db.selectFrom('webhook_deliveries').select('payload').where('event_type', '=', 'subscription.updated').execute()).map(
      (row) => (JSON.parse(row.payload) as { data: { subscription_id: string; payment_method: { payment_method_id: string } | null } }).data,
    );

  it('removes a card that pays subscriptions only with the card the customer chose for each, in one step', async () => {
    const { customerId, session } = await customerWithSession();
    const first = await json<Subscription>(await subscribe(customerId, pro, await tcpToken(SandboxCards.succeeds)), 201);
    const visaId = first.payment_method!.payment_method_id;
    const team = await json<Product>(await send(secret, 'POST', '/v1/products', { name: 'Team', billing_type: 'subscription', price: 9900, currency: 'USD', interval: 'month' }), 201);
    const second = await json<Subscription>(await send(secret, 'POST', '/v1/subscriptions', { customer_id: customerId, product_id: team.product_id, payment_method_id: visaId }), 201);
    const mastercard = await json<PortalPaymentMethod>(await send(session, 'POST', '/portal/v1/payment-methods', { card_token: await tcpToken(SandboxCards.mastercardSucceeds) }), 201);
    const spare = await json<PortalPaymentMethod>(await send(session, 'POST', '/portal/v1/payment-methods', { card_token: await tcpToken(SandboxCards.succeeds) }), 201);
    const other = await customerWithSession();
    const theirs = await json<PortalPaymentMethod>(await send(other.session, 'POST', '/portal/v1/payment-methods', { card_token: await tcpToken(SandboxCards.succeeds) }), 201);
    const before = await cards(session);
    const eventsBefore = (await updatedEvents()).length;
    const listing = {
      subscriptions: [
        { id: first.subscription_id, product_name: 'Pro', status: 'active' },
        { id: second.subscription_id, product_name: 'Team', status: 'active' },
      ],
    };

    // No choice, or a choice for only some of its subscriptions: 409 listing them; nothing changes.
    for (const body of [undefined, {}, { replacements: {} }, { replacements: { [first.subscription_id]: mastercard.payment_method_id } }]) {
      const refused = await send(session, 'DELETE', `/portal/v1/payment-methods/${visaId}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(409);
      const error = await errorOf(refused);
      expect(error).toMatchObject({ code: 'payment_method_in_use', details: listing });
      expect(error.message).toMatch(/2 subscriptions/);
    }

    // A replacement must be another of the customer's own cards, for a subscription this card pays: 400.
    const wrong: [Record<string, string>, string][] = [
      [{ [first.subscription_id]: mastercard.payment_method_id, [second.subscription_id]: visaId }, `replacements.${second.subscription_id}`],
      [{ [first.subscription_id]: mastercard.payment_method_id, [second.subscription_id]: theirs.payment_method_id }, `replacements.${second.subscription_id}`],
      [{ [first.subscription_id]: 'pm_nope', [second.subscription_id]: spare.payment_method_id }, `replacements.${first.subscription_id}`],
      [{ [first.subscription_id]: mastercard.payment_method_id, [second.subscription_id]: spare.payment_method_id, sub_elsewhere: spare.payment_method_id }, 'replacements.sub_elsewhere'],
    ];
    for (const [replacements, path] of wrong) {
      const refused = await send(session, 'DELETE', `/portal/v1/payment-methods/${visaId}`, { replacements });
      expect(refused.status, JSON.stringify(replacements)).toBe(400);
      expect((await errorOf(refused)).issues?.map((issue) => issue.path)).toEqual([path]);
    }
    expect((await send(session, 'DELETE', `/portal/v1/payment-methods/${visaId}`, { replacements: {}, extra: 1 })).status).toBe(400);
    const asText = await fetch(`${s.url}/portal/v1/payment-methods/${visaId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(asText.status).toBe(415);
    expect(await cards(session)).toEqual(before);
    expect((await subscriptionOf(first.subscription_id)).payment_method?.payment_method_id).toBe(visaId);
    expect((await updatedEvents()).length).toBe(eventsBefore);

    // The choice for each: applied with the removal, and what the customer now sees is what is true.
    const removed = await send(session, 'DELETE', `/portal/v1/payment-methods/${visaId}`, {
      replacements: { [first.subscription_id]: mastercard.payment_method_id, [second.subscription_id]: spare.payment_method_id },
    });
    expect(removed.status).toBe(204);
    expect((await subscriptionOf(first.subscription_id)).payment_method?.payment_method_id).toBe(mastercard.payment_method_id);
    expect((await subscriptionOf(second.subscription_id)).payment_method?.payment_method_id).toBe(spare.payment_method_id);
    expect((await cards(session)).map((method) => [method.payment_method_id, method.is_default, method.subscription_ids])).toEqual([
      [mastercard.payment_method_id, true, [first.subscription_id]],
      [spare.payment_method_id, false, [second.subscription_id]],
    ]);
    expect((await updatedEvents()).slice(eventsBefore).map((event) => [event.subscription_id, event.payment_method?.payment_method_id])).toEqual([
      [first.subscription_id, mastercard.payment_method_id],
      [second.subscription_id, spare.payment_method_id],
    ]);
    // The other customer's card was never touched.
    expect((await cards(other.session)).map((method) => method.payment_method_id)).toEqual([theirs.payment_method_id]);

    // A card no live subscription uses goes with an empty body; gone and foreign ids are 404.
    const unused = await json<PortalPaymentMethod>(await send(session, 'POST', '/portal/v1/payment-methods', { card_token: await tcpToken(SandboxCards.succeeds) }), 201);
    expect((await send(session, 'DELETE', `/portal/v1/payment-methods/${unused.payment_method_id}`)).status).toBe(204);
    expect((await send(session, 'DELETE', `/portal/v1/payment-methods/${visaId}`)).status).toBe(404);
    expect((await send(session, 'DELETE', `/portal/v1/payment-methods/${theirs.payment_method_id}`, { replacements: {} })).status).toBe(404);
  });

  it('keeps the only card of a live subscription (409 listing it), and lets it go once the subscription ended', async () => {
    const { customerId, session } = await customerWithSession();
    const subscription = await json<Subscription>(await subscribe(customerId, pro, await tcpToken(SandboxCards.succeeds)), 201);
    const only = subscription.payment_method!.payment_method_id;
    const refused = await send(session, 'DELETE', `/portal/v1/payment-methods/${only}`);
    expect(refused.status).toBe(409);
    const error = await errorOf(refused);
    expect(error).toMatchObject({ code: 'payment_method_in_use', details: { subscriptions: [{ id: subscription.subscription_id, product_name: 'Pro', status: 'active' }] } });
    expect(error.message).toMatch(/only card/);
    expect((await cards(session)).map((method) => method.payment_method_id)).toEqual([only]);

    expect((await send(session, 'POST', `/portal/v1/subscriptions/${subscription.subscription_id}/cancel`, { when: 'immediately' })).status).toBe(200);
    expect((await send(session, 'DELETE', `/portal/v1/payment-methods/${only}`)).status).toBe(204);
    expect(await cards(session)).toEqual([]);
    expect((await subscriptionOf(subscription.subscription_id)).status).toBe('cancelled');
  });

  it('makes a saved card the default: listed first, the old default no longer one, no subscription moved', async () => {
    const { customerId, session } = await customerWithSession();
    const subscription = await json<Subscription>(await subscribe(customerId, pro, await tcpToken(SandboxCards.succeeds)), 201);
    const visaId = subscription.payment_method!.payment_method_id;
    const mastercard = await json<PortalPaymentMethod>(await send(session, 'POST', '/portal/v1/payment-methods', { card_token: await tcpToken(SandboxCards.mastercardSucceeds) }), 201);
    const spare = await json<PortalPaymentMethod>(await send(session, 'POST', '/portal/v1/payment-methods', { card_token: await tcpToken(SandboxCards.succeeds) }), 201);

    const made = await json<PortalPaymentMethod>(await send(session, 'POST', `/portal/v1/payment-methods/${mastercard.payment_method_id}/default`), 200);
    expect(made).toEqual({ ...mastercard, is_default: true });
    expect(await json<PortalPaymentMethod>(await send(session, 'POST', `/portal/v1/payment-methods/${mastercard.payment_method_id}/default`), 200)).toEqual(made);
    expect((await cards(session)).map((method) => [method.payment_method_id, method.is_default])).toEqual([
      [mastercard.payment_method_id, true],
      [spare.payment_method_id, false],
      [visaId, false],
    ]);
    expect((await subscriptionOf(subscription.subscription_id)).payment_method?.payment_method_id, 'the subscription keeps its card').toBe(visaId);

    // Racing changes: one default at the end, never two or none.
    const raced = await Promise.all([visaId, spare.payment_method_id, mastercard.payment_method_id].map((id) => send(session, 'POST', `/portal/v1/payment-methods/${id}/default`)));
    expect(raced.map((response) => response.status)).toEqual([200, 200, 200]);
    expect((await cards(session)).filter((method) => method.is_default)).toHaveLength(1);

    const other = await customerWithSession();
    expect((await send(other.session, 'POST', `/portal/v1/payment-methods/${visaId}/default`)).status).toBe(404);
    expect((await send(session, 'POST', '/portal/v1/payment-methods/pm_nope/default')).status).toBe(404);
    expect((await send(null, 'POST', `/portal/v1/payment-methods/${visaId}/default`)).status).toBe(401);
  });
});
