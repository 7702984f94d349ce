import { Hono } from 'hono';
import type { PortalEnv } from '../http/env.ts';
import { deactivatePortalInstance, listPortalInstances, listPortalLicenseKeys, revealPortalLicenseKey, type CustomerRef } from '../services/license-keys.ts';
import type { AuthenticatedSession } from '../services/sessions.ts';
import type { AppContext } from '../runtime.ts';

const customerOf = (session: AuthenticatedSession): CustomerRef => ({ scope: session.scope, customerId: session.customer_id });

/**
 * `/portal/v1/license-keys`: the session customer's keys (masked; one at a time revealed), their
 * activations, and freeing a seat. Another customer's key is `not_found`, never `forbidden`.
 */
export const portalLicenseKeyRoutes = (app: AppContext) =>
  new Hono<PortalEnv>()
    .get('/', async (c) => c.json(await listPortalLicenseKeys(app, customerOf(c.get('session')))))
    .get('/:license_key_id', async (c) => c.json(await revealPortalLicenseKey(app, customerOf(c.get('session')), c.req.param('license_key_id'))))
    .get('/:license_key_id/instances', async (c) => c.json(await listPortalInstances(app, customerOf(c.get('session')), c.req.param('license_key_id'))))
    .delete('/:license_key_id/instances/:instance_id', async (c) => {
      await deactivatePortalInstance(app, customerOf(c.get('session')), c.req.param('license_key_id'), c.req.param('instance_id'));
      return c.body(null, 204);
    });
