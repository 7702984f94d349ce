import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { recordUsageEvent } from '../../services/usage.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';

/** `/v1/usage-events`: 201 for a new event, 200 with the stored one when its event_id was sent before. */
export const usageEventRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/usage-events').on(M.createUsageEvent, async (c) => {
    const { event, created } = await recordUsageEvent(c.var.ctx, c.get('scope'), await bodyOf(c, M.createUsageEvent));
    return c.json(event, created ? 201 : 200);
  }).app;
