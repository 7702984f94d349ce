/**
 * The test-mode processor: no network, deterministic outcomes by card number, like the test cards
 * of real processors. 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; any other
 * number is refused as unknown to the sandbox. State lives in memory for the process lifetime.
 */
import { base32 } from '../domain/ids.ts';
import type { Clock, Random } from '../domain/ports.ts';
import {
  PaymentDeclinedError,
  type CardDetails,
  type CardToken,
  type Charge,
  type ChargeRequest,
  type PaymentProcessor,
  type Refund,
} from './processor.ts';


export const SandboxCards = {
  succeeds: '4242424242424242',
  declines: '4000000000000002',
} as const;

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i += 1) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const brandOf = (number: string): CardToken['brand'] =>
  number.startsWith('4') ? 'visa' : /^(5[1-5]|2[2-7])/.test(number) ? 'mastercard' : /^3[47]/.test(number) ? 'amex' : 'unknown';

interface StoredCard {
  card: CardToken;
  outcome: 'succeed' | 'decline';
}

export function createSandboxProcessor(world: { clock: Clock; random: Random }): PaymentProcessor {
  const cards = new Map<string, StoredCard>();
  const charges = new Map<string, Charge>();
  const byIdempotencyKey = new Map<string, Charge>();
  const id = (prefix: string) => `${prefix}_${base32(world.random.bytes(16))}`;

  return {
    async tokenize(details: CardDetails): Promise<CardToken> {
      const number = details.number.replace(/[\s-]/g, '');
      if (!luhnValid(number)) throw new PaymentDeclinedError('invalid_number', 'The card number is not valid.');
      if (!/^\d{3,4}$/.test(details.cvc)) throw new PaymentDeclinedError('invalid_cvc', 'The security code is not valid.');
      if (!Number.isInteger(details.exp_month) || details.exp_month < 1 || details.exp_month > 12) {
        throw new PaymentDeclinedError('invalid_expiry_month', 'The expiry month is not valid.');
      }
      const now = world.clock.now();
      const year = now.getUTCFullYear();
      const month = now.getUTCMonth() + 1;
      if (details.exp_year < year || (details.exp_year === year && details.exp_month < month)) {
        throw new PaymentDeclinedError('expired_card', 'The card has expired.');
      }
      if (number !== SandboxCards.succeeds && number !== SandboxCards.declines) {
        throw new PaymentDeclinedError('card_not_supported', 'Only the sandbox test cards work in test mode.');
      }
      const card: CardToken = { token: id('tok'), brand: brandOf(number), last4: number.slice(-4), exp_month: details.exp_month, exp_year: details.exp_year };
      cards.set(card.token, { card, outcome: number === SandboxCards.succeeds ? 'succeed' : 'decline' });
      return card;
    },

    async charge(request: ChargeRequest): Promise<Charge> {
      if (request.idempotencyKey) {
        const previous = byIdempotencyKey.get(request.idempotencyKey);
        if (previous) return { ...previous };
      }
      if (!Number.isSafeInteger(request.amount) || request.amount <= 0) throw new RangeError('amount must be a positive integer in minor units');
      const stored = cards.get(request.token);
      if (!stored) throw new PaymentDeclinedError('invalid_token', 'Unknown card token.');
      if (stored.outcome === 'decline') throw new PaymentDeclinedError('card_declined', 'The card was declined.');
      const charge: Charge = { charge_id: id('ch'), amount: request.amount, currency: request.currency, status: 'succeeded', amount_refunded: 0 };
      charges.set(charge.charge_id, charge);
      if (request.idempotencyKey) byIdempotencyKey.set(request.idempotencyKey, charge);
      return { ...charge };
    },

    async refund(chargeId: string, amount?: number): Promise<Refund> {
      const charge = charges.get(chargeId);
      if (!charge) throw new RangeError(`unknown charge ${chargeId}`);
      const remaining = charge.amount - charge.amount_refunded;
      const refundAmount = amount ?? remaining;
      if (!Number.isSafeInteger(refundAmount) || refundAmount <= 0 || refundAmount > remaining) {
        throw new RangeError(`refund must be 1..${remaining}, got ${refundAmount}`);
      }
      charge.amount_refunded += refundAmount;
      return { refund_id: id('re'), charge_id: chargeId, amount: refundAmount };
    },
  };
}
