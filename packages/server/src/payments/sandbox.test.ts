import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../domain/ports.ts';
import { TestClock } from '../testing/harness.ts';
import { PaymentDeclinedError } from './processor.ts';
import { SandboxCards, createSandboxProcessor, luhnValid } from './sandbox.ts';

const card = (number: string, overrides: Partial<{ exp_month: number; exp_year: number; cvc: string }> = {}) => ({ number, exp_month: 12, exp_year: 2030, cvc: '123', ...overrides });
const processor = () => createSandboxProcessor({ clock: new TestClock(new Date('2025-06-15T00:00:00Z')), random: cryptoRandom });
const declineCode = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PaymentDeclinedError) return error.declineCode;
    throw error;
  }
  throw new Error('expected a decline');
};

describe('sandbox payment processor', () => {
  it('checks card numbers with Luhn', () => {
    expect(luhnValid(SandboxCards.succeeds)).toBe(true);
    expect(luhnValid(SandboxCards.declines)).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('42')).toBe(false);
  });

  it('charges 4242 4242 4242 4242 and refunds in parts, never beyond the charge', async () => {
    const sandbox = processor();
    const token = await sandbox.tokenize(card('4242 4242 4242 4242'));
    expect(token).toMatchObject({ brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 });
    expect(token.token).toMatch(/^tok_/);
    const charge = await sandbox.charge({ token: token.token, amount: 5304, currency: 'USD' });
    expect(charge).toMatchObject({ status: 'succeeded', amount: 5304, currency: 'USD', amount_refunded: 0 });
    expect((await sandbox.refund(charge.charge_id, 1000)).amount).toBe(1000);
    expect((await sandbox.refund(charge.charge_id)).amount).toBe(4304);
    await expect(sandbox.refund(charge.charge_id, 1)).rejects.toThrow(RangeError);
  });

  it('returns the first result for a repeated idempotency key', async () => {
    const sandbox = processor();
    const { token } = await sandbox.tokenize(card(SandboxCards.succeeds));
    const first = await sandbox.charge({ token, amount: 100, currency: 'EUR', idempotencyKey: 'order-1' });
    const again = await sandbox.charge({ token, amount: 100, currency: 'EUR', idempotencyKey: 'order-1' });
    expect(again.charge_id).toBe(first.charge_id);
  });

  it('declines 4000 0000 0000 0002 at charge time, and refuses bad or expired cards', async () => {
    const sandbox = processor();
    const { token } = await sandbox.tokenize(card(SandboxCards.declines));
    expect(await declineCode(sandbox.charge({ token, amount: 100, currency: 'USD' }))).toBe('card_declined');
    expect(await declineCode(sandbox.tokenize(card('4242424242424241')))).toBe('invalid_number');
    expect(await declineCode(sandbox.tokenize(card(SandboxCards.succeeds, { exp_year: 2025, exp_month: 5 })))).toBe('expired_card');
    expect(await declineCode(sandbox.tokenize(card(SandboxCards.succeeds, { cvc: '1' })))).toBe('invalid_cvc');
    expect(await declineCode(sandbox.tokenize(card('5555555555554444')))).toBe('card_not_supported');
    expect(await declineCode(sandbox.charge({ token: 'tok_unknown', amount: 100, currency: 'USD' }))).toBe('invalid_token');
  });
});
