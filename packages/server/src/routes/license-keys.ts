import { LicenseKeyListQuery, UpdateLicenseKeyBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { getLicenseKey, listLicenseKeys, patchLicenseKey } from '../services/license-keys.ts';

/** `/v1/license-keys`: the merchant's keys (masked in lists; a single-key read reveals `key`). */
export const licenseKeyRoutes = () =>
  new Hono<MerchantEnv>()
    .get('/', async (c) => {
      const query = queryParams(c, LicenseKeyListQuery.strict());
      return c.json(await listLicenseKeys(c.var.ctx, c.get('scope'), { limit: query.limit, cursor: query.cursor, customerId: query.customer_id }));
    })
    .get('/:license_key_id', async (c) => c.json(await getLicenseKey(c.var.ctx, c.get('scope'), c.req.param('license_key_id'))))
    .patch('/:license_key_id', async (c) => {
      const body = await jsonBody(c, UpdateLicenseKeyBody);
      return c.json(await patchLicenseKey(c.var.ctx, c.get('scope'), c.req.param('license_key_id'), body));
    });
