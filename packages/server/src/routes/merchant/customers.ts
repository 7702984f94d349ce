import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { createCustomer, getCustomer, listCustomers, patchCustomer } from '../../services/customers.ts';
import { attachPaymentMethod } from '../../services/payment-methods.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/customers`: the merchant's customers, per business and mode. */
export const customerRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/customers')
    .on(M.createCustomer, async (c) => c.json(await createCustomer(c.var.ctx, c.get('scope'), await bodyOf(c, M.createCustomer)), 201))
    .on(M.listCustomers, async (c) => c.json(await listCustomers(c.var.ctx, c.get('scope'), queryOf(c, M.listCustomers))))
    .on(M.getCustomer, async (c) => c.json(await getCustomer(c.var.ctx, c.get('scope'), c.req.param('customer_id'))))
    .on(M.updateCustomer, async (c) => c.json(await patchCustomer(c.var.ctx, c.get('scope'), c.req.param('customer_id'), await bodyOf(c, M.updateCustomer))))
    .on(M.attachPaymentMethod, async (c) => {
      const body = await bodyOf(c, M.attachPaymentMethod);
      const { method, created } = await attachPaymentMethod(c.var.ctx, c.get('scope'), c.req.param('customer_id'), body.card_token);
      return c.json(method, created ? 201 : 200);
    }).app;
