/**
 * The rate limiter in Redis (`REDIS_URL`): the same sliding-window log as the in-process one
 * (http/rate-limit.ts), as a sorted set per rule and key scored by attempt time. One Lua script
 * drops, counts and appends atomically, whichever process runs it.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Clock } from '../domain/ports.ts';
import type { Logger, RateLimiter } from '../runtime.ts';
import { StorageUnavailableError } from '../store/index.ts';
import { refusal } from './rate-limit.ts';

// KEYS[1] the set; ARGV now, windowMs, limit, a unique member. Returns {1} when counted, else
// {0, oldest}. Attempts at or before now - windowMs have left the window (as in memory).
const HIT_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return {0, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1}
`;

type ScriptedRedis = Redis & { dodoRateHit(key: string, now: number, windowMs: number, limit: number, member: string): Promise<[0 | 1, string?]> };

export interface RedisRateLimiterOptions {
  url: string;
  clock: Clock;
  logger: Logger;
  /** Prefix of every key (default `dodo-portal:rate:`); tests isolate themselves with their own. */
  keyPrefix?: string;
}

/**
 * Connects (rejects when Redis does not answer, so a wrong `REDIS_URL` stops `serve` at start).
 * While the connection is down, hits reject at once with a `StorageUnavailableError` (503)
 * instead of queueing: the client reconnects in the background.
 */
export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RateLimiter & { close(): Promise<void> }> {
  const redis = new Redis(options.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000 }) as ScriptedRedis;
  redis.defineCommand('dodoRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  // Said once per outage, not on every reconnect attempt; without a listener ioredis prints its own.
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) options.logger.error('rate-limit store (Redis) unavailable', { error: error.message });
    down = true;
  });
  redis.on('ready', () => (down = false));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect(); // or it would go on reconnecting
    throw error;
  }
  const prefix = options.keyPrefix ?? 'dodo-portal:rate:';

  return {
    async hit(rule, key) {
      const now = options.clock.now().getTime();
      let answer: [0 | 1, string?];
      try {
        answer = await redis.dodoRateHit(`${prefix}${rule.windowMs}|${rule.name}|${key}`, now, rule.windowMs, rule.limit, `${now}:${randomUUID()}`);
      } catch (error) {
        throw new StorageUnavailableError('The rate-limit store is unavailable right now. Try again later.', { cause: error });
      }
      return answer[0] === 1 ? { allowed: true } : refusal(rule, Number(answer[1]), now);
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
