/**
 * How much of a payment may be refunded. Pure: the payment's recorded amounts decide; the store's
 * conditional reservation (store/refunds.ts) enforces the same limit against racing refunds.
 */
import { BillingErrorCode } from '@dodo-portal/wire/schemas';
import { DomainError, invalidRequest } from './errors.ts';

export interface RefundablePayment {
  status: string;
  amount: number;
  amount_refunded: number;
  processor_charge_id: string | null;
}

const REFUNDABLE = new Set(['succeeded', 'partially_refunded']);

export const refundExceedsPayment = (message: string) => new DomainError(BillingErrorCode.refundExceedsPayment, message);

/** Refuses (400 `invalid_request`) a payment that cannot be refunded at all: not settled with a processor charge. */
export function assertRefundable<P extends RefundablePayment>(payment: P): asserts payment is P & { processor_charge_id: string } {
  if (!REFUNDABLE.has(payment.status) || payment.processor_charge_id === null) {
    const message = `a ${payment.status} payment cannot be refunded (only succeeded or partially_refunded ones)`;
    throw invalidRequest(`payment_id ${message}.`, [{ path: 'payment_id', message }]);
  }
}

/**
 * The amount to refund: `asked`, or everything not yet refunded when nothing was asked. More than
 * what is left is `refund_exceeds_payment`: the payment's refunds never sum above its amount.
 */
export function refundAmount(payment: Pick<RefundablePayment, 'amount' | 'amount_refunded'>, asked: number | undefined): number {
  const remaining = payment.amount - payment.amount_refunded;
  const amount = asked ?? remaining;
  if (amount > remaining) throw refundExceedsPayment(`Only ${remaining} of the payment's ${payment.amount} is left to refund; ${amount} was asked.`);
  return amount;
}
