/**
 * The public license API (`/v1/licenses/*`): the key is the only credential. Activation limits hold
 * exactly under concurrency — on SQLite and, with DATABASE_URL, on PostgreSQL with two app
 * instances each on its own pool (two server processes) — and the API is rate limited.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorBody, LicenseActivated, LicenseKey, LicenseKeyInstanceList, LicenseValidation, Page, Product } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { SandboxCards } from '../../payments/sandbox.ts';
import { createBusiness } from '../../services/businesses.ts';
import { createHarness, memoryLogger, TEST_SERVER_SECRET, TestClock, type Harness } from '../../testing/harness.ts';
import { sharedDatabaseBackends, type SharedDatabase } from '../../testing/shared-db.ts';
import { LicenseRateRules } from './licenses.ts';
import { serviceContext } from '../../runtime.ts';

type App = ReturnType<typeof createApp>;

async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
const errorCode = async (response: Response) => ((await response.json()) as ErrorBody).error.code;
const call = (app: App, key: string, method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const publicCall = (app: App, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(`/v1/licenses/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Buys a product licensed with `settings` for a new customer; answers the revealed key. */
async function licensedKey(app: App, key: string, settings: { activations_limit: number | null; duration_days: number | null }): Promise<LicenseKey> {
  const product = await json<Product>(await call(app, key, 'POST', '/v1/products', { name: 'Licensed', billing_type: 'one_time', price: 2500, currency: 'USD', license_key: settings }), 201);
  const customer = await json<{ customer_id: string }>(
    await call(app, key, 'POST', '/v1/customers', { email: `l${Math.random().toString(36).slice(2)}@example.com`, name: 'Licensee' }),
    201,
  );
  const token = await json<{ card_token: string }>(
    await app.request('/sandbox/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
    }),
    201,
  );
  await json(await call(app, key, 'POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product.product_id }], card_token: token.card_token }), 201);
  const [issued] = (await json<Page<LicenseKey>>(await call(app, key, 'GET', `/v1/license-keys?customer_id=${customer.customer_id}`), 200)).items;
  return json<LicenseKey>(await call(app, key, 'GET', `/v1/license-keys/${issued!.license_key_id}`), 200);
}

describe('POST /v1/licenses/activate | validate | deactivate', () => {
  let h: Harness;
  let key: string;
  beforeAll(async () => {
    h = await createHarness({ businessInput: { name: 'Public License Co' } });
    key = h.business.keys.test;
  });
  afterAll(async () => h?.close());

  it('activates without a merchant key, validates an instance, and deactivates it', async () => {
    const issued = await licensedKey(h.app, key, { activations_limit: 2, duration_days: null });
    // Merchant software sends no Authorization header and may send an Idempotency-Key: neither matters.
    const activated = await json<LicenseActivated>(await publicCall(h.app, 'activate', { license_key: issued.key, name: ' Ada’s laptop ' }, { 'idempotency-key': 'x' }), 201);
    expect(activated).toEqual({
      license_key_instance_id: expect.stringMatching(/^lki_/),
      license_key_id: issued.license_key_id,
      name: 'Ada’s laptop',
      created_at: expect.any(String),
      activations_limit: 2,
      instances_count: 1,
    });
    expect(await json<LicenseValidation>(await publicCall(h.app, 'validate', { license_key: issued.key, license_key_instance_id: activated.license_key_instance_id }), 200)).toEqual({
      valid: true,
      status: 'active',
      expires_at: null,
      activations_limit: 2,
      instances_count: 1,
      instance_valid: true,
    });
    // Typed by hand: lower case, spaces for dashes, O for 0 and I/L for 1 all still find it.
    const typed = issued.key!.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(await json<LicenseValidation>(await publicCall(h.app, 'validate', { license_key: typed }), 200)).toEqual({
      valid: true,
      status: 'active',
      expires_at: null,
      activations_limit: 2,
      instances_count: 1,
    });
    expect((await publicCall(h.app, 'deactivate', { license_key: issued.key, license_key_instance_id: activated.license_key_instance_id })).status).toBe(204);
    const again = await publicCall(h.app, 'deactivate', { license_key: issued.key, license_key_instance_id: activated.license_key_instance_id });
    expect(again.status).toBe(404);
    expect(await errorCode(again)).toBe('not_found');
    expect(await json<LicenseValidation>(await publicCall(h.app, 'validate', { license_key: issued.key, license_key_instance_id: activated.license_key_instance_id }), 200)).toMatchObject({
      valid: false,
      instance_valid: false,
      instances_count: 0,
    });
  });

  it('answers 404 for unknown and malformed keys, 400 for bad bodies, and never needs CORS or a merchant key', async () => {
    for (const licenseKey of ['ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ', 'not a key', 'sk_test_whatever']) {
      for (const [path, body] of [
        ['activate', { license_key: licenseKey, name: 'x' }],
        ['validate', { license_key: licenseKey }],
        ['deactivate', { license_key: licenseKey, license_key_instance_id: 'lki_x' }],
      ] as const) {
        const response = await publicCall(h.app, path, body);
        expect(response.status, `${path} ${licenseKey}`).toBe(404);
        expect(await errorCode(response)).toBe('not_found');
      }
    }
    for (const body of [{}, { license_key: '' }, { license_key: 'A', name: '' }, { license_key: 'A', name: 'x', extra: 1 }]) {
      const response = await publicCall(h.app, 'activate', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await errorCode(response)).toBe('invalid_request');
    }
    const textBody = await h.app.request('/v1/licenses/validate', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"license_key":"A"}' });
    expect(textBody.status).toBe(415);
    expect((await h.app.request('/v1/licenses/validate')).status).toBe(405);
    // Only /v1/licenses is public: the merchant API next to it still wants a key.
    expect((await h.app.request('/v1/license-keys')).status).toBe(401);
  });

  it('follows expiry on the business’s test clock', async () => {
    const issued = await licensedKey(h.app, key, { activations_limit: null, duration_days: 30 });
    expect(issued.expires_at).toBe(new Date(new Date(issued.created_at).getTime() + 30 * 86_400_000).toISOString());
    await json(await publicCall(h.app, 'activate', { license_key: issued.key, name: 'before' }), 201);
    await h.advanceTestClock(key, issued.expires_at!);
    expect(await json<LicenseValidation>(await publicCall(h.app, 'validate', { license_key: issued.key }), 200)).toEqual({
      valid: false,
      status: 'expired',
      expires_at: issued.expires_at,
      activations_limit: null,
      instances_count: 1,
    });
    const refused = await publicCall(h.app, 'activate', { license_key: issued.key, name: 'after' });
    expect(refused.status).toBe(422);
    expect(await errorCode(refused)).toBe('license_key_inactive');
  });
});

describe('rate limits', () => {
  it('limits one key per minute, then answers 429 with Retry-After; another key is unaffected until the IP limit', async () => {
    const h = await createHarness({ businessInput: { name: 'Busy Co' } });
    try {
      const busy = await licensedKey(h.app, h.business.keys.test, { activations_limit: 1, duration_days: null });
      const calm = await licensedKey(h.app, h.business.keys.test, { activations_limit: 1, duration_days: null });
      for (let index = 0; index < LicenseRateRules.perKey.limit; index += 1) {
        expect((await publicCall(h.app, 'validate', { license_key: busy.key })).status).toBe(200);
      }
      const limited = await publicCall(h.app, 'validate', { license_key: busy.key });
      expect(limited.status).toBe(429);
      expect(await errorCode(limited)).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // The same key typed differently is the same key.
      expect((await publicCall(h.app, 'activate', { license_key: busy.key!.toLowerCase(), name: 'x' })).status).toBe(429);
      expect((await publicCall(h.app, 'validate', { license_key: calm.key })).status).toBe(200);
      // Per IP (every call in these tests comes from one address): the rest of the 120.
      const used = LicenseRateRules.perKey.limit + 2;
      for (let index = used; index < LicenseRateRules.perIp.limit; index += 1) await publicCall(h.app, 'validate', { license_key: `unknown-${index}` });
      const ipLimited = await publicCall(h.app, 'validate', { license_key: calm.key });
      expect(ipLimited.status).toBe(429);
      // A minute later both windows have passed.
      h.clock.advance(61_000);
      expect((await publicCall(h.app, 'validate', { license_key: busy.key })).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe.each(sharedDatabaseBackends())('activation limit under concurrency on %s', (_name, open) => {
  let shared: SharedDatabase;
  let apps: [App, App];
  let key: string;
  const clock = new TestClock();
  beforeAll(async () => {
    shared = await open();
    // Two app instances (two processes on PostgreSQL, each its own pool) under one server secret.
    apps = shared.stores.map((store) =>
      createApp({ store, clock, publicUrl: 'https://portal.test', logger: memoryLogger(), cdnScriptPath: join(tmpdir(), 'no-bundle.js'), secret: TEST_SERVER_SECRET }),
    ) as [App, App];
    key = (await createBusiness(serviceContext(shared.stores[0], { clock }), { name: 'Race Co' })).apiKeys.test;
  });
  afterAll(async () => shared?.cleanup());

  it('20 parallel activations of a key limited to 3 make exactly 3 instances', async () => {
    const issued = await licensedKey(apps[0], key, { activations_limit: 3, duration_days: null });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => publicCall(apps[index % 2]!, 'activate', { license_key: issued.key, name: `machine ${index}` })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(3);
    expect(statuses.filter((status) => status === 422)).toHaveLength(17);
    for (const response of responses.filter((r) => r.status === 422)) expect(await errorCode(response)).toBe('activation_limit_reached');
    const counts = (await Promise.all(responses.filter((r) => r.status === 201).map((r) => r.json() as Promise<LicenseActivated>))).map((a) => a.instances_count).sort();
    expect(counts).toEqual([1, 2, 3]);

    const after = await json<LicenseKey>(await call(apps[1], key, 'GET', `/v1/license-keys/${issued.license_key_id}`), 200);
    expect(after.instances_count).toBe(3);
    const session = await json<{ session_token: string }>(await call(apps[0], key, 'POST', `/v1/customers/${issued.customer_id}/customer-portal/session`), 201);
    const instances = await json<LicenseKeyInstanceList>(
      await apps[0].request(`/portal/v1/license-keys/${issued.license_key_id}/instances`, { headers: { authorization: `Bearer ${session.session_token}` } }),
      200,
    );
    expect(instances.items).toHaveLength(3);
  });

  it('frees and re-takes seats concurrently without drifting from the instances', async () => {
    const issued = await licensedKey(apps[0], key, { activations_limit: 2, duration_days: null });
    const first = await json<LicenseActivated>(await publicCall(apps[0], 'activate', { license_key: issued.key, name: 'a' }), 201);
    await json(await publicCall(apps[1], 'activate', { license_key: issued.key, name: 'b' }), 201);
    // One deactivation (sent twice) races ten activations: one seat frees, at most one re-takes it.
    const responses = await Promise.all([
      publicCall(apps[0], 'deactivate', { license_key: issued.key, license_key_instance_id: first.license_key_instance_id }),
      publicCall(apps[1], 'deactivate', { license_key: issued.key, license_key_instance_id: first.license_key_instance_id }),
      ...Array.from({ length: 10 }, (_, index) => publicCall(apps[index % 2]!, 'activate', { license_key: issued.key, name: `late ${index}` })),
    ]);
    const [d1, d2, ...activations] = responses.map((r) => r.status);
    expect([d1, d2].sort()).toEqual([204, 404]);
    expect(activations.filter((status) => status === 201).length).toBeLessThanOrEqual(1);
    const validation = await json<LicenseValidation>(await publicCall(apps[0], 'validate', { license_key: issued.key }), 200);
    expect(validation.instances_count).toBeLessThanOrEqual(2);
    const session = await json<{ session_token: string }>(await call(apps[0], key, 'POST', `/v1/customers/${issued.customer_id}/customer-portal/session`), 201);
    const instances = await json<LicenseKeyInstanceList>(
      await apps[0].request(`/portal/v1/license-keys/${issued.license_key_id}/instances`, { headers: { authorization: `Bearer ${session.session_token}` } }),
      200,
    );
    expect(instances.items).toHaveLength(validation.instances_count);
  });
});
