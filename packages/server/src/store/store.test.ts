import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInvoiceNumber } from '../domain/invoice-number.ts';
import { createBusiness } from '../services/businesses.ts';
import { createCustomer } from '../services/customers.ts';
import { issueInvoice } from '../services/invoices.ts';
import { TestClock, tempPostgresStore, tempSqliteStore, type TempStore } from '../testing/harness.ts';
import { findApiKeyByHash } from './api-keys.ts';
import { isOriginAllowedByAnyBusiness, isOriginAllowedForBusiness } from './businesses.ts';
import { findCustomer, insertCustomer } from './customers.ts';
import { migrate, isUniqueViolation } from './index.ts';
import { insertInvoiceWithNextNumber, listInvoices } from './invoices.ts';
import type { Scope } from './scope.ts';
import { hashSecret } from '../domain/tokens.ts';
import * as lineTaxRates from './migrations/0015_line_tax_rates.ts';
import { type ServiceContext, serviceContext } from '../runtime.ts';

const backends: [string, () => Promise<TempStore>][] = [['sqlite', tempSqliteStore]];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) backends.push(['postgres', () => tempPostgresStore(databaseUrl)]);

describe.each(backends)('store on %s', (dialect, open) => {
  let temp: TempStore;
  let ctx: ServiceContext;
  let clock: TestClock;
  let scope: Scope;
  let customerId: string;

  beforeAll(async () => {
    temp = await open();
    clock = new TestClock();
    ctx = serviceContext(temp.store, { clock });
    const { business } = await createBusiness(ctx, { name: 'Store Co', allowedOrigins: ['https://a.example', 'http://localhost:3000/'] });
    scope = { businessId: business.id, mode: 'test' };
    customerId = (await createCustomer(ctx, scope, { email: 'Store@Example.com', name: 'Store Customer' })).customer_id;
  });
  afterAll(async () => temp?.cleanup());

  it('reports its dialect and is fully migrated on open', async () => {
    expect(temp.store.dialect).toBe(dialect);
    expect(await migrate(temp.store, undefined).catch(() => ({ applied: ['failed'] }))).toEqual({ applied: [] });
  });

  it('answers a repeated query from the schema of now, across a schema change (SQLite reuses prepared statements)', async () => {
    await sql`create table scratch_statements (a text)`.execute(temp.store.db);
    await sql`insert into scratch_statements (a) values ('x')`.execute(temp.store.db);
    const read = async () => (await sql<Record<string, unknown>>`select * from scratch_statements`.execute(temp.store.db)).rows;
    expect(await read()).toEqual([{ a: 'x' }]);
    await sql`alter table scratch_statements add column b text`.execute(temp.store.db);
    await sql`update scratch_statements set b = 'y'`.execute(temp.store.db);
    expect(await read()).toEqual([{ a: 'x', b: 'y' }]);
    await sql`drop table scratch_statements`.execute(temp.store.db);
  });

  it('round-trips money beyond 32 bits as exact integers', async () => {
    const unit = 4_503_599_627_370_495; // 2^52 - 1
    const invoice = await issueInvoice(ctx, scope, {
      customer_id: customerId,
      currency: 'USD',
      tax_rate_bps: 0,
      status: 'open',
      line_items: [{ description: 'Big', quantity: 1, unit_amount: unit }],
    });
    const page = await listInvoices(temp.store.db, scope, { limit: 100 });
    const stored = page.items.find((item) => item.invoice_id === invoice.invoice_id)!;
    expect(stored.total).toBe(unit);
    expect(typeof stored.total).toBe('number');
    expect(stored.line_items[0]).toEqual({ description: 'Big', quantity: 1, unit_amount: unit, amount: unit, tax_rate_bps: 0 });
  });

  it('0015_line_tax_rates gives the lines of earlier invoices their invoice’s rate', async () => {
    const own = await open();
    try {
      const ownCtx = serviceContext(own.store, { clock });
      const { business } = await createBusiness(ownCtx, { name: 'Legacy Co', allowedOrigins: [] });
      const ownScope: Scope = { businessId: business.id, mode: 'test' };
      const customer = await createCustomer(ownCtx, ownScope, { email: 'legacy@example.com', name: 'Legacy' });
      const invoice = await issueInvoice(ownCtx, ownScope, {
        customer_id: customer.customer_id,
        currency: 'EUR',
        tax_rate_bps: 1900,
        status: 'open',
        line_items: [
          { description: 'a', quantity: 1, unit_amount: 100 },
          { description: 'b', quantity: 2, unit_amount: 50 },
        ],
      });
      // Back to the database as it was before 0012, then forward again.
      await lineTaxRates.down(own.store.db);
      await lineTaxRates.up(own.store.db);
      const lines = await own.store.db.selectFrom('invoice_line_items').select(['position', 'tax_rate_bps']).where('invoice_id', '=', invoice.invoice_id).orderBy('position').execute();
      expect(lines.map((line) => Number(line.tax_rate_bps))).toEqual([1900, 1900]);
    } finally {
      await own.cleanup();
    }
  });

  it('numbers 20 concurrent invoices 1..20 per business and mode, without gaps or repeats', async () => {
    const { business } = await createBusiness(ctx, { name: 'Concurrent Co' });
    const liveScope: Scope = { businessId: business.id, mode: 'live' };
    const customer = await createCustomer(ctx, liveScope, { email: 'c@example.com', name: 'C' });
    const invoices = await Promise.all(
      Array.from({ length: 20 }, () =>
        issueInvoice(ctx, liveScope, {
          customer_id: customer.customer_id,
          currency: 'EUR',
          tax_rate_bps: 2500,
          status: 'paid',
          line_items: [{ description: 'x', quantity: 1, unit_amount: 100 }],
        }),
      ),
    );
    const numbers = invoices.map((invoice) => invoice.number).sort();
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => formatInvoiceNumber(i + 1)));
    // The test-mode sequence of the same business is separate.
    const testCustomer = await createCustomer(ctx, { businessId: business.id, mode: 'test' }, { email: 'c@example.com', name: 'C' });
    const first = await issueInvoice(
      ctx,
      { businessId: business.id, mode: 'test' },
      {
        customer_id: testCustomer.customer_id,
        currency: 'EUR',
        tax_rate_bps: 0,
        status: 'paid',
        line_items: [{ description: 'x', quantity: 1, unit_amount: 1 }],
      },
    );
    expect(first.number).toBe('INV-000001');
  });

  it('rolls the counter back with a failed insert, so the next number has no gap', async () => {
    const { business } = await createBusiness(ctx, { name: 'Rollback Co' });
    const s: Scope = { businessId: business.id, mode: 'test' };
    const customer = await createCustomer(ctx, s, { email: 'r@example.com', name: 'R' });
    const base = {
      customer_id: customer.customer_id,
      status: 'paid' as const,
      currency: 'USD',
      subtotal: 1,
      tax: 0,
      total: 1,
      tax_rate_bps: 0,
      issued_at: '2025-01-01T00:00:00.000Z',
      paid_at: null,
      subscription_id: null,
      billing_address: null,
      created_at: '2025-01-01T00:00:00.000Z',
      line_items: [{ description: 'x', quantity: 1, unit_amount: 1, amount: 1, tax_rate_bps: 0 }],
    };
    expect((await insertInvoiceWithNextNumber(temp.store.db, s, { ...base, id: 'inv_rollback1' }, formatInvoiceNumber)).number).toBe('INV-000001');
    // Same id again: the primary key fails after the counter moved; the transaction undoes both.
    await expect(insertInvoiceWithNextNumber(temp.store.db, s, { ...base, id: 'inv_rollback1' }, formatInvoiceNumber)).rejects.toSatisfy(isUniqueViolation);
    expect((await insertInvoiceWithNextNumber(temp.store.db, s, { ...base, id: 'inv_rollback2' }, formatInvoiceNumber)).number).toBe('INV-000002');
  });

  it('pages newest first by (issued_at, id) through ties, with no duplicates or gaps', async () => {
    const { business } = await createBusiness(ctx, { name: 'Paging Co' });
    const s: Scope = { businessId: business.id, mode: 'test' };
    const customer = await createCustomer(ctx, s, { email: 'p@example.com', name: 'P' });
    const issued: string[] = [];
    for (let i = 0; i < 13; i += 1) {
      // Four invoices share each timestamp.
      const at = new Date(Date.UTC(2025, 0, 1 + Math.floor(i / 4)));
      const invoice = await issueInvoice(
        ctx,
        s,
        { customer_id: customer.customer_id, currency: 'USD', tax_rate_bps: 0, status: 'paid', line_items: [{ description: `#${i}`, quantity: 1, unit_amount: i + 1 }] },
        { issuedAt: at },
      );
      issued.push(invoice.invoice_id);
    }
    const seen: { id: string; at: string }[] = [];
    let after: { at: string; id: string } | undefined;
    const sizes: number[] = [];
    for (;;) {
      const page = await listInvoices(temp.store.db, s, { limit: 5, ...(after ? { after } : {}) });
      sizes.push(page.items.length);
      seen.push(...page.items.map((item) => ({ id: item.invoice_id, at: item.issued_at })));
      if (!page.next) break;
      after = page.next;
    }
    expect(sizes).toEqual([5, 5, 3]);
    expect(new Set(seen.map((row) => row.id))).toEqual(new Set(issued));
    const sorted = [...seen].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
    expect(seen).toEqual(sorted);
  });

  it('treats emails case-insensitively for uniqueness within business and mode only', async () => {
    await expect(
      insertCustomer(temp.store.db, scope, {
        customer_id: 'cus_dup',
        business_id: scope.businessId,
        email: 'store@EXAMPLE.com',
        name: 'Dup',
        phone_number: null,
        billing_address: null,
        locale: 'en',
        created_at: '2025-01-01T00:00:00.000Z',
      }),
    ).rejects.toSatisfy(isUniqueViolation);
    const live = await createCustomer(ctx, { ...scope, mode: 'live' }, { email: 'store@example.com', name: 'Live twin' });
    expect(await findCustomer(temp.store.db, scope, live.customer_id)).toBeUndefined();
    expect(await findCustomer(temp.store.db, { ...scope, mode: 'live' }, live.customer_id)).toMatchObject({ name: 'Live twin' });
  });

  it('stores API keys only as hashes and knows which origins a business allows', async () => {
    const created = await createBusiness(ctx, { name: 'Keys Co', allowedOrigins: ['https://keys.example'] });
    const rows = await temp.store.db.selectFrom('api_keys').selectAll().where('business_id', '=', created.business.id).execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(created.apiKeys.test);
      expect(JSON.stringify(row)).not.toContain(created.apiKeys.live);
    }
    expect((await findApiKeyByHash(temp.store.db, hashSecret(created.apiKeys.live)))?.mode).toBe('live');
    expect(await isOriginAllowedForBusiness(temp.store.db, created.business.id, 'https://keys.example')).toBe(true);
    expect(await isOriginAllowedForBusiness(temp.store.db, created.business.id, 'https://a.example')).toBe(false);
    expect(await isOriginAllowedByAnyBusiness(temp.store.db, 'http://localhost:3000')).toBe(true);
    expect(await isOriginAllowedByAnyBusiness(temp.store.db, 'https://evil.example')).toBe(false);
  });
});
