import { CreatePortalSessionBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { createPortalSession } from '../services/sessions.ts';

/** `/v1/customers/{customer_id}/customer-portal/session`: the merchant opens a portal session. */
export const portalSessionRoutes = (app: AppContext) =>
  new Hono<MerchantEnv>().post('/:customer_id/customer-portal/session', async (c) => {
    const body = await jsonBody(c, CreatePortalSessionBody.strict(), { optional: true });
    const session = await createPortalSession(app, c.get('scope'), c.req.param('customer_id'), body, app.publicUrl);
    return c.json(session, 201);
  });
