/**
 * Customer credit: a balance per customer and currency that never goes below zero, and a ledger
 * entry beside every change. Spending is one conditional UPDATE (`amount >= x`), so two charges
 * racing for the same credit cannot both spend it. Run inside the caller's transaction.
 */
import type { CreditBalance } from '@dodo-portal/wire/schemas';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Scope } from './scope.ts';

export interface CreditEntry {
  id: string;
  customerId: string;
  currency: string;
  /** Positive adds credit, negative spends it. */
  amount: number;
  reason: 'plan_change_credit' | 'plan_change_spent' | 'plan_change_returned' | 'renewal_spent';
  subscriptionId: string | null;
  invoiceId: string | null;
  /** Unique when given: a second entry with the same key is never written. */
  idempotencyKey?: string | null;
  at: string;
}

export async function creditBalances(db: Kysely<Database>, scope: Scope, customerId: string): Promise<CreditBalance[]> {
  const rows = await db
    .selectFrom('customer_credit_balances')
    .select(['currency', 'amount'])
    .where('customer_id', '=', customerId)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('amount', '>', 0)
    .orderBy('currency')
    .execute();
  return rows.map((row) => ({ currency: row.currency, amount: Number(row.amount) }));
}

export async function creditBalance(db: Kysely<Database>, scope: Scope, customerId: string, currency: string): Promise<number> {
  const row = await db
    .selectFrom('customer_credit_balances')
    .select('amount')
    .where('customer_id', '=', customerId)
    .where('currency', '=', currency)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .executeTakeFirst();
  return row ? Number(row.amount) : 0;
}

async function insertEntry(db: Kysely<Database>, scope: Scope, entry: CreditEntry): Promise<void> {
  await db
    .insertInto('customer_credit_entries')
    .values({
      id: entry.id,
      business_id: scope.businessId,
      mode: scope.mode,
      customer_id: entry.customerId,
      currency: entry.currency,
      amount: entry.amount,
      reason: entry.reason,
      subscription_id: entry.subscriptionId,
      invoice_id: entry.invoiceId,
      idempotency_key: entry.idempotencyKey ?? null,
      created_at: entry.at,
    })
    .execute();
}

/** Adds credit (entry.amount > 0). */
export async function addCredit(db: Kysely<Database>, scope: Scope, entry: CreditEntry): Promise<void> {
  if (!(entry.amount > 0)) throw new RangeError(`credit to add must be positive, got ${entry.amount}`);
  await db
    .insertInto('customer_credit_balances')
    .values({ customer_id: entry.customerId, currency: entry.currency, business_id: scope.businessId, mode: scope.mode, amount: entry.amount, updated_at: entry.at })
    .onConflict((oc) =>
      oc.columns(['customer_id', 'currency']).doUpdateSet((eb) => ({
        amount: eb('customer_credit_balances.amount', '+', eb.ref('excluded.amount')),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
  await insertEntry(db, scope, entry);
}

/** Spends `-entry.amount` of credit if the balance holds it; false (nothing written) if not. */
export async function spendCredit(db: Kysely<Database>, scope: Scope, entry: CreditEntry): Promise<boolean> {
  const spend = -entry.amount;
  if (!(spend > 0)) throw new RangeError(`credit to spend must be positive, got ${spend}`);
  const result = await db
    .updateTable('customer_credit_balances')
    .set((eb) => ({ amount: eb('amount', '-', spend), updated_at: entry.at }))
    .where('customer_id', '=', entry.customerId)
    .where('currency', '=', entry.currency)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('amount', '>=', spend)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await insertEntry(db, scope, entry);
  return true;
}

/** The entry written under an idempotency key, if any. */
export async function findCreditEntryByKey(db: Kysely<Database>, key: string): Promise<{ amount: number; invoice_id: string | null } | undefined> {
  const row = await db.selectFrom('customer_credit_entries').select(['amount', 'invoice_id']).where('idempotency_key', '=', key).executeTakeFirst();
  return row ? { amount: Number(row.amount), invoice_id: row.invoice_id } : undefined;
}

/** Ties the spends of a subscription written before their invoice existed to it. */
export async function linkSpentCredit(db: Kysely<Database>, subscriptionId: string, reason: CreditEntry['reason'], invoiceId: string): Promise<void> {
  await db
    .updateTable('customer_credit_entries')
    .set({ invoice_id: invoiceId })
    .where('subscription_id', '=', subscriptionId)
    .where('reason', '=', reason)
    .where('invoice_id', 'is', null)
    .where('amount', '<', 0)
    .execute();
}
