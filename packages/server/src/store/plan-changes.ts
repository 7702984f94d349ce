/**
 * The queries of customer self-service on a subscription: plan changes and cancellations.
 *
 * A plan change takes the subscription's lease (`renewal_claimed_until`, the same one a renewal
 * takes) with a conditional UPDATE on the `plan_version` it was priced against, before anything
 * is charged; it settles — new plan, version + 1, lease dropped — only while it still holds that
 * lease. So a change and a renewal never run on one subscription at once, and of two changes
 * priced on the same version only one can charge.
 */
import type { Product } from '@dodo-portal/wire/schemas';
import type { ExpressionBuilder, Kysely, Updateable } from 'kysely';
import { toProduct } from './products.ts';
import type { Database, SubscriptionsTable } from './schema.ts';
import type { Scope } from './scope.ts';

const leaseFree = (realNow: string) => (eb: ExpressionBuilder<Database, 'subscriptions'>) => eb.or([eb('renewal_claimed_until', 'is', null), eb('renewal_claimed_until', '<', realNow)]);

/**
 * Claims an active subscription at `version` (and, when given, the period it was priced in: a
 * renewal in between moves it) for a change; false when it moved on or someone holds it.
 */
export async function claimPlanChange(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  version: number,
  realNow: string,
  leaseUntil: string,
  periodEnd?: string,
): Promise<boolean> {
  let query = db
    .updateTable('subscriptions')
    .set({ renewal_claimed_until: leaseUntil })
    .where('id', '=', id)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('status', '=', 'active')
    .where('plan_version', '=', version);
  if (periodEnd !== undefined) query = query.where('current_period_end', '=', periodEnd);
  const result = await query
    .where(leaseFree(realNow))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releasePlanChange(db: Kysely<Database>, id: string, leaseUntil: string): Promise<void> {
  await db.updateTable('subscriptions').set({ renewal_claimed_until: null }).where('id', '=', id).where('renewal_claimed_until', '=', leaseUntil).execute();
}

/** Applies a claimed change with its add-ons (in the caller's transaction); false if the claim was lost. */
export async function settlePlanChange(
  db: Kysely<Database>,
  id: string,
  leaseUntil: string,
  change: Updateable<SubscriptionsTable>,
  addons: readonly { product_id: string; quantity: number }[],
): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set((eb) => ({ ...change, plan_version: eb('plan_version', '+', 1), renewal_claimed_until: null }))
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('renewal_claimed_until', '=', leaseUntil)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await db.deleteFrom('subscription_addons').where('subscription_id', '=', id).execute();
  if (addons.length > 0) {
    await db
      .insertInto('subscription_addons')
      .values(addons.map((addon) => ({ subscription_id: id, product_id: addon.product_id, quantity: addon.quantity })))
      .execute();
  }
  return true;
}

/** Ends an active subscription now, unless a renewal or change holds it (false then, or when not active). */
export async function cancelNow(db: Kysely<Database>, scope: Scope, id: string, change: { at: string; realNow: string; reason: string | null; comment: string | null }): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set({ status: 'cancelled', cancelled_at: change.at, cancel_at_period_end: 0, cancellation_reason: change.reason, cancellation_comment: change.comment, updated_at: change.at })
    .where('id', '=', id)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('status', '=', 'active')
    .where(leaseFree(change.realNow))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The scope's add-on products (what a subscription may carry besides its plan). */
export async function findAddonProducts(db: Kysely<Database>, scope: Scope): Promise<Product[]> {
  const rows = await db
    .selectFrom('products as p')
    .leftJoin('product_collection_items as ci', 'ci.product_id', 'p.id')
    .selectAll('p')
    .select('ci.collection_id')
    .where('p.business_id', '=', scope.businessId)
    .where('p.mode', '=', scope.mode)
    .where('p.is_addon', '=', 1)
    .orderBy('p.created_at')
    .orderBy('p.id')
    .execute();
  return rows.map(toProduct);
}

export async function subscriptionVersion(db: Kysely<Database>, id: string): Promise<{ plan_version: number; cancellation_reason: string | null; cancellation_comment: string | null } | undefined> {
  const row = await db.selectFrom('subscriptions').select(['plan_version', 'cancellation_reason', 'cancellation_comment']).where('id', '=', id).executeTakeFirst();
  return row ? { plan_version: Number(row.plan_version), cancellation_reason: row.cancellation_reason, cancellation_comment: row.cancellation_comment } : undefined;
}

/** Ties a declined plan-change payment to its subscription (no invoice: nothing changed). */
export async function linkFailedPayment(db: Kysely<Database>, paymentId: string, subscriptionId: string, at: string): Promise<void> {
  await db.updateTable('payments').set({ subscription_id: subscriptionId, updated_at: at }).where('id', '=', paymentId).execute();
}
