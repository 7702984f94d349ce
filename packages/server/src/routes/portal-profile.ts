import { UpdateProfileBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { PortalEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { getProfile, updateProfile } from '../services/profile.ts';
import type { AppContext } from '../runtime.ts';

/** `/portal/v1/profile`: the session customer's name, contact details, billing address and credit. */
export const portalProfileRoutes = (app: AppContext) =>
  new Hono<PortalEnv>()
    .get('/', async (c) => {
      const session = c.get('session');
      return c.json(await getProfile(app, session.scope, session.customer_id));
    })
    .patch('/', async (c) => {
      const session = c.get('session');
      const body = await jsonBody(c, UpdateProfileBody);
      return c.json(await updateProfile(app, session.scope, session.customer_id, body));
    });
