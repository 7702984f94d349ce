/**
 * Card payments behind one interface, so the billing engine never knows which processor runs.
 * Card numbers reach `tokenize` only; everything after works with the opaque token.
 */
import type { CardBrand } from '@dodo-portal/wire/values';

export interface CardDetails {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc: string;
}

export interface CardToken {
  token: string;
  brand: CardBrand;
  last4: string;
  exp_month: number;
  exp_year: number;
}

export interface ChargeRequest {
  token: string;
  amount: number;
  currency: string;
  /** The same key returns the first result instead of charging twice. */
  idempotencyKey?: string;
  description?: string;
}

export interface Charge {
  charge_id: string;
  amount: number;
  currency: string;
  status: 'succeeded';
  amount_refunded: number;
}

export interface Refund {
  refund_id: string;
  charge_id: string;
  amount: number;
}

/** A refused card or charge. `declineCode` is stable (`card_declined`, `expired_card`, …). */
export class PaymentDeclinedError extends Error {
  override readonly name = 'PaymentDeclinedError';
  constructor(
    readonly declineCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What the processor knows of a charge asked for under an idempotency key (or by its id), for
 * reconciling an attempt whose answer was lost: it went through, it was declined, or it never
 * reached the processor.
 */
export type ChargeLookup = { status: 'succeeded'; charge: Charge } | { status: 'declined'; declineCode: string; message: string } | { status: 'not_found' };

/** What the processor knows of a refund asked for under an idempotency key. */
export type RefundLookup = { status: 'succeeded'; refund: Refund } | { status: 'not_found' };

export interface PaymentProcessor {
  tokenize(card: CardDetails): Promise<CardToken>;
  /** What the processor knows of a token it issued (brand, last4, expiry), or undefined. */
  retrieveCard(token: string): Promise<CardToken | undefined>;
  /**
   * A zero-amount verification of a tokenized card (the authorization real processors run, and
   * void, when a card is saved). Throws PaymentDeclinedError when the issuer refuses the card;
   * a card may still pass here and be declined later, when it is charged.
   */
  verify(token: string): Promise<void>;
  charge(request: ChargeRequest): Promise<Charge>;
  /**
   * Refunds all (no amount) or part of a charge; never more than what is left. With an
   * idempotency key already used, returns that first refund and takes nothing more back.
   */
  refund(chargeId: string, amount?: number, idempotencyKey?: string): Promise<Refund>;
  /** The outcome of the charge made under `idempotencyKey` (or, when known, with id `chargeId`). */
  retrieveCharge(ref: { idempotencyKey: string; chargeId?: string | null }): Promise<ChargeLookup>;
  /** The refund made under `idempotencyKey`, if it reached the processor. */
  retrieveRefund(ref: { idempotencyKey: string }): Promise<RefundLookup>;
}
