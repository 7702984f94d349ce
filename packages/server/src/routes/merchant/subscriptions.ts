import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { createSubscription, getSubscription, listSubscriptions, patchSubscription } from '../../services/subscriptions.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/subscriptions`: recurring plans, charged up front for each period. */
export const subscriptionRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/subscriptions')
    .on(M.createSubscription, async (c) => c.json(await createSubscription(c.var.ctx, c.get('scope'), await bodyOf(c, M.createSubscription)), 201))
    .on(M.listSubscriptions, async (c) => c.json(await listSubscriptions(c.var.ctx, c.get('scope'), queryOf(c, M.listSubscriptions))))
    .on(M.getSubscription, async (c) => c.json(await getSubscription(c.var.ctx, c.get('scope'), c.req.param('subscription_id'))))
    .on(M.updateSubscription, async (c) => c.json(await patchSubscription(c.var.ctx, c.get('scope'), c.req.param('subscription_id'), await bodyOf(c, M.updateSubscription)))).app;
