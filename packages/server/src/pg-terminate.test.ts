/**
 * A real `dodo-portal serve` on PostgreSQL whose sessions are terminated again and again
 * (`pg_terminate_backend`, what a failover or an operator does) while merchant API and portal
 * requests run concurrently, over TCP. A storage failure is a 503 `storage_unavailable` in the
 * one error shape, never a dead process: every answer is 2xx or that 503, the process is alive
 * afterwards and answers 200 again without a restart, and it printed no unhandled rejection or
 * uncaught error. Runs when DATABASE_URL names a PostgreSQL server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createBusinessKey, createTestDatabase, exited, newServerSecret, pgDatabaseUrl, serve, stop, type ServeProcess, type TestDatabase } from './testing/processes.ts';
import { eventually } from './testing/served.ts';

const WORKERS = 12;
const CHAOS_MS = 6_000;
const TERMINATE_EVERY_MS = 40;

interface Answer {
  what: string;
  status: number;
  body: unknown;
  ms: number;
}

describe.skipIf(!pgDatabaseUrl)('dodo-portal serve while PostgreSQL terminates its sessions', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let server: ServeProcess;
  let key: string;
  let portalToken: string;
  let customerId: string;
  let businessId: string;

  const call = async (what: string, method: string, path: string, bearer: string | null, body?: unknown): Promise<Answer> => {
    const sent = performance.now();
    const ms = () => Math.round(performance.now() - sent);
    try {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text, which fails the shape check below if it is an error
      }
      return { what, status: response.status, body: parsed, ms: ms() };
    } catch (error) {
      return { what, status: 0, body: String((error as Error).cause ?? error), ms: ms() };
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase('dodo_s_pgkill');
    const env = { DATABASE_URL: database.url, DODO_PORTAL_SECRET: newServerSecret(), SCHEDULER_INTERVAL_MS: '50' };
    server = await serve(env);
    key = await createBusinessKey(env, 'Terminate Co');
    const customer = await call('setup', 'POST', '/v1/customers', key, { email: 'terminated@example.com', name: 'Terminated' });
    ({ customer_id: customerId, business_id: businessId } = customer.body as { customer_id: string; business_id: string });
    const session = await call('setup', 'POST', `/v1/customers/${customerId}/customer-portal/session`, key, {});
    portalToken = (session.body as { session_token: string }).session_token;
    expect(portalToken).toBeTypeOf('string');
  }, 90_000);
  afterAll(async () => {
    if (server) await stop(server);
    await database?.drop();
  });

  it('answers 2xx or 503 storage_unavailable throughout, stays alive, and recovers', async () => {
    const answers: Answer[] = [];
    let terminated = 0;
    const ends = performance.now() + CHAOS_MS;
    const terminator = (async () => {
      while (performance.now() < ends) {
        const rows = await admin<{ killed: boolean }>(`select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [database.name]);
        terminated += rows.filter((row) => row.killed).length;
        await new Promise((resolve) => setTimeout(resolve, TERMINATE_EVERY_MS));
      }
    })();
    let n = 0;
    // Sign-in is rate limited in a PostgreSQL table (20 per IP, 5 per email per 15 minutes): under that.
    let logins = 15;
    const worker = async (w: number) => {
      while (performance.now() < ends) {
        n += 1;
        const i = n;
        const batch = await Promise.all([
          // Merchant API: API-key authentication, a list and a write (a transaction).
          call('GET /v1/customers', 'GET', '/v1/customers?limit=5', key),
          call('POST /v1/customers', 'POST', '/v1/customers', key, { email: `t${w}-${i}@example.com`, name: `T ${i}` }),
          // Portal: session authentication and its reads.
          call('GET /portal/v1/invoices', 'GET', '/portal/v1/invoices', portalToken),
          call('GET /portal/v1/subscriptions', 'GET', '/portal/v1/subscriptions', portalToken),
          call('GET /healthz', 'GET', '/healthz', null),
          ...(logins-- > 0 ? [call('POST /portal/v1/login', 'POST', '/portal/v1/login', null, { business_id: businessId, email: `login-${logins}@example.com`, mode: 'test' })] : []),
        ]);
        answers.push(...batch);
      }
    };
    await Promise.all([terminator, ...Array.from({ length: WORKERS }, (_, w) => worker(w))]);

    const isStorage503 = (answer: Answer) => {
      const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      return answer.status === 503 && error?.code === 'storage_unavailable' && typeof error.message === 'string' && error.message.length > 0;
    };
    const bad = answers.filter((answer) => !(answer.status >= 200 && answer.status < 300) && !isStorage503(answer));
    const refused = answers.filter(isStorage503).length;
    const slowest = Math.max(...answers.map((answer) => answer.ms));
    console.info(`pg-terminate: ${answers.length} answers, ${refused} were 503 storage_unavailable, ${bad.length} other; ${terminated} sessions terminated; slowest answer ${slowest} ms`);
    expect(server.child.exitCode, server.output().slice(-3_000)).toBeNull();
    expect(server.child.signalCode).toBeNull();
    expect(bad.slice(0, 5).map((answer) => `${answer.what} ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`)).toEqual([]);
    // The chaos reached the server: sessions were terminated under requests.
    expect(terminated).toBeGreaterThan(0);

    // Back without a restart: the store answers again.
    await eventually(async () => ((await call('healthz', 'GET', '/healthz', null)).status === 200 ? true : undefined), 15_000, '/healthz 200');
    expect((await call('list', 'GET', '/v1/customers?limit=5', key)).status).toBe(200);
    expect((await call('portal', 'GET', '/portal/v1/invoices', portalToken)).status).toBe(200);
    expect((await call('write', 'POST', '/v1/customers', key, { email: 'after@example.com', name: 'After' })).status).toBe(201);
    expect(server.output()).not.toMatch(/unhandled ?rejection|uncaught|unhandled error|ERR_UNHANDLED/i);

    // And it still stops gracefully.
    expect(await stop(server)).toBe(0);
    expect(await exited(server)).toBe(0);
  });
});
