import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { getLicenseKey, listLicenseKeys, patchLicenseKey } from '../../services/license-keys.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/license-keys`: the merchant's keys (masked in lists; a single-key read reveals `key`). */
export const licenseKeyRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/license-keys')
    .on(M.listLicenseKeys, async (c) => {
      const query = queryOf(c, M.listLicenseKeys);
      return c.json(await listLicenseKeys(c.var.ctx, c.get('scope'), { limit: query.limit, cursor: query.cursor, customerId: query.customer_id }));
    })
    .on(M.getLicenseKey, async (c) => c.json(await getLicenseKey(c.var.ctx, c.get('scope'), c.req.param('license_key_id'))))
    .on(M.updateLicenseKey, async (c) => c.json(await patchLicenseKey(c.var.ctx, c.get('scope'), c.req.param('license_key_id'), await bodyOf(c, M.updateLicenseKey)))).app;
