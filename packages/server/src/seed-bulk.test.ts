import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Customer, Invoice, InvoicePage, LicenseKey, Page, Payment } from '@dodo-portal/wire/schemas';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeedBulkSummary } from './seed-bulk.ts';
import { startServer } from './serve.ts';
import { openStore, type StoreOptions } from './store/index.ts';
import { memoryLogger, TEST_SERVER_SECRET } from './testing/harness.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'dodo-portal.mjs');
const postgresUrl = process.env.DATABASE_URL && /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A store for the CLI child: a temp SQLite file, or a PostgreSQL database made for this test (the CLI takes a whole DATABASE_URL). */
async function target(kind: 'sqlite' | 'postgres'): Promise<{ args: string[]; env: Record<string, string>; options: StoreOptions }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-seed-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'bulk.db');
    return { args: ['--db', file], env: {}, options: { file } };
  }
  const name = `dodo_seed_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(postgresUrl!);
  url.pathname = `/${name}`;
  return { args: [], env: { DATABASE_URL: url.href }, options: { databaseUrl: url.href } };
}

const kinds: ['sqlite' | 'postgres'][] = [['sqlite'], ...(postgresUrl ? [['postgres'] as ['postgres']] : [])];

describe.each(kinds)('seed --customers on %s', { timeout: 120_000 }, (kind) => {
  it('fills a store the real server reads: portal invoice totals, refunds, license keys, and the next invoice number continues the sequence', async () => {
    const { args, env, options } = await target(kind);
    const result = spawnSync(process.execPath, [bin, 'seed', '--customers', '20', '--invoices-per-customer', '5', '--json', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), DODO_PORTAL_SECRET: TEST_SERVER_SECRET, ...env },
      timeout: 90_000,
    });
    expect(result.stderr).toBe(''); // not a TTY: no progress bar
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout) as SeedBulkSummary;
    expect(summary.counts).toMatchObject({ customers: 20, subscriptions: 20, invoices: 100, license_keys: 10 });
    expect(summary.counts.refunds).toBeGreaterThan(0);
    expect(summary.businesses.map((b) => [b.customers, b.invoices, b.next_invoice_number])).toEqual([
      [7, 35, 'INV-000036'],
      [7, 35, 'INV-000036'],
      [6, 30, 'INV-000031'],
    ]);

    const store = await openStore(options);
    if (kind === 'postgres') {
      // `serve` starts right after a seed: its reads must not be planned without statistics
      // (never analyzed, the planner read a subscription by id through the business's index).
      const analyzed = await sql<{
        relname: string;
        reltuples: number;
      }>`select relname, reltuples from pg_class where relname in ('customers', 'subscriptions', 'invoices', 'invoice_line_items', 'payments', 'refunds') order by relname`.execute(store.db);
      expect(analyzed.rows.map((row) => [row.relname, Number(row.reltuples) >= 0])).toEqual(
        ['customers', 'invoice_line_items', 'invoices', 'payments', 'refunds', 'subscriptions'].map((table) => [table, true]),
      );
    }
    const server = await startServer({ port: 0, host: '127.0.0.1', secret: TEST_SERVER_SECRET, logger: memoryLogger(), scheduler: false, store });
    cleanups.push(async () => {
      await server.close();
      await store.close();
    });
    const call = async <T>(token: string, method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      expect(response.status, `${method} ${path}`).toBeLessThan(300);
      return (await response.json()) as T;
    };

    const business = summary.businesses[0]!;
    const key = business.api_keys.test;
    const customers = await call<Page<Customer>>(key, 'GET', '/v1/customers?limit=100');
    expect(customers.items).toHaveLength(7);
    const customer = customers.items[0]!;
    const session = await call<{ session_token: string }>(key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`);
    const invoices = await call<InvoicePage>(session.session_token, 'GET', '/portal/v1/invoices?limit=100');
    expect(invoices.items).toHaveLength(5);
    for (const invoice of invoices.items) {
      expect(invoice.total).toBe(invoice.subtotal + invoice.tax);
      expect(invoice.subtotal).toBe(invoice.line_items.reduce((sum, line) => sum + line.amount, 0));
      expect(invoice.number).toMatch(/^INV-0000\d\d$/);
    }
    // Newest first, and numbers rise with the dates.
    const numbers = invoices.items.map((invoice) => invoice.number);
    expect([...numbers].sort().reverse()).toEqual(numbers);

    // What the merchant sees agrees: payments of the business, some refunded.
    const payments = await call<Page<Payment>>(key, 'GET', '/v1/payments?limit=100');
    expect(payments.items.every((payment) => ['succeeded', 'refunded', 'partially_refunded'].includes(payment.status))).toBe(true);
    const licenseKeys = await call<Page<LicenseKey>>(key, 'GET', '/v1/license-keys?limit=100');
    expect(licenseKeys.items.length).toBeGreaterThan(0);
    const revealed = await call<LicenseKey>(key, 'GET', `/v1/license-keys/${licenseKeys.items[0]!.license_key_id}`);
    expect(revealed.key).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/); // sealed under the server's secret

    // A real invoice after the load takes the next number: no collision with a seeded one.
    const created = await call<Invoice>(key, 'POST', '/v1/invoices', {
      customer_id: customer.customer_id,
      currency: 'USD',
      line_items: [{ description: 'Consulting', quantity: 2, unit_amount: 15_000 }],
    });
    expect(created.number).toBe(business.next_invoice_number);
  });
});
