/**
 * The billing engine: business settings, products and their collections, saved cards, the
 * sandbox processor's ledger, subscriptions, payments and idempotency keys. Same portable DDL
 * as 0001 (text ids and timestamps, bigint money, booleans as 0/1 integers).
 */
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

const modeCheck = (column: string) => sql`${sql.ref(column)} in ('test', 'live')`;
const boolCheck = (column: string) => sql`${sql.ref(column)} in (0, 1)`;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('businesses')
    .addColumn('allow_subscription_updates', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('businesses')
    .addColumn('allow_cancellation', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('businesses')
    .addColumn('proration_billing_mode', 'text', (c) => c.notNull().defaultTo('prorated_immediately'))
    .execute();

  // The service period of subscription lines (null on one-off lines).
  await db.schema.alterTable('invoice_line_items').addColumn('period_start', 'text').execute();
  await db.schema.alterTable('invoice_line_items').addColumn('period_end', 'text').execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('billing_type', 'text', (c) => c.notNull().check(sql`billing_type in ('one_time', 'subscription', 'usage_based')`))
    .addColumn('price', 'bigint', (c) => c.notNull().check(sql`price >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('interval', 'text')
    .addColumn('interval_count', 'integer')
    .addColumn('tax_rate_bps', 'integer', (c) => c.notNull())
    .addColumn('usage_meter', 'text')
    .addColumn('usage_unit_price', 'bigint')
    .addColumn('is_addon', 'integer', (c) => c.notNull().check(boolCheck('is_addon')))
    .addColumn('license_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('products_business_mode_created').on('products').columns(['business_id', 'mode', 'created_at', 'id']).execute();

  await db.schema
    .createTable('product_collections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('product_collections_business_mode_created').on('product_collections').columns(['business_id', 'mode', 'created_at', 'id']).execute();

  // A product sits in at most one collection: the unique product_id makes it a constraint.
  await db.schema
    .createTable('product_collection_items')
    .addColumn('collection_id', 'text', (c) => c.notNull().references('product_collections.id').onDelete('cascade'))
    .addColumn('product_id', 'text', (c) => c.notNull().unique().references('products.id').onDelete('restrict'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('product_collection_items_pk', ['collection_id', 'position'])
    .execute();

  // The sandbox processor's own state (what a real processor keeps on its side). Never a card
  // number or CVC: the behaviour of the test card, its brand, last four digits and expiry.
  await db.schema
    .createTable('sandbox_cards')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('behaviour', 'text', (c) => c.notNull())
    .addColumn('brand', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('exp_month', 'integer', (c) => c.notNull())
    .addColumn('exp_year', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sandbox_charges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // A card token is claimed by the first business+mode that uses it; nobody else can.
  await db.schema
    .createTable('card_token_claims')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('payment_methods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('processor_token', 'text', (c) => c.notNull().unique())
    .addColumn('brand', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('exp_month', 'integer', (c) => c.notNull())
    .addColumn('exp_year', 'integer', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().check(boolCheck('is_default')))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_methods_customer').on('payment_methods').columns(['customer_id', 'created_at', 'id']).execute();
  // At most one default card per customer, as a constraint (two first cards at once: one wins).
  await db.schema.createIndex('payment_methods_one_default').on('payment_methods').column('customer_id').unique().where(sql.ref('is_default'), '=', 1).execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('restrict'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('restrict'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'on_hold', 'cancelled', 'expired')`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('interval', 'text', (c) => c.notNull())
    .addColumn('interval_count', 'integer', (c) => c.notNull())
    .addColumn('billing_anchor', 'text', (c) => c.notNull())
    .addColumn('period_index', 'integer', (c) => c.notNull())
    .addColumn('current_period_start', 'text', (c) => c.notNull())
    .addColumn('current_period_end', 'text', (c) => c.notNull())
    .addColumn('cancel_at_period_end', 'integer', (c) => c.notNull().check(boolCheck('cancel_at_period_end')))
    .addColumn('cancelled_at', 'text')
    .addColumn('payment_method_id', 'text', (c) => c.references('payment_methods.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscriptions_business_mode_created').on('subscriptions').columns(['business_id', 'mode', 'created_at', 'id']).execute();
  await db.schema.createIndex('subscriptions_customer').on('subscriptions').columns(['customer_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('subscriptions_due').on('subscriptions').columns(['status', 'current_period_end']).execute();

  await db.schema
    .createTable('subscription_addons')
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('restrict'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscription_addons_pk', ['subscription_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('restrict'))
    .addColumn('invoice_id', 'text', (c) => c.references('invoices.id').onDelete('restrict'))
    // No foreign key: a failed first charge names the subscription it would have created.
    .addColumn('subscription_id', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('processing', 'succeeded', 'failed', 'refunded', 'partially_refunded')`))
    .addColumn('decline_code', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('card_brand', 'text')
    .addColumn('card_last4', 'text')
    .addColumn('payment_method_id', 'text')
    .addColumn('processor_charge_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payments_business_mode_created').on('payments').columns(['business_id', 'mode', 'created_at', 'id']).execute();
  await db.schema.createIndex('payments_customer_created').on('payments').columns(['customer_id', 'created_at', 'id']).execute();

  // Idempotency-Key: the primary key is the lock. The first request inserts the row in its own
  // statement; a concurrent one with the same key hits the constraint and never runs.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['business_id', 'mode', 'key'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'idempotency_keys',
    'payments',
    'subscription_addons',
    'subscriptions',
    'payment_methods',
    'card_token_claims',
    'sandbox_charges',
    'sandbox_cards',
    'product_collection_items',
    'product_collections',
    'products',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  for (const column of ['period_start', 'period_end']) await db.schema.alterTable('invoice_line_items').dropColumn(column).execute();
  for (const column of ['allow_subscription_updates', 'allow_cancellation', 'proration_billing_mode']) {
    await db.schema.alterTable('businesses').dropColumn(column).execute();
  }
}
