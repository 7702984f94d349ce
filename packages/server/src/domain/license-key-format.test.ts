import { describe, expect, it } from 'vitest';
import { cryptoRandom, type Random } from './ports.ts';
import { generateLicenseKey, isCanonicalLicenseKey, LICENSE_KEY_BITS, licenseKeySuffix, maskLicenseKey, normalizeLicenseKey } from './license-key-format.ts';

const fixed = (fill: number): Random => ({ bytes: (n) => new Uint8Array(n).fill(fill) });

describe('license key format', () => {
  it('is five groups of five unambiguous characters carrying at least 100 random bits', () => {
    expect(LICENSE_KEY_BITS).toBeGreaterThanOrEqual(100);
    const keys = new Set(Array.from({ length: 2000 }, () => generateLicenseKey(cryptoRandom)));
    expect(keys.size).toBe(2000);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
      expect(isCanonicalLicenseKey(key)).toBe(true);
    }
  });

  it('maps random bits to characters exactly (all zeros, all ones)', () => {
    expect(generateLicenseKey(fixed(0))).toBe('00000-00000-00000-00000-00000');
    expect(generateLicenseKey(fixed(0xff))).toBe('ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ');
  });

  it('uses every character of the alphabet', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 500; index += 1) for (const char of generateLicenseKey(cryptoRandom).replace(/-/g, '')) seen.add(char);
    expect([...seen].sort().join('')).toBe('0123456789ABCDEFGHJKMNPQRSTVWXYZ');
  });

  it('forgives case, spaces, missing dashes and look-alike letters on input', () => {
    const key = '7KQ2M-01ABC-DEFGH-JKMNP-QRSTV';
    expect(normalizeLicenseKey(key)).toBe(key);
    expect(normalizeLicenseKey(' 7kq2m o1abc defgh-jkmnp qrstv ')).toBe(key);
    expect(normalizeLicenseKey('7KQ2M0IABCDEFGHJKMNPQRSTV')).toBe(key);
    expect(normalizeLicenseKey('7KQ2M-0LABC-DEFGH-JKMNP-QRSTV')).toBe(key);
  });

  it('refuses what cannot be a key', () => {
    for (const bad of ['', 'short', '7KQ2M-01ABC-DEFGH-JKMNP-QRST', '7KQ2M-01ABC-DEFGH-JKMNP-QRSTVW', '7KQ2M-01ABC-DEFGH-JKMNP-QRSTU', 'sk_test_abc']) {
      expect(normalizeLicenseKey(bad), bad).toBeNull();
    }
  });

  it('masks all but the last group', () => {
    const key = 'AAAAA-BBBBB-CCCCC-DDDDD-7KQ2M';
    expect(maskLicenseKey(licenseKeySuffix(key))).toBe('•••••-•••••-•••••-•••••-7KQ2M');
  });
});
