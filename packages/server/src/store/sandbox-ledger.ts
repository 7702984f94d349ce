/** The sandbox processor's ledger in the database: tokens and charges survive restarts and are shared by processes. */
import type { Kysely, Selectable } from 'kysely';
import type { CardToken, Charge, Refund } from '../payments/processor.ts';
import type { SandboxBehaviour, SandboxLedger } from '../payments/sandbox.ts';
import { isUniqueViolation } from './index.ts';
import type { Database, SandboxChargesTable } from './schema.ts';

const toCharge = (row: Selectable<SandboxChargesTable>): Charge => ({
  charge_id: row.id,
  amount: Number(row.amount),
  currency: row.currency,
  status: 'succeeded',
  amount_refunded: Number(row.amount_refunded),
});

export function sqlSandboxLedger(db: Kysely<Database>): SandboxLedger {
  const findChargeByIdempotencyKey = async (key: string) => {
    const row = await db.selectFrom('sandbox_charges').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    return row ? toCharge(row) : undefined;
  };
  return {
    async saveCard(card, createdAt) {
      await db
        .insertInto('sandbox_cards')
        .values({ token: card.token, behaviour: card.behaviour, brand: card.brand, last4: card.last4, exp_month: card.exp_month, exp_year: card.exp_year, created_at: createdAt })
        .execute();
    },
    async findCard(token) {
      const row = await db.selectFrom('sandbox_cards').selectAll().where('token', '=', token).executeTakeFirst();
      if (!row) return undefined;
      return {
        token: row.token,
        brand: row.brand as CardToken['brand'],
        last4: row.last4,
        exp_month: Number(row.exp_month),
        exp_year: Number(row.exp_year),
        behaviour: row.behaviour as SandboxBehaviour,
      };
    },
    async saveCharge(charge, key, createdAt) {
      try {
        await db
          .insertInto('sandbox_charges')
          .values({ id: charge.charge_id, token: charge.token, amount: charge.amount, currency: charge.currency, amount_refunded: 0, idempotency_key: key ?? null, created_at: createdAt })
          .execute();
      } catch (error) {
        // A concurrent charge with the same key got there first: that one is the charge.
        if (key !== undefined && isUniqueViolation(error)) {
          const first = await findChargeByIdempotencyKey(key);
          if (first) return first;
        }
        throw error;
      }
      const { token: _token, ...result } = charge;
      return result;
    },
    findChargeByIdempotencyKey,
    async findCharge(chargeId) {
      const row = await db.selectFrom('sandbox_charges').selectAll().where('id', '=', chargeId).executeTakeFirst();
      return row ? toCharge(row) : undefined;
    },
    async findRefundByIdempotencyKey(key) {
      const row = await db.selectFrom('sandbox_refunds').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
      return row ? { refund_id: row.id, charge_id: row.charge_id, amount: Number(row.amount) } : undefined;
    },
    async addRefund(refund, key, createdAt) {
      const firstWithKey = async (): Promise<Refund | undefined> => {
        if (key === undefined) return undefined;
        const row = await db.selectFrom('sandbox_refunds').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
        return row ? { refund_id: row.id, charge_id: row.charge_id, amount: Number(row.amount) } : undefined;
      };
      const first = await firstWithKey();
      if (first) return first;
      try {
        // The refund row and the charge's refunded amount change together or not at all.
        const recorded = await db.transaction().execute(async (trx) => {
          const result = await trx
            .updateTable('sandbox_charges')
            .set((eb) => ({ amount_refunded: eb('amount_refunded', '+', refund.amount) }))
            .where('id', '=', refund.charge_id)
            .where((eb) => eb(eb('amount_refunded', '+', refund.amount), '<=', eb.ref('amount')))
            .executeTakeFirst();
          if (result.numUpdatedRows === 0n) return false as const;
          await trx
            .insertInto('sandbox_refunds')
            .values({ id: refund.refund_id, charge_id: refund.charge_id, amount: refund.amount, idempotency_key: key ?? null, created_at: createdAt })
            .execute();
          return refund;
        });
        // Refused for want of money: the same key may have taken it just now.
        return recorded || ((await firstWithKey()) ?? false);
      } catch (error) {
        // The same key raced in: its refund is the refund, and ours was rolled back.
        if (isUniqueViolation(error)) {
          const raced = await firstWithKey();
          if (raced) return raced;
        }
        throw error;
      }
    },
  };
}
