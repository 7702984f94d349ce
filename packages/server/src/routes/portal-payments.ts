import { ListQuery } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, PortalEnv } from '../http/env.ts';
import { queryParams } from '../http/validate.ts';
import { getPayment, listPayments } from '../services/payments.ts';

/** `/portal/v1/payments`: the session customer's transactions, failed ones included; anyone else's are not_found. */
export const portalPaymentRoutes = (app: AppContext) =>
  new Hono<PortalEnv>()
    .get('/', async (c) => {
      const session = c.get('session');
      const query = queryParams(c, ListQuery.strict());
      return c.json(await listPayments(app, session.scope, { ...query, customerId: session.customer_id }));
    })
    .get('/:payment_id', async (c) => {
      const session = c.get('session');
      return c.json(await getPayment(app, session.scope, c.req.param('payment_id'), { customerId: session.customer_id }));
    });
