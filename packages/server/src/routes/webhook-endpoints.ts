import { CreateWebhookEndpointBody, ListQuery } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { createWebhookEndpoint, listWebhookDeliveries, listWebhookEndpoints } from '../services/webhooks.ts';

/** `/v1/webhook-endpoints`: where events are posted, and every delivery attempt. */
export const webhookEndpointRoutes = () =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreateWebhookEndpointBody.strict());
      return c.json(await createWebhookEndpoint(c.var.ctx, c.get('scope'), body), 201);
    })
    .get('/', async (c) => c.json(await listWebhookEndpoints(c.var.ctx, c.get('scope'), queryParams(c, ListQuery.strict()))))
    .get('/:webhook_endpoint_id/deliveries', async (c) =>
      c.json(await listWebhookDeliveries(c.var.ctx, c.get('scope'), c.req.param('webhook_endpoint_id'), queryParams(c, ListQuery.strict()))),
    );
