import type { BusinessSettings, ErrorBody, Page, Product, ProductCollection } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, createHarness, type Harness } from '../../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'Catalog Co', allowedOrigins: ['https://shop.example'] } });
});
afterAll(async () => h.close());

const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const json = async <T>(response: Response, status: number): Promise<T> => {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
};
const monthly = (name: string, price: number, extra: Record<string, unknown> = {}) => ({ name, billing_type: 'subscription', price, currency: 'USD', interval: 'month', ...extra });
const createProduct = async (key: string, body: Record<string, unknown>) => json<Product>(await h.merchant(key, 'POST', '/v1/products', body), 201);

describe('products', () => {
  it('creates each billing type with its defaults and reads it back', async () => {
    const plan = await createProduct(h.business.keys.test, monthly('Pro', 4900, { description: 'For teams', tax_rate_bps: 825 }));
    expect(plan).toEqual({
      product_id: expect.stringMatching(/^prd_[0-9a-z]{26}$/),
      name: 'Pro',
      description: 'For teams',
      billing_type: 'subscription',
      price: 4900,
      currency: 'USD',
      interval: 'month',
      interval_count: 1,
      tax_rate_bps: 825,
      usage: null,
      is_addon: false,
      license_key: null,
      collection_id: null,
      created_at: h.clock.now().toISOString(),
    });
    expect(await json(await h.merchant(h.business.keys.test, 'GET', `/v1/products/${plan.product_id}`), 200)).toEqual(plan);

    const usage = await createProduct(h.business.keys.test, {
      name: 'API',
      billing_type: 'usage_based',
      price: 0,
      currency: 'USD',
      interval: 'month',
      usage: { meter: 'api_calls', unit_price: 2 },
    });
    expect(usage).toMatchObject({ billing_type: 'usage_based', usage: { meter: 'api_calls', unit_price: 2 }, interval_count: 1 });

    const licensed = await createProduct(h.business.keys.test, {
      name: 'Desktop app',
      billing_type: 'one_time',
      price: 9900,
      currency: 'USD',
      license_key: { activations_limit: 3, duration_days: null },
    });
    expect(licensed).toMatchObject({ interval: null, interval_count: null, license_key: { activations_limit: 3, duration_days: null } });

    const addon = await createProduct(h.business.keys.test, monthly('Extra seat', 900, { is_addon: true, interval_count: 1 }));
    expect(addon.is_addon).toBe(true);

    // The other mode never sees them.
    expect((await h.merchant(h.business.keys.live, 'GET', `/v1/products/${plan.product_id}`)).status).toBe(404);
  });

  it('refuses combinations that make no sense, naming each field', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ name: 'x', billing_type: 'subscription', price: 100, currency: 'USD' }, ['interval']],
      [{ name: 'x', billing_type: 'one_time', price: 100, currency: 'USD', interval: 'month', interval_count: 2 }, ['interval', 'interval_count']],
      [{ name: 'x', billing_type: 'usage_based', price: 0, currency: 'USD', interval: 'month' }, ['usage']],
      [monthly('x', 100, { usage: { meter: 'calls', unit_price: 1 } }), ['usage']],
      [{ name: 'x', billing_type: 'one_time', price: 100, currency: 'USD', is_addon: true }, ['is_addon']],
      [monthly('x', 1.5), ['price']],
      [monthly('x', -1), ['price']],
      [monthly('x', 100, { currency: 'usd' }), ['currency']],
      [monthly('x', 100, { interval: 'fortnight' }), ['interval']],
      [monthly('x', 100, { interval_count: 0 }), ['interval_count']],
      [monthly('x', 100, { tax_rate_bps: 10_001 }), ['tax_rate_bps']],
      [{ name: 'x', billing_type: 'usage_based', price: 0, currency: 'USD', interval: 'month', usage: { meter: 'API Calls', unit_price: 1 } }, ['usage.meter']],
      [{ name: 'x', billing_type: 'one_time', price: 1, currency: 'USD', license_key: { activations_limit: 0, duration_days: null } }, ['license_key.activations_limit']],
    ];
    for (const [body, paths] of cases) {
      const response = await h.merchant(h.business.keys.test, 'POST', '/v1/products', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid_request');
      expect(error.issues?.map((issue) => issue.path).sort(), JSON.stringify(body)).toEqual([...paths].sort());
    }
  });

  it('lists newest first with keyset pages and filters by billing type', async () => {
    const other = await h.newBusiness({ name: 'List Products Co' });
    const made: Product[] = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(await createProduct(other.keys.test, i % 2 === 0 ? monthly(`Plan ${i}`, 100 * i) : { name: `Thing ${i}`, billing_type: 'one_time', price: 100, currency: 'USD' }));
    }
    const first = await json<Page<Product>>(await h.merchant(other.keys.test, 'GET', '/v1/products?limit=3'), 200);
    // Same created_at for all: ties are broken by id, and pages never repeat or skip.
    const second = await json<Page<Product>>(await h.merchant(other.keys.test, 'GET', `/v1/products?limit=3&cursor=${first.next_cursor}`), 200);
    expect(second.next_cursor).toBeNull();
    expect([...first.items, ...second.items].map((p) => p.product_id).sort()).toEqual(made.map((p) => p.product_id).sort());
    const oneTime = await json<Page<Product>>(await h.merchant(other.keys.test, 'GET', '/v1/products?billing_type=one_time'), 200);
    expect(oneTime.items.map((p) => p.name).sort()).toEqual(['Thing 1', 'Thing 3']);
    expect((await h.merchant(other.keys.test, 'GET', '/v1/products?billing_type=rental')).status).toBe(400);
  });
});

describe('product collections', () => {
  it('orders tiers lowest first, reorders, adds and removes with PATCH', async () => {
    const key = (await h.newBusiness({ name: 'Tiers Co' })).keys.test;
    const [starter, pro, business] = [await createProduct(key, monthly('Starter', 900)), await createProduct(key, monthly('Pro', 2900)), await createProduct(key, monthly('Business', 9900))];
    const response = await h.merchant(key, 'POST', '/v1/product-collections', { name: 'Plans', product_ids: [starter!.product_id, pro!.product_id] });
    const collection = await json<ProductCollection>(response, 201);
    expect(collection.collection_id).toMatch(/^pdc_/);
    expect(collection.products.map((p) => p.name)).toEqual(['Starter', 'Pro']);
    expect(collection.products.every((p) => p.collection_id === collection.collection_id)).toBe(true);

    const patched = await json<ProductCollection>(
      await h.merchant(key, 'PATCH', `/v1/product-collections/${collection.collection_id}`, { name: 'All plans', product_ids: [business!.product_id, starter!.product_id] }),
      200,
    );
    expect(patched.name).toBe('All plans');
    expect(patched.products.map((p) => p.name)).toEqual(['Business', 'Starter']);
    // Pro was removed: it is free to join a collection again.
    expect((await json<Product>(await h.merchant(key, 'GET', `/v1/products/${pro!.product_id}`), 200)).collection_id).toBeNull();
    expect(await json(await h.merchant(key, 'GET', `/v1/product-collections/${collection.collection_id}`), 200)).toEqual(patched);
    const list = await json<Page<ProductCollection>>(await h.merchant(key, 'GET', '/v1/product-collections'), 200);
    expect(list.items.map((c) => c.collection_id)).toEqual([collection.collection_id]);
  });

  it('takes recurring plans only, once, in one currency, in at most one collection', async () => {
    const key = (await h.newBusiness({ name: 'Rules Co' })).keys.test;
    const plan = await createProduct(key, monthly('Plan', 100));
    const taken = await createProduct(key, monthly('Taken', 200));
    const oneTime = await createProduct(key, { name: 'Once', billing_type: 'one_time', price: 100, currency: 'USD' });
    const addon = await createProduct(key, monthly('Addon', 100, { is_addon: true }));
    const euro = await createProduct(key, monthly('Euro', 100, { currency: 'EUR' }));
    const usage = await createProduct(key, { name: 'Metered', billing_type: 'usage_based', price: 0, currency: 'USD', interval: 'month', usage: { meter: 'gb', unit_price: 5 } });
    const existing = await json<ProductCollection>(await h.merchant(key, 'POST', '/v1/product-collections', { name: 'First', product_ids: [taken.product_id] }), 201);
    const cases: [string[], string][] = [
      [[plan.product_id, oneTime.product_id], 'product_ids.1'],
      [[plan.product_id, addon.product_id], 'product_ids.1'],
      [[plan.product_id, euro.product_id], 'product_ids.1'],
      [[plan.product_id, plan.product_id], 'product_ids.1'],
      [[plan.product_id, taken.product_id], 'product_ids.1'],
      [['prd_00000000000000000000000000'], 'product_ids.0'],
    ];
    for (const [ids, path] of cases) {
      const response = await h.merchant(key, 'POST', '/v1/product-collections', { name: 'Bad', product_ids: ids });
      expect(response.status, path).toBe(400);
      expect((await errorOf(response)).issues?.map((issue) => issue.path)).toEqual([path]);
    }
    // usage_based plans are tiers too; the collection's own products may stay on PATCH.
    expect((await h.merchant(key, 'POST', '/v1/product-collections', { name: 'Mixed', product_ids: [plan.product_id, usage.product_id] })).status).toBe(201);
    expect((await h.merchant(key, 'PATCH', `/v1/product-collections/${existing.collection_id}`, { product_ids: [taken.product_id] })).status).toBe(200);
    expect((await h.merchant(key, 'PATCH', `/v1/product-collections/${existing.collection_id}`, {})).status).toBe(400);
    expect((await h.merchant(key, 'GET', '/v1/product-collections/pdc_00000000000000000000000000')).status).toBe(404);
  });
});

describe('GET|PATCH /v1/business', () => {
  it('reads the defaults and the static login links of both modes', async () => {
    const settings = await json<BusinessSettings>(await h.merchant(h.business.keys.live, 'GET', '/v1/business'), 200);
    expect(settings).toEqual({
      business_id: h.business.id,
      name: 'Catalog Co',
      allow_subscription_updates: false,
      allow_cancellation: true,
      proration_billing_mode: 'prorated_immediately',
      allow_customer_key_deactivation: true,
      allowed_origins: ['https://shop.example'],
      return_url: null,
      default_locale: 'en',
      brand: { display_name: 'Catalog Co', primary_color: null, logo_url: null },
      static_links: { test: `${PUBLIC_URL}/test/login/${h.business.id}`, live: `${PUBLIC_URL}/login/${h.business.id}` },
    });
  });

  it('changes settings, and CORS follows the new allowed origins at once', async () => {
    const other = await h.newBusiness({ name: 'Settings Co', allowedOrigins: ['https://old.example'] });
    const patched = await json<BusinessSettings>(
      await h.merchant(other.keys.test, 'PATCH', '/v1/business', {
        allow_subscription_updates: true,
        allow_cancellation: false,
        proration_billing_mode: 'difference_immediately',
        allowed_origins: ['https://new.example/', 'https://new.example', 'http://localhost:5173'],
        return_url: 'https://new.example/account',
        default_locale: 'sv-se',
        brand: { primary_color: '#AABBCC', logo_url: 'https://new.example/logo.png' },
      }),
      200,
    );
    expect(patched).toMatchObject({
      name: 'Settings Co',
      allow_subscription_updates: true,
      allow_cancellation: false,
      proration_billing_mode: 'difference_immediately',
      allowed_origins: ['https://new.example', 'http://localhost:5173'],
      return_url: 'https://new.example/account',
      default_locale: 'sv-SE',
      brand: { display_name: 'Settings Co', primary_color: '#aabbcc', logo_url: 'https://new.example/logo.png' },
    });
    const preflight = (origin: string) => h.app.request('/portal/v1/invoices', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    expect((await preflight('https://new.example')).headers.get('access-control-allow-origin')).toBe('https://new.example');
    expect((await preflight('https://old.example')).headers.get('access-control-allow-origin')).toBeNull();

    // Clearing works; other fields stay.
    const cleared = await json<BusinessSettings>(await h.merchant(other.keys.live, 'PATCH', '/v1/business', { return_url: null, brand: { logo_url: null }, allowed_origins: [] }), 200);
    expect(cleared).toMatchObject({ return_url: null, allowed_origins: [], brand: { primary_color: '#aabbcc', logo_url: null }, allow_cancellation: false });
    expect((await preflight('https://new.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('validates colours, logo and return URLs, origins, locales and modes', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ brand: { primary_color: 'red' } }, 'brand.primary_color'],
      [{ brand: { primary_color: '#abc' } }, 'brand.primary_color'],
      [{ brand: { logo_url: 'http://cdn.example/logo.png' } }, 'brand.logo_url'],
      [{ return_url: 'http://evil.example/' }, 'return_url'],
      [{ allowed_origins: ['https://a.example/path'] }, 'allowed_origins'],
      [{ default_locale: 'not a locale' }, 'default_locale'],
      [{ proration_billing_mode: 'sometimes' }, 'proration_billing_mode'],
      [{ allow_cancellation: 'yes' }, 'allow_cancellation'],
    ];
    for (const [body, path] of cases) {
      const response = await h.merchant(h.business.keys.test, 'PATCH', '/v1/business', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(
        (await errorOf(response)).issues?.map((issue) => issue.path),
        JSON.stringify(body),
      ).toContain(path);
    }
  });
});
