import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from './seed.ts';
import { startServer, type RunningServer } from './serve.ts';
import { sql } from 'kysely';
import pg from 'pg';
import { cryptoRandom } from './domain/ports.ts';
import { generateApiKey } from './domain/tokens.ts';
import { openStore } from './store/index.ts';
import { PG_CONNECT_TIMEOUT_MS } from './store/pg-commits.ts';
import { memoryLogger, storeBackends, type TempStore } from './testing/harness.ts';
import { servedBackends, type Served } from './testing/served.ts';

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

/** One HTTP request whose socket is bound to `localAddress` (Linux routes all of 127/8 to lo). */
function requestFrom(localAddress: string, url: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(url, { method: init.method, headers: init.headers, localAddress, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

// Two servers over one store (one trusting a proxy), so not `servedBackends()`.
describe.each(storeBackends())('per-IP rate limits over TCP (%s)', (_name, openTemp) => {
  let temp: TempStore;
  let running: RunningServer;
  let trusting: RunningServer;
  let sequence = 0;

  beforeAll(async () => {
    temp = await openTemp();
    running = await startServer({ port: 0, store: temp.store, scheduler: false });
    trusting = await startServer({ port: 0, store: temp.store, scheduler: false, trustProxy: true });
  });
  afterAll(async () => {
    await running?.close();
    await trusting?.close();
    await temp?.cleanup();
  });

  // A fresh email each time, so only the per-IP limit (20 per 15 minutes) can refuse.
  const login = (server: RunningServer, from: string, headers: Record<string, string> = {}) =>
    requestFrom(from, `${server.url}/portal/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ business_id: 'bus_rate_limit_test', email: `someone${(sequence += 1)}@example.com`, mode: 'test' }),
    });

  it('counts logins per client address: 127.0.0.2 is locked out while 127.0.0.3 still signs in', async () => {
    for (let i = 0; i < 20; i += 1) expect((await login(running, '127.0.0.2')).status).toBe(202);
    const refused = await login(running, '127.0.0.2');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await login(running, '127.0.0.3')).status, 'another address has its own bucket').toBe(202);
  });

  it('counts link exchanges per client address', async () => {
    const exchange = (from: string) =>
      requestFrom(from, `${running.url}/portal/v1/magic-link/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'no-such-code' }),
      });
    for (let i = 0; i < 30; i += 1) expect((await exchange('127.0.0.4')).status).not.toBe(429);
    expect((await exchange('127.0.0.4')).status).toBe(429);
    expect((await exchange('127.0.0.5')).status).not.toBe(429);
  });

  it('with TRUST_PROXY the right-most X-Forwarded-For entry counts, not the socket or the client-supplied entries', async () => {
    // All from one socket address; the left entries vary as a client forging them would.
    for (let i = 0; i < 20; i += 1) {
      expect((await login(trusting, '127.0.0.6', { 'x-forwarded-for': `203.0.113.${i}, 198.51.100.7` })).status).toBe(202);
    }
    expect((await login(trusting, '127.0.0.6', { 'x-forwarded-for': '203.0.113.99, 198.51.100.7' })).status).toBe(429);
    expect((await login(trusting, '127.0.0.6', { 'x-forwarded-for': '198.51.100.7, 198.51.100.8' })).status, 'the proxy saw another client').toBe(202);
  });
});

describe.each(servedBackends())('control characters are refused over the real server (%s)', (_name, start) => {
  let s: Served;
  let key: string;
  let sessionToken: string;

  beforeAll(async () => {
    s = await start();
    const seeded = await seedDemo(s.server.store);
    key = seeded.api_keys.test;
    const session = await call('POST', `/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {});
    sessionToken = ((await session.json()) as { session_token: string }).session_token;
  });
  afterAll(async () => s?.close());

  const call = (method: string, path: string, body?: unknown, token = key) => s.call(token, method, path, body);

  async function expectRefused(response: Response, field: string) {
    const body = (await response.json()) as { error: { code: string; message: string; issues?: { path: string; message: string }[] } };
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain(field);
    expect(body.error.issues?.[0]?.path).toBe(field);
    expect(body.error.issues?.[0]?.message).toMatch(/control characters/);
  }

  it('in body text fields: NUL, a line break in a name, ESC and C1 controls', async () => {
    await expectRefused(await call('POST', '/v1/customers', { email: 'nul@example.com', name: 'a\u0000b' }), 'name');
    await expectRefused(await call('POST', '/v1/customers', { email: 'crlf@example.com', name: 'Ada\r\nBcc: x@example.com' }), 'name');
    await expectRefused(await call('POST', '/v1/customers', { email: 'esc@example.com', name: 'Ada', phone_number: '\u001b[31m' }), 'phone_number');
    await expectRefused(await call('PATCH', '/v1/business', { name: 'Acme\u0085' }), 'name');
    await expectRefused(
      await call('POST', '/v1/customers', { email: 'addr@example.com', name: 'Ada', billing_address: { street: 'x\u0000', city: 'Oslo', state: '', zipcode: '1', country: 'NO' } }),
      'billing_address.street',
    );
    await expectRefused(await call('PATCH', '/portal/v1/profile', { name: 'a\u0000' }, sessionToken), 'name');
    // Nothing was stored: the customer list holds none of the refused emails.
    const list = (await (await call('GET', '/v1/customers?limit=100')).json()) as { items: { email: string }[] };
    expect(list.items.map((customer) => customer.email)).not.toContain('nul@example.com');
  });

  it('allows line breaks and tabs where a field is multi-line, but never NUL', async () => {
    const product = { name: 'Pro', billing_type: 'one_time', price: 1000, currency: 'USD' };
    const created = await call('POST', '/v1/products', { ...product, description: 'Line one\n\tLine two\r\n' });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { description: string }).description).toBe('Line one\n\tLine two');
    await expectRefused(await call('POST', '/v1/products', { ...product, description: 'a\u0000b' }), 'description');
  });

  it('in query parameters and path ids', async () => {
    await expectRefused(await call('GET', '/v1/invoices?customer_id=%00'), 'customer_id');
    await expectRefused(await call('GET', '/v1/customers?cursor=a%00b'), 'cursor');
    await expectRefused(await call('GET', '/v1/customers/cus_%00'), 'customer_id');
    await expectRefused(await call('PATCH', '/v1/customers/%0Acus', { name: 'Ada' }), 'customer_id');
    await expectRefused(await call('GET', '/portal/v1/invoices/inv_%00', undefined, sessionToken), 'invoice_id');
    await expectRefused(await call('GET', '/portal/v1/license-keys/lk_%00/instances', undefined, sessionToken), 'license_key_id');
    // An ordinary unknown id is still a 404.
    expect((await call('GET', '/v1/customers/cus_nope')).status).toBe(404);
  });
});

describe('storage failures answer 503 storage_unavailable (SQLite)', () => {
  let storageDir: string;
  beforeAll(() => {
    storageDir = mkdtempSync(join(tmpdir(), 'dodo-portal-storage-'));
  });
  afterAll(() => rmSync(storageDir, { recursive: true, force: true }));

  async function expectUnavailable(response: Response, what: string) {
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status, `${what}: ${JSON.stringify(body)}`).toBe(503);
    expect(body.error.code).toBe('storage_unavailable');
    expect(body.error.message.length).toBeGreaterThan(10);
    return body.error.message;
  }
  const createCustomer = (url: string, key: string, email: string) =>
    fetch(`${url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email, name: 'Ada' }),
    });

  it('a database file deleted under the running server: health and writes say so instead of writing into the unlinked file', async () => {
    const file = join(storageDir, 'deleted.db');
    const running = await startServer({ port: 0, storeOptions: { file }, scheduler: false, logger: memoryLogger() });
    try {
      expect(running.store.created).toBe(true);
      const { api_keys } = await seedDemo(running.store);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect((await createCustomer(running.url, api_keys.test, 'before@example.com')).status).toBe(201);

      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      expect(await expectUnavailable(await fetch(`${running.url}/healthz`), 'health')).toMatch(/deleted/);
      expect(await expectUnavailable(await createCustomer(running.url, api_keys.test, 'after@example.com'), 'write')).toMatch(/deleted/);
    } finally {
      await running.close();
    }
  });

  it('a database file replaced under the running server', async () => {
    const file = join(storageDir, 'replaced.db');
    const running = await startServer({ port: 0, storeOptions: { file }, scheduler: false, logger: memoryLogger() });
    try {
      const { api_keys } = await seedDemo(running.store);
      // A restore from backup: another database file moved into place.
      const other = await openStore({ file: join(storageDir, 'restored.db') });
      await other.close();
      renameSync(join(storageDir, 'restored.db'), file);
      expect(await expectUnavailable(await fetch(`${running.url}/healthz`), 'health')).toMatch(/replaced/);
      expect(await expectUnavailable(await createCustomer(running.url, api_keys.test, 'after@example.com'), 'write')).toMatch(/replaced/);
    } finally {
      await running.close();
    }
  });

  it('a store whose database handle is closed: health and every request answer 503, not 500', async () => {
    const store = await openStore({ file: join(storageDir, 'closed.db') });
    const logger = memoryLogger();
    const running = await startServer({ port: 0, store, scheduler: false, logger });
    try {
      const { api_keys } = await seedDemo(store);
      await store.close();
      await expectUnavailable(await fetch(`${running.url}/healthz`), 'health');
      await expectUnavailable(await createCustomer(running.url, api_keys.test, 'after@example.com'), 'write');
      expect(
        logger.entries.some((entry) => entry.message === 'unhandled error'),
        'no 500 was logged',
      ).toBe(false);
    } finally {
      await running.close();
    }
  });

  it('a full database: a write that needs space answers 503, and reads go on', async () => {
    const store = await openStore({ file: join(storageDir, 'full.db') });
    const running = await startServer({ port: 0, store, scheduler: false, logger: memoryLogger() });
    try {
      const { api_keys } = await seedDemo(store);
      // SQLite's own size cap, set to the pages in use: the next page a write needs is refused
      // with SQLITE_FULL, as on a full disk.
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
      await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(store.db);
      let answer: Response | undefined;
      for (let i = 0; i < 200; i += 1) {
        answer = await fetch(`${running.url}/v1/products`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api_keys.test}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Filler ${i}`, description: 'x'.repeat(1900), billing_type: 'one_time', price: 100, currency: 'USD' }),
        });
        if (answer.status !== 201) break;
      }
      await expectUnavailable(answer!, 'write on a full database');
      expect((await fetch(`${running.url}/v1/products?limit=1`, { headers: { authorization: `Bearer ${api_keys.test}` } })).status).toBe(200);
    } finally {
      await running.close();
      await store.close();
    }
  });

  // A real full disk: a small tmpfs (mounting needs root; elsewhere the storage drill says which
  // mechanism it could use). A write into space SQLite's WAL already holds may still succeed, so
  // /healthz must find out by needing a new block.
  it.runIf(process.getuid?.() === 0)('a full disk: /healthz says so while reads go on, and it comes back without a restart', async () => {
    const mountPoint = join(storageDir, 'tmpfs');
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch {
      return; // no mount here (a container without the capability)
    }
    const running = await startServer({ port: 0, storeOptions: { file: join(mountPoint, 'full.db') }, scheduler: false, logger: memoryLogger() });
    const filler = join(mountPoint, 'filler');
    try {
      const { api_keys } = await seedDemo(running.store);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      const fd = openSync(filler, 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(4096, 1));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }
      await expectUnavailable(await fetch(`${running.url}/healthz`), 'health on a full disk');
      expect((await fetch(`${running.url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${api_keys.test}` } })).status).toBe(200);
      rmSync(filler);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect((await createCustomer(running.url, api_keys.test, 'after-full@example.com')).status).toBe(201);
    } finally {
      await running.close();
      execFileSync('umount', [mountPoint]);
    }
  });

  it('says at start that it created an empty database', async () => {
    const file = join(storageDir, 'fresh.db');
    const first = await startServer({ port: 0, storeOptions: { file }, scheduler: false });
    expect(first.store.created).toBe(true);
    await first.close();
    const again = await startServer({ port: 0, storeOptions: { file }, scheduler: false });
    expect(again.store.created).toBe(false);
    await again.close();
  });
});

const databaseUrl = process.env.DATABASE_URL;
describe.runIf(databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl))('storage failures answer 503 storage_unavailable (PostgreSQL)', () => {
  const expectUnavailable = async (response: Response) => {
    const body = (await response.json()) as { error: { code: string } };
    expect(response.status, JSON.stringify(body)).toBe(503);
    expect(body.error.code).toBe('storage_unavailable');
  };
  const postCustomer = (url: string, key: string) =>
    fetch(`${url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `ada${Math.random().toString(36).slice(2, 8)}@example.com`, name: 'Ada' }),
    });

  it('a database nothing listens for', async () => {
    // Port 1 on loopback: connection refused, as when PostgreSQL is down.
    const running = await startServer({ port: 0, storeOptions: { databaseUrl: 'postgres://postgres@127.0.0.1:1/test', migrate: false }, scheduler: false, logger: memoryLogger() });
    try {
      await expectUnavailable(await fetch(`${running.url}/healthz`));
      await expectUnavailable(await postCustomer(running.url, generateApiKey('test', cryptoRandom).secret));
    } finally {
      await running.close();
    }
  });

  it('a database that accepts connections and never answers: 503 once the connect timeout passes, not a request waiting forever', async () => {
    // A hung PostgreSQL (or a black-holed address): TCP is accepted, no byte ever comes back.
    const held: Socket[] = [];
    const silent = createNetServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const running = await startServer({ port: 0, storeOptions: { databaseUrl: `postgres://postgres@127.0.0.1:${port}/test`, migrate: false }, scheduler: false, logger: memoryLogger() });
    try {
      const began = performance.now();
      const [health, write] = await Promise.all([fetch(`${running.url}/healthz`), postCustomer(running.url, generateApiKey('test', cryptoRandom).secret)]);
      const waited = performance.now() - began;
      await expectUnavailable(health);
      await expectUnavailable(write);
      expect(waited).toBeGreaterThanOrEqual(PG_CONNECT_TIMEOUT_MS - 100);
      expect(waited).toBeLessThan(PG_CONNECT_TIMEOUT_MS + 5_000);
      expect(held.length).toBeGreaterThan(0);
    } finally {
      await running.close();
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);

  it('a database made read-only under the running server: writes 503, reads 200, /healthz 503, then back without a restart', async () => {
    const name = `dodo_readonly_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const adminClient = new pg.Client({ connectionString: databaseUrl });
    await adminClient.connect();
    // What a failover to a standby looks like to the server: its sessions end, new ones refuse writes.
    const readOnly = async (on: boolean) => {
      await adminClient.query(`alter database "${name}" ${on ? 'set default_transaction_read_only = on' : 'reset default_transaction_read_only'}`);
      await adminClient.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [name]);
    };
    try {
      await adminClient.query(`create database "${name}"`);
      const url = new URL(databaseUrl!);
      url.pathname = `/${name}`;
      const logger = memoryLogger();
      const running = await startServer({ port: 0, storeOptions: { databaseUrl: url.toString() }, scheduler: false, logger });
      try {
        const { api_keys } = await seedDemo(running.store);
        await readOnly(true);
        await expectUnavailable(await postCustomer(running.url, api_keys.test));
        await expectUnavailable(await fetch(`${running.url}/healthz`));
        expect((await fetch(`${running.url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${api_keys.test}` } })).status).toBe(200);
        expect(logger.entries.some((entry) => entry.message === 'unhandled error')).toBe(false);
        await readOnly(false);
        expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
        expect((await postCustomer(running.url, api_keys.test)).status).toBe(201);
      } finally {
        await running.close();
      }
    } finally {
      await adminClient.query(`drop database if exists "${name}" with (force)`);
      await adminClient.end();
    }
  });

  it('a database dropped under the running server', async () => {
    const name = `dodo_h1_dropped_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new URL(databaseUrl!);
    const adminClient = new pg.Client({ connectionString: admin.toString() });
    await adminClient.connect();
    try {
      await adminClient.query(`create database "${name}"`);
      const url = new URL(databaseUrl!);
      url.pathname = `/${name}`;
      const running = await startServer({ port: 0, storeOptions: { databaseUrl: url.toString() }, scheduler: false, logger: memoryLogger() });
      try {
        const { api_keys } = await seedDemo(running.store);
        expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
        expect((await postCustomer(running.url, api_keys.test)).status).toBe(201);
        await adminClient.query(`drop database "${name}" with (force)`);
        await expectUnavailable(await fetch(`${running.url}/healthz`));
        await expectUnavailable(await postCustomer(running.url, api_keys.test));
      } finally {
        await running.close();
      }
    } finally {
      await adminClient.query(`drop database if exists "${name}" with (force)`);
      await adminClient.end();
    }
  });
});
