import { describe, expect, it } from 'vitest';
import { cryptoRandom } from './ports.ts';
import { createSecretBox, generateServerSecret, ServerSecretError } from './secret-box.ts';

const SECRET = 'unit-test-secret-0123456789abcdefghijkl';

describe('secret box', () => {
  it('round-trips a value bound to its context, with a fresh IV each time', () => {
    const box = createSecretBox(SECRET);
    const first = box.seal('7KQ2M-01ABC-DEFGH-JKMNP-QRSTV', 'lic_1');
    const second = box.seal('7KQ2M-01ABC-DEFGH-JKMNP-QRSTV', 'lic_1');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(first).not.toContain('7KQ2M');
    expect(box.open(first, 'lic_1')).toBe('7KQ2M-01ABC-DEFGH-JKMNP-QRSTV');
    expect(box.open(second, 'lic_1')).toBe('7KQ2M-01ABC-DEFGH-JKMNP-QRSTV');
  });

  it('refuses another context, another secret and any altered byte', () => {
    const box = createSecretBox(SECRET);
    const sealed = box.seal('secret value', 'lic_1');
    expect(() => box.open(sealed, 'lic_2')).toThrow(ServerSecretError);
    expect(() => createSecretBox(`${SECRET}x`).open(sealed, 'lic_1')).toThrow(ServerSecretError);
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    for (const index of [0, 12, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[index] = altered[index]! ^ 1;
      expect(() => box.open(`v1.${altered.toString('base64url')}`, 'lic_1')).toThrow(ServerSecretError);
    }
    expect(() => box.open('v2.abc', 'lic_1')).toThrow(ServerSecretError);
    expect(() => box.open('v1.abc', 'lic_1')).toThrow(ServerSecretError);
  });

  it('hashes for lookup deterministically per secret, and differently under another secret', () => {
    const box = createSecretBox(SECRET);
    expect(box.lookupHash('A')).toBe(createSecretBox(SECRET).lookupHash('A'));
    expect(box.lookupHash('A')).toMatch(/^[0-9a-f]{64}$/);
    expect(box.lookupHash('A')).not.toBe(box.lookupHash('B'));
    expect(box.lookupHash('A')).not.toBe(createSecretBox(`${SECRET}x`).lookupHash('A'));
  });

  it('refuses a short server secret and generates 256-bit ones', () => {
    expect(() => createSecretBox('too short')).toThrow(/at least 32/);
    const generated = generateServerSecret(cryptoRandom);
    expect(generated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => createSecretBox(generated)).not.toThrow();
  });
});
