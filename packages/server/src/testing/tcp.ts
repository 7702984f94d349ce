/**
 * A real server on a loopback port over a real store, for tests where concurrency shows only
 * through the network stack: each request its own connection, handlers interleaving at every
 * await as in production. SQLite on a temp file; PostgreSQL (its own schema) when `DATABASE_URL`
 * is set. The scheduler is off: the tests run what they mean to run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../serve.ts';
import { createBusiness } from '../services/businesses.ts';
import { serviceContext } from '../services/context.ts';
import { createSecretBox } from '../domain/secret-box.ts';
import { dropPgSchema, type StoreOptions } from '../store/index.ts';
import { memoryLogger, TEST_SERVER_SECRET } from './harness.ts';

export interface TcpServer {
  server: RunningServer;
  logger: ReturnType<typeof memoryLogger>;
  business: { id: string; keys: { test: string; live: string } };
  /** A JSON call with a bearer token (a secret key or a portal session), over TCP. */
  call(token: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** A call that must answer `status`; its JSON body. */
  expect<T>(status: number, token: string, method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

async function open(storeOptions: StoreOptions, cleanup: () => Promise<void>): Promise<TcpServer> {
  const logger = memoryLogger();
  const server = await startServer({ port: 0, host: '127.0.0.1', storeOptions, scheduler: false, secret: TEST_SERVER_SECRET, logger, trustProxy: true });
  const ctx = serviceContext(server.store, { secrets: createSecretBox(TEST_SERVER_SECRET) });
  const created = await createBusiness(ctx, { name: 'TCP Co', allowedOrigins: ['https://shop.example'] });
  const call = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    server,
    logger,
    business: { id: created.business.id, keys: created.apiKeys },
    call,
    expect: async <T>(status: number, token: string, method: string, path: string, body?: unknown) => {
      const response = await call(token, method, path, body);
      const text = await response.text();
      if (response.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    close: async () => {
      await server.close();
      await cleanup();
    },
  };
}

/** `[name, start]` per store this run can reach: always SQLite, PostgreSQL with `DATABASE_URL`. */
export function tcpBackends(): [string, () => Promise<TcpServer>][] {
  const backends: [string, () => Promise<TcpServer>][] = [
    [
      'sqlite',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-tcp-'));
        return open({ file: join(dir, 'tcp.db') }, async () => rmSync(dir, { recursive: true, force: true }));
      },
    ],
  ];
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
    backends.push([
      'postgres',
      async () => {
        const pgSchema = `dodo_tcp_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
        return open({ databaseUrl, pgSchema }, () => dropPgSchema(databaseUrl, pgSchema));
      },
    ]);
  }
  return backends;
}

let tokenClient = 0;
/** A sandbox card token for `number`; each from its own client address, under the per-IP token limit. */
export async function sandboxCardToken(server: TcpServer, number: string): Promise<string> {
  tokenClient += 1;
  const response = await fetch(`${server.server.url}/sandbox/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(tokenClient >> 16) & 255}.${(tokenClient >> 8) & 255}.${tokenClient & 255}` },
    body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }),
  });
  if (response.status !== 201) throw new Error(`sandbox token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { card_token: string }).card_token;
}
