/**
 * `POST /portal/v1/invoices/{id}/pay`: a customer pays one of their open invoices with the card
 * they choose (a saved card, or a fresh token saved as a card first, as `POST
 * /portal/v1/payment-methods` saves it). The charge is the invoice's total, exactly once:
 *
 * - the open invoice of an on-hold subscription goes through the dues flow (services/dues.ts),
 *   which takes the subscription's lease, voids the invoice for a paid dues invoice and
 *   reactivates the subscription — once;
 * - any other open invoice takes its own lease (store/invoice-payments.ts) before the processor is
 *   called; a second payer gets 409 `charge_in_progress`, or `invoice_not_open` once it is paid.
 *   Success writes, in one transaction, the invoice `paid`, the payment `succeeded` and
 *   `payment.succeeded`; then a receipt email. A decline keeps the invoice open, records the failed
 *   payment against it and answers 402 `payment_failed` with the decline code.
 *
 * Dates are the mode's time (the test clock in test mode); the lease is real time.
 */
import { PortalErrorCode, type PayInvoiceBody, type PayInvoiceResult } from '@dodo-portal/wire/schemas';
import { DomainError } from '../domain/errors.ts';
import { toTimestamp } from '../domain/ports.ts';
import { paymentSucceededEmail } from '../mail/templates.ts';
import { claimInvoicePayment, linkInvoicePayment, markInvoicePaid, releaseInvoicePayment } from '../store/invoice-payments.ts';
import { findPayment, settlePayment } from '../store/payments.ts';
import type { Scope } from '../store/scope.ts';
import { findSubscription } from '../store/subscriptions.ts';
import { attemptCharge, PaymentFailedError, resolveCardSource, type CardSource, type ChargeAttempt } from './charging.ts';
import { DUES_LEASE_MS, payInvoiceDues, type DuesContext } from './dues.ts';
import { getInvoice } from './invoices.ts';
import { addPortalPaymentMethod } from './portal-payment-methods.ts';
import { notifyCustomer } from './portal-subscriptions.ts';
import { emitPaymentEvent } from './webhooks.ts';
import { realNow } from '../runtime.ts';

const notOpen = (invoiceId: string, status: string) =>
  new DomainError(PortalErrorCode.invoiceNotOpen, `Invoice ${invoiceId} is ${status}: there is nothing to pay.`);
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
  const claimedAt = realNow(ctx);
  const leaseUntil = toTimestamp(new Date(claimedAt.getTime() + DUES_LEASE_MS));
  if (!(await claimInvoicePayment(db, scope, invoice.invoice_id, toTimestamp(claimedAt), leaseUntil))) {
    const now = await getInvoice(ctx, scope, invoice.invoice_id, { customerId });
    if (now.status !== 'open') throw notOpen(now.invoice_id, now.status);
    throw inProgress();
  }

  // Set once the processor was called: from then on the lease is handed back only on a decline.
  let charging = false;
  try {
    let attempt: ChargeAttempt | undefined;
    if (invoice.total > 0) {
      charging = true;
      try {
        attempt = await attemptCharge(ctx, scope, {
          customerId,
          amount: invoice.total,
          currency: invoice.currency,
          source,
          description: `Invoice ${invoice.number}`,
          ...(invoice.subscription_id ? { subscriptionId: invoice.subscription_id } : {}),
        });
      } catch (error) {
        if (error instanceof PaymentFailedError) {
          // The failed attempt stays on record against the invoice it tried to pay.
          await linkInvoicePayment(db, error.paymentId, { invoice_id: invoice.invoice_id, subscription_id: invoice.subscription_id, updated_at: toTimestamp(ctx.clock.now()) });
          await releaseInvoicePayment(db, invoice.invoice_id, leaseUntil);
        }
        throw error;
      }
    }
    const at = toTimestamp(ctx.clock.now());
    await db.transaction().execute(async (trx) => {
      if (!(await markInvoicePaid(trx, invoice.invoice_id, leaseUntil, at))) throw new Error(`invoice ${invoice.invoice_id}: the pay claim was lost before settling`);
      if (!attempt) return;
      const settled = await settlePayment(trx, attempt.paymentId, { status: 'succeeded', invoice_id: invoice.invoice_id, payment_method_id: source.paymentMethodId, updated_at: at });
      if (!settled) throw new Error(`payment ${attempt.paymentId} was settled by someone else`);
      await emitPaymentEvent(trx, ctx, scope, 'payment.succeeded', attempt.paymentId);
    });
    const paid = await getInvoice(ctx, scope, invoice.invoice_id, { customerId });
    const payment = attempt ? ((await findPayment(db, scope, attempt.paymentId)) ?? null) : null;
    if (attempt) {
      const description = invoice.line_items.map((line) => line.description).join(', ');
      await notifyCustomer(ctx, scope, customerId, (input) =>
        paymentSucceededEmail({ ...input, total: { amount: invoice.total, currency: invoice.currency }, paidAt: at, description, paymentId: attempt.paymentId, invoiceNumber: invoice.number }),
      );
    }
    return { invoice: paid, payment, replaced_invoice_id: null };
  } catch (error) {
    // Nothing charged: give the lease back. After a charge whose outcome is unknown the lease lapses
    // instead, and the `processing` payment is there to reconcile.
    if (!charging) await releaseInvoicePayment(db, invoice.invoice_id, leaseUntil).catch(() => undefined);
    throw error;
  }
}

/** The chosen card: a saved one of the customer's, or a token saved first as the portal saves cards. */
async function cardFor(ctx: DuesContext, scope: Scope, customerId: string, body: PayInvoiceBody): Promise<CardSource> {
  const paymentMethodId = body.card_token !== undefined ? (await addPortalPaymentMethod(ctx, scope, customerId, body.card_token)).method.payment_method_id : body.payment_method_id!;
  return resolveCardSource(ctx, scope, customerId, { payment_method_id: paymentMethodId });
}
