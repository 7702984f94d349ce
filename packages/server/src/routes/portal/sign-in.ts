import { portalRoutes as P } from '@dodo-portal/wire/routes';
import type { LoginAccepted } from '@dodo-portal/wire/schemas';
import { rateLimited } from '../../domain/errors.ts';
import { clientIp } from '../../http/client-ip.ts';
import type { PortalEnv } from '../../http/env.ts';
import { RateRules } from '../../http/rate-limit.ts';
import { emailNotConfigured, exchangeMagicLink, requestLoginLink } from '../../services/portal-access.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import type { AppContext, RateRule } from '../../runtime.ts';

/** The one answer to a sign-in request, whether or not the email is known. */
export const ACCEPTED: LoginAccepted = { accepted: true };

/** Counts one sign-in attempt against `rule` for `key`; over the limit: 429 with Retry-After. */
export const limitAttempts = (app: AppContext) => async (rule: RateRule, key: string) => {
  const decision = await app.rateLimiter.hit(rule, key);
  if (!decision.allowed) throw rateLimited(`Too many attempts. Try again in ${decision.retryAfterSeconds} seconds.`, decision.retryAfterSeconds);
};

/**
 * `/portal/v1/login` and `/portal/v1/magic-link/exchange`: the two calls a browser makes without
 * a session. Both are rate limited (http/rate-limit.ts).
 */
export const signInRoutes = (app: AppContext) => {
  const limit = limitAttempts(app);

  return contractRoutes<PortalEnv>('/portal/v1')
    .on(P.portalLogin, async (c) => {
      const body = await bodyOf(c, P.portalLogin);
      // CORS on the answer follows the named business's allowed origins (like a session's).
      c.set('sessionBusinessId', body.business_id);
      await limit(RateRules.loginPerIp, clientIp(c, app.trustProxy));
      await limit(RateRules.loginPerEmail, body.email.toLowerCase());
      // Same for every email: without SMTP no live-mode link can be sent, so say so to everyone
      // (test mode then writes to the outbox instead).
      if (app.mailerFor(body.mode).disabled) throw emailNotConfigured();
      // Queue the request and answer: the lookup, the link and the email are the mail queue's
      // work, later and off this request, so neither this answer nor the next request's timing
      // tells known from unknown emails.
      await requestLoginLink(app, body);
      return c.json(ACCEPTED, 202);
    })
    .on(P.exchangeMagicLink, async (c) => {
      await limit(RateRules.exchangePerIp, clientIp(c, app.trustProxy));
      const body = await bodyOf(c, P.exchangeMagicLink);
      return c.json(await exchangeMagicLink(app, body.code), 201);
    }).app;
};
