import { portalRoutes as P } from '@dodo-portal/wire/routes';
import type { PortalEnv } from '../../http/env.ts';
import { endSession, sessionInfo } from '../../services/sessions.ts';
import { contractRoutes } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/** `/portal/v1/session`: who the session belongs to, and signing out. */
export const sessionRoutes = (app: AppContext) =>
  contractRoutes<PortalEnv>('/portal/v1/session')
    .on(P.getPortalSession, (c) => c.json(sessionInfo(c.get('session'), app.publicUrl)))
    .on(P.endPortalSession, async (c) => {
      await endSession(app, c.get('session'));
      return c.body(null, 204);
    }).app;
