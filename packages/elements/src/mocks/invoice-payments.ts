/**
 * msw handlers for paying an open invoice from `<dodo-invoice-list>`, typed from the wire
 * contract: the customer's saved cards and `POST /portal/v1/invoices/{id}/pay`. Each call is one
 * stateful world: a paid invoice stays paid, in the list too, as on the real server.
 */
import { delay, HttpResponse, type HttpHandler } from 'msw';
import { api } from './api.ts';
import type { ErrorBody, Invoice, PayInvoiceResult, PortalPaymentMethod } from '@dodo-portal/wire/schemas';
import { makeInvoices, portalApi } from './portal-api.ts';

const card = (id: string, last4: string, is_default: boolean): PortalPaymentMethod => ({
  payment_method_id: id,
  customer_id: 'cus_ada',
  brand: 'visa',
  last4,
  exp_month: 8,
  exp_year: 2031,
  is_default,
  created_at: '2025-01-15T12:00:00.000Z',
  subscription_ids: [],
});

/** The default card (charged fine) and a card every charge of which is declined. */
export const payCards = { works: card('pm_visa_4242', '4242', true), declines: card('pm_visa_0002', '0002', false) };

const errorBody = (code: string, message: string, extra: Partial<ErrorBody['error']> = {}): ErrorBody => ({ error: { code, message, ...extra } });

export interface InvoicePayApiOptions {
  /** The list: by default three invoices, the middle one (INV-000002) open. */
  invoices?: Invoice[];
  cards?: PortalPaymentMethod[];
  /** How long each pay takes (`'infinite'`: the "Paying…" face). */
  payDelay?: number | 'infinite';
}

export function invoicePayApi({ invoices = makeInvoices(3), cards = [payCards.works, payCards.declines], payDelay = 0 }: InvoicePayApiOptions = {}): HttpHandler[] {
  const list = [...invoices];
  return [
    api.get('*/portal/v1/payment-methods', () => HttpResponse.json({ items: cards })),
    api.post('*/portal/v1/invoices/:invoice_id/pay', async ({ request, params }) => {
      await delay(payDelay);
      const index = list.findIndex((invoice) => invoice.invoice_id === params.invoice_id);
      const invoice = list[index];
      if (!invoice) return HttpResponse.json(errorBody('not_found', 'No such invoice.'), { status: 404 });
      if (invoice.status !== 'open') return HttpResponse.json(errorBody('invoice_not_open', `Invoice ${invoice.invoice_id} is ${invoice.status}.`), { status: 409 });
      const body = await request.json();
      const chosen = cards.find((item) => item.payment_method_id === body.payment_method_id);
      if (!chosen) return HttpResponse.json(errorBody('invalid_request', 'No such payment method.'), { status: 400 });
      if (chosen.payment_method_id === payCards.declines.payment_method_id) {
        return HttpResponse.json(errorBody('payment_failed', 'Your card was declined.', { decline_code: 'card_declined' }), { status: 402 });
      }
      const at = '2025-06-01T10:00:00.000Z';
      const paid: Invoice = { ...invoice, status: 'paid', paid_at: at };
      list[index] = paid;
      const result: PayInvoiceResult = {
        invoice: paid,
        payment: {
          payment_id: `pay_${invoice.invoice_id}`,
          customer_id: invoice.customer_id,
          invoice_id: invoice.invoice_id,
          subscription_id: invoice.subscription_id,
          amount: invoice.total,
          amount_refunded: 0,
          currency: invoice.currency,
          status: 'succeeded',
          decline_code: null,
          failure_message: null,
          card: { brand: chosen.brand, last4: chosen.last4 },
          created_at: at,
        },
        replaced_invoice_id: null,
      };
      return HttpResponse.json(result);
    }),
    ...portalApi({ invoices: list }),
  ];
}

export const invoicePayScenarios = {
  /** One open invoice among paid ones, two saved cards (the second declines). */
  payable: (): HttpHandler[] => invoicePayApi(),
  /** As `payable`, the pay never answering. */
  slowPay: (): HttpHandler[] => invoicePayApi({ payDelay: 'infinite' }),
  /** An open invoice and no saved card. */
  noCards: (): HttpHandler[] => invoicePayApi({ cards: [] }),
  /** The saved cards never arrive ("Loading your cards…"). */
  cardsLoading: (): HttpHandler[] => [
    api.get('*/portal/v1/payment-methods', async () => {
      await delay('infinite');
      return HttpResponse.json({ items: [] });
    }),
    ...invoicePayApi(),
  ],
  /** The saved cards cannot be loaded (500). */
  cardsError: (): HttpHandler[] => [
    api.get('*/portal/v1/payment-methods', () => HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 })),
    ...invoicePayApi(),
  ],
};
