import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { getBusinessSettings, patchBusinessSettings } from '../../services/business-settings.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/** `/v1/business`: the calling key's business settings. */
export const businessRoutes = (app: AppContext) =>
  contractRoutes<MerchantEnv>('/v1/business')
    .on(M.getBusiness, async (c) => c.json(await getBusinessSettings(c.var.ctx, c.get('scope'), app.publicUrl)))
    .on(M.updateBusiness, async (c) => c.json(await patchBusinessSettings(c.var.ctx, c.get('scope'), await bodyOf(c, M.updateBusiness), app.publicUrl))).app;
