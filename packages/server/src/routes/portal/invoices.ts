import { portalRoutes as P } from '@dodo-portal/wire/routes';
import { localizeInvoice } from '../../domain/line-descriptions.ts';
import type { PortalEnv } from '../../http/env.ts';
import { readerLocale } from '../../http/reader-locale.ts';
import { invoicePdf, matchesEtag, RenderSkipped } from '../../pdf/rendered-pdfs.ts';
import { payPortalInvoice } from '../../services/invoice-payments.ts';
import { getInvoice, listInvoices } from '../../services/invoices.ts';
import { withScopeClock } from '../../services/scope-clock.ts';
import { bodyOf, contractRoutes, queryOf } from '../contract-routes.ts';
import type { AppContext } from '../../runtime.ts';

/**
 * `/portal/v1/invoices`: the session customer's invoices, their PDFs and paying an open one.
 * Another customer's invoice is `not_found`, never `forbidden`.
 */
export const invoiceRoutes = (app: AppContext) =>
  contractRoutes<PortalEnv>('/portal/v1/invoices')
    .on(P.listPortalInvoices, async (c) => {
      const session = c.get('session');
      const query = queryOf(c, P.listPortalInvoices);
      const page = await listInvoices(app, session.scope, { ...query, customerId: session.customer_id });
      const locale = readerLocale(c);
      return c.json({ ...page, items: page.items.map((invoice) => localizeInvoice(invoice, locale)) });
    })
    .on(P.getPortalInvoice, async (c) => {
      const session = c.get('session');
      return c.json(localizeInvoice(await getInvoice(app, session.scope, c.req.param('invoice_id'), { customerId: session.customer_id }), readerLocale(c)));
    })
    .on(P.payPortalInvoice, async (c) => {
      const session = c.get('session');
      // Test mode: the payment and the paid date are on the business's test clock.
      const ctx = await withScopeClock(app, session.scope);
      // Someone else's invoice is 404 whatever the body says.
      await getInvoice(app, session.scope, c.req.param('invoice_id'), { customerId: session.customer_id });
      const body = await bodyOf(c, P.payPortalInvoice);
      return c.json(await payPortalInvoice(ctx, session.scope, session.customer_id, c.req.param('invoice_id'), body));
    })
    .on(P.getPortalInvoicePdf, async (c) => {
      const session = c.get('session');
      const invoice = await getInvoice(app, session.scope, c.req.param('invoice_id'), { customerId: session.customer_id });
      let pdf;
      try {
        pdf = await invoicePdf(
          {
            invoice,
            business: { name: session.business.name, brand: session.business.brand },
            customer: { ...session.customer, locale: readerLocale(c) },
          },
          // Aborted by @hono/node-server when the client closes the connection before the answer.
          c.req.raw.signal,
        );
      } catch (error) {
        if (!(error instanceof RenderSkipped)) throw error;
        // Under load the renders queue; a client that gave up (a timeout, a closed tab) costs none.
        app.logger.info('invoice PDF not rendered: the client closed the connection', { request_id: c.get('requestId'), invoice_id: invoice.invoice_id });
        // Nobody reads it (the connection is closed): 499 as nginx logs a client that closed first.
        return new Response(null, { status: 499 });
      }
      // No-store like every portal answer (a PDF of someone's billing); the ETag lets a client
      // that keeps its own copy (a merchant's backend) ask again without downloading it.
      const caching = { etag: pdf.etag, 'cache-control': 'private, no-store' };
      if (matchesEtag(c.req.header('if-none-match'), pdf.etag)) return c.body(null, 304, caching);
      return c.body(pdf.bytes, 200, {
        'content-type': 'application/pdf',
        // Invoice numbers are `INV-` and digits: safe inside the quoted filename as they are.
        'content-disposition': `attachment; filename="${invoice.number}.pdf"`,
        ...caching,
      });
    }).app;
