/**
 * Test support: a real SQLite file in the OS temp folder (or a fresh PostgreSQL schema), a clock
 * the test moves by hand, and an app built with them. No mocks of parts that run here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateInvoiceBody, Customer, Invoice, PortalSession } from '@dodo-portal/wire/schemas';
import { createApp, type AppDeps } from '../app.ts';
import type { Clock } from '../domain/ports.ts';
import { createSecretBox } from '../domain/secret-box.ts';
import { createBackgroundTasks } from '../services/background.ts';
import { createBusiness, type CreateBusinessInput } from '../services/businesses.ts';
import { listOutboxMail, type OutboxRecord } from '../store/outbox.ts';
import { dropPgSchema, openStore, type Store } from '../store/index.ts';
import { type Logger, type ServiceContext, serviceContext } from '../runtime.ts';

export class TestClock implements Clock {
  constructor(private current: Date = new Date('2025-03-01T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TempStore {
  store: Store;
  cleanup(): Promise<void>;
}

export async function tempSqliteStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-test-'));
  const store = await openStore({ file: join(dir, 'test.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function tempPostgresStore(databaseUrl: string): Promise<TempStore> {
  const schema = `dodo_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const store = await openStore({ databaseUrl, pgSchema: schema });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropPgSchema(databaseUrl, schema);
    },
  };
}

const postgresUrl = (url: string | undefined) => (url && /^postgres(ql)?:\/\//.test(url) ? url : undefined);

/** `[name, open]` per store this run can reach: SQLite always, PostgreSQL when `DATABASE_URL` names one. */
export function storeBackends(): [string, () => Promise<TempStore>][] {
  const databaseUrl = postgresUrl(process.env.DATABASE_URL);
  return [['sqlite', tempSqliteStore], ...(databaseUrl ? [['postgres', () => tempPostgresStore(databaseUrl)] as [string, () => Promise<TempStore>]] : [])];
}

/** The one store `DATABASE_URL` selects: PostgreSQL when it names one, else SQLite. */
export async function tempStoreFromEnv(): Promise<TempStore> {
  const databaseUrl = postgresUrl(process.env.DATABASE_URL);
  return databaseUrl ? tempPostgresStore(databaseUrl) : tempSqliteStore();
}

/** Collects what the app logs, so a test can assert a 500 was logged with its request id. */
export function memoryLogger(): Logger & { entries: { level: string; message: string; details?: Record<string, unknown> }[] } {
  const entries: { level: string; message: string; details?: Record<string, unknown> }[] = [];
  return {
    entries,
    error: (message, details) => entries.push({ level: 'error', message, ...(details ? { details } : {}) }),
    info: (message, details) => entries.push({ level: 'info', message, ...(details ? { details } : {}) }),
  };
}

export const PUBLIC_URL = 'https://portal.test';
/** The fixed server secret (`DODO_PORTAL_SECRET`) test apps seal license keys under. */
export const TEST_SERVER_SECRET = 'test-server-secret-0123456789abcdefghij';

export interface Harness {
  app: ReturnType<typeof createApp>;
  store: Store;
  clock: TestClock;
  ctx: ServiceContext;
  logger: ReturnType<typeof memoryLogger>;
  business: { id: string; keys: { test: string; live: string } };
  newBusiness(input?: Partial<CreateBusinessInput>): Promise<{ id: string; keys: { test: string; live: string } }>;
  /** A merchant API call with a secret key. */
  merchant(key: string, method: string, path: string, body?: unknown): Promise<Response>;
  /** A portal API call with a session token. */
  portal(token: string, method: string, path: string, headers?: Record<string, string>): Promise<Response>;
  createCustomer(key: string, body?: Partial<Customer> & { email?: string }): Promise<Customer>;
  createInvoice(key: string, body: Partial<CreateInvoiceBody> & { customer_id: string }): Promise<Invoice>;
  createSession(key: string, customerId: string, body?: unknown): Promise<PortalSession>;
  /** Moves the test clock of the key's business by `ms`, or to an instant, through the API (runs what fell due). */
  advanceTestClock(testKey: string, by: number | string): Promise<string>;
  /** Waits for the app's background work (the mail queue's drains), then the outbox to `to` (or all), newest first. */
  outbox(to?: string): Promise<OutboxRecord[]>;
  close(): Promise<void>;
}

let emailCounter = 0;

export async function createHarness(
  options: {
    cdnScriptPath?: string;
    businessInput?: Partial<CreateBusinessInput>;
    deps?: Partial<Omit<AppDeps, 'store' | 'clock' | 'publicUrl'>>;
    /** Run on a fresh PostgreSQL schema at this URL instead of a temporary SQLite file. */
    databaseUrl?: string;
  } = {},
): Promise<Harness> {
  const { store, cleanup } = await (options.databaseUrl ? tempPostgresStore(options.databaseUrl) : tempSqliteStore());
  const clock = new TestClock();
  const logger = memoryLogger();
  const ctx = serviceContext(store, { clock, secrets: createSecretBox(TEST_SERVER_SECRET) });
  const background =
    options.deps?.background ??
    createBackgroundTasks((name, error) => {
      throw new Error(`background ${name} failed: ${String(error)}`);
    });
  const app = createApp({
    store,
    clock,
    publicUrl: PUBLIC_URL,
    secret: TEST_SERVER_SECRET,
    logger,
    cdnScriptPath: options.cdnScriptPath ?? join(tmpdir(), 'dodo-portal-no-such-bundle.js'),
    ...options.deps,
    background,
  });

  const newBusiness = async (input: Partial<CreateBusinessInput> = {}) => {
    const created = await createBusiness(ctx, { name: 'Test Co', allowedOrigins: ['https://shop.example'], ...input });
    return { id: created.business.id, keys: created.apiKeys };
  };

  const merchant = async (key: string, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const expectJson = async <T>(response: Response, status: number): Promise<T> => {
    const body = (await response.json()) as T;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };

  return {
    app,
    store,
    clock,
    ctx,
    logger,
    business: await newBusiness(options.businessInput),
    newBusiness,
    merchant,
    portal: async (token, method, path, headers = {}) => app.request(path, { method, headers: { authorization: `Bearer ${token}`, ...headers } }),
    createCustomer: async (key, body = {}) => {
      emailCounter += 1;
      return expectJson<Customer>(await merchant(key, 'POST', '/v1/customers', { email: `customer${emailCounter}@example.com`, name: `Customer ${emailCounter}`, ...body }), 201);
    },
    createInvoice: async (key, body) =>
      expectJson<Invoice>(await merchant(key, 'POST', '/v1/invoices', { currency: 'USD', line_items: [{ description: 'Plan', quantity: 1, unit_amount: 1000 }], ...body }), 201),
    createSession: async (key, customerId, body) => expectJson<PortalSession>(await merchant(key, 'POST', `/v1/customers/${customerId}/customer-portal/session`, body), 201),
    advanceTestClock: async (testKey, by) => {
      let to = by;
      if (typeof by === 'number') {
        const clock = await expectJson<{ now: string }>(await merchant(testKey, 'GET', '/v1/test-clock'), 200);
        to = new Date(new Date(clock.now).getTime() + by).toISOString();
      }
      return (await expectJson<{ now: string }>(await merchant(testKey, 'POST', '/v1/test-clock/advance', { to }), 200)).now;
    },
    outbox: async (to) => {
      await background.idle();
      return (await listOutboxMail(store.db, 10_000)).filter((mail) => to === undefined || mail.to_address === to);
    },
    close: cleanup,
  };
}
