/**
 * Rate limits across server processes: three `dodo-portal serve` processes, started as a merchant
 * starts them (the CLI with DATABASE_URL, PORT and DODO_PORTAL_SECRET; then again with REDIS_URL),
 * on one PostgreSQL database this test creates and drops. Whichever process an attempt reaches,
 * it counts against the same limit. Runs when DATABASE_URL names a PostgreSQL server.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, newServerSecret, pgDatabaseUrl, serve as serveProcess, stop, type ServeProcess as Process, type TestDatabase } from '../testing/processes.ts';
import { redisReachable as isRedisReachable, testRedisUrl } from '../testing/redis.ts';
import { RateRules } from './rate-limit.ts';

const redisUrl = testRedisUrl;
const redisReachable = await isRedisReachable();
if (pgDatabaseUrl && !redisReachable) console.warn(`shared-rate-limit.test: Redis not reachable at ${redisUrl}: the REDIS_URL run is skipped`);

/** `dodo-portal serve` with the scheduler off: these tests count logins, nothing is due. */
const serve = (env: Record<string, string>) => serveProcess({ SCHEDULER_INTERVAL_MS: '0', ...env });

/** One request whose socket is bound to `localAddress` (Linux routes all of 127/8 to lo). */
function requestFrom(localAddress: string, url: string, body: unknown) {
  return new Promise<{ status: number; retryAfter: string | undefined; code: string | undefined }>((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, localAddress, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          retryAfter: response.headers['retry-after'] as string | undefined,
          code: text ? (JSON.parse(text) as { error?: { code: string } }).error?.code : undefined,
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

// Fresh addresses and emails per run: Redis counters outlive the test (they expire with their window).
const run = randomBytes(4).toString('hex');
const freshAddress = () => `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
let sequence = 0;
const freshEmail = () => `someone-${run}-${(sequence += 1)}@example.com`;

// [name, extra env, the banner's rate-limit line]
const variants: [string, Record<string, string>, string][] = [
  ['PostgreSQL', {}, 'rate limits  in the database (shared by every process on it)'],
  ...(redisReachable ? [['Redis', { REDIS_URL: redisUrl }, `rate limits  Redis ${redisUrl}`] as [string, Record<string, string>, string]] : []),
];

describe.skipIf(!pgDatabaseUrl).each(variants)('rate limits shared by three server processes (%s)', { timeout: 120_000 }, (_name, extraEnv, bannerLine) => {
  let database: TestDatabase;
  let servers: Process[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('dodo_rl');
    const env = { DATABASE_URL: database.url, DODO_PORTAL_SECRET: newServerSecret(), ...extraEnv };
    // Three at once, as a deploy starts them: migrations on the fresh database run under Kysely's lock.
    servers = await Promise.all([serve(env), serve(env), serve(env)]);
    for (const server of servers) expect(server.output()).toContain(bannerLine);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map(stop));
    await database?.drop();
  });

  const login = (server: Process, from: string, email: string) => requestFrom(from, `${server.url}/portal/v1/login`, { business_id: 'bus_rate_limit_test', email, mode: 'test' });

  it('5 logins for one email over the three processes: the 6th is refused on each of them', async () => {
    const email = freshEmail();
    // From a different address each time, so only the per-email limit can refuse.
    for (let i = 0; i < RateRules.loginPerEmail.limit; i += 1) {
      expect((await login(servers[i % 3]!, freshAddress(), email)).status, `login ${i + 1}`).toBe(202);
    }
    for (const server of servers) {
      const refused = await login(server, freshAddress(), email);
      expect(refused.status).toBe(429);
      expect(refused.code).toBe('rate_limited');
      expect(Number(refused.retryAfter)).toBeGreaterThan(RateRules.loginPerEmail.windowMs / 1000 - 60);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(RateRules.loginPerEmail.windowMs / 1000);
    }
    expect((await login(servers[0]!, freshAddress(), freshEmail())).status, 'another email is not limited').toBe(202);
  });

  it('20 logins from one address over the three processes: the 21st is refused on each; another address is not', async () => {
    const from = freshAddress();
    for (let i = 0; i < RateRules.loginPerIp.limit; i += 1) {
      expect((await login(servers[i % 3]!, from, freshEmail())).status, `login ${i + 1}`).toBe(202);
    }
    for (const server of servers) {
      const refused = await login(server, from, freshEmail());
      expect(refused.status).toBe(429);
      expect(refused.code).toBe('rate_limited');
    }
    expect((await login(servers[1]!, freshAddress(), freshEmail())).status).toBe(202);
  });

  it('link exchanges per address are counted across the processes too', async () => {
    const from = freshAddress();
    const exchange = (server: Process) => requestFrom(from, `${server.url}/portal/v1/magic-link/exchange`, { code: 'no-such-code' });
    for (let i = 0; i < RateRules.exchangePerIp.limit; i += 1) expect((await exchange(servers[i % 3]!)).status).not.toBe(429);
    for (const server of servers) expect((await exchange(server)).status).toBe(429);
  });
});
