/**
 * The base portal API mock (session, invoices, PDFs) and the constants every other mock module
 * shares. Its own module so that those modules and the `handlers.ts` barrel that re-exports them
 * import it, rather than each other (an import circle).
 */
import { HttpResponse, type HttpHandler } from 'msw';
import { api } from './api.ts';
import type { ErrorBody, Invoice, InvoicePage, PortalSessionInfo } from '@dodo-portal/wire/schemas';

/** The `api-base` the stories and tests use; msw answers before anything leaves the browser. */
export const MOCK_API_BASE = 'https://portal.example.com';
/** A token the mock API accepts. Any token is accepted except the ones below. */
export const MOCK_SESSION_TOKEN = 'pst_test_valid';
/** Answered with 401 `session_expired`. */
export const EXPIRED_SESSION_TOKEN = 'pst_test_expired';

const DAY_MS = 86_400_000;
const FIRST_ISSUE = Date.UTC(2025, 0, 15);

/**
 * `count` invoices, newest first, with varied statuses and totals. Deterministic. Paid ones with a
 * sequence divisible by 7 were partly refunded ($10.00), by 11 refunded in full.
 */
export function makeInvoices(count: number, currency = 'USD'): Invoice[] {
  const statuses = ['paid', 'paid', 'open', 'paid', 'void'] as const;
  return Array.from({ length: count }, (_, index): Invoice => {
    const sequence = count - index;
    const subtotal = 98_765 + sequence * 1_111;
    const tax = Math.round(subtotal / 4);
    const issued = new Date(FIRST_ISSUE + sequence * 30 * DAY_MS).toISOString();
    const status = statuses[sequence % statuses.length] ?? 'paid';
    const paid = status === 'paid';
    const refunded = paid && sequence % 11 === 0 ? subtotal + tax : paid && sequence % 7 === 0 ? 1_000 : 0;
    return {
      invoice_id: `inv_${String(sequence).padStart(6, '0')}`,
      number: `INV-${String(sequence).padStart(6, '0')}`,
      status,
      currency,
      subtotal,
      tax,
      total: subtotal + tax,
      issued_at: issued,
      paid_at: status === 'paid' ? issued : null,
      customer_id: 'cus_ada',
      subscription_id: 'sub_pro',
      line_items: [{ description: 'Pro plan', quantity: 1, unit_amount: subtotal, amount: subtotal, tax_rate_bps: 2500 }],
      billing_address: { street: 'Drottninggatan 1', city: 'Stockholm', state: '', zipcode: '111 51', country: 'SE' },
      refunds: refunded ? [{ refund_id: `rfd_${String(sequence).padStart(6, '0')}`, amount: refunded, created_at: new Date(Date.parse(issued) + DAY_MS).toISOString(), reason: null }] : [],
      amount_refunded: refunded,
    };
  });
}

/** One invoice with a known total, to assert formatting: 123456 minor units = $1,234.56. */
export const sampleInvoice: Invoice = {
  invoice_id: 'inv_sample',
  number: 'INV-000042',
  status: 'paid',
  currency: 'USD',
  subtotal: 98_765,
  tax: 24_691,
  total: 123_456,
  issued_at: '2025-03-14T12:00:00.000Z',
  paid_at: '2025-03-14T12:00:00.000Z',
  customer_id: 'cus_ada',
  subscription_id: null,
  line_items: [{ description: 'Pro plan', quantity: 1, unit_amount: 98_765, amount: 98_765, tax_rate_bps: 2500 }],
  billing_address: null,
  refunds: [],
  amount_refunded: 0,
};

export const sessionInfo: PortalSessionInfo = {
  mode: 'test',
  expires_at: '2030-01-01T00:00:00.000Z',
  return_url: 'https://shop.example.com/account',
  business: {
    business_id: 'bus_acme',
    name: 'Acme Fjällräven AB',
    display_name: 'Acme',
    brand: { display_name: 'Acme', primary_color: null, logo_url: null },
  },
  customer: { customer_id: 'cus_ada', name: 'Ada Lovelace', email: 'ada@example.com', locale: 'en' },
  login_url: 'https://portal.example.com/test/login/bus_acme',
};

/** Where the 401s below send the customer for a new link (the business's static login page). */
export const MOCK_LOGIN_URL = sessionInfo.login_url;

/** The bytes of a minimal one-page PDF, enough for a browser to recognise the type. */
export const samplePdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

export const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

export const sessionExpiredResponse = () =>
  HttpResponse.json({ error: { code: 'session_expired', message: 'The portal session has expired.', login_url: MOCK_LOGIN_URL } } satisfies ErrorBody, { status: 401 });

/** `null` when the request may proceed, else the 401 the real server would send. */
function authFailure(request: Request): Response | null {
  const header = request.headers.get('authorization') ?? '';
  const token = /^Bearer (.+)$/.exec(header)?.[1];
  if (!token) return HttpResponse.json(errorBody('unauthorized', 'Missing session token.'), { status: 401 });
  if (token === EXPIRED_SESSION_TOKEN) return sessionExpiredResponse();
  return null;
}

export interface PortalApiOptions {
  invoices?: Invoice[];
  session?: PortalSessionInfo;
}

/**
 * A working portal API over `invoices`: paging by opaque cursor (`?limit=&cursor=`), session
 * info, PDFs, and 401s for missing or expired tokens.
 */
export function portalApi({ invoices = makeInvoices(23), session = sessionInfo }: PortalApiOptions = {}): HttpHandler[] {
  return [
    api.get('*/portal/v1/session', ({ request }) => authFailure(request) ?? HttpResponse.json(session)),
    api.get('*/portal/v1/invoices', ({ request }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const url = new URL(request.url);
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 20) || 20, 1), 100);
      const cursor = url.searchParams.get('cursor');
      const offset = cursor ? Number(/^cur_(\d+)$/.exec(cursor)?.[1] ?? Number.NaN) : 0;
      if (!Number.isInteger(offset)) {
        return HttpResponse.json(errorBody('invalid_request', 'Unknown cursor.'), { status: 400 });
      }
      const items = invoices.slice(offset, offset + limit);
      const nextOffset = offset + limit;
      const body: InvoicePage = { items, next_cursor: nextOffset < invoices.length ? `cur_${nextOffset}` : null };
      return HttpResponse.json(body);
    }),
    api.get('*/portal/v1/invoices/:invoice_id/pdf', ({ request, params }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      if (!invoices.some((invoice) => invoice.invoice_id === params.invoice_id)) {
        return HttpResponse.json(errorBody('not_found', 'No such invoice.'), { status: 404 });
      }
      return new HttpResponse(samplePdf, { headers: { 'content-type': 'application/pdf' } });
    }),
  ];
}
