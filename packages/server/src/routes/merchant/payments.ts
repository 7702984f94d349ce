import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { createPurchase, getPayment, listPayments } from '../../services/payments.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/payments`: one-time purchases and every charge attempt (failed ones included). */
export const paymentRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/payments')
    .on(M.createPayment, async (c) => c.json(await createPurchase(c.var.ctx, c.get('scope'), await bodyOf(c, M.createPayment)), 201))
    .on(M.listPayments, async (c) => {
      const query = queryOf(c, M.listPayments);
      return c.json(await listPayments(c.var.ctx, c.get('scope'), { limit: query.limit, cursor: query.cursor, customerId: query.customer_id }));
    })
    .on(M.getPayment, async (c) => c.json(await getPayment(c.var.ctx, c.get('scope'), c.req.param('payment_id')))).app;
