import { portalRoutes as P } from '@dodo-portal/wire/routes';
import type { PortalEnv } from '../../http/env.ts';
import { getPayment, listPayments } from '../../services/payments.ts';
import { contractRoutes, queryOf } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/** `/portal/v1/payments`: the session customer's transactions, failed ones included; anyone else's are not_found. */
export const paymentRoutes = (app: AppContext) =>
  contractRoutes<PortalEnv>('/portal/v1/payments')
    .on(P.listPortalPayments, async (c) => {
      const session = c.get('session');
      return c.json(await listPayments(app, session.scope, { ...queryOf(c, P.listPortalPayments), customerId: session.customer_id }));
    })
    .on(P.getPortalPayment, async (c) => {
      const session = c.get('session');
      return c.json(await getPayment(app, session.scope, c.req.param('payment_id'), { customerId: session.customer_id }));
    }).app;
