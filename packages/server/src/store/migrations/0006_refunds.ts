/**
 * Refunds. A refund is first reserved — one conditional UPDATE adds its amount to the payment's
 * `amount_refunded` only while the sum stays within the payment's `amount` — and written `pending`
 * in the same transaction; then the processor is called and the refund settles `succeeded` (or
 * `failed`, giving its amount back). Two refunds racing for the same money cannot both reserve it.
 */
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`${sql.ref('mode')} in ('test', 'live')`))
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('invoice_id', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`${sql.ref('amount')} > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`${sql.ref('status')} in ('pending', 'succeeded', 'failed')`))
    .addColumn('processor_refund_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refunds_scope_created').on('refunds').columns(['business_id', 'mode', 'created_at', 'id']).execute();
  await db.schema.createIndex('refunds_payment').on('refunds').columns(['payment_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('refunds_invoice').on('refunds').columns(['invoice_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('refunds').execute();
}
