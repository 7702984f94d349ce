/**
 * Reconciliation: finishing charges and refunds whose processor answer was lost (the process
 * stopped, or the processor did not answer). Run by the scheduler on every tick and by a
 * test-clock advance (for its scope).
 *
 * A payment still `processing`, or a refund still `pending`, whose attempt was recorded more than
 * RECONCILE_GRACE_MS ago (real time, like every lease: the test clock cannot make a charge that
 * is still in flight look abandoned) is claimed with a conditional UPDATE — one reconciler per
 * record, across processes — and the processor is asked what happened, by the idempotency key
 * the attempt used (the payment's or the refund's own id). Then it is settled by the same code
 * the normal path runs:
 *
 * - **Renewal charges** (they carry their `settlement`): succeeded → the period is renewed, the
 *   invoice `paid`, `payment.succeeded` + `subscription.renewed`, the receipt email; declined →
 *   the payment `failed`, the subscription `on_hold` with its dues invoice and the on-hold email
 *   (services/renewals.ts `recoverRenewalCharge` through services/settlement.ts, under the billing lock, taken like a
 *   renewal does). Never reached the processor → the payment `failed` (`charge_not_found`) and the
 *   renewal runner charges the period afresh. While such a payment is `processing` the runner
 *   does not charge that subscription again.
 * - **Other charges** (a first subscription charge, a purchase, dues, a plan change, an invoice): the request
 *   that made them has already failed, so there is no order to complete. Succeeded → the payment
 *   is settled `succeeded` and refunded in full at once (`payment.succeeded`, `refund.succeeded`):
 *   the customer is never charged for nothing. Declined or never reached → `failed`
 *   (`payment.failed`).
 * - **Pending refunds**: the processor has it → `succeeded` (`refund.succeeded`); it never got it →
 *   the refund is sent again under the same idempotency key and settles as a refund does
 *   (`succeeded`, or `failed` with its amount given back).
 *
 * Idempotent: every settling step is conditional on the record still being unsettled, and the
 * processor's idempotency keys make a repeated refund a no-op.
 */
import { BillingErrorCode, type Mode } from '@dodo-portal/wire/schemas';
import { DomainError } from '../domain/errors.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findPaymentRow } from '../store/refunds.ts';
import { claimRefund, findStalePayments, findStaleRefunds, releaseRefund, type StalePayment, type StaleRefund } from '../store/reconciliation.ts';
import type { Scope } from '../store/scope.ts';
import { processorFor } from './charging.ts';
import { completeRefund, sendRefund } from './refunds.ts';
import { recoverRenewalCharge, type RenewalContext } from './renewals.ts';
import { modeContext, recoverLostCharge } from './settlement.ts';

/**
 * How long an attempt may stay unanswered before it is reconciled (real time); `serve` takes
 * RECONCILE_GRACE_MS. Never below the slowest charge: one still in flight that the processor does
 * not know yet would be `failed`, and its renewal charged afresh.
 */
export const RECONCILE_GRACE_MS = 10 * 60_000;
/** How long a reconciler holds a refund (real time). */
const CLAIM_MS = 5 * 60_000;
const BATCH = 100;

export interface ReconcileReport {
  /** Payments moved out of `processing`. */
  payments: number;
  /** Refunds moved out of `pending`. */
  refunds: number;
}

/**
 * Reconciles every stale payment and refund (of one scope, or everywhere). `ctx.clock` is the real
 * clock, as for the renewal runner. Safe to run from any number of processes at once.
 */
export async function reconcile(ctx: RenewalContext, options: { scope?: Scope } = {}): Promise<ReconcileReport> {
  const report: ReconcileReport = { payments: 0, refunds: 0 };
  const now = ctx.clock.now();
  const sweep = { cutoff: toTimestamp(new Date(now.getTime() - (ctx.reconcileGraceMs ?? RECONCILE_GRACE_MS))), realNow: toTimestamp(now), scope: options.scope, limit: BATCH };
  for (const payment of await findStalePayments(ctx.store.db, sweep)) {
    if (await guarded(ctx, { payment_id: payment.id }, () => reconcilePayment(ctx, payment))) report.payments += 1;
  }
  for (const refund of await findStaleRefunds(ctx.store.db, sweep)) {
    if (await guarded(ctx, { refund_id: refund.id }, () => reconcileRefund(ctx, refund))) report.refunds += 1;
  }
  return report;
}

/** One record's failure (a processor still down, live mode without one) never stops the sweep. */
async function guarded(ctx: RenewalContext, ids: Record<string, string>, run: () => Promise<boolean>): Promise<boolean> {
  try {
    return await run();
  } catch (error) {
    ctx.logger.error('reconciliation failed', { ...ids, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return false;
  }
}

const scopeOf = (row: { business_id: string; mode: Mode }): Scope => ({ businessId: row.business_id, mode: row.mode });

/**
 * Reconciles one `processing` payment now, whatever its age: for a payment whose request is known
 * to be gone (its Idempotency-Key's lease lapsed, services/idempotency-recovery.ts). False when
 * another reconciler holds it or it already settled.
 */
export async function reconcilePaymentNow(ctx: RenewalContext, payment: StalePayment): Promise<boolean> {
  return reconcilePayment(ctx, payment);
}

/** Charges go through the settlement pipeline's recovery; renewals finish their period. */
const reconcilePayment = (ctx: RenewalContext, payment: StalePayment): Promise<boolean> => recoverLostCharge(ctx, payment, { renewal: recoverRenewalCharge });

/** Finishes one `pending` refund now, whatever its age (its request is known to be gone); false when another reconciler holds it. */
export async function reconcileRefundNow(ctx: RenewalContext, refund: StaleRefund): Promise<boolean> {
  return reconcileRefund(ctx, refund);
}

async function reconcileRefund(ctx: RenewalContext, refund: StaleRefund): Promise<boolean> {
  const scope = scopeOf(refund);
  const now = ctx.clock.now();
  const leaseUntil = toTimestamp(new Date(now.getTime() + CLAIM_MS));
  if (!(await claimRefund(ctx.store.db, refund.id, toTimestamp(now), leaseUntil))) return false;
  try {
    const { billing, at } = await modeContext(ctx, scope);
    const lookup = await processorFor(ctx, scope).retrieveRefund({ idempotencyKey: refund.id });
    if (lookup.status === 'succeeded') {
      return await completeRefund(billing, scope, refund.id, lookup.refund.refund_id, at);
    }
    // It never reached the processor: send it now, under the same key, as the request would have.
    const payment = await findPaymentRow(ctx.store.db, scope, refund.payment_id);
    if (!payment?.processor_charge_id) throw new Error(`refund ${refund.id}: its payment has no processor charge`);
    try {
      await sendRefund(billing, scope, { id: refund.id, payment_id: refund.payment_id, amount: Number(refund.amount) }, payment.processor_charge_id);
    } catch (error) {
      // Refused: the refund is `failed` and its amount given back, as the request would answer 502.
      if (!(error instanceof DomainError && error.code === BillingErrorCode.refundFailed)) throw error;
    }
    return true;
  } finally {
    await releaseRefund(ctx.store.db, refund.id, leaseUntil);
  }
}
