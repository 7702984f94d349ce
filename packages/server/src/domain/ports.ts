/** The outside world the billing logic depends on, injected so tests can freeze time and randomness. */
import { randomBytes } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export interface Random {
  /** `n` cryptographically strong random bytes. */
  bytes(n: number): Uint8Array;
}

export const systemClock: Clock = { now: () => new Date() };
export const cryptoRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };

/** The one timestamp format in storage and on the wire: ISO 8601 UTC with milliseconds (sorts as text). */
export const toTimestamp = (date: Date): string => date.toISOString();
