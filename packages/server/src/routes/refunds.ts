import { CreateRefundBody, RefundListQuery } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { createRefund, getRefund, listRefunds } from '../services/refunds.ts';

/** `/v1/refunds`: full or partial refunds of a payment, never above its amount in total. */
export const refundRoutes = () =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreateRefundBody.strict());
      return c.json(await createRefund(c.var.ctx, c.get('scope'), body), 201);
    })
    .get('/', async (c) => {
      const query = queryParams(c, RefundListQuery.strict());
      return c.json(await listRefunds(c.var.ctx, c.get('scope'), { limit: query.limit, cursor: query.cursor, paymentId: query.payment_id }));
    })
    .get('/:refund_id', async (c) => c.json(await getRefund(c.var.ctx, c.get('scope'), c.req.param('refund_id'))));
