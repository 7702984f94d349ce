import { CreateSubscriptionBody, SubscriptionListQuery, UpdateSubscriptionBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { createSubscription, getSubscription, listSubscriptions, patchSubscription } from '../services/subscriptions.ts';

/** `/v1/subscriptions`: recurring plans, charged up front for each period. */
export const subscriptionRoutes = (_app: AppContext) =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreateSubscriptionBody.strict());
      return c.json(await createSubscription(c.var.ctx, c.get('scope'), body), 201);
    })
    .get('/', async (c) => c.json(await listSubscriptions(c.var.ctx, c.get('scope'), queryParams(c, SubscriptionListQuery.strict()))))
    .get('/:subscription_id', async (c) => c.json(await getSubscription(c.var.ctx, c.get('scope'), c.req.param('subscription_id'))))
    .patch('/:subscription_id', async (c) => {
      const body = await jsonBody(c, UpdateSubscriptionBody.strict());
      return c.json(await patchSubscription(c.var.ctx, c.get('scope'), c.req.param('subscription_id'), body));
    });
