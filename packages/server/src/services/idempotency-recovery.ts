/**
 * Idempotency keys whose request died (kill -9, a crash, a lost connection to the database).
 *
 * While a keyed request runs, the key holds a lease (`locked_until`, real time). Before a request
 * calls the processor, the payment it recorded is noted on its key (`payment_id`, see
 * `notePaymentForKey`), so whoever finds the key unanswered past its lease knows what may have been
 * charged. One retry (or the scheduler's sweep) takes the key over with a conditional UPDATE, then:
 *
 * - no payment noted, or the noted payment `failed` (declined, or it never reached the processor):
 *   nothing was charged, so the operation runs again under the same key (the retry) or the key is
 *   forgotten (the sweep) and the client's retry runs it;
 * - the payment still `processing`: it is reconciled now (services/reconciliation.ts asks the
 *   processor by the payment's id): a charge the processor took for an order that never completed
 *   is recorded and refunded in full; one it never got is `failed` (and the operation runs again);
 * - the payment settled `succeeded` or refunded: money moved, so the operation is NEVER run again.
 *   The key is answered, for good, with 409 `idempotent_request_interrupted` naming the payment
 *   and what became of it.
 * - a refund (`POST /v1/refunds` names its refund on the key before reserving it): never reserved
 *   or `failed` → run again; `pending` → finished now as the reconciler would, then answered 201
 *   with the refund, the answer the request would have given. Never a second refund.
 *
 * The lease defaults to the reconciler's grace period (RECONCILE_GRACE_MS): a charge still in
 * flight at the processor is no more likely to be reconciled early through its key than by the
 * sweep.
 */
import { BillingErrorCode } from '@dodo-portal/wire/schemas';
import type { Selectable } from 'kysely';
import type { WireError } from '../domain/errors.ts';
import { toTimestamp } from '../domain/ports.ts';
import {
  completeIdempotencyKey,
  findIdempotencyPaymentId,
  findStaleIdempotencyKeys,
  lapseIdempotencyKey,
  releaseIdempotencyKey,
  takeOverIdempotencyKey,
  tieIdempotencyPayment,
} from '../store/idempotency.ts';
import { IdPrefix, isId } from '../domain/ids.ts';
import { findPaymentRow, findRefund, findRefundRow } from '../store/refunds.ts';
import type { PaymentsTable } from '../store/schema.ts';
import type { Scope } from '../store/scope.ts';
import { reconcilePaymentNow, reconcileRefundNow, RECONCILE_GRACE_MS } from './reconciliation.ts';
import type { RenewalContext } from './renewals.ts';
import type { AppContext, StoredAnswer } from '../runtime.ts';

export const IDEMPOTENCY_LEASE_MS = RECONCILE_GRACE_MS;

export type Recovery = { kind: 'rerun' } | ({ kind: 'answer' } & StoredAnswer) | { kind: 'busy' };

/** What recovery runs on: renewals' context, and how an error becomes a stored HTTP answer. */
export type RecoveryContext = RenewalContext & Pick<AppContext, 'errorAnswer'>;

/**
 * A retry found its key unanswered past the lease it read (`seen`): take it over and say what to
 * do. 'busy' when another retry took it first, or its payment is being reconciled right now.
 */
export async function recoverIdempotencyKey(ctx: RecoveryContext, scope: Scope, key: string, seen: string | null, leaseUntil: string): Promise<Recovery> {
  const db = ctx.store.db;
  if (!(await takeOverIdempotencyKey(db, scope, key, seen, leaseUntil))) return { kind: 'busy' };
  try {
    return await recoverTakenKey(ctx, scope, key, leaseUntil);
  } catch (error) {
    // The processor could not be asked (down, not configured): let the next retry try again at once.
    await lapseIdempotencyKey(db, scope, key, leaseUntil, toTimestamp(ctx.clock.now())).catch(() => undefined);
    throw error;
  }
}

async function recoverTakenKey(ctx: RecoveryContext, scope: Scope, key: string, leaseUntil: string): Promise<Recovery> {
  const db = ctx.store.db;
  const paymentId = await findIdempotencyPaymentId(db, scope, key);
  if (paymentId && isId(IdPrefix.refund, paymentId)) return recoverRefundKey(ctx, scope, key, paymentId, leaseUntil);
  const payment = paymentId ? await settledPayment(ctx, scope, paymentId) : undefined;
  if (!payment || payment.status === 'failed') {
    if (paymentId) await tieIdempotencyPayment(db, scope, key, null);
    return { kind: 'rerun' };
  }
  if (payment.status === 'processing') {
    await lapseIdempotencyKey(db, scope, key, leaseUntil, toTimestamp(ctx.clock.now()));
    return { kind: 'busy' };
  }
  const answer = ctx.errorAnswer(interruptedError(payment));
  await completeIdempotencyKey(db, scope, key, answer);
  return { kind: 'answer', ...answer };
}

/**
 * The scheduler's pass over keys left unanswered past their lease (no retry came): forgets those
 * under which nothing was charged, answers those whose payment settled. Returns how many it closed.
 */
export async function recoverStaleIdempotencyKeys(ctx: RecoveryContext, leaseMs: number = IDEMPOTENCY_LEASE_MS): Promise<number> {
  const now = ctx.clock.now();
  const stale = await findStaleIdempotencyKeys(ctx.store.db, { realNow: toTimestamp(now), legacyCutoff: toTimestamp(new Date(now.getTime() - leaseMs)), limit: 100 });
  let closed = 0;
  for (const row of stale) {
    const scope: Scope = { businessId: row.business_id, mode: row.mode };
    try {
      const recovery = await recoverIdempotencyKey(ctx, scope, row.key, row.locked_until, toTimestamp(new Date(now.getTime() + leaseMs)));
      if (recovery.kind === 'rerun') await releaseIdempotencyKey(ctx.store.db, scope, row.key);
      if (recovery.kind !== 'busy') closed += 1;
    } catch (error) {
      ctx.logger.error('idempotency key recovery failed', { key: row.key, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  return closed;
}

/**
 * A dead `POST /v1/refunds` named its refund on the key before reserving it: never reserved →
 * run again; still `pending` → finished now (the reconciler's way: asked of the processor by the
 * refund's id, sent if it never got there), then answered like the request: 201 with the refund;
 * `failed` (its amount given back) → run again.
 */
async function recoverRefundKey(ctx: RecoveryContext, scope: Scope, key: string, refundId: string, leaseUntil: string): Promise<Recovery> {
  const db = ctx.store.db;
  let refund = await findRefundRow(db, scope, refundId);
  if (refund?.status === 'pending') {
    if (!(await reconcileRefundNow(ctx, refund))) {
      await lapseIdempotencyKey(db, scope, key, leaseUntil, toTimestamp(ctx.clock.now()));
      return { kind: 'busy' };
    }
    refund = await findRefundRow(db, scope, refundId);
  }
  if (refund?.status !== 'succeeded') {
    await tieIdempotencyPayment(db, scope, key, null);
    return { kind: 'rerun' };
  }
  const answer = { status: 201, body: JSON.stringify(await findRefund(db, scope, refundId)) };
  await completeIdempotencyKey(db, scope, key, answer);
  return { kind: 'answer', ...answer };
}

/** The payment noted on a dead request's key, reconciled first if it is still `processing`. */
async function settledPayment(ctx: RecoveryContext, scope: Scope, paymentId: string): Promise<Selectable<PaymentsTable> | undefined> {
  const payment = await findPaymentRow(ctx.store.db, scope, paymentId);
  if (payment?.status !== 'processing') return payment;
  await reconcilePaymentNow(ctx, payment);
  return findPaymentRow(ctx.store.db, scope, paymentId);
}

function interruptedError(payment: Selectable<PaymentsTable>): WireError {
  const charged = `payment ${payment.id} of ${payment.amount} ${payment.currency} (minor units)`;
  const message =
    payment.status === 'succeeded' && payment.invoice_id
      ? `The first request with this Idempotency-Key stopped before it answered, after ${charged} succeeded for invoice ${payment.invoice_id}. It was not run again: look the result up instead of retrying.`
      : payment.status === 'refunded'
        ? `The first request with this Idempotency-Key stopped before it finished, after the card was charged: ${charged} was refunded in full and nothing else changed. Send the request again with a new Idempotency-Key.`
        : `The first request with this Idempotency-Key stopped before it answered; ${charged} is ${payment.status}. It was not run again: look the payment up instead of retrying.`;
  return { code: BillingErrorCode.idempotentRequestInterrupted, message, payment_id: payment.id };
}
