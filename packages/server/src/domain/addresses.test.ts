import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './addresses.ts';
import { generateWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature.ts';

describe('isPublicAddress (the live-mode webhook SSRF guard)', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a00:1',
    '2001:db8::1',
    'localhost',
    'example.com',
    '',
  ])('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001::200e'])('allows %s', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );
});

describe('Standard Webhooks signatures', () => {
  it('signs "{id}.{timestamp}.{body}" with the decoded secret and verifies within the tolerance', () => {
    const secret = generateWebhookSecret({ bytes: (n) => new Uint8Array(n).fill(7) });
    expect(secret).toBe(`whsec_${Buffer.alloc(24, 7).toString('base64')}`);
    // The spec's published example vector.
    expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const headers = { id: 'msg_1', timestamp: '1700000000', signature: signWebhook(secret, 'msg_1', 1700000000, '{}') };
    expect(verifyWebhook(secret, headers, '{}', 1700000100)).toBe(true);
    expect(verifyWebhook(secret, headers, '{} ', 1700000100)).toBe(false);
    expect(verifyWebhook(secret, headers, '{}', 1700000301)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, signature: `v1,bogus ${headers.signature}` }, '{}', 1700000000)).toBe(true);
  });
});
