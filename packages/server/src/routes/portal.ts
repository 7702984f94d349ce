import { ListQuery, PayInvoiceBody } from '@dodo-portal/wire/schemas';
import { Hono } from 'hono';
import type { PortalEnv } from '../http/env.ts';
import { localizeInvoice } from '../domain/line-descriptions.ts';
import { readerLocale } from '../http/reader-locale.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { renderInvoicePdf } from '../pdf/invoice-pdf.ts';
import { payPortalInvoice } from '../services/invoice-payments.ts';
import { getInvoice, listInvoices } from '../services/invoices.ts';
import { endSession, sessionInfo } from '../services/sessions.ts';
import { withScopeClock } from '../services/scope-clock.ts';
import type { AppContext } from '../runtime.ts';

/**
 * `/portal/v1`: what a customer's browser may do with a session token. Everything is scoped to
 * the session's customer; another customer's invoice is `not_found`, never `forbidden`.
 */
export const portalRoutes = (app: AppContext) =>
  new Hono<PortalEnv>()
    .get('/session', (c) => c.json(sessionInfo(c.get('session'), app.publicUrl)))
    .delete('/session', async (c) => {
      await endSession(app, c.get('session'));
      return c.body(null, 204);
    })
    .get('/invoices', async (c) => {
      const session = c.get('session');
      const query = queryParams(c, ListQuery.strict());
      const page = await listInvoices(app, session.scope, { ...query, customerId: session.customer_id });
      const locale = readerLocale(c);
      return c.json({ ...page, items: page.items.map((invoice) => localizeInvoice(invoice, locale)) });
    })
    .get('/invoices/:invoice_id', async (c) => {
      const session = c.get('session');
      return c.json(localizeInvoice(await getInvoice(app, session.scope, c.req.param('invoice_id'), { customerId: session.customer_id }), readerLocale(c)));
    })
    .post('/invoices/:invoice_id/pay', async (c) => {
      const session = c.get('session');
      // Test mode: the payment and the paid date are on the business's test clock.
      const ctx = await withScopeClock(app, session.scope);
      // Someone else's invoice is 404 whatever the body says.
      await getInvoice(app, session.scope, c.req.param('invoice_id'), { customerId: session.customer_id });
      const body = await jsonBody(c, PayInvoiceBody);
      return c.json(await payPortalInvoice(ctx, session.scope, session.customer_id, c.req.param('invoice_id'), body));
    })
    .get('/invoices/:invoice_id/pdf', async (c) => {
      const session = c.get('session');
      const invoice = await getInvoice(app, session.scope, c.req.param('invoice_id'), { customerId: session.customer_id });
      const pdf = await renderInvoicePdf({
        invoice,
        business: { name: session.business.name, brand: session.business.brand },
        customer: { ...session.customer, locale: readerLocale(c) },
      });
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        // Invoice numbers are `INV-` and digits: safe inside the quoted filename as they are.
        'content-disposition': `attachment; filename="${invoice.number}.pdf"`,
        'cache-control': 'private, no-store',
      });
    });
