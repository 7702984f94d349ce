import type { UsageEvent } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable } from 'kysely';
import type { Database, UsageEventsTable } from './schema.ts';
import type { Scope } from './scope.ts';

const toUsageEvent = (row: Selectable<UsageEventsTable>): UsageEvent => ({
  usage_event_id: row.id,
  event_id: row.event_id,
  subscription_id: row.subscription_id,
  meter: row.meter,
  quantity: Number(row.quantity),
  occurred_at: row.occurred_at,
});

/**
 * Records the event unless its `event_id` is known in the scope (the unique constraint decides,
 * so concurrent sends record one). Answers the stored event and whether this call created it.
 */
export async function insertUsageEvent(
  db: Kysely<Database>,
  scope: Scope,
  row: Omit<Selectable<UsageEventsTable>, 'business_id' | 'mode'>,
): Promise<{ event: UsageEvent; created: boolean }> {
  const result = await db
    .insertInto('usage_events')
    .values({ ...row, business_id: scope.businessId, mode: scope.mode })
    .onConflict((oc) => oc.columns(['business_id', 'mode', 'event_id']).doNothing())
    .executeTakeFirst();
  const stored = await db
    .selectFrom('usage_events')
    .selectAll()
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('event_id', '=', row.event_id)
    .executeTakeFirstOrThrow();
  return { event: toUsageEvent(stored), created: Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 };
}

/** The usage of a subscription's meter in [start, end). */
export async function sumUsage(db: Kysely<Database>, subscriptionId: string, meter: string, start: string, end: string): Promise<number> {
  const row = await db
    .selectFrom('usage_events')
    .select((eb) => eb.fn.sum<number | string | null>('quantity').as('total'))
    .where('subscription_id', '=', subscriptionId)
    .where('meter', '=', meter)
    .where('occurred_at', '>=', start)
    .where('occurred_at', '<', end)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}
