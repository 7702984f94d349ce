/**
 * Plan changes (issue 5): customer credit, cancellation reasons, and the subscription's plan version.
 *
 * `customer_credit_balances` holds what a customer may spend, per currency (a downgrade's unused
 * time becomes credit, never a card refund). It only changes by conditional UPDATEs that keep it
 * non-negative, each beside a `customer_credit_entries` row (the ledger, signed amounts). An entry
 * may carry a unique `idempotency_key`, so a renewal retried after a crash spends a period's credit once.
 *
 * `subscriptions.plan_version` rises with every plan/quantity/add-on change: a change is claimed
 * with a conditional UPDATE on the version it was priced against, so of two racing changes one
 * wins and the other sees the new state (and answers 409 `no_change`). `cancellation_reason` and
 * `cancellation_comment` keep what the customer said when cancelling.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .addColumn('plan_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('subscriptions').addColumn('cancellation_reason', 'text').execute();
  await db.schema.alterTable('subscriptions').addColumn('cancellation_comment', 'text').execute();

  const mode = (c: ColumnDefinitionBuilder) => c.notNull().check(sql`${sql.ref('mode')} in ('test', 'live')`);
  await db.schema
    .createTable('customer_credit_balances')
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', mode)
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`${sql.ref('amount')} >= 0`))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_credit_balances_pk', ['customer_id', 'currency'])
    .execute();
  await db.schema
    .createTable('customer_credit_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', mode)
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('currency', 'text', (c) => c.notNull())
    // Positive = credit added, negative = credit spent.
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text')
    .addColumn('invoice_id', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customer_credit_entries_customer').on('customer_credit_entries').columns(['customer_id', 'created_at', 'id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('customer_credit_entries').execute();
  await db.schema.dropTable('customer_credit_balances').execute();
  await db.schema.alterTable('subscriptions').dropColumn('cancellation_comment').execute();
  await db.schema.alterTable('subscriptions').dropColumn('cancellation_reason').execute();
  await db.schema.alterTable('subscriptions').dropColumn('plan_version').execute();
}
