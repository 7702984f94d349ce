/**
 * The queries of customer self-service on a subscription: plan changes and cancellations.
 *
 * A plan change takes the subscription's billing lock (store/billing-lock.ts, the one a renewal
 * takes) on the `plan_version` it was priced against, before anything is charged; it settles —
 * new plan, version + 1, lock dropped — only while it still holds it. So a change and a renewal
 * never run on one subscription at once, and of two changes priced on the same version only one
 * can charge. A cancellation waits for a free lock too.
 */
import type { Product } from '@dodo-portal/wire/schemas';
import type { Kysely } from 'kysely';
import { billingLockFree } from './billing-lock.ts';
import { toProduct } from './products.ts';
import type { Database } from './schema.ts';
import type { Scope } from './scope.ts';

/** Replaces a subscription's add-ons (in the transaction that settles its plan change under the billing lock). */
export async function replaceAddons(db: Kysely<Database>, id: string, addons: readonly { product_id: string; quantity: number }[]): Promise<void> {
  await db.deleteFrom('subscription_addons').where('subscription_id', '=', id).execute();
  if (addons.length > 0) {
    await db
      .insertInto('subscription_addons')
      .values(addons.map((addon) => ({ subscription_id: id, product_id: addon.product_id, quantity: addon.quantity })))
      .execute();
  }
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
    .where(billingLockFree(change.realNow))
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

export async function subscriptionVersion(
  db: Kysely<Database>,
  id: string,
): Promise<{ plan_version: number; cancellation_reason: string | null; cancellation_comment: string | null } | undefined> {
  const row = await db.selectFrom('subscriptions').select(['plan_version', 'cancellation_reason', 'cancellation_comment']).where('id', '=', id).executeTakeFirst();
  return row ? { plan_version: Number(row.plan_version), cancellation_reason: row.cancellation_reason, cancellation_comment: row.cancellation_comment } : undefined;
}
