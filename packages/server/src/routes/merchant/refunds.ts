import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { createRefund, getRefund, listRefunds } from '../../services/refunds.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/refunds`: full or partial refunds of a payment, never above its amount in total. */
export const refundRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/refunds')
    .on(M.createRefund, async (c) => c.json(await createRefund(c.var.ctx, c.get('scope'), await bodyOf(c, M.createRefund)), 201))
    .on(M.listRefunds, async (c) => {
      const query = queryOf(c, M.listRefunds);
      return c.json(await listRefunds(c.var.ctx, c.get('scope'), { limit: query.limit, cursor: query.cursor, paymentId: query.payment_id }));
    })
    .on(M.getRefund, async (c) => c.json(await getRefund(c.var.ctx, c.get('scope'), c.req.param('refund_id')))).app;
