/** Properties of a license key's status over time. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { licenseKeyStatus, type LicenseKeyState } from './license-key-status.ts';

const T0 = Date.UTC(2026, 0, 1);
const instant = fc.integer({ min: 0, max: 3 * 365 * 86_400 }).map((s) => new Date(T0 + s * 1000));
const key: fc.Arbitrary<LicenseKeyState> = fc.record({
  status: fc.constantFrom('active', 'disabled'),
  subscription_status: fc.constantFrom(null, 'active', 'on_hold', 'cancelled', 'expired'),
  expires_at: fc.option(instant.map((d) => d.toISOString())),
});

describe('licenseKeyStatus', () => {
  it('is disabled by the merchant or an ended subscription, else expired from expires_at on, else active', () => {
    fc.assert(
      fc.property(key, instant, (k, now) => {
        const ended = k.subscription_status === 'cancelled' || k.subscription_status === 'expired';
        const expired = k.expires_at !== null && Date.parse(k.expires_at) <= now.getTime();
        expect(licenseKeyStatus(k, now)).toBe(k.status === 'disabled' || ended ? 'disabled' : expired ? 'expired' : 'active');
      }),
    );
  });

  it('never becomes active again as time passes', () => {
    fc.assert(
      fc.property(key, instant, instant, (k, a, b) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        if (licenseKeyStatus(k, earlier) !== 'active') expect(licenseKeyStatus(k, later)).not.toBe('active');
      }),
    );
  });
});
