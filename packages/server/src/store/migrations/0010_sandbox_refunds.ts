/**
 * The sandbox processor's refunds, each under the idempotency key the billing engine sends (its
 * own refund id): a refund retried after a crash or a timeout is answered with the first refund
 * instead of taking the money back twice — how real processors behave.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('sandbox_refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('charge_id', 'text', (c) => c.notNull().references('sandbox_charges.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('sandbox_refunds').execute();
}
