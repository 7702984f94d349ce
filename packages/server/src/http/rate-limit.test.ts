import { describe, expect, it } from 'vitest';
import { TestClock } from '../testing/harness.ts';
import { createMemoryRateLimiter } from './rate-limit.ts';
import type { RateRule } from '../runtime.ts';

const rule: RateRule = { name: 'test', limit: 3, windowMs: 60_000 };

describe('in-memory sliding-window rate limiter', () => {
  it('allows `limit` hits per window per key, then says how long to wait', () => {
    const clock = new TestClock();
    const limiter = createMemoryRateLimiter(clock);
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.hit(rule, 'a')).toEqual({ allowed: true });
      clock.advance(10_000);
    }
    // Hits at t=0, 10 s, 20 s; now t=30 s: the oldest leaves the window at t=60 s.
    expect(limiter.hit(rule, 'a')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.hit(rule, 'b'), 'other keys are counted apart').toEqual({ allowed: true });
    expect(limiter.hit({ ...rule, name: 'other' }, 'a'), 'and other rules').toEqual({ allowed: true });

    // Refused attempts are not counted: once the oldest hit leaves the window, one more is allowed.
    clock.advance(30_000);
    expect(limiter.hit(rule, 'a')).toEqual({ allowed: true });
    expect(limiter.hit(rule, 'a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('forgets idle keys once many have piled up, keeping memory bounded', () => {
    const clock = new TestClock();
    const limiter = createMemoryRateLimiter(clock);
    for (let i = 0; i < 10_001; i += 1) limiter.hit(rule, `key-${i}`);
    expect(limiter.keys).toBe(10_001);
    clock.advance(30_000);
    limiter.hit(rule, 'fresh'); // windows not over yet: nothing to drop
    expect(limiter.keys).toBe(10_002);
    clock.advance(30_001);
    limiter.hit(rule, 'late'); // every earlier window has passed: swept before counting
    expect(limiter.keys).toBe(2);
  });
});
