import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from './seed.ts';
import { startServer, type RunningServer } from './serve.ts';

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-serve-'));
  server = await startServer({ port: 0, host: '127.0.0.1', storeOptions: { file: join(dir, 'serve.db') } });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('startServer', () => {
  it('serves over real HTTP with links on its own URL', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const seeded = await seedDemo(server.store);
    const response = await fetch(`${server.url}/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seeded.api_keys.test}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ttl_seconds: 600 }),
    });
    expect(response.status).toBe(201);
    const session = (await response.json()) as { link: string; session_token: string };
    expect(session.link).toBe(`${server.url}/portal#token=${session.session_token}`);
    const pdf = await fetch(`${server.url}/portal/v1/invoices`, { headers: { authorization: `Bearer ${session.session_token}` } });
    expect(pdf.status).toBe(200);
  });

  it('closes idempotently and frees the port', async () => {
    const other = await startServer({ port: 0, storeOptions: { file: join(dir, 'other.db') } });
    await Promise.all([other.close(), other.close()]);
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
