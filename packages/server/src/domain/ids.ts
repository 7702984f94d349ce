/**
 * Prefixed ids (`cus_…`), Crockford base32 of 16 bytes: a 48-bit millisecond timestamp, then 80
 * bits from the injected random source. Ids therefore sort by creation, which is what makes "ties
 * broken by id" in keyset lists mean something: a frozen test clock gives many rows one timestamp,
 * and they must still list newest first. Within one millisecond the random part is incremented
 * (monotonic, per process). Ids are identifiers, not secrets: tokens are separate.
 */
import type { Random } from './ports.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export const IdPrefix = {
  business: 'biz',
  apiKey: 'key',
  customer: 'cus',
  invoice: 'inv',
  portalSession: 'ps',
  magicLink: 'ml',
  outboxMail: 'msg',
  unifiedLink: 'uml',
  unifiedSession: 'ups',
  request: 'req',
  product: 'prd',
  productCollection: 'pdc',
  paymentMethod: 'pm',
  subscription: 'sub',
  payment: 'pay',
  webhookEndpoint: 'we',
  webhookDelivery: 'whmsg',
  webhookAttempt: 'wha',
  usageEvent: 'ue',
  refund: 'rfnd',
  creditEntry: 'cre',
  licenseKey: 'lic',
  licenseKeyInstance: 'lki',
} as const;
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];

export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

const RANDOM_BYTES = 10;
let lastMillis = -1;
let lastRandom: Uint8Array = new Uint8Array(RANDOM_BYTES);

/** Adds one to a big-endian byte string in place; false when it wrapped around. */
function increment(bytes: Uint8Array): boolean {
  for (let index = bytes.length - 1; index >= 0; index -= 1) {
    bytes[index] = (bytes[index]! + 1) & 0xff;
    if (bytes[index] !== 0) return true;
  }
  return false;
}

export function newId(prefix: IdPrefix, random: Random, nowMillis: number = Date.now()): string {
  let millis = Math.max(nowMillis, lastMillis);
  let tail: Uint8Array;
  if (millis === lastMillis) {
    tail = Uint8Array.from(lastRandom);
    if (!increment(tail)) {
      millis += 1; // 2^80 ids in one millisecond: move on to the next one
      tail = Uint8Array.from(random.bytes(RANDOM_BYTES));
    }
  } else {
    tail = Uint8Array.from(random.bytes(RANDOM_BYTES));
  }
  lastMillis = millis;
  lastRandom = tail;
  const bytes = new Uint8Array(16);
  let time = millis;
  for (let index = 5; index >= 0; index -= 1) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes.set(tail, 6);
  return `${prefix}_${base32(bytes)}`;
}

const ID_BODY = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** Whether `value` is shaped like an id of that kind (a cheap check before any lookup). */
export function isId(prefix: IdPrefix, value: string): boolean {
  return value.startsWith(`${prefix}_`) && ID_BODY.test(value.slice(prefix.length + 1));
}
