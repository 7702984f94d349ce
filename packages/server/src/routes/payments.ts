import { CreatePaymentBody, PaymentListQuery } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { createPurchase, getPayment, listPayments } from '../services/purchases.ts';

/** `/v1/payments`: one-time purchases and every charge attempt (failed ones included). */
export const paymentRoutes = (_app: AppContext) =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreatePaymentBody.strict());
      return c.json(await createPurchase(c.var.ctx, c.get('scope'), body), 201);
    })
    .get('/', async (c) => {
      const query = queryParams(c, PaymentListQuery.strict());
      return c.json(await listPayments(c.var.ctx, c.get('scope'), { limit: query.limit, cursor: query.cursor, customerId: query.customer_id }));
    })
    .get('/:payment_id', async (c) => c.json(await getPayment(c.var.ctx, c.get('scope'), c.req.param('payment_id'))));
