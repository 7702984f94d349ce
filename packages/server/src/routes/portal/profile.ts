import { portalRoutes as P } from '@dodo-portal/wire/routes';
import type { PortalEnv } from '../../http/env.ts';
import { getProfile, updateProfile } from '../../services/profile.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/** `/portal/v1/profile`: the session customer's name, contact details, billing address and credit. */
export const profileRoutes = (app: AppContext) =>
  contractRoutes<PortalEnv>('/portal/v1/profile')
    .on(P.getProfile, async (c) => {
      const session = c.get('session');
      return c.json(await getProfile(app, session.scope, session.customer_id));
    })
    .on(P.updateProfile, async (c) => {
      const session = c.get('session');
      return c.json(await updateProfile(app, session.scope, session.customer_id, await bodyOf(c, P.updateProfile)));
    }).app;
