/**
 * The renewal engine. At `current_period_end` an active subscription is, in this order:
 * - cancelled, when it asked to end with its period (`cancel_at_period_end`);
 * - otherwise charged for the next period: the plan's price × quantity plus each add-on × its
 *   quantity, taxed like the first period, plus the metered usage of the period that ended. Success → the next period, a `paid` invoice whose lines
 *   carry that period, and a `succeeded` payment. A decline → `on_hold`, the renewal invoice left
 *   `open` as the subscription's dues, the failed payment tied to it, and a magic link emailed to
 *   the customer so they can fix their card.
 *
 * Never twice: each period is claimed with a conditional UPDATE on (id, period_index, empty or
 * lapsed lease) before anything is charged, and settled only by the claim's holder, so parallel
 * runs — in one process or in several sharing the database — charge a period once. A renewal that
 * stops between the charge and its settlement leaves the payment `processing` with the
 * processor's charge id noted, and the lease lapses after LEASE_MS: it then needs reconciling.
 *
 * Times: a renewal happens at its period end, in the mode's time (the business's test clock in
 * test mode), and every record is dated then. The lease uses the real clock (`ctx.clock`).
 */
import { lineText } from '../domain/line-descriptions.ts';
import { ErrorCode, type Mode } from '@dodo-portal/wire/schemas';
import { pricePurchase, type PricedItem, type PricedPurchase } from '../domain/catalog.ts';
import { DomainError } from '../domain/errors.ts';
import { IdPrefix, newId } from '../domain/ids.ts';
import { periodAt } from '../domain/periods.ts';
import { toTimestamp } from '../domain/ports.ts';
import type { Mailer } from '../mail/mailer.ts';
import { paymentFailedEmail, paymentSucceededEmail } from '../mail/templates.ts';
import { findBusiness } from '../store/businesses.ts';
import { findCustomer } from '../store/customers.ts';
import { settlePayment } from '../store/payments.ts';
import { findProducts } from '../store/products.ts';
import { sumUsage } from '../store/usage.ts';
import { claimRenewal, findAddons, findDueSubscriptions, linkPayment, releaseRenewal, settleRenewal, type DueSubscription } from '../store/renewals.ts';
import type { Scope } from '../store/scope.ts';
import { attemptCharge, PaymentFailedError, resolveCardSource, type BillingContext, type ChargeAttempt } from './charging.ts';
import { emitPaymentEvent, emitSubscriptionEvent } from './webhooks.ts';
import { staticLoginUrl } from './links.ts';
import { createMagicLink } from './portal-access.ts';
import { insertPricedInvoice } from './invoices.ts';
import { spendCreditOnce, withCreditApplied } from './credits.ts';
import { linkSpentCredit } from '../store/credits.ts';
import { findSubscriptionRow } from '../store/subscriptions.ts';
import { hasProcessingCharge } from '../store/reconciliation.ts';
import type { Logger, MailQueue } from '../runtime.ts';

export interface RenewalContext extends BillingContext {
  mailerFor: (mode: Mode) => Mailer;
  /** Renewal emails are queued, never sent inline: a slow mail server cannot slow renewals. */
  mailQueue: MailQueue;
  publicUrl: string;
  logger: Logger;
}

export interface RenewalReport {
  renewed: number;
  on_hold: number;
  cancelled: number;
}

/** How long a claim holds before another runner may take the period over (real time). */
export const LEASE_MS = 5 * 60_000;
const BATCH = 100;

/**
 * Runs every renewal and cancellation that is due (in one scope, or everywhere), period after
 * period, until nothing is due. Safe to call from any number of runners at once.
 */
export async function runDueRenewals(ctx: RenewalContext, options: { scope?: Scope } = {}): Promise<RenewalReport> {
  const report: RenewalReport = { renewed: 0, on_hold: 0, cancelled: 0 };
  const skipped = new Set<string>();
  for (;;) {
    const due = (await findDueSubscriptions(ctx.store.db, { realNow: toTimestamp(ctx.clock.now()), scope: options.scope, limit: BATCH + skipped.size })).filter(
      (row) => !skipped.has(`${row.id}:${row.period_index}`),
    );
    if (due.length === 0) return report;
    for (const row of due) {
      const outcome = await renewOne(ctx, row);
      if (outcome === 'skipped') skipped.add(`${row.id}:${row.period_index}`);
      else report[outcome] += 1;
      // Let the event loop serve requests between renewals. better-sqlite3 answers synchronously,
      // so a chain of awaits on it is all microtasks: without this, a test-clock advance over
      // many periods held the loop until it finished (/healthz timed out for minutes).
      await yieldToEventLoop();
    }
  }
}

type Outcome = keyof RenewalReport | 'skipped';

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function renewOne(ctx: RenewalContext, due: DueSubscription): Promise<Outcome> {
  const scope: Scope = { businessId: due.business_id, mode: due.mode };
  const realNow = ctx.clock.now(); // the scheduler's and the advance's ctx.clock is the real one
  const leaseUntil = toTimestamp(new Date(realNow.getTime() + LEASE_MS));
  if (!(await claimRenewal(ctx.store.db, due.id, Number(due.period_index), toTimestamp(realNow), leaseUntil))) return 'skipped';
  // A plan change may have settled between the sweep and the claim: renew the subscription as it is now.
  const fresh = await findSubscriptionRow(ctx.store.db, scope, due.id);
  if (!fresh || fresh.status !== 'active' || Number(fresh.period_index) !== Number(due.period_index) || fresh.current_period_end > due.mode_now) {
    await releaseRenewal(ctx.store.db, due.id, leaseUntil);
    return 'skipped';
  }
  const row: DueSubscription = { ...fresh, mode_now: due.mode_now };

  const at = new Date(row.current_period_end);
  const atText = row.current_period_end;
  // Records are dated at the renewal instant, in the subscription's mode's time.
  const billing: BillingContext = { ...ctx, clock: { now: () => new Date(at.getTime()) }, realClock: ctx.realClock ?? ctx.clock };
  const periodIndex = Number(row.period_index);

  if (Number(row.cancel_at_period_end) === 1) {
    const done = await ctx.store.db.transaction().execute(async (trx) => {
      const cancelled = await settleRenewal(trx, row.id, periodIndex, leaseUntil, { status: 'cancelled', cancelled_at: atText, updated_at: atText });
      if (cancelled) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.cancelled', row.id, at);
      return cancelled;
    });
    return done ? 'cancelled' : 'skipped';
  }

  // A charge of this period whose answer was lost is the reconciler's to settle: never charge again.
  if (await hasProcessingCharge(ctx.store.db, row.id)) {
    await releaseRenewal(ctx.store.db, row.id, leaseUntil);
    return 'skipped';
  }

  // Set once the processor was called: from then on the claim is never handed back.
  let charging = false;
  try {
    const customer = await findCustomer(ctx.store.db, scope, row.customer_id);
    const addons = await findAddons(ctx.store.db, row.id);
    const products = await findProducts(ctx.store.db, scope, [row.product_id, ...addons.map((addon) => addon.product_id)]);
    const plan = products.get(row.product_id);
    if (!customer || !plan) throw new Error(`subscription ${row.id}: its customer or product is gone`);
    const next = periodAt(new Date(row.billing_anchor), row.interval, Number(row.interval_count), periodIndex + 1);
    const items: PricedItem[] = [
      { product: plan, quantity: Number(row.quantity), period: next },
      ...addons.flatMap((addon) => {
        const product = products.get(addon.product_id);
        return product ? [{ product, quantity: addon.quantity, period: next }] : [];
      }),
    ];
    if (plan.usage) {
      // Usage is billed in arrears: the period that just ended, on the invoice that opens the next.
      const used = await sumUsage(ctx.store.db, row.id, plan.usage.meter, row.current_period_start, row.current_period_end);
      const ended = { start: new Date(row.current_period_start), end: new Date(row.current_period_end) };
      if (used > 0) items.push({ product: plan, quantity: used, period: ended, description: `${plan.name}: ${plan.usage.meter}`, unitAmount: plan.usage.unit_price });
    }
    // Customer credit (a downgrade's unused time) pays first, after tax; spent once per period
    // even when this renewal is retried after a crash (keyed on the period's end).
    const creditSpent = await spendCreditOnce(billing, scope, {
      customerId: row.customer_id,
      currency: plan.currency,
      upTo: pricePurchase(items).total,
      key: `renewal:${row.id}:${row.current_period_end}`,
      reason: 'renewal_spent',
      subscriptionId: row.id,
      at: atText,
    });
    const priced = withCreditApplied(pricePurchase(items), creditSpent);
    const description = lineText('subscription.renewal', { product: plan.name }).description;
    // Everything settling needs, kept on the payment: if the processor's answer is lost, the
    // reconciler settles the charge later with exactly this (services/reconciliation.ts).
    const settlement: RenewalSettlement = {
      kind: 'renewal',
      subscription_id: row.id,
      customer_id: row.customer_id,
      period_index: periodIndex,
      at: atText,
      next: { start: toTimestamp(next.start), end: toTimestamp(next.end) },
      invoice_id: newId(IdPrefix.invoice, ctx.random),
      priced,
      credit_spent: creditSpent,
      description,
      plan_name: plan.name,
    };

    let attempt: ChargeAttempt | undefined;
    let decline: DomainError | undefined;
    let failedPaymentId: string | undefined;
    if (priced.total > 0) {
      try {
        if (!row.payment_method_id) throw new DomainError(ErrorCode.paymentFailed, 'The subscription has no payment method.', { declineCode: 'no_payment_method' });
        const source = await resolveCardSource(billing, scope, row.customer_id, { payment_method_id: row.payment_method_id });
        charging = true;
        attempt = await attemptCharge(billing, scope, { customerId: row.customer_id, amount: priced.total, currency: priced.currency, source, description, subscriptionId: row.id, settlement });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === ErrorCode.paymentFailed)) throw error;
        decline = error;
        if (error instanceof PaymentFailedError) failedPaymentId = error.paymentId;
      }
    }
    return await settleRenewalCharge(ctx, scope, settlement, leaseUntil, decline ? { kind: 'declined', message: decline.message, paymentId: failedPaymentId } : { kind: 'paid', payment: attempt ? { id: attempt.paymentId, chargeId: attempt.charge.charge_id } : undefined });
  } catch (error) {
    // Nothing settled: give the period back unless money may have moved (then the lease lapses
    // and the processing payment is there to reconcile).
    ctx.logger.error('renewal failed', { subscription_id: row.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    if (!charging) await releaseRenewal(ctx.store.db, row.id, leaseUntil).catch(() => undefined);
    return 'skipped';
  }
}

/** What settling a renewal charge needs; stored on its payment (`payments.settlement`, JSON). */
export interface RenewalSettlement {
  kind: 'renewal';
  subscription_id: string;
  customer_id: string;
  /** The period being renewed (the claim is on it). */
  period_index: number;
  /** The renewal instant (the period end), in the mode's time: every record is dated then. */
  at: string;
  next: { start: string; end: string };
  invoice_id: string;
  priced: PricedPurchase;
  credit_spent: number;
  description: string;
  plan_name: string;
}

/** How the charge ended: paid (or nothing to charge), or declined (the failed payment, if one was made). */
export type RenewalChargeOutcome = { kind: 'paid'; payment?: { id: string; chargeId: string } | undefined } | { kind: 'declined'; message: string; paymentId?: string | undefined };

/**
 * Settles a claimed renewal period once its charge has an outcome — the renewal runner right after
 * the charge, or the reconciler later for a charge whose answer was lost. One transaction moves
 * the subscription (next period, or `on_hold`), writes the invoice (`paid`, or `open` as dues),
 * settles or links the payment and queues the webhooks; then the customer's email.
 * Throws when `leaseUntil` is no longer the subscription's claim on that period.
 */
export async function settleRenewalCharge(ctx: RenewalContext, scope: Scope, settlement: RenewalSettlement, leaseUntil: string, outcome: RenewalChargeOutcome): Promise<'renewed' | 'on_hold'> {
  const { subscription_id: subscriptionId, at: atText } = settlement;
  const at = new Date(atText);
  const declined = outcome.kind === 'declined';
  const customer = await findCustomer(ctx.store.db, scope, settlement.customer_id);
  if (!customer) throw new Error(`subscription ${subscriptionId}: its customer is gone`);
  const priced = settlement.priced;
  const invoice = await ctx.store.db.transaction().execute(async (trx) => {
    const moved = await settleRenewal(
      trx,
      subscriptionId,
      settlement.period_index,
      leaseUntil,
      declined
        ? { status: 'on_hold', updated_at: atText }
        : { period_index: settlement.period_index + 1, current_period_start: settlement.next.start, current_period_end: settlement.next.end, updated_at: atText },
    );
    if (!moved) throw new Error(`subscription ${subscriptionId}: the renewal claim was lost before settling`);
    const issued = await insertPricedInvoice(trx, scope, {
      id: settlement.invoice_id,
      customerId: settlement.customer_id,
      billingAddress: customer.billing_address,
      priced,
      at: atText,
      paid: !declined,
      subscriptionId,
    });
    if (settlement.credit_spent > 0) await linkSpentCredit(trx, subscriptionId, 'renewal_spent', settlement.invoice_id);
    // The events commit with the change (transactional outbox).
    if (outcome.kind === 'declined') {
      if (outcome.paymentId) await linkPayment(trx, outcome.paymentId, { invoice_id: settlement.invoice_id, subscription_id: subscriptionId, updated_at: atText });
      await emitSubscriptionEvent(trx, ctx, scope, 'subscription.on_hold', subscriptionId, at);
    } else {
      if (outcome.payment) {
        const settled = await settlePayment(trx, outcome.payment.id, {
          status: 'succeeded',
          invoice_id: settlement.invoice_id,
          subscription_id: subscriptionId,
          processor_charge_id: outcome.payment.chargeId,
          updated_at: atText,
        });
        if (!settled) throw new Error(`payment ${outcome.payment.id} was settled by someone else`);
        await emitPaymentEvent(trx, ctx, scope, 'payment.succeeded', outcome.payment.id, at);
      }
      await emitSubscriptionEvent(trx, ctx, scope, 'subscription.renewed', subscriptionId, at);
    }
    return issued;
  });

  const business = await findBusiness(ctx.store.db, scope.businessId);
  const brand = business?.brand ?? { display_name: '', primary_color: null };
  const mailer = ctx.mailerFor(scope.mode);
  const total = { amount: priced.total, currency: priced.currency };
  if (outcome.kind === 'declined') {
    await notify(ctx, scope, mailer, async () => {
      // The way back in: a one-time link to the portal, where the card can be replaced.
      const link = await createMagicLink(ctx, scope, settlement.customer_id, {});
      return paymentFailedEmail({ to: customer, brand, portalUrl: link.link, total, attemptedAt: atText, productName: settlement.plan_name, onHold: true, reason: outcome.message });
    });
    return 'on_hold';
  }
  const paymentId = outcome.payment?.id;
  if (paymentId) {
    await notify(ctx, scope, mailer, async () =>
      paymentSucceededEmail({
        to: customer,
        brand,
        portalUrl: staticLoginUrl(ctx.publicUrl, scope.businessId, scope.mode),
        total,
        paidAt: atText,
        description: lineText('subscription.renewal', { product: settlement.plan_name }),
        paymentId,
        invoiceNumber: invoice.number,
      }),
    );
  }
  return 'renewed';
}

/** Queues the email (the mail queue sends it after this renewal, with its own timeout and retries). */
async function notify(ctx: RenewalContext, scope: Scope, mailer: Mailer, build: () => Promise<Parameters<Mailer['send']>[0]>): Promise<void> {
  if (mailer.disabled) return;
  try {
    await ctx.mailQueue.enqueue(ctx.store.db, scope.mode, await build());
  } catch (error) {
    ctx.logger.error('renewal email failed', { error: error instanceof Error ? error.message : String(error) });
  }
}
