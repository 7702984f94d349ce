import { CreateMagicLinkBody, CreatePortalSessionBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { createMagicLink, inviteForCustomer, openPortalSession, revokePortalAccess } from '../services/portal-access.ts';

/**
 * `/v1/customers/{customer_id}/customer-portal/…`: the merchant lets a customer in — a session
 * (optionally emailed), a one-time magic link, or the invite (static login link + magic link) —
 * and lets them out again (`sessions/revoke`, on the merchant's logout).
 */
export const portalSessionRoutes = (_app: AppContext) =>
  new Hono<MerchantEnv>()
    .post('/:customer_id/customer-portal/session', async (c) => {
      const body = await jsonBody(c, CreatePortalSessionBody.strict(), { optional: true });
      return c.json(await openPortalSession(c.var.ctx, c.get('scope'), c.req.param('customer_id'), body), 201);
    })
    .post('/:customer_id/customer-portal/magic-link', async (c) => {
      const body = await jsonBody(c, CreateMagicLinkBody.strict(), { optional: true });
      return c.json(await createMagicLink(c.var.ctx, c.get('scope'), c.req.param('customer_id'), body), 201);
    })
    // The merchant's logout: no body; ends every session and unused magic link of the customer.
    .post('/:customer_id/customer-portal/sessions/revoke', async (c) =>
      c.json(await revokePortalAccess(c.var.ctx, c.get('scope'), c.req.param('customer_id'))),
    )
    .get('/:customer_id/customer-portal/invite', async (c) =>
      c.json(await inviteForCustomer(c.var.ctx, c.get('scope'), c.req.param('customer_id'))),
    );
