/**
 * Rate limits for the unauthenticated endpoints. `RateLimiter` is the port, with three
 * implementations of one sliding-window log (at most `limit` attempts in any `windowMs`; refused
 * attempts are not counted; `Retry-After` is when the oldest counted attempt leaves the window):
 *   - in process, on the injected clock: the default, and all SQLite needs (one process per file);
 *   - in PostgreSQL (store/rate-limits.ts): the default on PostgreSQL, so every server process on
 *     one `DATABASE_URL` counts against the same limits;
 *   - in Redis (http/redis-rate-limit.ts) when `REDIS_URL` is set: the counting off the database.
 * A shared store that fails refuses the request with 503 `storage_unavailable` (the error
 * propagates): failing open would lift the limits exactly when the store is overloaded.
 *
 * Limits (per window of 15 minutes):
 *   - `POST /portal/v1/login`: 5 per email address (any business), 20 per client IP;
 *   - `POST /portal/v1/magic-link/exchange`: 30 per client IP (codes carry 256 bits, so this
 *     bounds load, not guessing; no email is known before a code is exchanged).
 * Over the limit → 429 `rate_limited` with `Retry-After` (seconds).
 */
import type { Clock } from '../domain/ports.ts';
import type { RateDecision, RateLimiter, RateRule } from '../runtime.ts';
import { countRateHit, pruneRateCounts } from '../store/rate-limits.ts';
import type { Store } from '../store/index.ts';

const WINDOW_15_MIN = 15 * 60_000;

export const RateRules = {
  loginPerEmail: { name: 'login:email', limit: 5, windowMs: WINDOW_15_MIN },
  loginPerIp: { name: 'login:ip', limit: 20, windowMs: WINDOW_15_MIN },
  exchangePerIp: { name: 'exchange:ip', limit: 30, windowMs: WINDOW_15_MIN },
} as const satisfies Record<string, RateRule>;

/** The refusal when the oldest counted attempt (at `oldest`) is still inside the window. */
export const refusal = (rule: RateRule, oldest: number, now: number): RateDecision => ({
  allowed: false,
  retryAfterSeconds: Math.max(1, Math.ceil((oldest + rule.windowMs - now) / 1000)),
});

/** Above this many keys, a hit first drops the keys whose whole window has passed. */
const SWEEP_THRESHOLD = 10_000;

export function createMemoryRateLimiter(clock: Clock): RateLimiter & { readonly keys: number } {
  // Per key, the times of the attempts still inside the window (at most `limit` of them).
  const attempts = new Map<string, number[]>();

  const sweep = (now: number) => {
    for (const [key, times] of attempts) {
      const windowMs = Number(key.slice(0, key.indexOf('|')));
      if ((times.at(-1) ?? 0) <= now - windowMs) attempts.delete(key);
    }
  };

  return {
    /** How many counters are held (memory stays bounded: idle ones are swept). */
    get keys() {
      return attempts.size;
    },
    hit(rule, key) {
      const now = clock.now().getTime();
      if (attempts.size > SWEEP_THRESHOLD) sweep(now);
      const id = `${rule.windowMs}|${rule.name}|${key}`;
      const times = (attempts.get(id) ?? []).filter((at) => at > now - rule.windowMs);
      attempts.set(id, times);
      if (times.length >= rule.limit) return Promise.resolve(refusal(rule, times[0]!, now));
      times.push(now);
      return Promise.resolve({ allowed: true });
    },
  };
}

/** How often (on the clock) a hit also deletes the PostgreSQL counters whose window has passed. */
export const PRUNE_INTERVAL_MS = 5 * 60_000;

/** The limiter over the store's PostgreSQL database: one count for every process on it. */
export function createSqlRateLimiter(store: Store, clock: Clock): RateLimiter {
  let prunedAt = -Infinity;
  return {
    async hit(rule, key) {
      const now = clock.now().getTime();
      // At most once per interval per process, in line so nothing outlives the request.
      if (now - prunedAt >= PRUNE_INTERVAL_MS) {
        prunedAt = now;
        await pruneRateCounts(store.db, now);
      }
      const count = await countRateHit(store.db, { rule: rule.name, windowMs: rule.windowMs, key, limit: rule.limit, now });
      return count.allowed ? { allowed: true } : refusal(rule, count.oldest, now);
    },
  };
}

/** The default for a store: shared in PostgreSQL, in process for SQLite. */
export const defaultRateLimiter = (store: Store, clock: Clock): RateLimiter => (store.dialect === 'postgres' ? createSqlRateLimiter(store, clock) : createMemoryRateLimiter(clock));
