import type { CardBrand, Subscription } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, SubscriptionsTable } from './schema.ts';
import type { KeysetPage, KeysetPosition, Scope } from './scope.ts';

export type SubscriptionRow = Selectable<SubscriptionsTable>;

export interface NewSubscription {
  id: string;
  customer_id: string;
  product_id: string;
  quantity: number;
  status: SubscriptionsTable['status'];
  currency: string;
  interval: SubscriptionsTable['interval'];
  interval_count: number;
  billing_anchor: string;
  period_index: number;
  current_period_start: string;
  current_period_end: string;
  payment_method_id: string | null;
  created_at: string;
  addons: { product_id: string; quantity: number }[];
}

/** Inserts a subscription with its add-ons. Run inside the caller's transaction. */
export async function insertSubscription(db: Kysely<Database>, scope: Scope, subscription: NewSubscription): Promise<void> {
  const { addons, ...row } = subscription;
  await db
    .insertInto('subscriptions')
    .values({ ...row, business_id: scope.businessId, mode: scope.mode, cancel_at_period_end: 0, cancelled_at: null, updated_at: row.created_at })
    .execute();
  if (addons.length > 0) {
    await db
      .insertInto('subscription_addons')
      .values(addons.map((addon) => ({ subscription_id: subscription.id, ...addon })))
      .execute();
  }
}

async function toSubscriptions(db: Kysely<Database>, rows: SubscriptionRow[]): Promise<Subscription[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const addons = await db.selectFrom('subscription_addons').selectAll().where('subscription_id', 'in', ids).orderBy('subscription_id').orderBy('product_id').execute();
  const methodIds = rows.flatMap((row) => (row.payment_method_id ? [row.payment_method_id] : []));
  const methods = methodIds.length === 0 ? [] : await db.selectFrom('payment_methods').select(['id', 'brand', 'last4']).where('id', 'in', methodIds).execute();
  const methodById = new Map(methods.map((method) => [method.id, method]));
  return rows.map((row) => {
    const method = row.payment_method_id ? methodById.get(row.payment_method_id) : undefined;
    const status = row.status;
    const cancelAtPeriodEnd = Number(row.cancel_at_period_end) === 1;
    return {
      subscription_id: row.id,
      customer_id: row.customer_id,
      product_id: row.product_id,
      quantity: Number(row.quantity),
      status,
      currency: row.currency,
      interval: row.interval,
      interval_count: Number(row.interval_count),
      current_period_start: row.current_period_start,
      current_period_end: row.current_period_end,
      // Only an active subscription that will renew has a next charge.
      next_billing_date: status === 'active' && !cancelAtPeriodEnd ? row.current_period_end : null,
      cancel_at_period_end: cancelAtPeriodEnd,
      cancelled_at: row.cancelled_at,
      payment_method: method ? { payment_method_id: method.id, brand: method.brand as CardBrand, last4: method.last4 } : null,
      addons: addons.filter((addon) => addon.subscription_id === row.id).map((addon) => ({ product_id: addon.product_id, quantity: Number(addon.quantity) })),
      created_at: row.created_at,
    };
  });
}

export async function findSubscriptionRow(db: Kysely<Database>, scope: Scope, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
}

export async function findSubscription(db: Kysely<Database>, scope: Scope, id: string): Promise<Subscription | undefined> {
  const row = await findSubscriptionRow(db, scope, id);
  return row ? (await toSubscriptions(db, [row]))[0] : undefined;
}

/**
 * Changes a subscription only while it is in one of `fromStatuses` (a conditional update, so a
 * concurrent cancellation or renewal is never overwritten). False when nothing matched.
 */
export async function updateSubscription(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  fromStatuses: readonly SubscriptionsTable['status'][],
  change: Updateable<SubscriptionsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set(change)
    .where('id', '=', id)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('status', 'in', [...fromStatuses])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface SubscriptionListOptions {
  limit: number;
  after?: KeysetPosition;
  customerId?: string;
  status?: SubscriptionsTable['status'];
}

/** Newest first by (created_at, id), keyset-paged. */
export async function listSubscriptions(db: Kysely<Database>, scope: Scope, options: SubscriptionListOptions): Promise<KeysetPage<Subscription>> {
  let query = db.selectFrom('subscriptions').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (options.customerId !== undefined) query = query.where('customer_id', '=', options.customerId);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return { items: await toSubscriptions(db, page), next: rows.length > options.limit && last ? { at: last.created_at, id: last.id } : null };
}

/** Cancels the scope's subscriptions that asked to end with their period, once that period is over. */
export async function cancelDueSubscriptions(db: Kysely<Database>, scope: Scope, now: string): Promise<number> {
  const result = await db
    .updateTable('subscriptions')
    .set((eb) => ({ status: 'cancelled', cancelled_at: eb.ref('current_period_end'), updated_at: now }))
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('status', '=', 'active')
    .where('cancel_at_period_end', '=', 1)
    .where('current_period_end', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
