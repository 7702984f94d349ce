import { portalRoutes as P } from '@dodo-portal/wire/routes';
import type { PortalEnv } from '../../http/env.ts';
import { deactivatePortalInstance, listPortalInstances, listPortalLicenseKeys, revealPortalLicenseKey, type CustomerRef } from '../../services/license-keys.ts';
import type { AuthenticatedSession } from '../../services/sessions.ts';
import { contractRoutes } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

const customerOf = (session: AuthenticatedSession): CustomerRef => ({ scope: session.scope, customerId: session.customer_id });

/**
 * `/portal/v1/license-keys`: the session customer's keys (masked; one at a time revealed), their
 * activations, and freeing a seat. Another customer's key is `not_found`, never `forbidden`.
 */
export const licenseKeyRoutes = (app: AppContext) =>
  contractRoutes<PortalEnv>('/portal/v1/license-keys')
    .on(P.listPortalLicenseKeys, async (c) => c.json(await listPortalLicenseKeys(app, customerOf(c.get('session')))))
    .on(P.revealPortalLicenseKey, async (c) => c.json(await revealPortalLicenseKey(app, customerOf(c.get('session')), c.req.param('license_key_id'))))
    .on(P.listPortalLicenseKeyInstances, async (c) => c.json(await listPortalInstances(app, customerOf(c.get('session')), c.req.param('license_key_id'))))
    .on(P.deactivatePortalLicenseKeyInstance, async (c) => {
      await deactivatePortalInstance(app, customerOf(c.get('session')), c.req.param('license_key_id'), c.req.param('instance_id'));
      return c.body(null, 204);
    }).app;
