/**
 * `POST /portal/v1/invoices/{id}/pay`: a customer pays one of their open invoices with the card
 * they choose (a saved card, or a fresh token saved as a card first, as `POST
 * /portal/v1/payment-methods` saves it). The charge is the invoice's total, exactly once:
 *
 * - the open invoice of an on-hold subscription goes through the dues flow (services/dues.ts),
 *   which takes the subscription's lease, voids the invoice for a paid dues invoice and
 *   reactivates the subscription — once;
 * - any other open invoice takes its own billing lock (store/billing-lock.ts) before the processor
 *   is called, and the charge runs through the settlement pipeline (services/settlement.ts); a second payer gets 409 `charge_in_progress`, or `invoice_not_open` once it is paid.
 *   Success writes, in one transaction, the invoice `paid`, the payment `succeeded` and
 *   `payment.succeeded`; then a receipt email. A decline keeps the invoice open, records the failed
 *   payment against it and answers 402 `payment_failed` with the decline code.
 *
 * Dates are the mode's time (the test clock in test mode); the lock is real time.
 */
import { PortalErrorCode, type PayInvoiceBody, type PayInvoiceResult } from '@dodo-portal/wire/schemas';
import { DomainError } from '../domain/errors.ts';
import { toTimestamp } from '../domain/ports.ts';
import { paymentSucceededEmail } from '../mail/templates.ts';
import { findPayment } from '../store/payments.ts';
import type { Scope } from '../store/scope.ts';
import { findSubscription } from '../store/subscriptions.ts';
import { resolveCardSource, type CardSource } from './charging.ts';
import { payInvoiceDues, type DuesContext } from './dues.ts';
import { getInvoice } from './invoices.ts';
import { addPortalPaymentMethod } from './portal-payment-methods.ts';
import { notifyCustomer } from './portal-subscriptions.ts';
import { runCharge, settleLock, takeBillingLock } from './settlement.ts';

const notOpen = (invoiceId: string, status: string) => new DomainError(PortalErrorCode.invoiceNotOpen, `Invoice ${invoiceId} is ${status}: there is nothing to pay.`);
const inProgress = () => new DomainError(PortalErrorCode.chargeInProgress, 'A payment for this invoice is already in progress. Wait a moment and reload.');

export async function payPortalInvoice(ctx: DuesContext, scope: Scope, customerId: string, invoiceId: string, body: PayInvoiceBody): Promise<PayInvoiceResult> {
  // Someone else's invoice is 404 before anything else is looked at.
  const invoice = await getInvoice(ctx, scope, invoiceId, { customerId });
  if (invoice.status !== 'open') throw notOpen(invoice.invoice_id, invoice.status);
  const source = await cardFor(ctx, scope, customerId, body);

  const subscription = invoice.subscription_id ? await findSubscription(ctx.store.db, scope, invoice.subscription_id) : undefined;
  if (subscription?.status === 'on_hold') {
    const result = await payInvoiceDues(ctx, scope, customerId, subscription, source, invoice.invoice_id);
    // The dues flow voided this invoice and issued the paid one that replaces it.
    if (!result.invoice) throw new Error(`dues of ${subscription.subscription_id} settled without an invoice`);
    return { invoice: result.invoice, payment: result.payment, replaced_invoice_id: invoice.invoice_id };
  }

  const db = ctx.store.db;
  const lock = await takeBillingLock(ctx, 'invoices', invoice.invoice_id, { business_id: scope.businessId, mode: scope.mode, status: 'open' });
  if (!lock) {
    const now = await getInvoice(ctx, scope, invoice.invoice_id, { customerId });
    if (now.status !== 'open') throw notOpen(now.invoice_id, now.status);
    throw inProgress();
  }
  const outcome = await runCharge(ctx, {
    kind: 'invoice',
    scope,
    lock,
    charge: {
      customerId,
      amount: invoice.total,
      currency: invoice.currency,
      description: `Invoice ${invoice.number}`,
      card: source,
      ...(invoice.subscription_id ? { subscriptionId: invoice.subscription_id } : {}),
    },
    // The failed attempt stays on record against the invoice it tried to pay.
    declined: { link: { invoice_id: invoice.invoice_id, subscription_id: invoice.subscription_id } },
    // Dated when the charge went through.
    settle: async () => {
      const at = toTimestamp(ctx.clock.now());
      return {
        what: `invoice ${invoice.invoice_id}`,
        at,
        hold: (trx) => settleLock(trx, lock, { status: 'open' }, { status: 'paid', paid_at: at }),
        paysInvoiceId: invoice.invoice_id,
        payment: { payment_method_id: source.paymentMethodId },
        events: ['payment.succeeded'],
        notify: async ({ paymentId }) => {
          if (!paymentId) return;
          const description = invoice.line_items.map((line) => line.description).join(', ');
          await notifyCustomer(ctx, scope, customerId, (input) =>
            paymentSucceededEmail({ ...input, total: { amount: invoice.total, currency: invoice.currency }, paidAt: at, description, paymentId, invoiceNumber: invoice.number }),
          );
        },
      };
    },
  });
  const paid = await getInvoice(ctx, scope, invoice.invoice_id, { customerId });
  const payment = outcome.paymentId ? ((await findPayment(db, scope, outcome.paymentId)) ?? null) : null;
  return { invoice: paid, payment, replaced_invoice_id: null };
}

/** The chosen card: a saved one of the customer's, or a token saved first as the portal saves cards. */
async function cardFor(ctx: DuesContext, scope: Scope, customerId: string, body: PayInvoiceBody): Promise<CardSource> {
  const paymentMethodId = body.card_token !== undefined ? (await addPortalPaymentMethod(ctx, scope, customerId, body.card_token)).method.payment_method_id : body.payment_method_id!;
  return resolveCardSource(ctx, scope, customerId, { payment_method_id: paymentMethodId });
}
