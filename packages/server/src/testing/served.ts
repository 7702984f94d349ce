/**
 * Test support for what depends on the network or the process: the real `startServer` on a
 * loopback port over a temp store — PostgreSQL (a fresh schema) when `DATABASE_URL` is set, else a
 * SQLite file — with one business, and fetch helpers that go over TCP like a merchant's backend
 * and a customer's browser do.
 */
import { createSecretBox } from '../domain/secret-box.ts';
import { startServer, type RunningServer, type StartServerOptions } from '../serve.ts';
import { createBusiness, type CreateBusinessInput } from '../services/businesses.ts';
import { serviceContext } from '../services/context.ts';
import { memoryLogger, tempPostgresStore, tempSqliteStore, TEST_SERVER_SECRET, type TempStore } from './harness.ts';

export interface Served {
  server: RunningServer;
  url: string;
  dialect: 'sqlite' | 'postgres';
  logger: ReturnType<typeof memoryLogger>;
  business: { id: string; keys: { test: string; live: string } };
  /** A merchant API call with a secret key (JSON body when given). */
  merchant(key: string, method: string, path: string, body?: unknown): Promise<Response>;
  /** A portal API call with a bearer token. */
  portal(token: string, method: string, path: string, body?: unknown): Promise<Response>;
  /** An unauthenticated JSON POST (login, exchange). */
  post(path: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function tempStoreFromEnv(): Promise<TempStore> {
  const url = process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? tempPostgresStore(url) : tempSqliteStore();
}

export async function startServed(options: Omit<StartServerOptions, 'store' | 'port'> & { businessInput?: Partial<CreateBusinessInput> } = {}): Promise<Served> {
  const temp = await tempStoreFromEnv();
  const logger = memoryLogger();
  const { businessInput, ...serverOptions } = options;
  const server = await startServer({ port: 0, host: '127.0.0.1', secret: TEST_SERVER_SECRET, logger, scheduler: false, ...serverOptions, store: temp.store });
  const created = await createBusiness(serviceContext(temp.store, { secrets: createSecretBox(TEST_SERVER_SECRET) }), {
    name: 'Served Co',
    allowedOrigins: ['https://shop.example'],
    ...businessInput,
  });
  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    server,
    url: server.url,
    dialect: temp.store.dialect,
    logger,
    business: { id: created.business.id, keys: created.apiKeys },
    merchant: (key, method, path, body) => call(method, path, { authorization: `Bearer ${key}` }, body),
    portal: (token, method, path, body) => call(method, path, { authorization: `Bearer ${token}` }, body),
    post: (path, body) => call('POST', path, {}, body),
    close: async () => {
      await server.close();
      await temp.cleanup();
    },
  };
}

/** Polls `check` every 20 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
