/**
 * The queries behind the portal's saved-card list: which live subscriptions each card pays, and
 * removing a card without leaving a live subscription with nothing to charge.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, SubscriptionsTable } from './schema.ts';
import type { Scope } from './scope.ts';
import { inTransaction } from './transaction.ts';

/** Subscriptions that still charge a card: they need a payment method. */
export const LIVE_STATUSES: readonly SubscriptionsTable['status'][] = ['active', 'on_hold'];

/** The customer's live subscriptions per payment method id (oldest subscription first). */
export async function liveSubscriptionsByMethod(db: Kysely<Database>, scope: Scope, customerId: string): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('subscriptions')
    .select(['id', 'payment_method_id'])
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('customer_id', '=', customerId)
    .where('status', 'in', [...LIVE_STATUSES])
    .where('payment_method_id', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const byMethod = new Map<string, string[]>();
  for (const row of rows) {
    const list = byMethod.get(row.payment_method_id!) ?? [];
    list.push(row.id);
    byMethod.set(row.payment_method_id!, list);
  }
  return byMethod;
}

/** A live subscription the removed card pays. */
export interface CardUser {
  id: string;
  product_name: string;
  status: SubscriptionsTable['status'];
}

/**
 * Locks the customer's row for the rest of the transaction (a no-op UPDATE: a row lock on
 * PostgreSQL, the write lock on SQLite). Every change to a customer's cards takes it first, so they
 * run one after the other, in one lock order.
 */
async function lockCustomer(trx: Transaction<Database>, scope: Scope, customerId: string): Promise<void> {
  await trx
    .updateTable('customers')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', customerId)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .execute();
}

export type RemoveOutcome =
  | { kind: 'not_found' }
  /** Live subscriptions charge the card and `replacements` does not name a card for each of them. */
  | { kind: 'in_use'; subscriptions: CardUser[]; otherCards: number }
  /** `replacements` names something other than the card's subscriptions and the customer's other cards. */
  | { kind: 'invalid'; issues: { path: string; message: string }[] }
  /** Removed; `moved` subscriptions now charge the card `replacements` named for each. */
  | { kind: 'removed'; moved: string[] };

/**
 * Removes one of the customer's cards in one transaction. Each live subscription it pays moves to
 * the card `replacements` names for it (`subscription_id → payment_method_id`, one of the
 * customer's other cards); without a replacement for every one of them nothing changes
 * (`in_use`). When the removed card was the default, the card chosen for its first subscription
 * (or else the newest other card) becomes the default.
 *
 * The first statement locks the customer's row (a no-op UPDATE: a row lock on PostgreSQL, the
 * write lock on SQLite), so two removals for one customer run one after the other and the second
 * sees what the first left. One row, taken first, is one lock order. (The no-op UPDATE used to
 * touch all the customer's cards: PostgreSQL locked them in scan order, which differs between a
 * statement that started before a removal committed (old row versions) and one that started after
 * (new versions), so racing removals deadlocked.) A deadlock or busy database left anyway is
 * retried (inTransaction).
 */
export async function removePaymentMethod(
  db: Kysely<Database>,
  scope: Scope,
  customerId: string,
  methodId: string,
  replacements: Record<string, string>,
  at: string,
  /** Runs in the transaction after the move (the webhook outbox: events commit with the change). */
  onMoved: (trx: Transaction<Database>, moved: string[]) => Promise<void> = async () => undefined,
): Promise<RemoveOutcome> {
  return inTransaction(db, async (trx) => {
    await lockCustomer(trx, scope, customerId);
    const methods = await trx
      .selectFrom('payment_methods')
      .select(['id', 'is_default'])
      .where('business_id', '=', scope.businessId)
      .where('mode', '=', scope.mode)
      .where('customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const target = methods.find((method) => method.id === methodId);
    if (!target) return { kind: 'not_found' };
    const others = methods.filter((method) => method.id !== methodId);
    const users: CardUser[] = await trx
      .selectFrom('subscriptions')
      .innerJoin('products', 'products.id', 'subscriptions.product_id')
      .select(['subscriptions.id as id', 'products.name as product_name', 'subscriptions.status as status'])
      .where('subscriptions.business_id', '=', scope.businessId)
      .where('subscriptions.mode', '=', scope.mode)
      .where('subscriptions.customer_id', '=', customerId)
      .where('subscriptions.payment_method_id', '=', methodId)
      .where('subscriptions.status', 'in', [...LIVE_STATUSES])
      .orderBy('subscriptions.created_at')
      .orderBy('subscriptions.id')
      .execute();

    const userIds = new Set(users.map((user) => user.id));
    const otherIds = new Set(others.map((method) => method.id));
    const issues = Object.entries(replacements).flatMap(([subscriptionId, replacementId]) => {
      const path = `replacements.${subscriptionId}`;
      if (!userIds.has(subscriptionId)) return [{ path, message: 'not a live subscription this card pays' }];
      if (!otherIds.has(replacementId)) return [{ path, message: 'not one of your other saved cards' }];
      return [];
    });
    if (issues.length > 0) return { kind: 'invalid', issues };
    if (users.some((user) => replacements[user.id] === undefined)) return { kind: 'in_use', subscriptions: users, otherCards: others.length };

    for (const user of users) {
      await trx.updateTable('subscriptions').set({ payment_method_id: replacements[user.id]!, updated_at: at }).where('id', '=', user.id).execute();
    }
    // Ended subscriptions that named the card keep their history; the foreign key sets it null.
    await trx.deleteFrom('payment_methods').where('id', '=', methodId).execute();
    // After the delete: at most one default per customer is a unique index.
    const heir = users.length > 0 ? replacements[users[0]!.id]! : others[0]?.id;
    if (Number(target.is_default) === 1 && heir) await trx.updateTable('payment_methods').set({ is_default: 1 }).where('id', '=', heir).execute();
    const moved = users.map((user) => user.id);
    await onMoved(trx, moved);
    return { kind: 'removed', moved };
  });
}

/**
 * Makes one of the customer's cards the default, in one transaction: false when it is not theirs.
 * Like a removal, it first locks the customer's row, so racing changes run one after the other
 * and the customer never has two defaults (a unique index) or none.
 */
export async function makeDefaultPaymentMethod(db: Kysely<Database>, scope: Scope, customerId: string, methodId: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const mine = (qb: ReturnType<typeof trx.updateTable<'payment_methods'>>) =>
      qb.where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('customer_id', '=', customerId);
    await lockCustomer(trx, scope, customerId);
    const target = await trx
      .selectFrom('payment_methods')
      .select('id')
      .where('id', '=', methodId)
      .where('business_id', '=', scope.businessId)
      .where('mode', '=', scope.mode)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (!target) return false;
    // The old default first: at most one default per customer is a unique index.
    await mine(trx.updateTable('payment_methods').set({ is_default: 0 }))
      .where('is_default', '=', 1)
      .where('id', '!=', methodId)
      .execute();
    await trx.updateTable('payment_methods').set({ is_default: 1 }).where('id', '=', methodId).execute();
    return true;
  });
}
