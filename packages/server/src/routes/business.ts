import { UpdateBusinessBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { MerchantEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import { getBusinessSettings, patchBusinessSettings } from '../services/business-settings.ts';
import type { AppContext } from '../runtime.ts';

/** `/v1/business`: the calling key's business settings. */
export const businessRoutes = (app: AppContext) =>
  new Hono<MerchantEnv>()
    .get('/', async (c) => c.json(await getBusinessSettings(c.var.ctx, c.get('scope'), app.publicUrl)))
    .patch('/', async (c) => {
      const body = await jsonBody(c, UpdateBusinessBody.strict());
      return c.json(await patchBusinessSettings(c.var.ctx, c.get('scope'), body, app.publicUrl));
    });
