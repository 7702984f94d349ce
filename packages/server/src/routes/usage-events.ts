import { CreateUsageEventBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { MerchantEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { recordUsageEvent } from '../services/usage.ts';

/** `/v1/usage-events`: 201 for a new event, 200 with the stored one when its event_id was sent before. */
export const usageEventRoutes = () =>
  new Hono<MerchantEnv>().post('/', async (c) => {
    const body = await jsonBody(c, CreateUsageEventBody.strict());
    const { event, created } = await recordUsageEvent(c.var.ctx, c.get('scope'), body);
    return c.json(event, created ? 201 : 200);
  });
