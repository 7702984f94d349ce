/**
 * The data generator behind `dodo-portal seed --customers N --invoices-per-customer M`: several
 * businesses made through the real services (API keys, catalog, collection), then customers,
 * subscriptions, invoices with lines, payments, refunds and license keys written in bulk — the
 * rows the billing engine would have written (ids from domain/ids.ts, money in minor units from
 * computeInvoiceTotals, ISO UTC timestamps, sealed license keys), so every route reads them.
 *
 * Invoices are made in rounds, oldest first, one per customer per round: numbers rise with the
 * dates within each business, and the invoice counter is left after the last number, so the next
 * real invoice continues the sequence.
 */
import type { BillingAddress, Product } from '@dodo-portal/wire/schemas';
import { IdPrefix, newId } from './domain/ids.ts';
import { formatInvoiceNumber } from './domain/invoice-number.ts';
import { generateLicenseKey, licenseKeySuffix } from './domain/license-key-format.ts';
import { computeInvoiceTotals } from './domain/money.ts';
import { addMonths, periodAt } from './domain/periods.ts';
import { cryptoRandom, systemClock, toTimestamp, type Clock, type Random } from './domain/ports.ts';
import { createSecretBox } from './domain/secret-box.ts';
import { serviceContext } from './runtime.ts';
import { createBusiness } from './services/businesses.ts';
import { createCollection } from './services/collections.ts';
import { createProduct } from './services/products.ts';
import { advanceInvoiceCounter, analyzeBulkTables, insertBulk, nextInvoiceNumber, type BulkRows } from './store/bulk.ts';
import type { Store } from './store/index.ts';
import type { Database } from './store/schema.ts';

export interface SeedBulkOptions {
  customers: number;
  invoicesPerCustomer: number;
  /** Businesses the customers are spread over (default 3, at most one per customer). */
  businesses?: number;
  /** The server secret license keys are sealed under (the one `serve` will use). */
  secret: string;
  clock?: Clock;
  random?: Random;
  /** Invoices per transaction (default 2,000). */
  batchSize?: number;
  /** Called after each committed batch with the invoices written so far. */
  onProgress?: (written: number, total: number) => void;
}

export interface SeedBulkSummary {
  businesses: { business_id: string; name: string; api_keys: { test: string; live: string }; customers: number; invoices: number; next_invoice_number: string }[];
  counts: { customers: number; subscriptions: number; invoices: number; line_items: number; payments: number; refunds: number; license_keys: number };
  seconds: number;
}

const DAY_MS = 86_400_000;
const COMPANIES = ['Northwind Analytics', 'Globex Hosting', 'Initech Cloud', 'Umbrella Storage', 'Stark Compute', 'Wayne Networks', 'Tyrell Data', 'Cyberdyne Labs'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Linus', 'Hedy', 'Tim', 'Sophie', 'John'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Ritchie',
  'Perlman',
  'Torvalds',
  'Lamarr',
  'Berners-Lee',
  'Wilson',
  'McCarthy',
];
const PLACES: { address: BillingAddress; locale: string }[] = [
  { address: { street: '500 Market Street', city: 'San Francisco', state: 'CA', zipcode: '94105', country: 'US' }, locale: 'en-US' },
  { address: { street: 'Friedrichstraße 68', city: 'Berlin', state: '', zipcode: '10117', country: 'DE' }, locale: 'de-DE' },
  { address: { street: '10 Downing Street', city: 'London', state: '', zipcode: 'SW1A 2AA', country: 'GB' }, locale: 'en-GB' },
  { address: { street: '1-1 Marunouchi', city: 'Chiyoda-ku', state: 'Tokyo', zipcode: '100-0005', country: 'JP' }, locale: 'ja-JP' },
];

interface Catalog {
  tiers: Product[];
  license: Product;
}

interface Tenant {
  businessId: string;
  name: string;
  apiKeys: { test: string; live: string };
  catalog: Catalog;
  nextNumber: number;
  customers: number;
  invoices: number;
}

interface Member {
  id: string;
  tenant: Tenant;
  subscriptionId: string;
  tier: Product;
  address: BillingAddress;
  cancelled: boolean;
}

export async function seedBulk(store: Store, options: SeedBulkOptions): Promise<SeedBulkSummary> {
  const started = performance.now();
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const secrets = createSecretBox(options.secret);
  const ctx = serviceContext(store, { clock, random, secrets });
  const { customers: customerCount, invoicesPerCustomer: rounds } = options;
  const batchSize = options.batchSize ?? 2_000;
  const total = customerCount * rounds;
  const now = clock.now().getTime();
  // Round r's invoices fall a month apart, the newest round within the last four weeks; customer i's
  // invoice of a round comes i steps after customer 0's, so issue times (and numbers) rise with the load.
  const step = Math.max(1, Math.floor((27 * DAY_MS) / Math.max(customerCount, 1)));
  const firstAnchor = addMonths(new Date(now - 28 * DAY_MS), -Math.max(rounds - 1, 0));
  const anchorOf = (i: number) => new Date(firstAnchor.getTime() + i * step);

  const tenants: Tenant[] = [];
  for (let b = 0; b < Math.min(options.businesses ?? 3, Math.max(customerCount, 1)); b += 1) {
    const name = `${COMPANIES[b % COMPANIES.length]}${b >= COMPANIES.length ? ` ${Math.floor(b / COMPANIES.length) + 1}` : ''}`;
    const { business, apiKeys } = await createBusiness(ctx, { name, allowedOrigins: ['http://localhost:3000'], returnUrl: 'http://localhost:3000/account', defaultLocale: 'en-US' });
    const scope = { businessId: business.id, mode: 'test' as const };
    const monthly = { billing_type: 'subscription' as const, currency: 'USD', interval: 'month' as const, tax_rate_bps: 825, is_addon: false };
    const tiers = [
      await createProduct(ctx, scope, { ...monthly, name: 'Starter', description: 'For individuals', price: 1900 }),
      await createProduct(ctx, scope, { ...monthly, name: 'Pro', description: 'For growing teams', price: 4900 }),
      await createProduct(ctx, scope, { ...monthly, name: 'Business', description: 'For organisations', price: 9900 }),
    ];
    const license = await createProduct(ctx, scope, {
      billing_type: 'one_time',
      name: `${name} CLI license`,
      description: 'Perpetual license, 3 machines',
      price: 14_900,
      currency: 'USD',
      tax_rate_bps: 825,
      is_addon: false,
      license_key: { activations_limit: 3, duration_days: null },
    });
    await createCollection(ctx, scope, { name: `${name} plans`, product_ids: tiers.map((tier) => tier.product_id) });
    tenants.push({
      businessId: business.id,
      name: business.name,
      apiKeys,
      catalog: { tiers, license },
      nextNumber: await nextInvoiceNumber(store.db, business.id, 'test'),
      customers: 0,
      invoices: 0,
    });
  }

  const counts: SeedBulkSummary['counts'] = { customers: 0, subscriptions: 0, invoices: 0, line_items: 0, payments: 0, refunds: 0, license_keys: 0 };
  const members: Member[] = [];
  let batch = emptyBatch();
  let pending = 0;
  const flush = async () => {
    await insertBulk(store.db, batch);
    batch = emptyBatch();
    pending = 0;
    options.onProgress?.(counts.invoices, total);
  };

  // Customers and their subscriptions first (every invoice points at both).
  for (let i = 0; i < customerCount; i += 1) {
    const tenant = tenants[i % tenants.length]!;
    const anchor = anchorOf(i);
    const createdAt = toTimestamp(new Date(anchor.getTime() - DAY_MS));
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const place = PLACES[i % PLACES.length]!;
    const email = `${first}.${last}.${i}@example.com`.toLowerCase();
    const id = newId(IdPrefix.customer, random);
    batch.customers!.push({
      id,
      business_id: tenant.businessId,
      mode: 'test',
      email,
      email_normalized: email,
      name: `${first} ${last}`,
      phone_number: null,
      billing_address: JSON.stringify(place.address),
      locale: place.locale,
      created_at: createdAt,
    });
    const tier = tenant.catalog.tiers[i % tenant.catalog.tiers.length]!;
    const cancelled = i % 17 === 16;
    const period = periodAt(anchor, 'month', 1, Math.max(rounds - 1, 0));
    const subscriptionId = newId(IdPrefix.subscription, random);
    batch.subscriptions!.push({
      id: subscriptionId,
      business_id: tenant.businessId,
      mode: 'test',
      customer_id: id,
      product_id: tier.product_id,
      quantity: 1,
      status: cancelled ? 'cancelled' : 'active',
      currency: 'USD',
      interval: 'month',
      interval_count: 1,
      billing_anchor: toTimestamp(anchor),
      period_index: Math.max(rounds - 1, 0),
      current_period_start: toTimestamp(period.start),
      current_period_end: toTimestamp(period.end),
      cancel_at_period_end: 0,
      cancelled_at: cancelled ? toTimestamp(period.start) : null,
      payment_method_id: null,
      created_at: createdAt,
      updated_at: toTimestamp(period.start),
    });
    members.push({ id, tenant, subscriptionId, tier, address: place.address, cancelled });
    tenant.customers += 1;
    counts.customers += 1;
    counts.subscriptions += 1;
    pending += 1;
    if (pending >= batchSize) await flush();
  }

  // Invoices in rounds, oldest first: round r is each customer's (r+1)-th period.
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < members.length; i += 1) {
      const member = members[i]!;
      const { tenant } = member;
      const period = periodAt(anchorOf(i), 'month', 1, round);
      const issuedAt = toTimestamp(period.start);
      const latest = round === rounds - 1;
      // One customer in ten has not paid the latest invoice yet; one in fifty had its second voided.
      const status = latest && i % 10 === 3 ? 'open' : round === 1 && i % 50 === 7 ? 'void' : 'paid';
      const withLicense = round === 0 && i % 2 === 0;
      // The plan's line covers the period (written below as its period_start/end).
      const lines = [
        { description: `${member.tier.name} plan (monthly)`, quantity: 1, unit_amount: member.tier.price, tax_rate_bps: member.tier.tax_rate_bps },
        ...(withLicense ? [{ description: tenant.catalog.license.name, quantity: 1, unit_amount: tenant.catalog.license.price, tax_rate_bps: tenant.catalog.license.tax_rate_bps }] : []),
      ];
      const totals = computeInvoiceTotals(lines, member.tier.tax_rate_bps);
      const invoiceId = newId(IdPrefix.invoice, random);
      batch.invoices!.push({
        id: invoiceId,
        business_id: tenant.businessId,
        mode: 'test',
        customer_id: member.id,
        number: formatInvoiceNumber(tenant.nextNumber),
        status,
        currency: 'USD',
        subtotal: totals.subtotal,
        tax: totals.tax,
        total: totals.total,
        tax_rate_bps: member.tier.tax_rate_bps,
        issued_at: issuedAt,
        paid_at: status === 'paid' ? issuedAt : null,
        subscription_id: member.subscriptionId,
        billing_address: JSON.stringify(member.address),
        created_at: issuedAt,
      });
      tenant.nextNumber += 1;
      tenant.invoices += 1;
      totals.line_items.forEach((line, position) => {
        batch.invoice_line_items!.push({
          invoice_id: invoiceId,
          position,
          description: line.description,
          quantity: line.quantity,
          unit_amount: line.unit_amount,
          amount: line.amount,
          tax_rate_bps: line.tax_rate_bps,
          period_start: position === 0 ? issuedAt : null,
          period_end: position === 0 ? toTimestamp(period.end) : null,
          description_key: null,
          description_params: null,
        });
      });
      counts.invoices += 1;
      counts.line_items += totals.line_items.length;

      if (status === 'paid') {
        // About one paid invoice in twenty is refunded in full, another one in twenty in part.
        const refundKind = counts.invoices % 20 === 5 ? 'full' : counts.invoices % 20 === 15 ? 'partial' : 'none';
        const refunded = refundKind === 'full' ? totals.total : refundKind === 'partial' ? Math.floor(totals.total / 2) : 0;
        const paymentId = newId(IdPrefix.payment, random);
        batch.payments!.push({
          id: paymentId,
          business_id: tenant.businessId,
          mode: 'test',
          customer_id: member.id,
          invoice_id: invoiceId,
          subscription_id: member.subscriptionId,
          amount: totals.total,
          amount_refunded: refunded,
          currency: 'USD',
          status: refundKind === 'full' ? 'refunded' : refundKind === 'partial' ? 'partially_refunded' : 'succeeded',
          decline_code: null,
          failure_message: null,
          card_brand: 'visa',
          card_last4: '4242',
          payment_method_id: null,
          processor_charge_id: null,
          created_at: issuedAt,
          updated_at: issuedAt,
          attempted_at: issuedAt,
          settlement: null,
          reconcile_claimed_until: null,
        });
        counts.payments += 1;
        if (refunded > 0) {
          const refundedAt = toTimestamp(new Date(period.start.getTime() + 3 * DAY_MS));
          batch.refunds!.push({
            id: newId(IdPrefix.refund, random),
            business_id: tenant.businessId,
            mode: 'test',
            payment_id: paymentId,
            invoice_id: invoiceId,
            amount: refunded,
            currency: 'USD',
            reason: refundKind === 'full' ? 'requested_by_customer' : 'service credit',
            status: 'succeeded',
            processor_refund_id: null,
            created_at: refundedAt,
            updated_at: refundedAt,
            attempted_at: refundedAt,
            reconcile_claimed_until: null,
          });
          counts.refunds += 1;
        }
        if (withLicense) {
          const keyId = newId(IdPrefix.licenseKey, random);
          const key = generateLicenseKey(random);
          batch.license_keys!.push({
            id: keyId,
            business_id: tenant.businessId,
            mode: 'test',
            customer_id: member.id,
            product_id: tenant.catalog.license.product_id,
            subscription_id: null,
            invoice_id: invoiceId,
            payment_id: paymentId,
            key_hash: secrets.lookupHash(key),
            key_ciphertext: secrets.seal(key, keyId),
            key_suffix: licenseKeySuffix(key),
            status: 'active',
            activations_limit: tenant.catalog.license.license_key!.activations_limit,
            expires_at: null,
            created_at: issuedAt,
            updated_at: issuedAt,
          });
          counts.license_keys += 1;
        }
      }
      pending += 1;
      if (pending >= batchSize) await flush();
    }
  }
  await flush();
  for (const tenant of tenants) await advanceInvoiceCounter(store.db, tenant.businessId, 'test', tenant.nextNumber);
  // `serve` usually starts right after a seed: it must not plan its reads without statistics.
  await analyzeBulkTables(store.db, Object.keys(emptyBatch()) as (keyof Database)[]);

  return {
    businesses: tenants.map((tenant) => ({
      business_id: tenant.businessId,
      name: tenant.name,
      api_keys: tenant.apiKeys,
      customers: tenant.customers,
      invoices: tenant.invoices,
      next_invoice_number: formatInvoiceNumber(tenant.nextNumber),
    })),
    counts,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

/** Parents before children: the order insertBulk writes the tables in. */
const emptyBatch = (): BulkRows => ({ customers: [], subscriptions: [], invoices: [], invoice_line_items: [], payments: [], refunds: [], license_keys: [] });
