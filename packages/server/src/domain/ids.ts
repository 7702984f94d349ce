/** Prefixed random ids (`cus_…`): 128 bits from the injected random source, Crockford base32. */
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

export function newId(prefix: IdPrefix, random: Random): string {
  return `${prefix}_${base32(random.bytes(16))}`;
}

const ID_BODY = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** Whether `value` is shaped like an id of that kind (a cheap check before any lookup). */
export function isId(prefix: IdPrefix, value: string): boolean {
  return value.startsWith(`${prefix}_`) && ID_BODY.test(value.slice(prefix.length + 1));
}
