/**
 * The renewal engine's queries. A renewal is claimed before anything is charged: a conditional
 * UPDATE that succeeds for one caller only (a row lock on PostgreSQL, the write lock on SQLite),
 * for the subscription's current period index, so a period is never charged twice.
 */
import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database, SubscriptionsTable } from './schema.ts';
import type { Scope } from './scope.ts';
import type { SubscriptionRow } from './subscriptions.ts';

export type DueSubscription = SubscriptionRow & {
  /** The time of the subscription's mode: the business's test clock, or the real time in live mode. */
  mode_now: string;
};

/**
 * Active subscriptions whose period is over in their mode's time and that nobody holds a live
 * claim on. Oldest period end first.
 */
export async function findDueSubscriptions(
  db: Kysely<Database>,
  options: { realNow: string; scope?: Scope | undefined; limit: number },
): Promise<DueSubscription[]> {
  let query = db
    .selectFrom('subscriptions as s')
    .leftJoin('test_clocks as t', 't.business_id', 's.business_id')
    .selectAll('s')
    .select(sql<string>`case when s.mode = 'test' then t.now else ${options.realNow} end`.as('mode_now'))
    .where('s.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb.and([eb('s.mode', '=', 'live'), eb('s.current_period_end', '<=', options.realNow)]),
        eb.and([eb('s.mode', '=', 'test'), eb('s.current_period_end', '<=', eb.ref('t.now'))]),
      ]),
    )
    .where((eb) => eb.or([eb('s.renewal_claimed_until', 'is', null), eb('s.renewal_claimed_until', '<', options.realNow)]));
  if (options.scope) query = query.where('s.business_id', '=', options.scope.businessId).where('s.mode', '=', options.scope.mode);
  return (await query.orderBy('s.current_period_end').orderBy('s.id').limit(options.limit).execute()) as DueSubscription[];
}

/** Takes the lease on the subscription's current period; false when someone else holds it or it moved on. */
export async function claimRenewal(db: Kysely<Database>, id: string, periodIndex: number, realNow: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set({ renewal_claimed_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('period_index', '=', periodIndex)
    .where((eb) => eb.or([eb('renewal_claimed_until', 'is', null), eb('renewal_claimed_until', '<', realNow)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Applies the outcome of a claimed renewal and drops the claim; false if the claim was lost. */
export async function settleRenewal(
  db: Kysely<Database>,
  id: string,
  periodIndex: number,
  leaseUntil: string,
  change: Updateable<SubscriptionsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set({ ...change, renewal_claimed_until: null })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('period_index', '=', periodIndex)
    .where('renewal_claimed_until', '=', leaseUntil)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives a claim back without a change (nothing was charged). */
export async function releaseRenewal(db: Kysely<Database>, id: string, leaseUntil: string): Promise<void> {
  await db.updateTable('subscriptions').set({ renewal_claimed_until: null }).where('id', '=', id).where('renewal_claimed_until', '=', leaseUntil).execute();
}

/** Ties a settled (failed) payment to the invoice it tried to pay. */
export async function linkPayment(db: Kysely<Database>, paymentId: string, link: { invoice_id: string; subscription_id: string; updated_at: string }): Promise<void> {
  await db.updateTable('payments').set(link).where('id', '=', paymentId).execute();
}

export async function findAddons(db: Kysely<Database>, subscriptionId: string): Promise<{ product_id: string; quantity: number }[]> {
  const rows = await db.selectFrom('subscription_addons').select(['product_id', 'quantity']).where('subscription_id', '=', subscriptionId).orderBy('product_id').execute();
  return rows.map((row) => ({ product_id: row.product_id, quantity: Number(row.quantity) }));
}
