/**
 * License keys from purchase to vault: issued with the payment (one-time and subscription), shown
 * to the merchant (revealed) and to the customer (masked, revealed on request) as the same key,
 * never stored in the clear, announced by webhook without the key, disabled when a subscription
 * ends, and never visible to another customer.
 */
import { readFileSync, existsSync } from 'node:fs';
import type {
  BusinessSettings,
  ErrorBody,
  LicenseKey,
  LicenseKeyInstanceList,
  LicenseValidation,
  Page,
  Payment,
  PortalLicenseKey,
  PortalLicenseKeyList,
  Product,
  Subscription,
  WebhookDelivery,
} from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../payments/sandbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let key: string;

async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
const errorCode = async (response: Response) => ((await response.json()) as ErrorBody).error.code;
const publicCall = (path: string, body: unknown) => h.app.request(`/v1/licenses/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function cardToken(number: string = SandboxCards.succeeds): Promise<string> {
  const response = await h.app.request('/sandbox/v1/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }),
  });
  return (await json<{ card_token: string }>(response, 201)).card_token;
}

const product = async (body: Record<string, unknown>) => json<Product>(await h.merchant(key, 'POST', '/v1/products', { price: 5000, currency: 'USD', ...body }), 201);

async function buy(customerId: string, items: { product_id: string; quantity?: number }[]): Promise<Payment> {
  return json<Payment>(await h.merchant(key, 'POST', '/v1/payments', { customer_id: customerId, items, card_token: await cardToken() }), 201);
}

const keysOf = async (customerId: string) => (await json<Page<LicenseKey>>(await h.merchant(key, 'GET', `/v1/license-keys?customer_id=${customerId}`), 200)).items;

beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'License Co' } });
  key = h.business.keys.test;
});
afterAll(async () => h?.close());

describe('issuing license keys', () => {
  it('gives a one-time purchase a key per licensed line; the merchant and the portal reveal the same key', async () => {
    const desktop = await product({ name: 'Desktop app', billing_type: 'one_time', license_key: { activations_limit: 3, duration_days: 365 } });
    const manual = await product({ name: 'Printed manual', billing_type: 'one_time' });
    const customer = await h.createCustomer(key);
    const payment = await buy(customer.customer_id, [{ product_id: desktop.product_id, quantity: 2 }, { product_id: manual.product_id }]);
    expect(payment.status).toBe('succeeded');

    const [issued, ...others] = await keysOf(customer.customer_id);
    expect(others).toEqual([]);
    expect(issued).toEqual({
      license_key_id: expect.stringMatching(/^lic_/),
      customer_id: customer.customer_id,
      product_id: desktop.product_id,
      key_masked: expect.stringMatching(/^•••••-•••••-•••••-•••••-[0-9A-Z]{5}$/),
      status: 'active',
      // Quantity 2 of a 3-activation license: one key with 6 seats.
      activations_limit: 6,
      instances_count: 0,
      expires_at: new Date(new Date(payment.created_at).getTime() + 365 * 86_400_000).toISOString(),
      subscription_id: null,
      invoice_id: payment.invoice_id,
      payment_id: payment.payment_id,
      created_at: payment.created_at,
    });
    expect(issued).not.toHaveProperty('key');

    const revealed = await json<LicenseKey>(await h.merchant(key, 'GET', `/v1/license-keys/${issued!.license_key_id}`), 200);
    expect(revealed.key).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
    expect(revealed.key!.slice(-5)).toBe(issued!.key_masked.slice(-5));
    expect({ ...revealed, key: undefined }).toEqual({ ...issued, key: undefined });

    const session = await h.createSession(key, customer.customer_id);
    const vault = await json<PortalLicenseKeyList>(await h.portal(session.session_token, 'GET', '/portal/v1/license-keys'), 200);
    expect(vault.items).toHaveLength(1);
    const listed = vault.items[0]!;
    expect(listed).not.toHaveProperty('key');
    expect(listed).not.toHaveProperty('customer_id');
    expect(listed).toMatchObject({
      license_key_id: issued!.license_key_id,
      key_masked: issued!.key_masked,
      product: { product_id: desktop.product_id, name: 'Desktop app' },
      source: { type: 'purchase', subscription_id: null, invoice_id: payment.invoice_id, invoice_number: expect.stringMatching(/^INV-/) },
      can_deactivate_instances: true,
      status: 'active',
      activations_limit: 6,
    });
    const portalRevealed = await json<PortalLicenseKey>(await h.portal(session.session_token, 'GET', `/portal/v1/license-keys/${issued!.license_key_id}`), 200);
    expect(portalRevealed.key).toBe(revealed.key);
  });

  it('keeps the raw key out of the database file and its WAL', async () => {
    const licensed = await product({ name: 'Secret app', billing_type: 'one_time', license_key: { activations_limit: null, duration_days: null } });
    const customer = await h.createCustomer(key);
    await buy(customer.customer_id, [{ product_id: licensed.product_id }]);
    const [issued] = await keysOf(customer.customer_id);
    const { key: raw } = await json<LicenseKey>(await h.merchant(key, 'GET', `/v1/license-keys/${issued!.license_key_id}`), 200);
    // Use it, so it has been handled by every path that writes (activation, validation).
    await json(await publicCall('activate', { license_key: raw, name: 'laptop' }), 201);
    const file = h.store.location;
    const bytes = Buffer.concat([file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
    expect(bytes.length).toBeGreaterThan(0);
    for (const form of [raw!, raw!.replace(/-/g, ''), raw!.toLowerCase()]) expect(bytes.includes(Buffer.from(form, 'utf8')), form).toBe(false);
  });

  it('issues keys for a licensed subscription plan and add-on, and disables them when the subscription ends', async () => {
    const plan = await product({ name: 'Studio plan', billing_type: 'subscription', interval: 'month', license_key: { activations_limit: 2, duration_days: 30 } });
    const addon = await product({ name: 'Studio plug-in', billing_type: 'subscription', interval: 'month', is_addon: true, license_key: { activations_limit: 1, duration_days: null } });
    const customer = await h.createCustomer(key);
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', {
        customer_id: customer.customer_id,
        product_id: plan.product_id,
        addons: [{ product_id: addon.product_id, quantity: 3 }],
        card_token: await cardToken(),
      }),
      201,
    );
    const keys = await keysOf(customer.customer_id);
    expect(keys.map((k) => [k.product_id, k.activations_limit, k.subscription_id, k.expires_at, k.status]).sort()).toEqual(
      [
        // A subscription's key has no expiry of its own: it follows the subscription.
        [plan.product_id, 2, subscription.subscription_id, null, 'active'],
        [addon.product_id, 3, subscription.subscription_id, null, 'active'],
      ].sort(),
    );
    const planKey = keys.find((k) => k.product_id === plan.product_id)!;
    const { key: raw } = await json<LicenseKey>(await h.merchant(key, 'GET', `/v1/license-keys/${planKey.license_key_id}`), 200);
    expect(await json<LicenseValidation>(await publicCall('validate', { license_key: raw }), 200)).toMatchObject({ valid: true, status: 'active' });

    const session = await h.createSession(key, customer.customer_id);
    const vault = await json<PortalLicenseKeyList>(await h.portal(session.session_token, 'GET', '/portal/v1/license-keys'), 200);
    expect(vault.items.map((item) => item.source)).toEqual([
      { type: 'subscription', subscription_id: subscription.subscription_id, invoice_id: planKey.invoice_id, invoice_number: expect.stringMatching(/^INV-/) },
      { type: 'subscription', subscription_id: subscription.subscription_id, invoice_id: planKey.invoice_id, invoice_number: expect.stringMatching(/^INV-/) },
    ]);

    // Cancelled at the end of its period: once the (test) clock passes it, the keys are disabled.
    await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: true }), 200);
    expect(await json<LicenseValidation>(await publicCall('validate', { license_key: raw }), 200)).toMatchObject({ valid: true });
    await h.advanceTestClock(key, subscription.current_period_end);
    expect((await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200)).status).toBe('cancelled');
    expect(await json<LicenseValidation>(await publicCall('validate', { license_key: raw }), 200)).toEqual({
      valid: false,
      status: 'disabled',
      expires_at: null,
      activations_limit: 2,
      instances_count: 0,
    });
    expect((await keysOf(customer.customer_id)).map((k) => k.status)).toEqual(['disabled', 'disabled']);
    const activate = await publicCall('activate', { license_key: raw, name: 'studio-mac' });
    expect(activate.status).toBe(422);
    expect(await errorCode(activate)).toBe('license_key_inactive');
    // Even re-enabled by the merchant, an ended subscription's key stays disabled.
    await json(await h.merchant(key, 'PATCH', `/v1/license-keys/${planKey.license_key_id}`, { status: 'active' }), 200);
    expect((await json<LicenseKey>(await h.merchant(key, 'GET', `/v1/license-keys/${planKey.license_key_id}`), 200)).status).toBe('disabled');
  });

  it('issues nothing when the charge is declined', async () => {
    const licensed = await product({ name: 'Declined app', billing_type: 'one_time', license_key: { activations_limit: 1, duration_days: null } });
    const customer = await h.createCustomer(key);
    const response = await h.merchant(key, 'POST', '/v1/payments', {
      customer_id: customer.customer_id,
      items: [{ product_id: licensed.product_id }],
      card_token: await cardToken(SandboxCards.declines),
    });
    expect(response.status).toBe(402);
    expect(await keysOf(customer.customer_id)).toEqual([]);
  });

  it('announces a new key by webhook, masked, never with the key itself', async () => {
    const endpoint = await json<{ webhook_endpoint_id: string }>(
      await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['license_key.created'] }),
      201,
    );
    const licensed = await product({ name: 'Hooked app', billing_type: 'one_time', license_key: { activations_limit: 5, duration_days: null } });
    const customer = await h.createCustomer(key);
    await buy(customer.customer_id, [{ product_id: licensed.product_id }]);
    const [issued] = await keysOf(customer.customer_id);
    const { key: raw } = await json<LicenseKey>(await h.merchant(key, 'GET', `/v1/license-keys/${issued!.license_key_id}`), 200);
    const deliveries = await json<Page<WebhookDelivery>>(await h.merchant(key, 'GET', `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries`), 200);
    expect(deliveries.items).toHaveLength(1);
    const delivery = deliveries.items[0]!;
    expect(delivery.event_type).toBe('license_key.created');
    expect(delivery.payload.data).toMatchObject({
      license_key_id: issued!.license_key_id,
      key_masked: issued!.key_masked,
      customer_id: customer.customer_id,
      product_id: licensed.product_id,
    });
    expect(delivery.payload.data).not.toHaveProperty('key');
    const text = JSON.stringify(delivery.payload);
    expect(text).not.toContain(raw!);
    expect(text).not.toContain(raw!.replace(/-/g, ''));
  });
});

describe('PATCH /v1/license-keys/{id}', () => {
  it('disables, re-enables, limits and expires a key; validation follows', async () => {
    const licensed = await product({ name: 'Patched app', billing_type: 'one_time', license_key: { activations_limit: 2, duration_days: null } });
    const customer = await h.createCustomer(key);
    await buy(customer.customer_id, [{ product_id: licensed.product_id }]);
    const [issued] = await keysOf(customer.customer_id);
    const path = `/v1/license-keys/${issued!.license_key_id}`;
    const { key: raw } = await json<LicenseKey>(await h.merchant(key, 'GET', path), 200);

    const disabled = await json<LicenseKey>(await h.merchant(key, 'PATCH', path, { status: 'disabled' }), 200);
    expect(disabled).toMatchObject({ status: 'disabled', license_key_id: issued!.license_key_id });
    expect(disabled).not.toHaveProperty('key');
    expect(await json<LicenseValidation>(await publicCall('validate', { license_key: raw }), 200)).toMatchObject({ valid: false, status: 'disabled' });

    const limited = await json<LicenseKey>(await h.merchant(key, 'PATCH', path, { status: 'active', activations_limit: 1, expires_at: '2030-01-01T00:00:00+02:00' }), 200);
    expect(limited).toMatchObject({ status: 'active', activations_limit: 1, expires_at: '2029-12-31T22:00:00.000Z' });
    await json(await publicCall('activate', { license_key: raw, name: 'one' }), 201);
    const second = await publicCall('activate', { license_key: raw, name: 'two' });
    expect(second.status).toBe(422);
    expect(await errorCode(second)).toBe('activation_limit_reached');

    // Expired in the past (by the business's test clock): validate says so, activation refuses.
    const expired = await json<LicenseKey>(await h.merchant(key, 'PATCH', path, { expires_at: '2020-01-01T00:00:00Z', activations_limit: null }), 200);
    expect(expired).toMatchObject({ status: 'expired', activations_limit: null, expires_at: '2020-01-01T00:00:00.000Z' });
    expect(await json<LicenseValidation>(await publicCall('validate', { license_key: raw }), 200)).toMatchObject({ valid: false, status: 'expired' });
    expect(await errorCode(await publicCall('activate', { license_key: raw, name: 'three' }))).toBe('license_key_inactive');
    expect((await json<LicenseKey>(await h.merchant(key, 'PATCH', path, { expires_at: null }), 200)).status).toBe('active');
  });

  it('refuses bad bodies, unknown keys, and keys of another mode or business', async () => {
    const licensed = await product({ name: 'Scoped app', billing_type: 'one_time', license_key: { activations_limit: 2, duration_days: null } });
    const customer = await h.createCustomer(key);
    await buy(customer.customer_id, [{ product_id: licensed.product_id }]);
    const [issued] = await keysOf(customer.customer_id);
    const path = `/v1/license-keys/${issued!.license_key_id}`;
    for (const body of [{}, { status: 'expired' }, { activations_limit: 0 }, { expires_at: 'tomorrow' }, { key: 'x' }]) {
      const response = await h.merchant(key, 'PATCH', path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await errorCode(response)).toBe('invalid_request');
    }
    expect(await errorCode(await h.merchant(key, 'GET', '/v1/license-keys/lic_nope'))).toBe('not_found');
    expect((await h.merchant(h.business.keys.live, 'GET', path)).status).toBe(404);
    const other = await h.newBusiness({ name: 'Other Co' });
    expect((await h.merchant(other.keys.test, 'GET', path)).status).toBe(404);
    expect((await h.merchant(other.keys.test, 'PATCH', path, { status: 'disabled' })).status).toBe(404);
    expect((await json<Page<LicenseKey>>(await h.merchant(other.keys.test, 'GET', '/v1/license-keys'), 200)).items).toEqual([]);
    expect((await h.app.request(path)).status).toBe(401);
    expect((await h.merchant(key, 'GET', '/v1/license-keys?limit=0')).status).toBe(400);
  });

  it('pages newest first', async () => {
    const licensed = await product({ name: 'Paged app', billing_type: 'one_time', license_key: { activations_limit: 1, duration_days: null } });
    const customer = await h.createCustomer(key);
    for (let index = 0; index < 3; index += 1) await buy(customer.customer_id, [{ product_id: licensed.product_id }]);
    const first = await json<Page<LicenseKey>>(await h.merchant(key, 'GET', `/v1/license-keys?customer_id=${customer.customer_id}&limit=2`), 200);
    expect(first.items).toHaveLength(2);
    const second = await json<Page<LicenseKey>>(await h.merchant(key, 'GET', `/v1/license-keys?customer_id=${customer.customer_id}&limit=2&cursor=${first.next_cursor}`), 200);
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    const ids = [...first.items, ...second.items].map((k) => k.license_key_id);
    expect(new Set(ids).size).toBe(3);
    expect([...ids].sort().reverse()).toEqual(ids);
  });
});

describe('the portal vault', () => {
  it('lists instances and frees a seat; another customer sees none of it (404)', async () => {
    const licensed = await product({ name: 'Vault app', billing_type: 'one_time', license_key: { activations_limit: 2, duration_days: null } });
    const owner = await h.createCustomer(key);
    const stranger = await h.createCustomer(key);
    await buy(owner.customer_id, [{ product_id: licensed.product_id }]);
    const [issued] = await keysOf(owner.customer_id);
    const id = issued!.license_key_id;
    const { key: raw } = await json<LicenseKey>(await h.merchant(key, 'GET', `/v1/license-keys/${id}`), 200);
    const laptop = await json<{ license_key_instance_id: string }>(await publicCall('activate', { license_key: raw, name: 'laptop' }), 201);
    await json(await publicCall('activate', { license_key: raw, name: 'desktop' }), 201);

    const ownerToken = (await h.createSession(key, owner.customer_id)).session_token;
    const strangerToken = (await h.createSession(key, stranger.customer_id)).session_token;
    const instances = await json<LicenseKeyInstanceList>(await h.portal(ownerToken, 'GET', `/portal/v1/license-keys/${id}/instances`), 200);
    expect(instances.items.map((i) => i.name)).toEqual(['laptop', 'desktop']);
    expect(instances.items[0]).toEqual({ license_key_instance_id: laptop.license_key_instance_id, license_key_id: id, name: 'laptop', created_at: expect.any(String) });

    // The stranger: lists nothing, reveals nothing, frees nothing — all 404, never 403.
    expect((await json<PortalLicenseKeyList>(await h.portal(strangerToken, 'GET', '/portal/v1/license-keys'), 200)).items).toEqual([]);
    for (const [method, path] of [
      ['GET', `/portal/v1/license-keys/${id}`],
      ['GET', `/portal/v1/license-keys/${id}/instances`],
      ['DELETE', `/portal/v1/license-keys/${id}/instances/${laptop.license_key_instance_id}`],
    ] as const) {
      const response = await h.portal(strangerToken, method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await errorCode(response)).toBe('not_found');
    }
    expect((await h.portal(ownerToken, 'GET', `/portal/v1/license-keys/${id}/instances`)).status).toBe(200);

    // The owner frees the laptop's seat; a third machine then fits.
    expect((await h.portal(ownerToken, 'DELETE', `/portal/v1/license-keys/${id}/instances/${laptop.license_key_instance_id}`)).status).toBe(204);
    expect((await h.portal(ownerToken, 'DELETE', `/portal/v1/license-keys/${id}/instances/${laptop.license_key_instance_id}`)).status).toBe(404);
    expect(await json<LicenseValidation>(await publicCall('validate', { license_key: raw, license_key_instance_id: laptop.license_key_instance_id }), 200)).toMatchObject({
      valid: false,
      status: 'active',
      instances_count: 1,
      instance_valid: false,
    });
    await json(await publicCall('activate', { license_key: raw, name: 'tablet' }), 201);
    expect((await json<PortalLicenseKeyList>(await h.portal(ownerToken, 'GET', '/portal/v1/license-keys'), 200)).items[0]).toMatchObject({ instances_count: 2 });
    // Without a session: 401.
    expect((await h.app.request('/portal/v1/license-keys')).status).toBe(401);
  });

  it('refuses to free seats when the business turned allow_customer_key_deactivation off (403)', async () => {
    const biz = await h.newBusiness({ name: 'Strict Co' });
    const settings = await json<BusinessSettings>(await h.merchant(biz.keys.test, 'GET', '/v1/business'), 200);
    expect(settings.allow_customer_key_deactivation).toBe(true);
    const off = await json<BusinessSettings>(await h.merchant(biz.keys.test, 'PATCH', '/v1/business', { allow_customer_key_deactivation: false }), 200);
    expect(off.allow_customer_key_deactivation).toBe(false);

    const licensed = await json<Product>(
      await h.merchant(biz.keys.test, 'POST', '/v1/products', {
        name: 'Strict app',
        billing_type: 'one_time',
        price: 900,
        currency: 'USD',
        license_key: { activations_limit: 1, duration_days: null },
      }),
      201,
    );
    const customer = await h.createCustomer(biz.keys.test);
    await json(
      await h.merchant(biz.keys.test, 'POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: licensed.product_id }], card_token: await cardToken() }),
      201,
    );
    const [issued] = (await json<Page<LicenseKey>>(await h.merchant(biz.keys.test, 'GET', `/v1/license-keys?customer_id=${customer.customer_id}`), 200)).items;
    const { key: raw } = await json<LicenseKey>(await h.merchant(biz.keys.test, 'GET', `/v1/license-keys/${issued!.license_key_id}`), 200);
    const seat = await json<{ license_key_instance_id: string }>(await publicCall('activate', { license_key: raw, name: 'pc' }), 201);

    const token = (await h.createSession(biz.keys.test, customer.customer_id)).session_token;
    expect((await json<PortalLicenseKeyList>(await h.portal(token, 'GET', '/portal/v1/license-keys'), 200)).items[0]!.can_deactivate_instances).toBe(false);
    const refused = await h.portal(token, 'DELETE', `/portal/v1/license-keys/${issued!.license_key_id}/instances/${seat.license_key_instance_id}`);
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('key_deactivation_disabled');
    // The merchant's own software can still free it with the key.
    expect((await publicCall('deactivate', { license_key: raw, license_key_instance_id: seat.license_key_instance_id })).status).toBe(204);
  });
});
