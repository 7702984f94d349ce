/**
 * License keys as customers see and type them: five groups of five characters from Crockford's
 * base32 alphabet in upper case (`7KQ2M-…`), 25 characters × 5 bits = 125 random bits. The
 * alphabet has no I, L, O or U, so a key read aloud or copied by hand cannot be misread; on input
 * the usual slips are forgiven (lower case, spaces, missing dashes, O for 0, I or L for 1).
 */
import type { Random } from './ports.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 5;
const GROUP_LENGTH = 5;
const LENGTH = GROUPS * GROUP_LENGTH;
/** The bits of randomness in a key (and in what a masked key hides: 20 characters). */
export const LICENSE_KEY_BITS = LENGTH * 5;
const CANONICAL = new RegExp(`^[${ALPHABET}]{${GROUP_LENGTH}}(?:-[${ALPHABET}]{${GROUP_LENGTH}}){${GROUPS - 1}}$`);
const MASK_GROUP = '•'.repeat(GROUP_LENGTH);

const group = (chars: string) => chars.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g'))!.join('-');

/** A fresh key from `random` (16 bytes drawn; the first 125 bits are used, 5 per character). */
export function generateLicenseKey(random: Random): string {
  const bytes = random.bytes(16);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let chars = '';
  for (let index = 0; index < LENGTH; index += 1) {
    chars += ALPHABET[Number((bits >> BigInt(128 - 5 * (index + 1))) & 31n)];
  }
  return group(chars);
}

/**
 * The canonical form of what someone typed or pasted, or null when it cannot be a key. Lookups
 * always go through this, so `7kq2m 0abcd…` finds the key `7KQ2M-0ABCD-…`.
 */
export function normalizeLicenseKey(input: string): string | null {
  const chars = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (chars.length !== LENGTH) return null;
  for (const char of chars) if (!ALPHABET.includes(char)) return null;
  return group(chars);
}

export const isCanonicalLicenseKey = (key: string): boolean => CANONICAL.test(key);

/** The last group, shown in masks (`•••••-•••••-•••••-•••••-7KQ2M`). */
export const licenseKeySuffix = (key: string): string => key.slice(-GROUP_LENGTH);

/** A key as it may be shown and logged: only its last group. */
export const maskLicenseKey = (suffix: string): string => `${Array.from({ length: GROUPS - 1 }, () => MASK_GROUP).join('-')}-${suffix}`;
