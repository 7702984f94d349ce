import type { DemoSeeded, InvoicePage, Page, Payment, Product, ProductCollection, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { seedDemo } from './seed.ts';
import { TestClock, memoryLogger, tempSqliteStore, type TempStore } from './testing/harness.ts';

let temp: TempStore;
let seeded: DemoSeeded;
let app: ReturnType<typeof createApp>;
const clock = new TestClock(new Date('2025-03-10T09:00:00.000Z'));

beforeAll(async () => {
  temp = await tempSqliteStore();
  seeded = await seedDemo(temp.store, { clock });
  // A fresh app on the same database, like `serve` after `seed`: saved cards still resolve.
  app = createApp({ store: temp.store, clock, publicUrl: 'https://portal.test', logger: memoryLogger() });
});
afterAll(async () => temp.cleanup());

const get = async <T>(path: string): Promise<T> => {
  const response = await app.request(path, { headers: { authorization: `Bearer ${seeded.api_keys.test}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
};

describe('seedDemo', () => {
  it('builds the catalog through the API’s services: three tiers, an add-on, usage-based and licensed products', async () => {
    const collection = await get<ProductCollection>(`/v1/product-collections/${seeded.collection_id}`);
    expect(collection.products.map((p) => [p.name, p.price])).toEqual([
      ['Starter', 1900],
      ['Pro', 4900],
      ['Business', 9900],
    ]);
    const products = await get<Page<Product>>('/v1/products?limit=100');
    const byId = new Map(products.items.map((p) => [p.product_id, p]));
    expect(byId.get(seeded.products.extra_seat)).toMatchObject({ is_addon: true, billing_type: 'subscription' });
    expect(byId.get(seeded.products.compute)).toMatchObject({ billing_type: 'usage_based', usage: { meter: 'compute_hours', unit_price: 12 } });
    expect(byId.get(seeded.products.license)).toMatchObject({ billing_type: 'one_time', license_key: { activations_limit: 3, duration_days: null } });
  });

  it('gives the demo customer an active subscription on a saved card, and keeps the invoice history', async () => {
    const active = await get<Subscription>(`/v1/subscriptions/${seeded.subscriptions.active}`);
    expect(active).toMatchObject({
      customer_id: seeded.demo_customer_id,
      product_id: seeded.products.pro,
      status: 'active',
      current_period_start: '2025-03-10T09:00:00.000Z',
      next_billing_date: '2025-04-10T09:00:00.000Z',
      payment_method: { brand: 'visa', last4: '4242' },
      addons: [{ product_id: seeded.products.extra_seat, quantity: 2 }],
    });
    const payments = await get<Page<Payment>>(`/v1/payments?customer_id=${seeded.demo_customer_id}`);
    // Her subscription's first period, and the license purchase (issue 7) of her key vault.
    expect(payments.items.filter((p) => p.subscription_id !== null)).toEqual([expect.objectContaining({ status: 'succeeded', amount: 8552, subscription_id: active.subscription_id })]); // 7900 + 8.25 % tax (651.75 → 652)
    let count = 0;
    let cursor: string | null = null;
    do {
      const page: InvoicePage = await get<InvoicePage>(`/v1/invoices?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      count += page.items.length;
      cursor = page.next_cursor;
    } while (cursor);
    expect(count).toBe(seeded.invoice_count);
    expect(seeded.invoice_count).toBeGreaterThan(25);
  });

  it('has a subscription cancelled at its period end, and one about to renew on a declining card', async () => {
    const cancelled = await get<Subscription>(`/v1/subscriptions/${seeded.subscriptions.cancelled}`);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_at_period_end: true, next_billing_date: null, cancelled_at: cancelled.current_period_end });
    expect(cancelled.current_period_end < '2025-03-10T09:00:00.000Z').toBe(true);
    const renewing = await get<Subscription>(`/v1/subscriptions/${seeded.subscriptions.renewing_on_declining_card}`);
    // It fell due within days; the seed advanced the demo's test clock to it and the card declined.
    expect(renewing).toMatchObject({ status: 'on_hold', payment_method: { last4: '0341' }, next_billing_date: null });
    expect(seeded.subscriptions.on_hold).toBe(renewing.subscription_id);
    expect(renewing.current_period_end > '2025-03-10T09:00:00.000Z').toBe(true);
    expect(renewing.current_period_end < '2025-03-16T09:00:00.000Z').toBe(true);
    expect(seeded.test_clock).toBe(renewing.current_period_end);
    expect((await get<{ now: string }>('/v1/test-clock')).now).toBe(seeded.test_clock);
    const dues = await get<{ items: { status: string; subscription_id: string | null }[] }>(`/v1/invoices?customer_id=${renewing.customer_id}&limit=1`);
    expect(dues.items[0]).toMatchObject({ status: 'open', subscription_id: renewing.subscription_id });
  });
});
