import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { createWebhookEndpoint, listWebhookDeliveries, listWebhookEndpoints } from '../../services/webhooks.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/webhook-endpoints`: where events are posted, and every delivery attempt. */
export const webhookEndpointRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/webhook-endpoints')
    .on(M.createWebhookEndpoint, async (c) => c.json(await createWebhookEndpoint(c.var.ctx, c.get('scope'), await bodyOf(c, M.createWebhookEndpoint)), 201))
    .on(M.listWebhookEndpoints, async (c) => c.json(await listWebhookEndpoints(c.var.ctx, c.get('scope'), queryOf(c, M.listWebhookEndpoints))))
    .on(M.listWebhookDeliveries, async (c) => c.json(await listWebhookDeliveries(c.var.ctx, c.get('scope'), c.req.param('webhook_endpoint_id'), queryOf(c, M.listWebhookDeliveries)))).app;
