import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { DomainError } from './errors.ts';
import { base32, isId, newId } from './ids.ts';
import { formatInvoiceNumber, parseInvoiceNumber } from './invoice-number.ts';
import { normalizeOrigin } from './origins.ts';
import { cryptoRandom } from './ports.ts';
import { apiKeyMode, generateApiKey, generateSessionToken, hashSecret, isSessionTokenShape } from './tokens.ts';

describe('API keys and session tokens', () => {
  it('makes mode-prefixed keys of 32 random bytes and stores only a SHA-256 hash', () => {
    const key = generateApiKey('live', cryptoRandom);
    expect(key.secret).toMatch(/^sk_live_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.secret.slice('sk_live_'.length), 'base64url')).toHaveLength(32);
    expect(key.hash).toBe(hashSecret(key.secret));
    expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.displayPrefix).toBe(`${key.secret.slice(0, 12)}…`);
    expect(apiKeyMode(key.secret)).toBe('live');
    expect(apiKeyMode(generateApiKey('test', cryptoRandom).secret)).toBe('test');
  });

  it('rejects anything not shaped like a key', () => {
    for (const bad of ['', 'sk_test_', 'sk_prod_' + 'a'.repeat(43), 'sk_test_' + 'a'.repeat(42), 'sk_test_' + 'a'.repeat(42) + '!', 'pk_test_' + 'a'.repeat(43)]) {
      expect(apiKeyMode(bad)).toBeNull();
    }
  });

  it('makes distinct dps_ session tokens', () => {
    const a = generateSessionToken(cryptoRandom);
    const b = generateSessionToken(cryptoRandom);
    expect(a.token).not.toBe(b.token);
    expect(isSessionTokenShape(a.token)).toBe(true);
    expect(isSessionTokenShape(`${a.token}x`)).toBe(false);
    expect(a.hash).toBe(hashSecret(a.token));
  });

  it('derives keys from the injected random source only', () => {
    const zeros = { bytes: (n: number) => new Uint8Array(n) };
    expect(generateApiKey('test', zeros).secret).toBe(`sk_test_${'A'.repeat(43)}`);
  });
});

describe('ids', () => {
  it('encodes 16 bytes as 26 Crockford base32 characters', () => {
    expect(base32(new Uint8Array(16))).toBe('0'.repeat(26));
    expect(base32(new Uint8Array(16).fill(255))).toBe(`${'z'.repeat(25)}w`);
    const id = newId('cus', cryptoRandom);
    expect(isId('cus', id)).toBe(true);
    expect(isId('inv', id)).toBe(false);
    expect(isId('cus', 'cus_../../etc')).toBe(false);
  });

  it('sort by creation: across milliseconds, within one, and when the wall clock steps back', () => {
    const made = [
      newId('inv', cryptoRandom, 1_800_000_000_000),
      newId('inv', cryptoRandom, 1_800_000_000_000),
      newId('inv', cryptoRandom, 1_800_000_000_000),
      newId('inv', cryptoRandom, 1_799_999_999_000), // clock stepped back: still after the last
      newId('inv', cryptoRandom, 1_800_000_000_001),
    ];
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
    for (const id of made) expect(isId('inv', id)).toBe(true);
  });
});

describe('invoice numbers', () => {
  it('formats and parses INV-000001', () => {
    expect(formatInvoiceNumber(1)).toBe('INV-000001');
    expect(formatInvoiceNumber(1_234_567)).toBe('INV-1234567');
    expect(parseInvoiceNumber('INV-000042')).toBe(42);
    expect(parseInvoiceNumber('INV-42')).toBeNull();
    expect(() => formatInvoiceNumber(0)).toThrow(RangeError);
  });
});

describe('cursors', () => {
  it('round-trips a position', () => {
    const position = { at: '2025-01-02T03:04:05.678Z', id: 'inv_0123456789abcdefghjkmnpqrs' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    '%%%',
    'bm90IGpzb24',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('["2025-13-45T00:00:00.000Z","inv_x"]').toString('base64url'),
    Buffer.from('["2025-01-01T00:00:00.000Z","DROP TABLE"]').toString('base64url'),
  ])('rejects %s as invalid_request', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(DomainError);
    try {
      decodeCursor(cursor);
    } catch (error) {
      expect((error as DomainError).code).toBe('invalid_request');
    }
  });
});

describe('origins', () => {
  it('normalizes to scheme://host[:port] and refuses paths or other schemes', () => {
    expect(normalizeOrigin('http://localhost:3000/')).toBe('http://localhost:3000');
    expect(normalizeOrigin('HTTPS://Shop.Example:443')).toBe('https://shop.example');
    expect(() => normalizeOrigin('https://shop.example/path')).toThrow(DomainError);
    expect(() => normalizeOrigin('ftp://shop.example')).toThrow(DomainError);
    expect(() => normalizeOrigin('shop.example')).toThrow(DomainError);
  });
});
