/**
 * How the billing engine takes money: pick the mode's processor, resolve the card (a fresh token
 * or a saved payment method), and run a charge so that every attempt is recorded.
 *
 * A charge is three steps. (1) The payment row is inserted as `processing` before the processor
 * is called, so no attempt goes unrecorded. (2) The processor is called with the payment id as
 * its idempotency key. (3) A decline settles the row as `failed` and answers 402; a success is
 * settled by the caller inside the transaction that writes the invoice (and subscription). When
 * the processor does not answer, the payment stays `processing` and services/reconciliation.ts
 * asks the processor later (by the payment id, the idempotency key) and settles it.
 */
import { BillingErrorCode, ErrorCode } from '@dodo-portal/wire/schemas';
import { DomainError, invalidRequest } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { PaymentDeclinedError, type CardToken, type Charge, type PaymentProcessor } from '../payments/processor.ts';
import { claimCardToken, findPaymentMethod, findPaymentMethodByToken, type PaymentMethodRecord } from '../store/payment-methods.ts';
import { insertProcessingPayment, notePaymentCharge, settlePayment } from '../store/payments.ts';
import type { Scope } from '../store/scope.ts';
import { notePaymentForKey } from './keyed-request.ts';
import { emitPaymentEvent } from './webhooks.ts';
import { type ServiceContext, realNow } from '../runtime.ts';

export interface BillingContext extends ServiceContext {
  paymentProcessor: PaymentProcessor;
  livePaymentProcessor?: PaymentProcessor | undefined;
}

/** The processor of the mode: the sandbox in test mode, the configured one in live mode. */
export function processorFor(ctx: BillingContext, scope: Scope): PaymentProcessor {
  if (scope.mode === 'test') return ctx.paymentProcessor;
  if (!ctx.livePaymentProcessor) {
    throw new DomainError(
      BillingErrorCode.processorNotConfigured,
      'Live mode has no payment processor configured, so nothing can be charged or saved. Use a test key with the sandbox processor.',
    );
  }
  return ctx.livePaymentProcessor;
}

/** A card to charge: a saved payment method, or a fresh token that may be saved afterwards. */
export interface CardSource {
  token: string;
  card: Pick<CardToken, 'brand' | 'last4' | 'exp_month' | 'exp_year'>;
  /** The saved payment method, when the card is one (or the token was saved for this customer before). */
  paymentMethodId: string | null;
  /** The processor accepted this fresh token already (its verification or a charge): saving it checks nothing again. */
  verified?: boolean;
}

const invalidToken = (message: string) => invalidRequest(message, [{ path: 'card_token', message }]);

/**
 * Resolves `card_token` or `payment_method_id` for a customer. A token is claimed by the first
 * business+mode that uses it; a token another business or mode claimed is refused as unknown.
 */
export async function resolveCardSource(
  ctx: BillingContext,
  scope: Scope,
  customerId: string,
  source: { card_token?: string | undefined; payment_method_id?: string | undefined },
): Promise<CardSource> {
  const processor = processorFor(ctx, scope);
  if (source.payment_method_id !== undefined) {
    const method = isId(IdPrefix.paymentMethod, source.payment_method_id) ? await findPaymentMethod(ctx.store.db, scope, source.payment_method_id) : undefined;
    if (!method || method.customer_id !== customerId) {
      throw invalidRequest(`No payment method ${source.payment_method_id} for customer ${customerId}.`, [{ path: 'payment_method_id', message: 'no such payment method for this customer' }]);
    }
    return fromMethod(method);
  }
  const token = source.card_token!;
  const card = await processor.retrieveCard(token);
  if (!card) throw invalidToken('no such card token: create one with POST /sandbox/v1/tokens');
  if (!(await claimCardToken(ctx.store.db, scope, token, toTimestamp(ctx.clock.now())))) {
    throw invalidToken('no such card token: create one with POST /sandbox/v1/tokens');
  }
  const saved = await findPaymentMethodByToken(ctx.store.db, scope, token);
  if (saved && saved.customer_id !== customerId) throw invalidToken('this card token is saved for another customer');
  if (saved) return fromMethod(saved);
  return { token, card: { brand: card.brand, last4: card.last4, exp_month: card.exp_month, exp_year: card.exp_year }, paymentMethodId: null };
}

const fromMethod = (method: PaymentMethodRecord): CardSource => ({
  token: method.processor_token,
  card: { brand: method.brand, last4: method.last4, exp_month: method.exp_month, exp_year: method.exp_year },
  paymentMethodId: method.payment_method_id,
});

/** A declined charge (402 `payment_failed`): the failed payment stays recorded under `paymentId`. */
export class PaymentFailedError extends DomainError {
  constructor(
    readonly paymentId: string,
    message: string,
    declineCode: string,
  ) {
    super(ErrorCode.paymentFailed, message, { declineCode });
  }
}

export interface ChargeAttempt {
  paymentId: string;
  charge: Charge;
}

/**
 * Steps (1) and (2): records the attempt and charges. A decline settles the payment as `failed`
 * and throws 402 `payment_failed` with the decline code. On success the payment is still
 * `processing` (with the processor's charge id noted) until the caller settles it.
 */
export async function attemptCharge(
  ctx: BillingContext,
  scope: Scope,
  input: {
    customerId: string;
    amount: number;
    currency: string;
    source: CardSource;
    description: string;
    /** Known before the charge (renewals): tied to the payment at once. */
    subscriptionId?: string;
    /** What settling needs if the answer is lost (renewals; services/reconciliation.ts). */
    settlement?: object;
  },
): Promise<ChargeAttempt> {
  const processor = processorFor(ctx, scope);
  const paymentId = newId(IdPrefix.payment, ctx.random);
  // The request's Idempotency-Key learns what it is about to charge before the payment is even
  // recorded (a process killed between the two writes must not leave a `processing` payment no
  // key names: its retry would run again and the payment wait for the reconciler), and so before
  // the processor is called. A key naming a payment that was never written means nothing was
  // charged. Not a renewal's charge (a test-clock advance runs them): they settle themselves.
  if (!input.settlement) await notePaymentForKey(ctx, paymentId);
  await insertProcessingPayment(ctx.store.db, scope, {
    id: paymentId,
    customer_id: input.customerId,
    amount: input.amount,
    currency: input.currency,
    card_brand: input.source.card.brand,
    card_last4: input.source.card.last4,
    payment_method_id: input.source.paymentMethodId,
    created_at: toTimestamp(ctx.clock.now()),
    attempted_at: toTimestamp(realNow(ctx)),
    subscription_id: input.subscriptionId ?? null,
    settlement: input.settlement ? JSON.stringify(input.settlement) : null,
  });
  let charge: Charge;
  try {
    charge = await processor.charge({
      token: input.source.token,
      amount: input.amount,
      currency: input.currency,
      idempotencyKey: paymentId,
      description: input.description,
    });
  } catch (error) {
    if (error instanceof PaymentDeclinedError) {
      await failPayment(ctx, scope, paymentId, error);
      throw new PaymentFailedError(paymentId, error.message, error.declineCode);
    }
    // Outcome unknown (the processor did not answer): the payment stays `processing` for reconciliation.
    throw error;
  }
  await notePaymentCharge(ctx.store.db, paymentId, charge.charge_id, toTimestamp(ctx.clock.now()));
  return { paymentId, charge };
}

/** Settles a declined attempt `failed` and queues `payment.failed` with it, in one transaction. */
export async function failPayment(ctx: BillingContext, scope: Scope, paymentId: string, decline: { declineCode: string; message: string }, at: Date = ctx.clock.now()): Promise<boolean> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const settled = await settlePayment(trx, paymentId, { status: 'failed', decline_code: decline.declineCode, failure_message: decline.message, updated_at: toTimestamp(at) });
    if (settled) await emitPaymentEvent(trx, ctx, scope, 'payment.failed', paymentId, at);
    return settled;
  });
}
