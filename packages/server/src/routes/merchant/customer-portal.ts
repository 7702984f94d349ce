import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { createMagicLink, inviteForCustomer, openPortalSession, revokePortalAccess } from '../../services/portal-access.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';

/**
 * `/v1/customers/{customer_id}/customer-portal/…`: the merchant lets a customer in — a session
 * (optionally emailed), a one-time magic link, or the invite (static login link + magic link) —
 * and lets them out again (`sessions/revoke`, on the merchant's logout).
 */
export const customerPortalRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/customers')
    .on(M.createPortalSession, async (c) => c.json(await openPortalSession(c.var.ctx, c.get('scope'), c.req.param('customer_id'), await bodyOf(c, M.createPortalSession)), 201))
    .on(M.createMagicLink, async (c) => c.json(await createMagicLink(c.var.ctx, c.get('scope'), c.req.param('customer_id'), await bodyOf(c, M.createMagicLink)), 201))
    // The merchant's logout: no body; ends every session and unused magic link of the customer.
    .on(M.revokePortalAccess, async (c) => c.json(await revokePortalAccess(c.var.ctx, c.get('scope'), c.req.param('customer_id'))))
    .on(M.getPortalInvite, async (c) => c.json(await inviteForCustomer(c.var.ctx, c.get('scope'), c.req.param('customer_id')))).app;
