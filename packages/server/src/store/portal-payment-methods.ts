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

export type RemoveOutcome =
  | { kind: 'not_found' }
  /** The card is the customer's only one and live subscriptions charge it. */
  | { kind: 'in_use'; subscriptionIds: string[] }
  /** Removed; `moved` subscriptions now charge `replacementId` (which is the default if the removed card was). */
  | { kind: 'removed'; moved: string[]; replacementId: string | null };

/**
 * Removes one of the customer's cards in one transaction. Its live subscriptions move to the
 * customer's default card, or — when the removed card was the default — to the newest other card,
 * which becomes the default. The first statement locks the customer's row (a no-op UPDATE: a row
 * lock on PostgreSQL, the write lock on SQLite), so two removals for one customer run one after
 * the other and the second sees what the first left: the last card of a live subscription can
 * never be removed by two requests racing each other.
 *
 * One row, taken first, is one lock order. (The no-op UPDATE used to touch all the customer's
 * cards: PostgreSQL locked them in scan order, which differs between a statement that started
 * before a removal committed (old row versions) and one that started after (new versions), so
 * racing removals deadlocked.) A deadlock or busy database left anyway is retried (inTransaction).
 */
export async function removePaymentMethod(
  db: Kysely<Database>,
  scope: Scope,
  customerId: string,
  methodId: string,
  at: string,
  /** Runs in the transaction after the move (the webhook outbox: events commit with the change). */
  onMoved: (trx: Transaction<Database>, moved: string[]) => Promise<void> = async () => undefined,
): Promise<RemoveOutcome> {
  return inTransaction(db, async (trx) => {
    await trx
      .updateTable('customers')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', customerId)
      .where('business_id', '=', scope.businessId)
      .where('mode', '=', scope.mode)
      .execute();
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
    const users = await trx
      .selectFrom('subscriptions')
      .select('id')
      .where('business_id', '=', scope.businessId)
      .where('mode', '=', scope.mode)
      .where('customer_id', '=', customerId)
      .where('payment_method_id', '=', methodId)
      .where('status', 'in', [...LIVE_STATUSES])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const subscriptionIds = users.map((row) => row.id);
    if (subscriptionIds.length > 0 && others.length === 0) return { kind: 'in_use', subscriptionIds };

    const wasDefault = Number(target.is_default) === 1;
    const replacement = others.find((method) => Number(method.is_default) === 1) ?? others[0];
    if (subscriptionIds.length > 0 && replacement) {
      await trx.updateTable('subscriptions').set({ payment_method_id: replacement.id, updated_at: at }).where('id', 'in', subscriptionIds).execute();
    }
    // Ended subscriptions that named the card keep their history; the foreign key sets it null.
    await trx.deleteFrom('payment_methods').where('id', '=', methodId).execute();
    // After the delete: at most one default per customer is a unique index.
    if (wasDefault && replacement) await trx.updateTable('payment_methods').set({ is_default: 1 }).where('id', '=', replacement.id).execute();
    await onMoved(trx, subscriptionIds);
    return { kind: 'removed', moved: subscriptionIds.length > 0 ? subscriptionIds : [], replacementId: replacement?.id ?? null };
  });
}
