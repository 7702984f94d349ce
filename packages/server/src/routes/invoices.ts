import { CreateInvoiceBody, InvoiceListQuery } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { AppContext, MerchantEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { getInvoice, issueInvoice, listInvoices } from '../services/invoices.ts';

/** `/v1/invoices`: one-off invoices issued by the merchant. */
export const invoiceRoutes = (_app: AppContext) =>
  new Hono<MerchantEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, CreateInvoiceBody.strict());
      return c.json(await issueInvoice(c.var.ctx, c.get('scope'), body), 201);
    })
    .get('/', async (c) => {
      const query = queryParams(c, InvoiceListQuery.strict());
      return c.json(await listInvoices(c.var.ctx, c.get('scope'), { limit: query.limit, cursor: query.cursor, customerId: query.customer_id }));
    })
    .get('/:invoice_id', async (c) => c.json(await getInvoice(c.var.ctx, c.get('scope'), c.req.param('invoice_id'))));
