import { ActivateLicenseBody, DeactivateLicenseBody, ValidateLicenseBody } from '@dodo-portal/wire/schemas';
import { Hono, type Context } from 'hono';
import { rateLimited } from '../domain/errors.ts';
import { clientIp } from '../http/client-ip.ts';
import type { BaseEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { activateLicense, deactivateLicense, licenseKeyHash, validateLicense } from '../services/license-keys.ts';
import type { AppContext, RateRule } from '../runtime.ts';

/** The public license API's paths: no merchant key, no merchant idempotency (see app.ts). */
export const PUBLIC_LICENSE_PATHS = '/v1/licenses/*';

const MINUTE = 60_000;

/**
 * Limits of the public license API (all three calls together). Keys carry 125 random bits, so
 * these bound load and abuse of one key (a leaked key activated in a loop), not guessing.
 */
export const LicenseRateRules = {
  perIp: { name: 'licenses:ip', limit: 120, windowMs: MINUTE },
  perKey: { name: 'licenses:key', limit: 60, windowMs: MINUTE },
} as const satisfies Record<string, RateRule>;

/**
 * `/v1/licenses`: what the merchant's software calls on its users' machines, with the license key
 * as the only credential. Not meant for browsers: no CORS.
 */
export const licenseRoutes = (app: AppContext) => {
  const limit = (rule: RateRule, key: string) => {
    const decision = app.rateLimiter.hit(rule, key);
    if (!decision.allowed) throw rateLimited(`Too many license requests. Try again in ${decision.retryAfterSeconds} seconds.`, decision.retryAfterSeconds);
  };
  /** The IP limit before the body is read; the key's after (by its keyed hash, never the key). */
  const limitIp = (c: Context) => limit(LicenseRateRules.perIp, clientIp(c, app.trustProxy));
  const limitKey = (licenseKey: string) => limit(LicenseRateRules.perKey, licenseKeyHash(app, licenseKey) ?? `malformed:${licenseKey.trim().toUpperCase()}`);

  return new Hono<BaseEnv>()
    .post('/activate', async (c) => {
      limitIp(c);
      const body = await jsonBody(c, ActivateLicenseBody);
      limitKey(body.license_key);
      return c.json(await activateLicense(app, body), 201);
    })
    .post('/validate', async (c) => {
      limitIp(c);
      const body = await jsonBody(c, ValidateLicenseBody);
      limitKey(body.license_key);
      return c.json(await validateLicense(app, body));
    })
    .post('/deactivate', async (c) => {
      limitIp(c);
      const body = await jsonBody(c, DeactivateLicenseBody);
      limitKey(body.license_key);
      await deactivateLicense(app, body);
      return c.body(null, 204);
    });
};
