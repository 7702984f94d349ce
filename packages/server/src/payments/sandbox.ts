/**
 * The test-mode processor: no network, deterministic outcomes by card number, like the test cards
 * of real processors (see SandboxCards). Any other number is refused as unknown to the sandbox.
 *
 * Its state (issued tokens, charges) lives in a ledger: in memory by default, or in the database
 * (`sqlSandboxLedger`) so tokens and saved cards survive restarts and work across processes that
 * share one database. The ledger never holds a card number or CVC: only the test card's
 * behaviour, brand, last four digits and expiry.
 */
import { cardBrandOf, luhnValid } from '@dodo-portal/wire/values';
import { base32 } from '../domain/ids.ts';
import type { Clock, Random } from '../domain/ports.ts';
import {
  PaymentDeclinedError,
  type CardDetails,
  type CardToken,
  type Charge,
  type ChargeLookup,
  type ChargeRequest,
  type PaymentProcessor,
  type Refund,
  type RefundLookup,
} from './processor.ts';

export const SandboxCards = {
  succeeds: '4242424242424242',
  mastercardSucceeds: '5555555555554444',
  declines: '4000000000000002',
  insufficientFunds: '4000000000009995',
  processingError: '4000000000000119',
  /** Tokenizes and passes the verification when saved, but every charge is declined: how a test puts a subscription on hold. */
  attachesThenDeclines: '4000000000000341',
} as const;

/**
 * What a sandbox card does. The decline cards are refused by the verification when saved and by
 * every charge; `declined_when_charged` passes the verification and is declined (`card_declined`)
 * only when charged.
 */
export type SandboxBehaviour = 'succeed' | 'card_declined' | 'insufficient_funds' | 'processing_error' | 'declined_when_charged';

const BEHAVIOUR_BY_NUMBER: Record<string, SandboxBehaviour> = {
  [SandboxCards.succeeds]: 'succeed',
  [SandboxCards.mastercardSucceeds]: 'succeed',
  [SandboxCards.declines]: 'card_declined',
  [SandboxCards.insufficientFunds]: 'insufficient_funds',
  [SandboxCards.processingError]: 'processing_error',
  [SandboxCards.attachesThenDeclines]: 'declined_when_charged',
};

type DeclineCode = Exclude<SandboxBehaviour, 'succeed' | 'declined_when_charged'>;

const DECLINE_MESSAGES: Record<DeclineCode, string> = {
  card_declined: 'The card was declined.',
  insufficient_funds: 'The card has insufficient funds.',
  processing_error: 'The card could not be charged because of a processing error. Try again.',
};

export interface SandboxCard extends CardToken {
  behaviour: SandboxBehaviour;
}

export interface SandboxChargeRecord extends Charge {
  token: string;
}

/** Where the sandbox keeps its state. Writes that race must be atomic in the implementation. */
export interface SandboxLedger {
  saveCard(card: SandboxCard, createdAt: string): Promise<void>;
  findCard(token: string): Promise<SandboxCard | undefined>;
  /** Saves a charge; with an idempotency key already used, keeps and returns the first charge. */
  saveCharge(charge: SandboxChargeRecord, idempotencyKey: string | undefined, createdAt: string): Promise<Charge>;
  findChargeByIdempotencyKey(key: string): Promise<Charge | undefined>;
  findCharge(chargeId: string): Promise<Charge | undefined>;
  /**
   * Records a refund and adds it to the charge's refunded amount, atomically, only if that stays
   * within the charge (false otherwise). With an idempotency key already used, records nothing and
   * returns the first refund.
   */
  addRefund(refund: Refund, idempotencyKey: string | undefined, createdAt: string): Promise<Refund | false>;
  findRefundByIdempotencyKey(key: string): Promise<Refund | undefined>;
}

export function memorySandboxLedger(): SandboxLedger {
  const cards = new Map<string, SandboxCard>();
  const charges = new Map<string, Charge>();
  const byKey = new Map<string, string>();
  const refundsByKey = new Map<string, Refund>();
  return {
    saveCard: async (card) => void cards.set(card.token, { ...card }),
    findCard: async (token) => {
      const card = cards.get(token);
      return card ? { ...card } : undefined;
    },
    saveCharge: async ({ token: _token, ...charge }, key) => {
      const existing = key === undefined ? undefined : byKey.get(key);
      if (existing) return { ...charges.get(existing)! };
      charges.set(charge.charge_id, { ...charge });
      if (key !== undefined) byKey.set(key, charge.charge_id);
      return { ...charge };
    },
    findChargeByIdempotencyKey: async (key) => {
      const id = byKey.get(key);
      return id ? { ...charges.get(id)! } : undefined;
    },
    findCharge: async (id) => {
      const charge = charges.get(id);
      return charge ? { ...charge } : undefined;
    },
    addRefund: async (refund, key) => {
      const first = key === undefined ? undefined : refundsByKey.get(key);
      if (first) return { ...first };
      const charge = charges.get(refund.charge_id);
      if (!charge || charge.amount_refunded + refund.amount > charge.amount) return false;
      charge.amount_refunded += refund.amount;
      if (key !== undefined) refundsByKey.set(key, { ...refund });
      return { ...refund };
    },
    findRefundByIdempotencyKey: async (key) => {
      const refund = refundsByKey.get(key);
      return refund ? { ...refund } : undefined;
    },
  };
}

export function createSandboxProcessor(world: { clock: Clock; random: Random; ledger?: SandboxLedger }): PaymentProcessor {
  const ledger = world.ledger ?? memorySandboxLedger();
  const id = (prefix: string) => `${prefix}_${base32(world.random.bytes(16))}`;
  const now = () => world.clock.now().toISOString();
  const publicCard = ({ behaviour: _behaviour, ...card }: SandboxCard): CardToken => card;

  return {
    async tokenize(details: CardDetails): Promise<CardToken> {
      const number = details.number.replace(/[\s-]/g, '');
      if (!luhnValid(number)) throw new PaymentDeclinedError('invalid_number', 'The card number is not valid.');
      if (!Number.isInteger(details.exp_month) || details.exp_month < 1 || details.exp_month > 12) {
        throw new PaymentDeclinedError('invalid_expiry_month', 'The expiry month is not valid.');
      }
      if (!Number.isInteger(details.exp_year) || details.exp_year < 2000 || details.exp_year > 2100) {
        throw new PaymentDeclinedError('invalid_expiry_year', 'The expiry year is not valid.');
      }
      const today = world.clock.now();
      const year = today.getUTCFullYear();
      const month = today.getUTCMonth() + 1;
      if (details.exp_year < year || (details.exp_year === year && details.exp_month < month)) {
        throw new PaymentDeclinedError('expired_card', 'The card has expired.');
      }
      const brand = cardBrandOf(number);
      const cvcDigits = brand === 'amex' ? 4 : 3;
      if (!new RegExp(`^\\d{${cvcDigits}}$`).test(details.cvc)) throw new PaymentDeclinedError('invalid_cvc', 'The security code is not valid.');
      const behaviour = BEHAVIOUR_BY_NUMBER[number];
      if (!behaviour) throw new PaymentDeclinedError('card_not_supported', 'Only the sandbox test cards work in test mode.');
      const card: SandboxCard = { token: id('tok'), brand, last4: number.slice(-4), exp_month: details.exp_month, exp_year: details.exp_year, behaviour };
      await ledger.saveCard(card, now());
      return publicCard(card);
    },

    async retrieveCard(token: string): Promise<CardToken | undefined> {
      const card = await ledger.findCard(token);
      return card ? publicCard(card) : undefined;
    },

    async verify(token: string): Promise<void> {
      const card = await ledger.findCard(token);
      if (!card) throw new PaymentDeclinedError('invalid_token', 'Unknown card token.');
      if (card.behaviour === 'succeed' || card.behaviour === 'declined_when_charged') return;
      throw new PaymentDeclinedError(card.behaviour, DECLINE_MESSAGES[card.behaviour]);
    },

    async charge(request: ChargeRequest): Promise<Charge> {
      if (request.idempotencyKey) {
        const previous = await ledger.findChargeByIdempotencyKey(request.idempotencyKey);
        if (previous) return previous;
      }
      if (!Number.isSafeInteger(request.amount) || request.amount <= 0) throw new RangeError('amount must be a positive integer in minor units');
      const card = await ledger.findCard(request.token);
      if (!card) throw new PaymentDeclinedError('invalid_token', 'Unknown card token.');
      if (card.behaviour !== 'succeed') {
        const code: DeclineCode = card.behaviour === 'declined_when_charged' ? 'card_declined' : card.behaviour;
        throw new PaymentDeclinedError(code, DECLINE_MESSAGES[code]);
      }
      const charge: SandboxChargeRecord = {
        charge_id: id('ch'),
        token: card.token,
        amount: request.amount,
        currency: request.currency,
        status: 'succeeded',
        amount_refunded: 0,
      };
      return ledger.saveCharge(charge, request.idempotencyKey, now());
    },

    async refund(chargeId: string, amount?: number, idempotencyKey?: string): Promise<Refund> {
      const charge = await ledger.findCharge(chargeId);
      if (!charge) throw new RangeError(`unknown charge ${chargeId}`);
      const remaining = charge.amount - charge.amount_refunded;
      const refundAmount = amount ?? remaining;
      const refund: Refund = { refund_id: id('re'), charge_id: chargeId, amount: refundAmount };
      // A retry of a refund that went through answers it again, even though nothing is left now.
      const recorded = Number.isSafeInteger(refundAmount) && refundAmount > 0 ? await ledger.addRefund(refund, idempotencyKey, now()) : false;
      if (!recorded) throw new RangeError(`refund must be 1..${remaining}, got ${refundAmount}`);
      return recorded;
    },

    // A declined sandbox charge leaves no record (nothing was taken), so it reads as not_found.
    async retrieveCharge(ref): Promise<ChargeLookup> {
      const charge = (ref.chargeId ? await ledger.findCharge(ref.chargeId) : undefined) ?? (await ledger.findChargeByIdempotencyKey(ref.idempotencyKey));
      return charge ? { status: 'succeeded', charge } : { status: 'not_found' };
    },

    async retrieveRefund(ref): Promise<RefundLookup> {
      const refund = await ledger.findRefundByIdempotencyKey(ref.idempotencyKey);
      return refund ? { status: 'succeeded', refund } : { status: 'not_found' };
    },
  };
}
