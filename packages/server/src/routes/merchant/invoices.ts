import { merchantRoutes as M } from '@dodo-portal/wire/routes';
import type { MerchantEnv } from '../../http/env.ts';
import { getInvoice, issueInvoice, listInvoices } from '../../services/invoices.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';

/** `/v1/invoices`: one-off invoices issued by the merchant. */
export const invoiceRoutes = () =>
  contractRoutes<MerchantEnv>('/v1/invoices')
    .on(M.createInvoice, async (c) => c.json(await issueInvoice(c.var.ctx, c.get('scope'), await bodyOf(c, M.createInvoice)), 201))
    .on(M.listInvoices, async (c) => {
      const query = queryOf(c, M.listInvoices);
      return c.json(await listInvoices(c.var.ctx, c.get('scope'), { limit: query.limit, cursor: query.cursor, customerId: query.customer_id }));
    })
    .on(M.getInvoice, async (c) => c.json(await getInvoice(c.var.ctx, c.get('scope'), c.req.param('invoice_id')))).app;
