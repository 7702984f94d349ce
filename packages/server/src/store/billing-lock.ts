/**
 * The billing lock: the one lease a charge holds on what it bills — a subscription (renewals, plan
 * changes, dues) or an open invoice (paying it from the portal) — from before the processor is
 * called until the outcome is written. Column `billing_locked_until` (real time) on both tables.
 *
 * - claim: a conditional UPDATE (the caller's guard — status, period, version … — and a free or
 *   lapsed lock) that one caller wins (a row lock on PostgreSQL, the write lock on SQLite);
 * - settle: the outcome written, and the lock dropped, in one conditional UPDATE that only the
 *   holder (`until`) can make;
 * - release: the lock given back unchanged (nothing was charged, or the charge was declined).
 *
 * A holder that dies keeps the lock until it lapses; a charge it may have made is reconciled.
 */
import { sql, type Expression, type Kysely, type SqlBool, type Updateable } from 'kysely';
import type { Database } from './schema.ts';

export type LockedTable = 'subscriptions' | 'invoices';
/** Equality conditions the claim or settle also requires (columns of the table). */
export type LockGuard<T extends LockedTable> = { [C in keyof Database[T]]?: string | number };
/** A change written with the settle; a value may be an expression (`plan_version + 1`). */
export type LockedChange<T extends LockedTable> = { [C in keyof Updateable<Database[T]>]?: Updateable<Database[T]>[C] | Expression<unknown> };

/** The lock is free (never taken, or lapsed by `realNow`): for sweeps that skip held rows. */
export function billingLockFree(realNow: string, column: 'billing_locked_until' | 's.billing_locked_until' = 'billing_locked_until'): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(column)} is null or ${sql.ref(column)} < ${realNow})`;
}

function lockedRow<T extends LockedTable>(db: Kysely<Database>, table: T, id: string, guard: LockGuard<T>) {
  let query = db.updateTable(table as LockedTable).where('id', '=', id);
  for (const [column, value] of Object.entries(guard)) query = query.where(sql.ref(column), '=', value);
  return query;
}

/** Takes the lock until `until`; false when another holder has it or the guard no longer matches. */
export async function claimBillingLock<T extends LockedTable>(db: Kysely<Database>, table: T, id: string, guard: LockGuard<T>, lock: { realNow: string; until: string }): Promise<boolean> {
  const result = await lockedRow(db, table, id, guard).set({ billing_locked_until: lock.until }).where(billingLockFree(lock.realNow)).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Writes the holder's outcome and drops the lock, in the caller's transaction; false if the lock was lost. */
export async function settleBillingLock<T extends LockedTable>(db: Kysely<Database>, table: T, id: string, until: string, guard: LockGuard<T>, change: LockedChange<T>): Promise<boolean> {
  const result = await lockedRow(db, table, id, guard)
    .set({ ...(change as Updateable<Database[LockedTable]>), billing_locked_until: null })
    .where('billing_locked_until', '=', until)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives the lock back without a change; a no-op once someone else holds it. */
export async function releaseBillingLock(db: Kysely<Database>, table: LockedTable, id: string, until: string): Promise<void> {
  await db.updateTable(table).set({ billing_locked_until: null }).where('id', '=', id).where('billing_locked_until', '=', until).execute();
}
