/**
 * Rate limits for the unauthenticated portal-access endpoints. `RateLimiter` is the port (a
 * shared store such as Redis can implement it for several server processes); the default is an
 * in-process sliding-window log on the injected clock.
 *
 * Limits (per window of 15 minutes):
 *   - `POST /portal/v1/login`: 5 per email address (any business), 20 per client IP;
 *   - `POST /portal/v1/magic-link/exchange`: 30 per client IP (codes carry 256 bits, so this
 *     bounds load, not guessing; no email is known before a code is exchanged).
 * Over the limit → 429 `rate_limited` with `Retry-After` (seconds).
 */
import type { Clock } from '../domain/ports.ts';
import type { RateLimiter, RateRule } from '../runtime.ts';

const WINDOW_15_MIN = 15 * 60_000;

export const RateRules = {
  loginPerEmail: { name: 'login:email', limit: 5, windowMs: WINDOW_15_MIN },
  loginPerIp: { name: 'login:ip', limit: 20, windowMs: WINDOW_15_MIN },
  exchangePerIp: { name: 'exchange:ip', limit: 30, windowMs: WINDOW_15_MIN },
} as const satisfies Record<string, RateRule>;

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
      if (times.length >= rule.limit) {
        attempts.set(id, times);
        const oldest = times[0]!;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + rule.windowMs - now) / 1000)) };
      }
      times.push(now);
      attempts.set(id, times);
      return { allowed: true };
    },
  };
}
