import { publicRoutes as P } from '@dodo-portal/wire/routes';
import type { Context } from 'hono';
import { rateLimited } from '../../domain/errors.ts';
import { clientIp } from '../../http/client-ip.ts';
import type { BaseEnv } from '../../http/env.ts';
import { activateLicense, deactivateLicense, licenseKeyHash, validateLicense } from '../../services/license-keys.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import type { AppContext, RateRule } from '../../runtime.ts';

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
  const limit = async (rule: RateRule, key: string) => {
    const decision = await app.rateLimiter.hit(rule, key);
    if (!decision.allowed) throw rateLimited(`Too many license requests. Try again in ${decision.retryAfterSeconds} seconds.`, decision.retryAfterSeconds);
  };
  /** The IP limit before the body is read; the key's after (by its keyed hash, never the key). */
  const limitIp = (c: Context) => limit(LicenseRateRules.perIp, clientIp(c, app.trustProxy));
  const limitKey = (licenseKey: string) => limit(LicenseRateRules.perKey, licenseKeyHash(app, licenseKey) ?? `malformed:${licenseKey.trim().toUpperCase()}`);

  return contractRoutes<BaseEnv>('/v1/licenses')
    .on(P.activateLicense, async (c) => {
      await limitIp(c);
      const body = await bodyOf(c, P.activateLicense);
      await limitKey(body.license_key);
      return c.json(await activateLicense(app, body), 201);
    })
    .on(P.validateLicense, async (c) => {
      await limitIp(c);
      const body = await bodyOf(c, P.validateLicense);
      await limitKey(body.license_key);
      return c.json(await validateLicense(app, body));
    })
    .on(P.deactivateLicense, async (c) => {
      await limitIp(c);
      const body = await bodyOf(c, P.deactivateLicense);
      await limitKey(body.license_key);
      await deactivateLicense(app, body);
      return c.body(null, 204);
    }).app;
};
