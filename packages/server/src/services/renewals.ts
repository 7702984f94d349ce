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
import type { Mode } from '@dodo-portal/wire/schemas';
import { pricePurchase, type PricedItem, type PricedPurchase } from '../domain/catalog.ts';
import { DomainError } from '../domain/errors.ts';
import { IdPrefix, newId } from '../domain/ids.ts';
import { periodAt } from '../domain/periods.ts';
import { toTimestamp } from '../domain/ports.ts';
import type { Mailer } from '../mail/mailer.ts';
import { paymentFailedEmail, paymentSucceededEmail } from '../mail/templates.ts';
import { findBusiness } from '../store/businesses.ts';
import { findCustomer } from '../store/customers.ts';
import { findProducts } from '../store/products.ts';
import { sumUsage } from '../store/usage.ts';
import { findAddons, findDueSubscriptions, type DueSubscription } from '../store/renewals.ts';
import type { Scope } from '../store/scope.ts';
import { failPayment, resolveCardSource, type BillingContext } from './charging.ts';
import { pinnedTo, releaseLock, runCharge, settleCharge, settleLock, takeBillingLock, type ChargePlan, type ChargeRecovery, type HeldLock, type Settlement } from './settlement.ts';
import { emitSubscriptionEvent } from './webhooks.ts';
import { staticLoginUrl } from './links.ts';
import type { Logger, MailQueue } from '../runtime.ts';
import { createMagicLink } from './portal-access.ts';
import { spendCreditOnce, withCreditApplied } from './credits.ts';
import { findSubscriptionRow } from '../store/subscriptions.ts';
import { hasProcessingCharge } from '../store/reconciliation.ts';

export interface RenewalContext extends BillingContext {
  mailerFor: (mode: Mode) => Mailer;
  /** Renewal emails are queued, never sent inline: a slow mail server cannot slow renewals. */
  mailQueue: MailQueue;
  publicUrl: string;
  logger: Logger;
  /** The reconciler's grace (services/reconciliation.ts RECONCILE_GRACE_MS when unset). */
  reconcileGraceMs?: number;
}

export interface RenewalReport {
  renewed: number;
  on_hold: number;
  cancelled: number;
}

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
  const lock = await takeBillingLock(ctx, 'subscriptions', due.id, { status: 'active', period_index: Number(due.period_index) });
  if (!lock) return 'skipped';
  // A plan change may have settled between the sweep and the claim: renew the subscription as it is now.
  const fresh = await findSubscriptionRow(ctx.store.db, scope, due.id);
  if (!fresh || fresh.status !== 'active' || Number(fresh.period_index) !== Number(due.period_index) || fresh.current_period_end > due.mode_now) {
    await releaseLock(ctx.store.db, lock);
    return 'skipped';
  }
  const row: DueSubscription = { ...fresh, mode_now: due.mode_now };

  const at = new Date(row.current_period_end);
  const atText = row.current_period_end;
  // Records are dated at the renewal instant, in the subscription's mode's time.
  const billing = pinnedTo(ctx, at);
  const periodIndex = Number(row.period_index);

  if (Number(row.cancel_at_period_end) === 1) {
    const done = await ctx.store.db.transaction().execute(async (trx) => {
      const cancelled = await settleLock(trx, lock, { status: 'active', period_index: periodIndex }, { status: 'cancelled', cancelled_at: atText, updated_at: atText });
      if (cancelled) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.cancelled', row.id, at);
      return cancelled;
    });
    return done ? 'cancelled' : 'skipped';
  }

  // A charge of this period whose answer was lost is the reconciler's to settle: never charge again.
  if (await hasProcessingCharge(ctx.store.db, row.id)) {
    await releaseLock(ctx.store.db, lock);
    return 'skipped';
  }

  let plan: ChargePlan;
  try {
    plan = await renewalPlan(billing, scope, row, lock);
  } catch (error) {
    await releaseLock(ctx.store.db, lock).catch(() => undefined);
    return failed(ctx, row.id, error);
  }
  try {
    return (await runCharge(billing, plan)).kind === 'paid' ? 'renewed' : 'on_hold';
  } catch (error) {
    // Nothing settled. The pipeline gave the period back unless money may have moved (then the
    // lock lapses and the processing payment is there to reconcile).
    return failed(ctx, row.id, error);
  }
}

function failed(ctx: RenewalContext, subscriptionId: string, error: unknown): 'skipped' {
  ctx.logger.error('renewal failed', { subscription_id: subscriptionId, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  return 'skipped';
}

/** The next period's charge, described: priced (plan, add-ons, the ended period's usage), credit spent first. */
async function renewalPlan(ctx: RenewalContext, scope: Scope, row: DueSubscription, lock: HeldLock<'subscriptions'>): Promise<ChargePlan> {
  const periodIndex = Number(row.period_index);
  const atText = row.current_period_end;
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
  const creditSpent = await spendCreditOnce(ctx, scope, {
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
  // reconciler settles the charge later with exactly this (recoverRenewalCharge).
  const stored: RenewalSettlement = {
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
  const paymentMethodId = row.payment_method_id;
  return {
    kind: 'renewal',
    scope,
    lock,
    charge: {
      customerId: row.customer_id,
      amount: priced.total,
      currency: priced.currency,
      description,
      subscriptionId: row.id,
      recovery: stored,
      card: async () => {
        if (!paymentMethodId) throw new DomainError('payment_failed', 'The subscription has no payment method.', { declineCode: 'no_payment_method' });
        return resolveCardSource(ctx, scope, row.customer_id, { payment_method_id: paymentMethodId });
      },
    },
    declined: { settle: (decline) => renewalSettlement(ctx, scope, stored, lock, { kind: 'declined', message: decline.message }) },
    settle: () => renewalSettlement(ctx, scope, stored, lock, { kind: 'paid' }),
  };
}

/** What settling a renewal charge needs; stored on its payment (`payments.settlement`, JSON). */
export interface RenewalSettlement {
  kind: 'renewal';
  subscription_id: string;
  customer_id: string;
  /** The period being renewed (the lock is on it). */
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

/**
 * A renewal's outcome, described for the pipeline — by the runner right after the charge, or by
 * the reconciler later for a charge whose answer was lost. One transaction moves the subscription
 * (next period, or `on_hold`) under its lock, writes the invoice (`paid`, or `open` as dues),
 * settles or ties the payment and queues the webhooks; then the customer's email.
 */
async function renewalSettlement(
  ctx: RenewalContext,
  scope: Scope,
  s: RenewalSettlement,
  lock: HeldLock<'subscriptions'>,
  outcome: { kind: 'paid' } | { kind: 'declined'; message: string },
): Promise<Settlement> {
  const { subscription_id: subscriptionId, at: atText } = s;
  const declined = outcome.kind === 'declined';
  const customer = await findCustomer(ctx.store.db, scope, s.customer_id);
  if (!customer) throw new Error(`subscription ${subscriptionId}: its customer is gone`);
  const total = { amount: s.priced.total, currency: s.priced.currency };
  return {
    what: `subscription ${subscriptionId}: the renewal`,
    at: atText,
    hold: (trx) =>
      settleLock(
        trx,
        lock,
        { status: 'active', period_index: s.period_index },
        declined ? { status: 'on_hold', updated_at: atText } : { period_index: s.period_index + 1, current_period_start: s.next.start, current_period_end: s.next.end, updated_at: atText },
      ),
    invoice: { id: s.invoice_id, customerId: s.customer_id, billingAddress: customer.billing_address, priced: s.priced, at: atText, paid: !declined, subscriptionId },
    creditSpent: s.credit_spent > 0 ? { subscriptionId, reason: 'renewal_spent' } : undefined,
    payment: { subscription_id: subscriptionId },
    events: declined ? [{ subscription: 'subscription.on_hold', id: subscriptionId }] : ['payment.succeeded', { subscription: 'subscription.renewed', id: subscriptionId }],
    notify: async ({ paymentId, invoice }) => {
      const business = await findBusiness(ctx.store.db, scope.businessId);
      const brand = business?.brand ?? { display_name: '', primary_color: null };
      const mailer = ctx.mailerFor(scope.mode);
      if (outcome.kind === 'declined') {
        return notify(ctx, scope, mailer, async () => {
          // The way back in: a one-time link to the portal, where the card can be replaced.
          const link = await createMagicLink(ctx, scope, s.customer_id, {});
          return paymentFailedEmail({ to: customer, brand, portalUrl: link.link, total, attemptedAt: atText, productName: s.plan_name, onHold: true, reason: outcome.message });
        });
      }
      if (!paymentId || !invoice) return;
      await notify(ctx, scope, mailer, async () =>
        paymentSucceededEmail({
          to: customer,
          brand,
          portalUrl: staticLoginUrl(ctx.publicUrl, scope.businessId, scope.mode),
          total,
          paidAt: atText,
          description: lineText('subscription.renewal', { product: s.plan_name }),
          paymentId,
          invoiceNumber: invoice.number,
        }),
      );
    },
  };
}

/**
 * A renewal charge whose answer was lost, with the processor's answer now: settled under the
 * subscription's billing lock (taken like a renewal takes it), exactly as the runner would have.
 * 'orphan' when the subscription has moved on (cancelled, changed plan): nothing left to renew.
 */
export const recoverRenewalCharge: ChargeRecovery<RenewalContext> = async (ctx, scope, payment, recovery, lookup) => {
  const s = recovery as RenewalSettlement;
  const lock = await takeBillingLock(ctx, 'subscriptions', s.subscription_id, { status: 'active', period_index: s.period_index });
  if (!lock) {
    const row = await findSubscriptionRow(ctx.store.db, scope, s.subscription_id);
    // Still at that period: someone holds its lock right now; try again on a later pass.
    if (row && row.status === 'active' && Number(row.period_index) === s.period_index) return false;
    return 'orphan';
  }
  const at = new Date(s.at);
  const billing = pinnedTo(ctx, at);
  try {
    if (lookup.status === 'succeeded') {
      await settleCharge(ctx, scope, await renewalSettlement(ctx, scope, s, lock, { kind: 'paid' }), { kind: 'paid', paymentId: payment.id, chargeId: lookup.charge.charge_id });
      return true;
    }
    if (!(await failPayment(billing, scope, payment.id, lookup, at))) {
      await releaseLock(ctx.store.db, lock);
      return false;
    }
    await settleCharge(ctx, scope, await renewalSettlement(ctx, scope, s, lock, { kind: 'declined', message: lookup.message }), { kind: 'declined', paymentId: payment.id });
    return true;
  } catch (error) {
    await releaseLock(ctx.store.db, lock).catch(() => undefined);
    throw error;
  }
};

/** Queues the email (the mail queue sends it after this renewal, with its own timeout and retries). */
async function notify(ctx: RenewalContext, scope: Scope, mailer: Mailer, build: () => Promise<Parameters<Mailer['send']>[0]>): Promise<void> {
  if (mailer.disabled) return;
  try {
    await ctx.mailQueue.enqueue(ctx.store.db, scope.mode, await build());
  } catch (error) {
    ctx.logger.error('renewal email failed', { error: error instanceof Error ? error.message : String(error) });
  }
}
