import { ExchangeMagicLinkBody, LoginBody, type LoginAccepted } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import { rateLimited } from '../domain/errors.ts';
import { clientIp } from '../http/client-ip.ts';
import type { PortalEnv } from '../http/env.ts';
import { RateRules } from '../http/rate-limit.ts';
import { jsonBody } from '../http/validate.ts';
import { emailNotConfigured, exchangeMagicLink, requestLoginLink } from '../services/portal-access.ts';
import type { AppContext, RateRule } from '../runtime.ts';

/** The portal API paths that need no session token (see app.ts). */
export const PUBLIC_PORTAL_PATHS = ['/portal/v1/login', '/portal/v1/magic-link/exchange'];

const ACCEPTED: LoginAccepted = { accepted: true };

/**
 * `/portal/v1/login` and `/portal/v1/magic-link/exchange`: the two calls a browser makes without
 * a session. Both are rate limited (http/rate-limit.ts).
 */
export const portalAccessRoutes = (app: AppContext) => {
  const limit = (rule: RateRule, key: string) => {
    const decision = app.rateLimiter.hit(rule, key);
    if (!decision.allowed) {
      throw rateLimited(`Too many attempts. Try again in ${decision.retryAfterSeconds} seconds.`, decision.retryAfterSeconds);
    }
  };

  return new Hono<PortalEnv>()
    .post('/login', async (c) => {
      const body = await jsonBody(c, LoginBody.strict());
      // CORS on the answer follows the named business's allowed origins (like a session's).
      c.set('sessionBusinessId', body.business_id);
      limit(RateRules.loginPerIp, clientIp(c, app.trustProxy));
      limit(RateRules.loginPerEmail, body.email.toLowerCase());
      // Same for every email: without SMTP no live-mode link can be sent, so say so to everyone
      // (test mode then writes to the outbox instead).
      if (app.mailerFor(body.mode).disabled) throw emailNotConfigured();
      // Queue the request and answer: the lookup, the link and the email are the mail queue's
      // work, later and off this request, so neither this answer nor the next request's timing
      // tells known from unknown emails.
      await requestLoginLink(app, body);
      return c.json(ACCEPTED, 202);
    })
    .post('/magic-link/exchange', async (c) => {
      limit(RateRules.exchangePerIp, clientIp(c, app.trustProxy));
      const body = await jsonBody(c, ExchangeMagicLinkBody.strict());
      return c.json(await exchangeMagicLink(app, body.code), 201);
    });
};
