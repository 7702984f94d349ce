/**
 * Test support for what depends on the network or the process: the real `startServer` on a
 * loopback port over a temp store, with one business, and fetch helpers that go over TCP like a
 * merchant's backend and a customer's browser do — each request its own connection, handlers
 * interleaving at every await as in production. The scheduler is off unless a test turns it on.
 *
 * Stores: `startServed()` runs on the one store `DATABASE_URL` selects; `servedBackends()` lists
 * `[name, start]` for a `describe.each` over every store this run can reach.
 */
import { expect } from 'vitest';
import { createSecretBox } from '../domain/secret-box.ts';
import { startServer, type RunningServer, type StartServerOptions } from '../serve.ts';
import { createBusiness, type CreateBusinessInput } from '../services/businesses.ts';
import { memoryLogger, storeBackends, tempStoreFromEnv, TEST_SERVER_SECRET, type TempStore } from './harness.ts';
import { serviceContext } from '../runtime.ts';

export interface Served {
  server: RunningServer;
  url: string;
  dialect: 'sqlite' | 'postgres';
  logger: ReturnType<typeof memoryLogger>;
  business: { id: string; keys: { test: string; live: string } };
  /** A JSON call (body when given) with a bearer token — a secret key or a portal session — or none for `null`. */
  call(token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** A call that must answer `status`; its JSON body (undefined when empty). */
  expect<T>(status: number, token: string | null, method: string, path: string, body?: unknown): Promise<T>;
  /** A merchant API call with a secret key (JSON body when given). */
  merchant(key: string, method: string, path: string, body?: unknown): Promise<Response>;
  /** A portal API call with a bearer token. */
  portal(token: string, method: string, path: string, body?: unknown): Promise<Response>;
  /** An unauthenticated JSON POST (login, exchange). */
  post(path: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export type ServedOptions = Omit<StartServerOptions, 'store' | 'storeOptions' | 'port'> & {
  businessInput?: Partial<CreateBusinessInput>;
  /** Where the server's store comes from (its `cleanup` runs on close); default the one `DATABASE_URL` selects. */
  openStore?: () => Promise<TempStore>;
};

export async function startServed(options: ServedOptions = {}): Promise<Served> {
  const { businessInput, openStore = tempStoreFromEnv, ...serverOptions } = options;
  const temp = await openStore();
  const logger = memoryLogger();
  const server = await startServer({ port: 0, host: '127.0.0.1', secret: TEST_SERVER_SECRET, logger, scheduler: false, ...serverOptions, store: temp.store });
  // On the server's clock, so a test clock sees the business created at its own "now".
  const ctx = serviceContext(temp.store, { ...(serverOptions.clock ? { clock: serverOptions.clock } : {}), secrets: createSecretBox(TEST_SERVER_SECRET) });
  const created = await createBusiness(ctx, {
    name: 'Served Co',
    allowedOrigins: ['https://shop.example'],
    ...businessInput,
  });
  const call = (token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    server,
    url: server.url,
    dialect: temp.store.dialect,
    logger,
    business: { id: created.business.id, keys: created.apiKeys },
    call,
    expect: async <T>(status: number, token: string | null, method: string, path: string, body?: unknown) => {
      const response = await call(token, method, path, body);
      const text = await response.text();
      if (response.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    merchant: (key, method, path, body) => call(key, method, path, body),
    portal: (token, method, path, body) => call(token, method, path, body),
    post: (path, body) => call(null, 'POST', path, body),
    close: async () => {
      await server.close();
      await temp.cleanup();
    },
  };
}

/** `[name, start]` per store this run can reach (SQLite always, PostgreSQL with `DATABASE_URL`), for `describe.each`. */
export function servedBackends(): [string, (options?: Omit<ServedOptions, 'openStore'>) => Promise<Served>][] {
  return storeBackends().map(([name, openStore]) => [name, (options = {}) => startServed({ ...options, openStore })]);
}

/** Asserts the answer's status (its body as the message when it differs) and returns its JSON body. */
export async function expectJson<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

let tokenClient = 0;
/**
 * A sandbox card token for `number`. Each comes "from" its own client address (X-Forwarded-For),
 * under the per-IP token limit, on a server started with `trustProxy: true`.
 */
export async function sandboxCardToken(served: Served, number: string): Promise<string> {
  tokenClient += 1;
  const from = `10.${(tokenClient >> 16) & 255}.${(tokenClient >> 8) & 255}.${tokenClient & 255}`;
  const response = await served.call(null, 'POST', '/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2040, cvc: '123' }, { 'x-forwarded-for': from });
  if (response.status !== 201) throw new Error(`sandbox token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { card_token: string }).card_token;
}

/** Polls `check` every 20 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
