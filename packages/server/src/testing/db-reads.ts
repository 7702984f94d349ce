/** Reads tests make of a store directly: what a webhook endpoint would receive, and what the sandbox recorded. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** The `data` of every queued webhook delivery of one event type for a business. */
export const webhookEventData = async (db: Kysely<Database>, businessId: string, type: string): Promise<Record<string, unknown>[]> =>
  (await db.selectFrom('webhook_deliveries').select('payload').where('business_id', '=', businessId).where('event_type', '=', type).execute()).map(
    (row) => (JSON.parse(row.payload) as { data: Record<string, unknown> }).data,
  );

/** How many charges or refunds the sandbox processor recorded. */
export const sandboxRowCount = async (db: Kysely<Database>, table: 'sandbox_charges' | 'sandbox_refunds'): Promise<number> =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
