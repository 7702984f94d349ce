import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoRandom } from '../domain/ports.ts';
import { sqlSandboxLedger } from '../store/sandbox-ledger.ts';
import { TestClock, tempPostgresStore, tempSqliteStore, type TempStore } from '../testing/harness.ts';
import { PaymentDeclinedError } from './processor.ts';
import { luhnValid } from '@dodo-portal/wire/values';
import { SandboxCards, createSandboxProcessor, memorySandboxLedger, type SandboxLedger } from './sandbox.ts';

const card = (number: string, overrides: Partial<{ exp_month: number; exp_year: number; cvc: string }> = {}) => ({ number, exp_month: 12, exp_year: 2030, cvc: '123', ...overrides });
const declineCode = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PaymentDeclinedError) return error.declineCode;
    throw error;
  }
  throw new Error('expected a decline');
};

it('checks card numbers with Luhn', () => {
  expect(luhnValid(SandboxCards.succeeds)).toBe(true);
  for (const number of Object.values(SandboxCards)) expect(luhnValid(number), number).toBe(true);
  expect(luhnValid('4242424242424241')).toBe(false);
  expect(luhnValid('42')).toBe(false);
});

// The same behaviour whether the sandbox keeps its state in memory or in the database.
const ledgers: [string, () => Promise<{ ledger: SandboxLedger; cleanup: () => Promise<void> }>][] = [
  ['memory', async () => ({ ledger: memorySandboxLedger(), cleanup: async () => undefined })],
  [
    'sqlite',
    async () => {
      const temp = await tempSqliteStore();
      return { ledger: sqlSandboxLedger(temp.store.db), cleanup: temp.cleanup };
    },
  ],
];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
  ledgers.push([
    'postgres',
    async () => {
      const temp: TempStore = await tempPostgresStore(databaseUrl);
      return { ledger: sqlSandboxLedger(temp.store.db), cleanup: temp.cleanup };
    },
  ]);
}

describe.each(ledgers)('sandbox payment processor (%s ledger)', (_name, open) => {
  let ledger: SandboxLedger;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ ledger, cleanup } = await open());
  });
  afterAll(async () => cleanup());
  const processor = () => createSandboxProcessor({ clock: new TestClock(new Date('2025-06-15T00:00:00Z')), random: cryptoRandom, ledger });

  it('charges 4242 4242 4242 4242 and refunds in parts, never beyond the charge', async () => {
    const sandbox = processor();
    const token = await sandbox.tokenize(card('4242 4242 4242 4242'));
    expect(token).toMatchObject({ brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 });
    expect(token.token).toMatch(/^tok_/);
    expect(await sandbox.retrieveCard(token.token)).toEqual(token);
    const charge = await sandbox.charge({ token: token.token, amount: 5304, currency: 'USD' });
    expect(charge).toMatchObject({ status: 'succeeded', amount: 5304, currency: 'USD', amount_refunded: 0 });
    expect((await sandbox.refund(charge.charge_id, 1000)).amount).toBe(1000);
    await expect(sandbox.refund(charge.charge_id, 4305)).rejects.toThrow(RangeError);
    expect((await sandbox.refund(charge.charge_id)).amount).toBe(4304);
    await expect(sandbox.refund(charge.charge_id, 1)).rejects.toThrow(RangeError);
  });

  it('tells a reconciler what became of a charge and a refund, by idempotency key or charge id', async () => {
    const sandbox = processor();
    const { token } = await sandbox.tokenize(card(SandboxCards.succeeds));
    const key = `pay-${Math.random()}`;
    expect(await sandbox.retrieveCharge({ idempotencyKey: key })).toEqual({ status: 'not_found' });
    const charge = await sandbox.charge({ token, amount: 900, currency: 'USD', idempotencyKey: key });
    expect(await sandbox.retrieveCharge({ idempotencyKey: key })).toEqual({ status: 'succeeded', charge });
    expect(await sandbox.retrieveCharge({ idempotencyKey: 'another', chargeId: charge.charge_id })).toEqual({ status: 'succeeded', charge });
    // A decline takes nothing and leaves nothing to find.
    const declining = await sandbox.tokenize(card(SandboxCards.declines));
    await expect(sandbox.charge({ token: declining.token, amount: 900, currency: 'USD', idempotencyKey: `${key}-d` })).rejects.toThrow(PaymentDeclinedError);
    expect(await sandbox.retrieveCharge({ idempotencyKey: `${key}-d` })).toEqual({ status: 'not_found' });

    const refundKey = `re-${Math.random()}`;
    expect(await sandbox.retrieveRefund({ idempotencyKey: refundKey })).toEqual({ status: 'not_found' });
    const refund = await sandbox.refund(charge.charge_id, 400, refundKey);
    expect(await sandbox.retrieveRefund({ idempotencyKey: refundKey })).toEqual({ status: 'succeeded', refund });
    // Sent again under the same key (a reconciler's retry): the first refund, nothing more taken back.
    expect(await sandbox.refund(charge.charge_id, 400, refundKey)).toEqual(refund);
    expect((await ledger.findCharge(charge.charge_id))?.amount_refunded).toBe(400);
  });

  it('returns the first result for a repeated idempotency key, also when charged at once', async () => {
    const sandbox = processor();
    const { token } = await sandbox.tokenize(card(SandboxCards.mastercardSucceeds));
    const key = `order-${Math.random()}`;
    const first = await sandbox.charge({ token, amount: 100, currency: 'EUR', idempotencyKey: key });
    const again = await sandbox.charge({ token, amount: 100, currency: 'EUR', idempotencyKey: key });
    expect(again.charge_id).toBe(first.charge_id);
    const concurrentKey = `order-${Math.random()}`;
    const both = await Promise.all([1, 2, 3].map(() => sandbox.charge({ token, amount: 100, currency: 'EUR', idempotencyKey: concurrentKey })));
    expect(new Set(both.map((charge) => charge.charge_id)).size).toBe(1);
  });

  it('answers a refund retried with its idempotency key with the first refund, also at once, and takes the money back once', async () => {
    const sandbox = processor();
    const { token } = await sandbox.tokenize(card(SandboxCards.succeeds));
    const charge = await sandbox.charge({ token, amount: 1000, currency: 'USD' });
    const key = `refund-${Math.random()}`;
    const first = await sandbox.refund(charge.charge_id, 600, key);
    const again = await sandbox.refund(charge.charge_id, 600, key);
    expect(again).toEqual(first);
    // Without the key a second 600 would not fit: the first was taken once.
    await expect(sandbox.refund(charge.charge_id, 600)).rejects.toThrow(RangeError);
    const racingKey = `refund-${Math.random()}`;
    const raced = await Promise.all([1, 2, 3, 4].map(() => sandbox.refund(charge.charge_id, 400, racingKey)));
    expect(new Set(raced.map((refund) => refund.refund_id)).size).toBe(1);
    expect(await sandbox.refund(charge.charge_id, 400, racingKey)).toEqual(raced[0]);
    await expect(sandbox.refund(charge.charge_id, 1)).rejects.toThrow(RangeError);
  });

  it('declines each test card with its code at charge time, after tokenizing it', async () => {
    const sandbox = processor();
    const cases: [string, string][] = [
      [SandboxCards.declines, 'card_declined'],
      [SandboxCards.insufficientFunds, 'insufficient_funds'],
      [SandboxCards.processingError, 'processing_error'],
      [SandboxCards.attachesThenDeclines, 'card_declined'],
    ];
    for (const [number, code] of cases) {
      const { token, last4 } = await sandbox.tokenize(card(number));
      expect(last4).toBe(number.slice(-4));
      expect(await declineCode(sandbox.charge({ token, amount: 100, currency: 'USD' })), number).toBe(code);
    }
    expect((await sandbox.tokenize(card(SandboxCards.mastercardSucceeds))).brand).toBe('mastercard');
  });

  it('verifies a card with no charge: the decline cards are refused there, 0341 and the good cards pass', async () => {
    const sandbox = processor();
    const refused: [string, string][] = [
      [SandboxCards.declines, 'card_declined'],
      [SandboxCards.insufficientFunds, 'insufficient_funds'],
      [SandboxCards.processingError, 'processing_error'],
    ];
    for (const [number, code] of refused) {
      const { token } = await sandbox.tokenize(card(number));
      expect(await declineCode(sandbox.verify(token)), number).toBe(code);
    }
    for (const number of [SandboxCards.succeeds, SandboxCards.mastercardSucceeds, SandboxCards.attachesThenDeclines]) {
      const { token } = await sandbox.tokenize(card(number));
      await expect(sandbox.verify(token), number).resolves.toBeUndefined();
    }
    expect(await declineCode(sandbox.verify('tok_unknown'))).toBe('invalid_token');
  });

  it('refuses bad, expired, unsupported and unknown cards', async () => {
    const sandbox = processor();
    expect(await declineCode(sandbox.tokenize(card('4242424242424241')))).toBe('invalid_number');
    expect(await declineCode(sandbox.tokenize(card(SandboxCards.succeeds, { exp_year: 2025, exp_month: 5 })))).toBe('expired_card');
    expect(await declineCode(sandbox.tokenize(card(SandboxCards.succeeds, { exp_month: 13 })))).toBe('invalid_expiry_month');
    expect(await declineCode(sandbox.tokenize(card(SandboxCards.succeeds, { cvc: '1' })))).toBe('invalid_cvc');
    expect(await declineCode(sandbox.tokenize(card(SandboxCards.succeeds, { cvc: '1234' })))).toBe('invalid_cvc');
    expect(await declineCode(sandbox.tokenize(card('4111111111111111')))).toBe('card_not_supported');
    expect(await declineCode(sandbox.charge({ token: 'tok_unknown', amount: 100, currency: 'USD' }))).toBe('invalid_token');
    expect(await sandbox.retrieveCard('tok_unknown')).toBeUndefined();
  });

  it('keeps tokens usable by another processor instance on the same ledger (a restart, another process)', async () => {
    const { token } = await processor().tokenize(card(SandboxCards.succeeds));
    expect((await processor().charge({ token, amount: 1, currency: 'USD' })).status).toBe('succeeded');
  });
});
