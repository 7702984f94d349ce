/**
 * The isolation matrix: every portal route registered on the app (read from `app.routes`, so a
 * route added tomorrow is covered tomorrow) answers 404 `not_found` when customer A's session
 * names an id of customer B of the same business, of a customer of another business, or of A's
 * own twin in the other mode — and no list route shows any of their ids. A route with a path
 * parameter this file has no fixture for fails the test: add the fixture with the route.
 */
import type { ErrorBody, LicenseActivated, LicenseKey, Page, Payment, Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoRandom, systemClock } from '../../domain/ports.ts';
import type { PaymentProcessor } from '../../payments/processor.ts';
import { SandboxCards, createSandboxProcessor } from '../../payments/sandbox.ts';
import { createHarness, type Harness } from '../../testing/harness.ts';
import { portalRoutes } from '@dodo-portal/wire/routes';

/** Everything one customer owns, by the path-parameter name a route would use for it. */
type Owned = Record<string, string>;

interface Party {
  label: string;
  token: string;
  owned: Owned;
}

/**
 * Path parameters this test can fill. A new portal route with a parameter not listed here fails
 * the "covers every route" test until its fixture is added (to `ownedBy` below).
 */
type Param = 'customer_id' | 'invoice_id' | 'payment_id' | 'subscription_id' | 'payment_method_id' | 'license_key_id' | 'instance_id';

/** The portal routes that take no session (signing in), as the router spells their paths. */
const PUBLIC_PORTAL_PATHS = Object.values(portalRoutes)
  .filter((route) => route.auth === 'none')
  .map((route) => route.path.replace(/\{(\w+)\}/g, ':$1'));

/** Routes on `/portal/v1` that take a unified (cross-business) token are matrixed with it, not here. */
const SEPARATELY_AUTHENTICATED = /^\/portal\/v1\/unified(\/|$)/;

/** Bodies for mutating routes, so a route that validates before it looks up still reaches the lookup. */
const BODIES: Record<string, unknown> = {};

let h: Harness;
let liveProcessor: PaymentProcessor;
let me: Party;
let meLive: Party;
let neighbour: Party;
let stranger: Party;

const json = async <T>(response: Response, status: number): Promise<T> => {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
};

/** A customer with a subscription (so an invoice, a payment and a saved card) and a one-time payment. */
async function party(label: string, key: string, email: string, processorTokenize: () => Promise<string>): Promise<Party> {
  const plan = await json<Product>(
    await h.merchant(key, 'POST', '/v1/products', { name: `${label} plan`, billing_type: 'subscription', price: 900, currency: 'USD', interval: 'month' }),
    201,
  );
  // Licensed, so the purchase also gives a license key (with one activation below).
  const thing = await json<Product>(
    await h.merchant(key, 'POST', '/v1/products', {
      name: `${label} thing`,
      billing_type: 'one_time',
      price: 300,
      currency: 'USD',
      license_key: { activations_limit: 2, duration_days: null },
    }),
    201,
  );
  const customer = await h.createCustomer(key, { email, name: label });
  const subscription = await json<Subscription>(
    await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await processorTokenize() }),
    201,
  );
  await json<Payment>(
    await h.merchant(key, 'POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: thing.product_id }], card_token: await processorTokenize() }),
    201,
  );
  const payments = await json<Page<Payment>>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200);
  const payment = payments.items.find((p) => p.subscription_id === null)!;
  const method = await h.store.db.selectFrom('payment_methods').select('id').where('customer_id', '=', customer.customer_id).executeTakeFirstOrThrow();
  const [licenseKey] = (await json<Page<LicenseKey>>(await h.merchant(key, 'GET', `/v1/license-keys?customer_id=${customer.customer_id}`), 200)).items;
  const revealed = await json<LicenseKey>(await h.merchant(key, 'GET', `/v1/license-keys/${licenseKey!.license_key_id}`), 200);
  const instance = await json<LicenseActivated>(
    await h.app.request('/v1/licenses/activate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ license_key: revealed.key, name: `${label}'s pc` }),
    }),
    201,
  );
  const session = await h.createSession(key, customer.customer_id);
  const owned: Record<Param, string> = {
    customer_id: customer.customer_id,
    invoice_id: payment.invoice_id!,
    payment_id: payment.payment_id,
    subscription_id: subscription.subscription_id,
    payment_method_id: method.id,
    license_key_id: licenseKey!.license_key_id,
    instance_id: instance.license_key_instance_id,
  };
  return { label, token: session.session_token, owned };
}

beforeAll(async () => {
  liveProcessor = createSandboxProcessor({ clock: systemClock, random: cryptoRandom });
  h = await createHarness({ deps: { livePaymentProcessor: liveProcessor } });
  const card = { number: SandboxCards.succeeds, exp_month: 12, exp_year: 2030, cvc: '123' };
  const testCard = async () =>
    (await json<{ card_token: string }>(await h.app.request('/sandbox/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(card) }), 201))
      .card_token;
  const liveCard = async () => (await liveProcessor.tokenize(card)).token;
  const other = await h.newBusiness({ name: 'Other Co' });

  me = await party('me', h.business.keys.test, 'me@example.com', testCard);
  // The same person, same email, as a live-mode customer of the same business.
  meLive = await party('me (live)', h.business.keys.live, 'me@example.com', liveCard);
  neighbour = await party('neighbour', h.business.keys.test, 'neighbour@example.com', testCard);
  // Another business's customer, with the same email as me.
  stranger = await party('stranger', other.keys.test, 'me@example.com', testCard);
});
afterAll(async () => h.close());

/** The portal routes a session token opens: registered handlers on /portal/v1, not middleware, not public. */
function sessionRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return h.app.routes
    .filter((route) => route.method !== 'ALL' && route.path.startsWith('/portal/v1/'))
    .filter((route) => !PUBLIC_PORTAL_PATHS.includes(route.path) && !SEPARATELY_AUTHENTICATED.test(route.path))
    .filter((route) => {
      const id = `${route.method} ${route.path}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .map(({ method, path }) => ({ method, path }));
}

const paramsOf = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
const fill = (path: string, owned: Owned) => path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(owned[name]!));

async function call(token: string, method: string, path: string, routePath: string): Promise<Response> {
  const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : (BODIES[`${method} ${routePath}`] ?? {});
  return h.app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('portal route isolation', () => {
  it('finds the portal routes on the app and has a fixture for every path parameter', () => {
    const routes = sessionRoutes();
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(['GET /portal/v1/session', 'GET /portal/v1/invoices', 'GET /portal/v1/invoices/:invoice_id', 'GET /portal/v1/payments/:payment_id']),
    );
    const uncovered = routes.flatMap((route) =>
      paramsOf(route.path)
        .filter((name) => !(name in me.owned))
        .map((name) => `${route.method} ${route.path} (:${name})`),
    );
    expect(uncovered, 'add a fixture for these path parameters to isolation.test.ts').toEqual([]);
  });

  it("answers 404 not_found on every route with a parameter for another customer's, another business's and the other mode's ids", async () => {
    const routes = sessionRoutes().filter((route) => paramsOf(route.path).length > 0);
    expect(routes.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const route of routes) {
      for (const other of [neighbour, stranger, meLive]) {
        const response = await call(me.token, route.method, fill(route.path, other.owned), route.path);
        const text = await response.text();
        const code = response.status === 404 ? ((JSON.parse(text) as ErrorBody).error?.code ?? '') : '';
        if (response.status !== 404 || code !== 'not_found') failures.push(`${route.method} ${route.path} with ${other.label}'s ids → ${response.status} ${text.slice(0, 120)}`);
        if (Object.values(other.owned).some((id) => text.includes(id) && !fill(route.path, other.owned).includes(id))) {
          failures.push(`${route.method} ${route.path} leaks an id of ${other.label}`);
        }
      }
      // The control: with my own ids, reads succeed (so the 404s above are about ownership).
      if (route.method === 'GET') {
        const own = await call(me.token, route.method, fill(route.path, me.owned), route.path);
        if (own.status !== 200) failures.push(`${route.method} ${route.path} with my own ids → ${own.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('shows no other customer’s, business’s or mode’s ids on any route without a parameter', async () => {
    const failures: string[] = [];
    for (const route of sessionRoutes().filter((r) => paramsOf(r.path).length === 0 && r.method === 'GET')) {
      for (const [viewer, others] of [
        [me, [neighbour, stranger, meLive]],
        [meLive, [me, neighbour, stranger]],
      ] as const) {
        const response = await call(viewer.token, 'GET', route.path, route.path);
        const text = await response.text();
        if (response.status !== 200) failures.push(`${route.path} as ${viewer.label} → ${response.status}`);
        for (const other of others) {
          for (const [name, id] of Object.entries(other.owned)) {
            if (text.includes(id)) failures.push(`${route.path} as ${viewer.label} shows ${other.label}'s ${name}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('a unified (cross-business) token opens no business-scoped route, and a business token no unified route', async () => {
    // A well-formed unified token that exists nowhere, and a real business token.
    const unifiedToken = `dpu_${'A'.repeat(43)}`;
    const failures: string[] = [];
    for (const route of sessionRoutes()) {
      const response = await call(unifiedToken, route.method, fill(route.path, me.owned), route.path);
      if (response.status !== 401) failures.push(`${route.method} ${route.path} with a unified token → ${response.status}`);
    }
    const unifiedRoutes = h.app.routes.filter((route) => route.method !== 'ALL' && SEPARATELY_AUTHENTICATED.test(route.path) && !/\/(login|magic-link\/exchange)$/.test(route.path));
    expect(unifiedRoutes.length).toBeGreaterThan(0);
    for (const route of unifiedRoutes) {
      const response = await call(me.token, route.method, route.path.replace(':business_id', h.business.id), route.path);
      if (response.status !== 401) failures.push(`${route.method} ${route.path} with a business token → ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('a test-mode session never sees live-mode data, and a live one never sees test data', async () => {
    const invoices = async (party: Party) => json<{ items: { invoice_id: string; mode?: string }[] }>(await call(party.token, 'GET', '/portal/v1/invoices', '/portal/v1/invoices'), 200);
    const mine = await invoices(me);
    expect(mine.items.map((invoice) => invoice.invoice_id)).toContain(me.owned.invoice_id);
    expect(mine.items.map((invoice) => invoice.invoice_id)).not.toContain(meLive.owned.invoice_id);
    const live = await invoices(meLive);
    expect(live.items.map((invoice) => invoice.invoice_id)).toContain(meLive.owned.invoice_id);
    expect(live.items.map((invoice) => invoice.invoice_id)).not.toContain(me.owned.invoice_id);
    const session = await json<{ mode: string; customer: { customer_id: string } }>(await call(me.token, 'GET', '/portal/v1/session', '/portal/v1/session'), 200);
    expect(session).toMatchObject({ mode: 'test', customer: { customer_id: me.owned.customer_id } });
  });
});
