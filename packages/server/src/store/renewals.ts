/**
 * The renewal engine's queries: the sweep for due periods. A period is claimed with the
 * subscription's billing lock (store/billing-lock.ts) on its `period_index` before anything is
 * charged, so a period is never charged twice.
 */
import { sql, type Kysely } from 'kysely';
import { billingLockFree } from './billing-lock.ts';
import type { Database } from './schema.ts';
import type { Scope } from './scope.ts';
import type { SubscriptionRow } from './subscriptions.ts';

export type DueSubscription = SubscriptionRow & {
  /** The time of the subscription's mode: the business's test clock, or the real time in live mode. */
  mode_now: string;
};

/**
 * Active subscriptions whose period is over in their mode's time and that nobody holds a live
 * lock on. Oldest period end first.
 */
export async function findDueSubscriptions(db: Kysely<Database>, options: { realNow: string; scope?: Scope | undefined; limit: number }): Promise<DueSubscription[]> {
  let query = db
    .selectFrom('subscriptions as s')
    .leftJoin('test_clocks as t', 't.business_id', 's.business_id')
    .selectAll('s')
    .select(sql<string>`case when s.mode = 'test' then t.now else ${options.realNow} end`.as('mode_now'))
    .where('s.status', '=', 'active')
    .where((eb) =>
      eb.or([eb.and([eb('s.mode', '=', 'live'), eb('s.current_period_end', '<=', options.realNow)]), eb.and([eb('s.mode', '=', 'test'), eb('s.current_period_end', '<=', eb.ref('t.now'))])]),
    )
    .where(billingLockFree(options.realNow, 's.billing_locked_until'));
  if (options.scope) query = query.where('s.business_id', '=', options.scope.businessId).where('s.mode', '=', options.scope.mode);
  return (await query.orderBy('s.current_period_end').orderBy('s.id').limit(options.limit).execute()) as DueSubscription[];
}

export async function findAddons(db: Kysely<Database>, subscriptionId: string): Promise<{ product_id: string; quantity: number }[]> {
  const rows = await db.selectFrom('subscription_addons').select(['product_id', 'quantity']).where('subscription_id', '=', subscriptionId).orderBy('product_id').execute();
  return rows.map((row) => ({ product_id: row.product_id, quantity: Number(row.quantity) }));
}
