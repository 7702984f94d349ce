/**
 * msw handlers for the customer's transactions (issue 3), typed from the wire contract:
 * `GET /portal/v1/payments` paged by cursor, one payment, and the invoice (number and PDF) a
 * payment paid — for the component tests and Storybook.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { api } from './api.ts';
import type { CardBrand, ErrorBody, Invoice, Payment, PaymentPage, PaymentStatus, Refund } from '@dodo-portal/wire/schemas';
import { EXPIRED_SESSION_TOKEN, MOCK_LOGIN_URL, makeInvoices, portalApi, sampleInvoice } from './portal-api.ts';

const DAY_MS = 86_400_000;
const FIRST_CHARGE = Date.UTC(2025, 0, 15);

interface PaymentFields {
  status: PaymentStatus;
  amount: number;
  refunded?: number;
  currency?: string;
  invoiceId: string | null;
  card: [CardBrand, string] | null;
  declineCode?: string;
  at: string;
}

/** A payment as the server lists it; a refund, when there is one, a day after the charge. */
function payment(id: string, { status, amount, refunded = 0, currency = 'USD', invoiceId, card, declineCode, at }: PaymentFields): Payment {
  const refunds: Refund[] = refunded
    ? [
        {
          refund_id: `rfd_${id.slice(4)}`,
          payment_id: id,
          invoice_id: invoiceId,
          amount: refunded,
          currency,
          reason: 'requested_by_customer',
          status: 'succeeded',
          created_at: new Date(Date.parse(at) + DAY_MS).toISOString(),
        },
      ]
    : [];
  return {
    payment_id: id,
    customer_id: 'cus_ada',
    invoice_id: invoiceId,
    subscription_id: 'sub_pro',
    amount,
    amount_refunded: refunded,
    currency,
    status,
    decline_code: declineCode ?? null,
    failure_message: declineCode ? 'The card was declined.' : null,
    card: card ? { brand: card[0], last4: card[1] } : null,
    refunds,
    created_at: at,
  };
}

/**
 * Five transactions, newest first, one of each kind: succeeded ($1,234.56, Visa 4242, invoice
 * INV-000042), partially refunded ($15.00 of $49.00), refunded, a failed renewal of an open
 * invoice (`card_declined`) and a failed first charge with no invoice (`insufficient_funds`).
 */
export function samplePayments(): Payment[] {
  return [
    payment('pay_sample', { status: 'succeeded', amount: 123_456, invoiceId: sampleInvoice.invoice_id, card: ['visa', '4242'], at: sampleInvoice.issued_at }),
    payment('pay_partial', { status: 'partially_refunded', amount: 4_900, refunded: 1_500, invoiceId: 'inv_partial', card: ['mastercard', '4444'], at: '2025-02-14T12:00:00.000Z' }),
    payment('pay_refunded', { status: 'refunded', amount: 2_000, refunded: 2_000, invoiceId: 'inv_refunded', card: ['amex', '0005'], at: '2025-01-14T12:00:00.000Z' }),
    payment('pay_declined', { status: 'failed', amount: 2_000, invoiceId: 'inv_open', card: ['visa', '0341'], declineCode: 'card_declined', at: '2025-01-12T12:00:00.000Z' }),
    payment('pay_no_funds', { status: 'failed', amount: 2_000, invoiceId: null, card: ['visa', '9995'], declineCode: 'insufficient_funds', at: '2025-01-10T12:00:00.000Z' }),
  ];
}

/** The invoices `samplePayments()` paid, with their refunds as the server reports them. */
export function samplePaymentInvoices(): Invoice[] {
  const invoice = (id: string, number: string, total: number, status: Invoice['status'], refunded = 0): Invoice => ({
    ...sampleInvoice,
    invoice_id: id,
    number,
    status,
    subtotal: total,
    tax: 0,
    total,
    line_items: [{ description: 'Pro plan', quantity: 1, unit_amount: total, amount: total, tax_rate_bps: 0 }],
    refunds: refunded ? [{ refund_id: `rfd_${id.slice(4)}`, amount: refunded, created_at: '2025-02-15T12:00:00.000Z', reason: 'requested_by_customer' }] : [],
    amount_refunded: refunded,
  });
  return [
    { ...sampleInvoice, refunds: [], amount_refunded: 0 },
    invoice('inv_partial', 'INV-000041', 4_900, 'paid', 1_500),
    invoice('inv_refunded', 'INV-000040', 2_000, 'paid', 2_000),
    invoice('inv_open', 'INV-000039', 2_000, 'open'),
  ];
}

/**
 * `count` transactions, newest first, paying `makeInvoices(count)`'s invoices (same numbering);
 * every fifth is a declined charge without an invoice. Deterministic.
 */
export function makePayments(count: number, currency = 'USD'): Payment[] {
  const brands: [CardBrand, string][] = [
    ['visa', '4242'],
    ['mastercard', '4444'],
    ['amex', '0005'],
  ];
  return Array.from({ length: count }, (_, index) => {
    const sequence = count - index;
    const id = String(sequence).padStart(6, '0');
    const at = new Date(FIRST_CHARGE + sequence * 30 * DAY_MS).toISOString();
    const card = brands[sequence % brands.length] ?? null;
    if (sequence % 5 === 0) {
      return payment(`pay_${id}`, { status: 'failed', amount: 2_000, currency, invoiceId: null, card, declineCode: 'insufficient_funds', at });
    }
    const refunded = sequence % 7 === 0 ? 1_000 : 0;
    const status = refunded ? 'partially_refunded' : 'succeeded';
    return payment(`pay_${id}`, { status, amount: 10_000 + sequence * 100, refunded, currency, invoiceId: `inv_${id}`, card, at });
  });
}

const errorResponse = (status: number, code: string, message: string, extra: Partial<ErrorBody['error']> = {}) =>
  HttpResponse.json({ error: { code, message, ...extra } } satisfies ErrorBody, { status });

const expiredResponse = () => errorResponse(401, 'session_expired', 'The portal session has expired.', { login_url: MOCK_LOGIN_URL });

function authFailure(request: Request): Response | null {
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token) return errorResponse(401, 'unauthorized', 'Missing session token.');
  return token === EXPIRED_SESSION_TOKEN ? expiredResponse() : null;
}

export interface PaymentsApiOptions {
  payments?: Payment[];
  /** The invoices behind the payments (their number and PDF); the rest of the portal API serves them. */
  invoices?: Invoice[];
}

/**
 * The transactions API over `payments` — paging by opaque cursor (`?limit=&cursor=`), one
 * payment — plus `GET /portal/v1/invoices/{id}` and the rest of the portal API over `invoices`.
 */
export function paymentsApi({ payments = samplePayments(), invoices = samplePaymentInvoices() }: PaymentsApiOptions = {}): HttpHandler[] {
  return [
    api.get('*/portal/v1/payments', ({ request }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const url = new URL(request.url);
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 20) || 20, 1), 100);
      const cursor = url.searchParams.get('cursor');
      const offset = cursor ? Number(/^pcur_(\d+)$/.exec(cursor)?.[1] ?? Number.NaN) : 0;
      if (!Number.isInteger(offset)) return errorResponse(400, 'invalid_request', 'Unknown cursor.');
      const next = offset + limit;
      return HttpResponse.json({ items: payments.slice(offset, next), next_cursor: next < payments.length ? `pcur_${next}` : null } satisfies PaymentPage);
    }),
    api.get('*/portal/v1/payments/:payment_id', ({ request, params }) => {
      const found = payments.find((item) => item.payment_id === params.payment_id);
      return authFailure(request) ?? (found ? HttpResponse.json(found) : errorResponse(404, 'not_found', 'No such payment.'));
    }),
    api.get('*/portal/v1/invoices/:invoice_id', ({ request, params }) => {
      const found = invoices.find((item) => item.invoice_id === params.invoice_id);
      return authFailure(request) ?? (found ? HttpResponse.json(found) : errorResponse(404, 'not_found', 'No such invoice.'));
    }),
    ...portalApi({ invoices }),
  ];
}

/** The states of `<dodo-transaction-list>`. */
export const paymentScenarios = {
  /** One transaction of each kind (`samplePayments()`). */
  list: (): HttpHandler[] => paymentsApi(),
  /** 23 transactions: three pages at the default page size of 10. */
  manyPages: (): HttpHandler[] => paymentsApi({ payments: makePayments(23), invoices: makeInvoices(23) }),
  empty: (): HttpHandler[] => paymentsApi({ payments: [] }),
  /** The list never arrives: the skeleton stays on screen. */
  loading: (): HttpHandler[] => [
    api.get('*/portal/v1/payments', async () => {
      await delay('infinite');
      return HttpResponse.json({ items: [], next_cursor: null } satisfies PaymentPage);
    }),
    ...paymentsApi(),
  ],
  /** The list fails with 500; everything else answers. */
  serverError: (): HttpHandler[] => [api.get('*/portal/v1/payments', () => errorResponse(500, 'internal_error', 'Something went wrong.')), ...paymentsApi()],
  /** Every call answers 401 `session_expired`. */
  expired: (): HttpHandler[] => [http.all('*/portal/v1/*', () => expiredResponse())],
} satisfies Record<string, () => HttpHandler[]>;
