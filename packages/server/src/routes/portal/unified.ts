import { portalRoutes as P } from '@dodo-portal/wire/routes';
import { unifiedAuth, type UnifiedEnv } from '../../http/auth.ts';
import { clientIp } from '../../http/client-ip.ts';
import { notFoundHandler } from '../../http/errors.ts';
import { RateRules } from '../../http/rate-limit.ts';
import { emailNotConfigured } from '../../services/portal-access.ts';
import { endUnifiedSession, exchangeUnifiedLink, listUnifiedBusinesses, openBusinessSession, requestUnifiedLoginLink } from '../../services/unified.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import { ACCEPTED, limitAttempts } from './sign-in.ts';
import type { AppContext } from '../../runtime.ts';

/**
 * `/portal/v1/unified`: sign in once by email (per mode), list every business where that email is
 * a customer, and open a business-scoped session at any of them. Login and exchange need no
 * token and share the rate limits of `/portal/v1/login` and the magic-link exchange; the rest
 * takes the unified token (the routes' own middleware).
 */
export const unifiedRoutes = (app: AppContext) => {
  const limit = limitAttempts(app);

  const auth = unifiedAuth(app);
  return (
    contractRoutes<UnifiedEnv>('/portal/v1/unified')
      .on(P.unifiedLogin, async (c) => {
        const body = await bodyOf(c, P.unifiedLogin);
        await limit(RateRules.loginPerIp, clientIp(c, app.trustProxy));
        await limit(RateRules.loginPerEmail, body.email.toLowerCase());
        // Depends on the mode and the server only, never on the email.
        if (app.mailerFor(body.mode).disabled) throw emailNotConfigured();
        // Queue the request and answer, exactly like /portal/v1/login.
        await requestUnifiedLoginLink(app, body);
        return c.json(ACCEPTED, 202);
      })
      .on(P.exchangeUnifiedMagicLink, async (c) => {
        await limit(RateRules.exchangePerIp, clientIp(c, app.trustProxy));
        const body = await bodyOf(c, P.exchangeUnifiedMagicLink);
        return c.json(await exchangeUnifiedLink(app, body.code), 201);
      })
      .on(P.listUnifiedBusinesses, auth, async (c) => c.json(await listUnifiedBusinesses(app, c.get('unified'))))
      .on(P.openUnifiedBusinessSession, auth, async (c) => c.json(await openBusinessSession(app, c.get('unified'), c.req.param('business_id')), 201))
      .on(P.endUnifiedSession, auth, async (c) => {
        await endUnifiedSession(app, c.get('unified'));
        return c.body(null, 204);
      })
      // The portal's session check never applies here: an unknown unified path is 404.
      .app.all('*', notFoundHandler)
  );
};
