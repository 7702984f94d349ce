/**
 * Refunds (`POST /v1/refunds`): all or part of a `succeeded` or `partially_refunded` payment, never
 * more in total than its amount. Three steps, like a charge:
 *
 * 1. Reserve: one transaction adds the amount to the payment's `amount_refunded` with a conditional
 *    UPDATE (`… WHERE amount_refunded + :amount <= amount`, which also sets the payment
 *    `partially_refunded` or `refunded`) and writes the refund `pending`. No row updated → 409
 *    `refund_exceeds_payment` and nothing else happens: two racing refunds cannot both reserve
 *    the same money, in one process or across processes sharing PostgreSQL.
 * 2. The mode's processor refunds the charge.
 * 3. The refund is settled `succeeded` and `refund.succeeded` is queued; a processor refusal
 *    settles it `failed` and gives the amount back to the payment (502). If the process stops
 *    between 1 and 3 the refund stays `pending` (its amount reserved) until services/reconciliation.ts
 *    asks the processor for it and finishes it — at once when the request's Idempotency-Key is
 *    retried (the key names the refund from before step 1), so a retry never reserves a second one.
 */
import { BillingErrorCode, type CreateRefundBody, type Page, type Refund } from '@dodo-portal/wire/schemas';
import { DomainError, notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { assertRefundable, refundAmount, refundExceedsPayment } from '../domain/refunds.ts';
import { failRefund, findPaymentRow, findRefund, listRefunds as listRefundRows, reserveRefund, settleRefund } from '../store/refunds.ts';
import type { Scope } from '../store/scope.ts';
import { processorFor, type BillingContext } from './charging.ts';
import { positionFromCursor, toPage } from './paging.ts';
import { notePaymentForKey } from './keyed-request.ts';
import { emitEvent } from './webhooks.ts';
import { realNow } from '../runtime.ts';

export async function createRefund(ctx: BillingContext, scope: Scope, body: CreateRefundBody): Promise<Refund> {
  const payment = isId(IdPrefix.payment, body.payment_id) ? await findPaymentRow(ctx.store.db, scope, body.payment_id) : undefined;
  if (!payment) throw notFound(`No payment ${body.payment_id} in ${scope.mode} mode.`);
  assertRefundable(payment);
  processorFor(ctx, scope); // live mode without a processor: processor_not_configured before anything is reserved
  const amount = refundAmount({ amount: Number(payment.amount), amount_refunded: Number(payment.amount_refunded) }, body.amount);

  const createdAt = toTimestamp(ctx.clock.now());
  const refund = {
    id: newId(IdPrefix.refund, ctx.random),
    payment_id: payment.id,
    invoice_id: payment.invoice_id,
    amount,
    currency: payment.currency,
    reason: body.reason ?? null,
    created_at: createdAt,
    attempted_at: toTimestamp(realNow(ctx)),
  };
  // The request's Idempotency-Key names the refund before it is reserved: a retry after the process
  // died finishes this refund (services/idempotency-recovery.ts) instead of reserving a second one.
  await notePaymentForKey(ctx, refund.id);
  // Step 1: the conditional UPDATE is the guard; the read above only shapes the error message.
  if (!(await reserveRefund(ctx.store.db, scope, refund))) {
    throw refundExceedsPayment(`The refund of ${amount} would take the payment's refunds above its amount ${Number(payment.amount)} (another refund took it first).`);
  }
  await sendRefund(ctx, scope, refund, payment.processor_charge_id);
  return getRefund(ctx, scope, refund.id);
}

/**
 * Steps 2 and 3 for a reserved (`pending`) refund: the processor refunds the charge under our
 * refund id as its idempotency key (so a retry — the reconciler's — never takes the money back
 * twice), then the refund settles `succeeded`, or `failed` with its amount given back (502).
 */
export async function sendRefund(ctx: BillingContext, scope: Scope, refund: { id: string; payment_id: string; amount: number }, chargeId: string): Promise<void> {
  const processor = processorFor(ctx, scope);
  let processorRefundId: string;
  try {
    processorRefundId = (await processor.refund(chargeId, refund.amount, refund.id)).refund_id;
  } catch (error) {
    await failRefund(ctx.store.db, refund, toTimestamp(ctx.clock.now()));
    throw new DomainError(BillingErrorCode.refundFailed, `The processor refused the refund: ${error instanceof Error ? error.message : String(error)}`);
  }
  await completeRefund(ctx, scope, refund.id, processorRefundId, ctx.clock.now());
}

/**
 * Step 3 on success: the refund `succeeded` and its `refund.succeeded` event, in one transaction.
 * Only the caller that moves it out of `pending` queues the event (the request, or reconciliation).
 */
export async function completeRefund(ctx: BillingContext, scope: Scope, refundId: string, processorRefundId: string, at: Date): Promise<boolean> {
  return ctx.store.db.transaction().execute(async (trx) => {
    if (!(await settleRefund(trx, refundId, processorRefundId, toTimestamp(at)))) return false;
    const settled = await findRefund(trx, scope, refundId);
    if (settled) await emitEvent(trx, ctx, scope, 'refund.succeeded', settled, at);
    return true;
  });
}

export async function getRefund(ctx: BillingContext, scope: Scope, refundId: string): Promise<Refund> {
  const refund = isId(IdPrefix.refund, refundId) ? await findRefund(ctx.store.db, scope, refundId) : undefined;
  if (!refund) throw notFound(`No refund ${refundId}.`);
  return refund;
}

export async function listRefunds(ctx: BillingContext, scope: Scope, query: { limit: number; cursor?: string | undefined; paymentId?: string | undefined }): Promise<Page<Refund>> {
  return toPage(await listRefundRows(ctx.store.db, scope, { limit: query.limit, after: positionFromCursor(query.cursor), paymentId: query.paymentId }));
}
