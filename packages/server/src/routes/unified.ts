import { ExchangeMagicLinkBody, UnifiedLoginBody, type LoginAccepted } from '@dodo-portal/wire/schemas';
import { Hono, type MiddlewareHandler } from 'hono';
import { rateLimited } from '../domain/errors.ts';
import { bearerToken } from '../http/auth.ts';
import { clientIp } from '../http/client-ip.ts';
import type { BaseVariables } from '../http/env.ts';
import { RateRules } from '../http/rate-limit.ts';
import { jsonBody } from '../http/validate.ts';
import { emailNotConfigured } from '../services/portal-access.ts';
import { authenticateUnified, endUnifiedSession, exchangeUnifiedLink, listUnifiedBusinesses, openBusinessSession, requestUnifiedLoginLink } from '../services/unified.ts';
import type { UnifiedSessionRecord } from '../store/unified.ts';
import type { AppContext, RateRule } from '../runtime.ts';

/** Every unified path; app.ts keeps the business-session auth off them (they authenticate here). */
export const UNIFIED_PORTAL_PATHS = '/portal/v1/unified/*';

type UnifiedEnv = { Variables: BaseVariables & { unified: UnifiedSessionRecord; sessionBusinessId: string | undefined } };

const ACCEPTED: LoginAccepted = { accepted: true };

/**
 * `/portal/v1/unified`: sign in once by email (per mode), list every business where that email is
 * a customer, and open a business-scoped session at any of them. Login and exchange need no
 * token and share the rate limits of `/portal/v1/login` and the magic-link exchange.
 */
export const unifiedRoutes = (app: AppContext) => {
  const limit = (rule: RateRule, key: string) => {
    const decision = app.rateLimiter.hit(rule, key);
    if (!decision.allowed) throw rateLimited(`Too many attempts. Try again in ${decision.retryAfterSeconds} seconds.`, decision.retryAfterSeconds);
  };
  const unifiedAuth: MiddlewareHandler<UnifiedEnv> = async (c, next) => {
    c.set('unified', await authenticateUnified(app, bearerToken(c.req.header('authorization'))));
    await next();
  };

  return new Hono<UnifiedEnv>()
    .post('/login', async (c) => {
      const body = await jsonBody(c, UnifiedLoginBody.strict());
      limit(RateRules.loginPerIp, clientIp(c, app.trustProxy));
      limit(RateRules.loginPerEmail, body.email.toLowerCase());
      // Depends on the mode and the server only, never on the email.
      if (app.mailerFor(body.mode).disabled) throw emailNotConfigured();
      // Queue the request and answer, exactly like /portal/v1/login.
      await requestUnifiedLoginLink(app, body);
      return c.json(ACCEPTED, 202);
    })
    .post('/magic-link/exchange', async (c) => {
      limit(RateRules.exchangePerIp, clientIp(c, app.trustProxy));
      const body = await jsonBody(c, ExchangeMagicLinkBody.strict());
      return c.json(await exchangeUnifiedLink(app, body.code), 201);
    })
    .get('/businesses', unifiedAuth, async (c) => c.json(await listUnifiedBusinesses(app, c.get('unified'))))
    .post('/businesses/:business_id/session', unifiedAuth, async (c) => c.json(await openBusinessSession(app, c.get('unified'), c.req.param('business_id')), 201))
    .delete('/session', unifiedAuth, async (c) => {
      await endUnifiedSession(app, c.get('unified'));
      return c.body(null, 204);
    });
};
