import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisReachable as isRedisReachable, testRedisUrl } from '../testing/redis.ts';
import { isStorageFailure, StorageUnavailableError } from '../store/index.ts';
import { createApp } from '../app.ts';
import { memoryLogger, TestClock, tempPostgresStore, tempSqliteStore, type TempStore } from '../testing/harness.ts';
import { createMemoryRateLimiter, createSqlRateLimiter, PRUNE_INTERVAL_MS } from './rate-limit.ts';
import { createRedisRateLimiter } from './redis-rate-limit.ts';
import type { Clock } from '../domain/ports.ts';
import type { RateLimiter, RateRule } from '../runtime.ts';

const rule: RateRule = { name: 'test', limit: 3, windowMs: 60_000 };

const databaseUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined;
const redisUrl = testRedisUrl;
const redisReachable = await isRedisReachable();
if (!redisReachable) console.warn(`rate-limit.test: Redis not reachable at ${redisUrl}: the Redis limiter tests are skipped`);

type Make = (clock: Clock) => Promise<RateLimiter>;

/** What every implementation must do alike: the one semantics of http/rate-limit.ts. */
function sameSemantics(make: Make) {
  it('allows `limit` hits per window per key, then says how long to wait', async () => {
    const clock = new TestClock();
    const limiter = await make(clock);
    for (let i = 0; i < 3; i += 1) {
      expect(await limiter.hit(rule, 'a')).toEqual({ allowed: true });
      clock.advance(10_000);
    }
    // Hits at t=0, 10 s, 20 s; now t=30 s: the oldest leaves the window at t=60 s.
    expect(await limiter.hit(rule, 'a')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(await limiter.hit(rule, 'b'), 'other keys are counted apart').toEqual({ allowed: true });
    expect(await limiter.hit({ ...rule, name: 'other' }, 'a'), 'and other rules').toEqual({ allowed: true });
    expect(await limiter.hit({ ...rule, windowMs: 30_000 }, 'a'), 'and other windows').toEqual({ allowed: true });

    // Refused attempts are not counted: once the oldest hit leaves the window, one more is allowed.
    clock.advance(30_000);
    expect(await limiter.hit(rule, 'a')).toEqual({ allowed: true });
    expect(await limiter.hit(rule, 'a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    // A hit exactly one window after the oldest: that one has left (as in memory).
    clock.advance(10_000);
    expect(await limiter.hit(rule, 'a')).toEqual({ allowed: true });
    // Less than a second to wait still says 1.
    clock.advance(9_500);
    expect(await limiter.hit(rule, 'a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('counts concurrent attempts once each: exactly `limit` of many at once get through', async () => {
    const limiter = await make(new TestClock());
    const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter.hit({ ...rule, limit: 5 }, 'burst')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.filter((d) => !d.allowed)).toHaveLength(20);
  });
}

describe('in-memory sliding-window rate limiter', () => {
  sameSemantics((clock) => Promise.resolve(createMemoryRateLimiter(clock)));

  it('forgets idle keys once many have piled up, keeping memory bounded', async () => {
    const clock = new TestClock();
    const limiter = createMemoryRateLimiter(clock);
    for (let i = 0; i < 10_001; i += 1) await limiter.hit(rule, `key-${i}`);
    expect(limiter.keys).toBe(10_001);
    clock.advance(30_000);
    await limiter.hit(rule, 'fresh'); // windows not over yet: nothing to drop
    expect(limiter.keys).toBe(10_002);
    clock.advance(30_001);
    await limiter.hit(rule, 'late'); // every earlier window has passed: swept before counting
    expect(limiter.keys).toBe(2);
  });
});

describe.skipIf(!databaseUrl)('PostgreSQL rate limiter', () => {
  let temp: TempStore;
  beforeAll(async () => {
    temp = await tempPostgresStore(databaseUrl!);
  });
  afterAll(() => temp.cleanup());

  sameSemantics((clock) => Promise.resolve(createSqlRateLimiter(temp.store, clock)));

  it('shares its counts between limiters (processes) on one database', async () => {
    const clock = new TestClock();
    const [one, two] = [createSqlRateLimiter(temp.store, clock), createSqlRateLimiter(temp.store, clock)];
    expect(await one.hit(rule, 'shared')).toEqual({ allowed: true });
    expect(await two.hit(rule, 'shared')).toEqual({ allowed: true });
    expect(await one.hit(rule, 'shared')).toEqual({ allowed: true });
    expect(await two.hit(rule, 'shared')).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('deletes counters whose window has passed, at most once per prune interval', async () => {
    const clock = new TestClock(new Date('2030-01-01T00:00:00Z'));
    const limiter = createSqlRateLimiter(temp.store, clock);
    const rows = async () => (await temp.store.db.selectFrom('rate_limits').select('key').where('key', 'like', 'prune-%').execute()).map((r) => r.key).sort();
    await limiter.hit(rule, 'prune-old');
    clock.advance(rule.windowMs);
    await limiter.hit(rule, 'prune-fresh'); // the old window has passed, but the last prune was just now
    expect(await rows()).toEqual(['prune-fresh', 'prune-old']);
    clock.advance(PRUNE_INTERVAL_MS - rule.windowMs);
    await limiter.hit(rule, 'prune-late');
    expect(await rows()).toEqual(['prune-late']);
  });

  it('rejects with a storage failure (503) when the database is gone', async () => {
    const gone = await tempPostgresStore(databaseUrl!);
    const limiter = createSqlRateLimiter(gone.store, new TestClock());
    await gone.cleanup();
    const failure = await limiter.hit(rule, 'x').catch((error: unknown) => error);
    expect(isStorageFailure(failure)).toBe(true);
  });
});

describe.skipIf(!redisReachable)('Redis rate limiter', () => {
  const opened: { close(): Promise<void> }[] = [];
  const make = async (clock: Clock) => {
    const limiter = await createRedisRateLimiter({ url: redisUrl, clock, logger: memoryLogger(), keyPrefix: `dodo-portal-test:${randomUUID()}:` });
    opened.push(limiter);
    return limiter;
  };
  afterAll(async () => {
    await Promise.all(opened.map((limiter) => limiter.close()));
  });

  sameSemantics(make);

  it('expires its keys with the window (nothing piles up in Redis)', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl);
    try {
      const keyPrefix = `dodo-portal-test:${randomUUID()}:`;
      const limiter = await createRedisRateLimiter({ url: redisUrl, clock: new TestClock(), logger: memoryLogger(), keyPrefix });
      opened.push(limiter);
      await limiter.hit(rule, 'ttl');
      const ttl = await redis.pttl(`${keyPrefix}${rule.windowMs}|${rule.name}|ttl`);
      expect(ttl).toBeGreaterThan(rule.windowMs - 5_000);
      expect(ttl).toBeLessThanOrEqual(rule.windowMs);
    } finally {
      redis.disconnect();
    }
  });

  it('rejects with 503 storage_unavailable when Redis is unreachable, at start and later', async () => {
    await expect(createRedisRateLimiter({ url: 'redis://127.0.0.1:1', clock: new TestClock(), logger: memoryLogger() })).rejects.toThrow();
    const limiter = await make(new TestClock());
    await limiter.close();
    await expect(limiter.hit(rule, 'x')).rejects.toBeInstanceOf(StorageUnavailableError);

    // Over HTTP: the limited endpoint refuses with the one storage answer, not a 500 or a pass.
    const temp = await tempSqliteStore();
    try {
      const app = createApp({ store: temp.store, publicUrl: 'http://127.0.0.1:8787', rateLimiter: limiter, logger: memoryLogger() });
      const response = await app.request('/portal/v1/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ business_id: 'bus_x', email: 'ada@example.com', mode: 'test' }),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
    } finally {
      await temp.cleanup();
    }
  });
});
