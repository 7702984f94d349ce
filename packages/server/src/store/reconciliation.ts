/**
 * The reconciler's queries: payments left `processing` and refunds left `pending` past a grace
 * period, and the lease a reconciler takes on one with a conditional UPDATE (status unchanged and
 * no live lease), so two processes never reconcile the same record at once.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, PaymentsTable, RefundsTable } from './schema.ts';
import type { Scope } from './scope.ts';

export type StalePayment = Selectable<PaymentsTable>;
export type StaleRefund = Selectable<RefundsTable>;

interface Sweep {
  /** Records attempted at or before this real time are stale. */
  cutoff: string;
  realNow: string;
  scope?: Scope | undefined;
  limit: number;
}

export async function findStalePayments(db: Kysely<Database>, options: Sweep): Promise<StalePayment[]> {
  let query = db
    .selectFrom('payments')
    .selectAll()
    .where('status', '=', 'processing')
    .where(sql<string>`coalesce(attempted_at, created_at)`, '<=', options.cutoff)
    .where((eb) => eb.or([eb('reconcile_claimed_until', 'is', null), eb('reconcile_claimed_until', '<', options.realNow)]));
  if (options.scope) query = query.where('business_id', '=', options.scope.businessId).where('mode', '=', options.scope.mode);
  return query.orderBy('created_at').orderBy('id').limit(options.limit).execute();
}

export async function findStaleRefunds(db: Kysely<Database>, options: Sweep): Promise<StaleRefund[]> {
  let query = db
    .selectFrom('refunds')
    .selectAll()
    .where('status', '=', 'pending')
    .where(sql<string>`coalesce(attempted_at, created_at)`, '<=', options.cutoff)
    .where((eb) => eb.or([eb('reconcile_claimed_until', 'is', null), eb('reconcile_claimed_until', '<', options.realNow)]));
  if (options.scope) query = query.where('business_id', '=', options.scope.businessId).where('mode', '=', options.scope.mode);
  return query.orderBy('created_at').orderBy('id').limit(options.limit).execute();
}

/** Takes the reconciler's lease on a still-`processing` payment; false when another holds it or it settled. */
export async function claimPayment(db: Kysely<Database>, id: string, realNow: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('payments')
    .set({ reconcile_claimed_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where((eb) => eb.or([eb('reconcile_claimed_until', 'is', null), eb('reconcile_claimed_until', '<', realNow)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releasePayment(db: Kysely<Database>, id: string, leaseUntil: string): Promise<void> {
  await db.updateTable('payments').set({ reconcile_claimed_until: null }).where('id', '=', id).where('reconcile_claimed_until', '=', leaseUntil).execute();
}

/** Takes the reconciler's lease on a still-`pending` refund. */
export async function claimRefund(db: Kysely<Database>, id: string, realNow: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('refunds')
    .set({ reconcile_claimed_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('reconcile_claimed_until', 'is', null), eb('reconcile_claimed_until', '<', realNow)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releaseRefund(db: Kysely<Database>, id: string, leaseUntil: string): Promise<void> {
  await db.updateTable('refunds').set({ reconcile_claimed_until: null }).where('id', '=', id).where('reconcile_claimed_until', '=', leaseUntil).execute();
}

/** Whether a renewal charge of the subscription is still `processing` (its answer lost): then it is not charged again. */
export async function hasProcessingCharge(db: Kysely<Database>, subscriptionId: string): Promise<boolean> {
  const row = await db
    .selectFrom('payments')
    .select('id')
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'processing')
    .where('settlement', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}
