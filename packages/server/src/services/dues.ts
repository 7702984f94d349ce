/**
 * On-hold recovery: what an on-hold subscription owes, and paying it with a saved card to bring
 * the subscription back (`/portal/v1/subscriptions/{id}/dues` and `…/payment-method`).
 *
 * The dues are the subscription's `open` invoices (the declined renewal's). Paying them:
 * 1. takes the subscription's billing lock — a second payer gets 409 `charge_in_progress`,
 *    or, once the first succeeded, finds the subscription active and only switches the card;
 * 2. charges the dues total once with the chosen card (the payment is recorded before the
 *    processor is called, with its id as the processor's idempotency key);
 * 3. on a decline: the failed payment is tied to the subscription and its open invoice, the lease
 *    is given back, nothing else changes (still `on_hold`, same card), 402 `payment_failed`;
 * 4. on success, in one transaction: a new `paid` invoice for the dues, the old open invoice(s)
 *    `void` (replaced by it), the payment `succeeded`, and the subscription `active` on the chosen
 *    card with a fresh period starting at the payment (docs/billing.md, "Reactivation"); then
 *    `payment.succeeded` and `subscription.active` webhooks, a receipt and a reactivation email.
 *
 * Steps 2–4 are the settlement pipeline's (services/settlement.ts), described by `duesPlan`.
 * Dates are the mode's time (the business's test clock in test mode); the lock is real time.
 */
import { PortalErrorCode, type Dues, type InvoiceLineItem, type Payment, type SubscriptionPaymentMethodResult, type Subscription } from '@dodo-portal/wire/schemas';
import { DomainError } from '../domain/errors.ts';
import { IdPrefix, newId } from '../domain/ids.ts';
import { periodAt } from '../domain/periods.ts';
import { toTimestamp } from '../domain/ports.ts';
import { paymentSucceededEmail, subscriptionReactivatedEmail } from '../mail/templates.ts';
import { findCustomer } from '../store/customers.ts';
import { findOpenInvoices, voidOpenInvoices } from '../store/dues.ts';
import { findInvoice, type NewInvoice } from '../store/invoices.ts';
import { findPayment } from '../store/payments.ts';
import type { Scope } from '../store/scope.ts';
import { findSubscriptionRow, updateSubscription } from '../store/subscriptions.ts';
import { resolveCardSource, type BillingContext, type CardSource } from './charging.ts';
import { getPortalSubscription, notifyCustomer, requireOwnSubscription, type PortalContext } from './portal-subscriptions.ts';
import { releaseLock, runCharge, settleLock, takeBillingLock, type ChargePlan, type HeldLock } from './settlement.ts';
import { emitSubscriptionEvent } from './webhooks.ts';

export type DuesContext = BillingContext & PortalContext;

const inProgress = () => new DomainError(PortalErrorCode.chargeInProgress, 'A payment for this subscription is already in progress. Wait a moment and reload.');
const ended = (subscription: Subscription) =>
  new DomainError(PortalErrorCode.subscriptionEnded, `Subscription ${subscription.subscription_id} is ${subscription.status}: it can no longer change.`);

/** `GET /portal/v1/subscriptions/{id}/dues`: the open invoices of an on-hold subscription; 0 otherwise. */
export async function getDues(ctx: DuesContext, scope: Scope, customerId: string, subscriptionId: string): Promise<Dues> {
  const subscription = await requireOwnSubscription(ctx, scope, customerId, subscriptionId);
  if (subscription.status !== 'on_hold') return { amount: 0, currency: subscription.currency, invoice_ids: [] };
  const open = await findOpenInvoices(ctx.store.db, scope, subscription.subscription_id);
  return { amount: open.reduce((sum, invoice) => sum + invoice.total, 0), currency: subscription.currency, invoice_ids: open.map((invoice) => invoice.id) };
}

/**
 * `POST /portal/v1/subscriptions/{id}/payment-method {payment_method_id}`: an active subscription
 * switches the card its future charges use; an on-hold one pays its dues with the card and is
 * reactivated. The card must be one of the customer's saved cards (400 otherwise).
 */
export async function setSubscriptionPaymentMethod(
  ctx: DuesContext,
  scope: Scope,
  customerId: string,
  subscriptionId: string,
  paymentMethodId: string,
): Promise<SubscriptionPaymentMethodResult> {
  const subscription = await requireOwnSubscription(ctx, scope, customerId, subscriptionId);
  if (subscription.status !== 'active' && subscription.status !== 'on_hold') throw ended(subscription);
  const source = await resolveCardSource(ctx, scope, customerId, { payment_method_id: paymentMethodId });
  if (subscription.status === 'active') return switchCard(ctx, scope, customerId, subscription, source);
  return payDues(ctx, scope, customerId, subscription, source);
}

async function switchCard(ctx: DuesContext, scope: Scope, customerId: string, subscription: Subscription, source: CardSource, afterDues = false): Promise<SubscriptionPaymentMethodResult> {
  const methodId = source.paymentMethodId!;
  if (subscription.payment_method?.payment_method_id !== methodId) {
    const changed = await ctx.store.db.transaction().execute(async (trx) => {
      const moved = await updateSubscription(trx, scope, subscription.subscription_id, ['active'], { payment_method_id: methodId, updated_at: toTimestamp(ctx.clock.now()) });
      if (moved) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.updated', subscription.subscription_id);
      return moved;
    });
    if (!changed) {
      // It changed under us: answer for what it is now (put on hold by a renewal: pay its dues).
      const now = await requireOwnSubscription(ctx, scope, customerId, subscription.subscription_id);
      if (now.status === 'on_hold') {
        if (afterDues) throw inProgress();
        return payDues(ctx, scope, customerId, now, source);
      }
      throw ended(now);
    }
  }
  return { subscription: await getPortalSubscription(ctx, scope, customerId, subscription.subscription_id), payment: null, invoice: null };
}

const invoiceNotOpen = (invoiceId: string) => new DomainError(PortalErrorCode.invoiceNotOpen, `Invoice ${invoiceId} is no longer open: there is nothing to pay.`);

/**
 * `POST /portal/v1/invoices/{id}/pay` for the open invoice of an on-hold subscription: the dues
 * payment above, for exactly that invoice (so the amount charged is the invoice's total). A
 * second payer gets 409 `charge_in_progress`, or `invoice_not_open` once the first succeeded.
 */
export function payInvoiceDues(
  ctx: DuesContext,
  scope: Scope,
  customerId: string,
  subscription: Subscription,
  source: CardSource,
  invoiceId: string,
): Promise<SubscriptionPaymentMethodResult> {
  return payDues(ctx, scope, customerId, subscription, source, invoiceId);
}

async function payDues(
  ctx: DuesContext,
  scope: Scope,
  customerId: string,
  subscription: Subscription,
  source: CardSource,
  payingInvoiceId?: string,
): Promise<SubscriptionPaymentMethodResult> {
  const db = ctx.store.db;
  const id = subscription.subscription_id;
  const lock = await takeBillingLock(ctx, 'subscriptions', id, { business_id: scope.businessId, mode: scope.mode, status: 'on_hold' });
  if (!lock) {
    const now = await requireOwnSubscription(ctx, scope, customerId, id);
    if (now.status === 'active' && payingInvoiceId) throw invoiceNotOpen(payingInvoiceId);
    // Another request paid the dues first: this one only asks for the card.
    if (now.status === 'active') return switchCard(ctx, scope, customerId, now, source, true);
    if (now.status === 'on_hold') throw inProgress();
    throw ended(now);
  }
  let plan: ChargePlan;
  try {
    plan = await duesPlan(ctx, scope, customerId, id, source, lock, payingInvoiceId);
  } catch (error) {
    // Nothing charged: give the lock back.
    await releaseLock(db, lock).catch(() => undefined);
    throw error;
  }
  const outcome = await runCharge(ctx, plan);
  const payment: Payment | null = outcome.paymentId ? ((await findPayment(db, scope, outcome.paymentId)) ?? null) : null;
  return { subscription: await getPortalSubscription(ctx, scope, customerId, id), payment, invoice: outcome.invoice };
}

/** The dues charge, described: read under the lock (nobody else settles these while it is held). */
async function duesPlan(ctx: DuesContext, scope: Scope, customerId: string, id: string, source: CardSource, lock: HeldLock<'subscriptions'>, payingInvoiceId?: string): Promise<ChargePlan> {
  const db = ctx.store.db;
  const row = await findSubscriptionRow(db, scope, id);
  if (!row || row.status !== 'on_hold') throw new Error(`subscription ${id} left on_hold while claimed`);
  const open = await findOpenInvoices(db, scope, id);
  if (payingInvoiceId && !open.some((invoice) => invoice.id === payingInvoiceId)) throw invoiceNotOpen(payingInvoiceId);
  if (payingInvoiceId && open.length > 1) {
    // Rare (more than one declined renewal): the dues are more than this invoice, so paying it alone
    // would charge another figure than the one shown. The subscription's dues flow pays them all.
    throw new DomainError(
      PortalErrorCode.subscriptionOnHold,
      `Invoice ${payingInvoiceId} is one of ${open.length} unpaid invoices of subscription ${id}: pay them together from the subscription.`,
    );
  }
  const amount = open.reduce((sum, invoice) => sum + invoice.total, 0);
  const productName = (await getPortalSubscription(ctx, scope, customerId, id)).product.name;

  return {
    kind: 'dues',
    scope,
    lock,
    charge: { customerId, amount, currency: row.currency, description: `${productName}: dues`, card: source },
    // The attempt stays on record, tied to the subscription and the invoice it tried to pay.
    declined: { link: { invoice_id: open[0]?.id ?? null, subscription_id: id } },
    settle: async () => {
      // A fresh period from the payment on (docs/billing.md, "Reactivation").
      const paidAt = ctx.clock.now();
      const at = toTimestamp(paidAt);
      const period = periodAt(paidAt, row.interval, Number(row.interval_count), 0);
      const newPeriod = { start: at, end: toTimestamp(period.end) };
      const customer = await findCustomer(db, scope, customerId);
      const lines = await duesLines(
        ctx,
        scope,
        open.map((invoice) => invoice.id),
        row.current_period_end,
        newPeriod,
      );
      const invoice: NewInvoice = {
        id: newId(IdPrefix.invoice, ctx.random),
        customer_id: customerId,
        status: 'paid',
        currency: row.currency,
        subtotal: open.reduce((sum, invoice) => sum + invoice.subtotal, 0),
        tax: open.reduce((sum, invoice) => sum + invoice.tax, 0),
        total: amount,
        tax_rate_bps: open[0]?.tax_rate_bps ?? 0,
        issued_at: at,
        paid_at: at,
        subscription_id: id,
        billing_address: customer?.billing_address ?? null,
        created_at: at,
        line_items: lines,
      };
      return {
        what: `subscription ${id}: the dues`,
        at,
        hold: async (trx) => {
          const moved = await settleLock(
            trx,
            lock,
            { status: 'on_hold' },
            {
              status: 'active',
              payment_method_id: source.paymentMethodId,
              billing_anchor: at,
              period_index: 0,
              current_period_start: newPeriod.start,
              current_period_end: newPeriod.end,
              updated_at: at,
            },
          );
          if (moved)
            await voidOpenInvoices(
              trx,
              open.map((invoice) => invoice.id),
            );
          return moved;
        },
        // Nothing owed (a zero dues invoice): reactivated without a charge or a new invoice.
        invoice: amount > 0 ? { row: invoice } : undefined,
        payment: { subscription_id: id, payment_method_id: source.paymentMethodId },
        events: ['payment.succeeded', { subscription: 'subscription.active', id }],
        notify: async ({ paymentId, invoice: issued }) => {
          const result = await getPortalSubscription(ctx, scope, customerId, id);
          if (paymentId && issued) {
            await notifyCustomer(ctx, scope, customerId, (input) =>
              paymentSucceededEmail({ ...input, total: { amount, currency: row.currency }, paidAt: at, description: productName, paymentId, invoiceNumber: issued.number }),
            );
          }
          await notifyCustomer(ctx, scope, customerId, (input) =>
            subscriptionReactivatedEmail({
              ...input,
              productName,
              price: { amount: result.recurring_amount, currency: result.currency },
              recurrence: { interval: result.interval, interval_count: result.interval_count },
              nextBillingAt: result.next_billing_date,
            }),
          );
        },
      };
    },
  };
}

/**
 * The dues invoice's lines: those of the open invoice(s), with the lines of the period the
 * failed renewal would have started (it started at `heldAt`, the held subscription's period end)
 * moved to the new period. Usage billed in arrears keeps its own period.
 */
async function duesLines(ctx: DuesContext, scope: Scope, invoiceIds: string[], heldAt: string, period: { start: string; end: string }): Promise<InvoiceLineItem[]> {
  const lines: InvoiceLineItem[] = [];
  for (const invoiceId of invoiceIds) {
    const invoice = await findInvoice(ctx.store.db, scope, invoiceId);
    for (const line of invoice?.line_items ?? []) lines.push(line.period?.start === heldAt ? { ...line, period } : line);
  }
  return lines;
}
