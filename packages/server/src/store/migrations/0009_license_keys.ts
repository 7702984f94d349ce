/**
 * License keys (issue 7). A key is stored only sealed (`key_ciphertext`: AES-256-GCM under a
 * subkey of the server secret, bound to the row id) and found by `key_hash` (HMAC-SHA256 under
 * another subkey), plus its last group (`key_suffix`) for masks: the database file alone does not
 * reveal a key. `status` holds what the merchant set (`active` / `disabled`); `expired` and the
 * end of a subscription are judged when a key is read, so no end path can forget to update it.
 *
 * `instances_count` is the number of `license_key_instances` rows, kept in the same transactions:
 * an activation claims a seat with one conditional UPDATE (`instances_count < activations_limit`),
 * which row-locks on PostgreSQL and runs alone on SQLite, so racing activations never exceed it.
 *
 * `businesses.allow_customer_key_deactivation`: whether customers may free seats in the portal.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('businesses')
    .addColumn('allow_customer_key_deactivation', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  const mode = (c: ColumnDefinitionBuilder) => c.notNull().check(sql`${sql.ref('mode')} in ('test', 'live')`);
  await db.schema
    .createTable('license_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('mode', 'text', mode)
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('subscription_id', 'text', (c) => c.references('subscriptions.id'))
    .addColumn('invoice_id', 'text', (c) => c.references('invoices.id'))
    .addColumn('payment_id', 'text')
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_ciphertext', 'text', (c) => c.notNull())
    .addColumn('key_suffix', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`${sql.ref('status')} in ('active', 'disabled')`))
    .addColumn('activations_limit', 'integer', (c) => c.check(sql`${sql.ref('activations_limit')} is null or ${sql.ref('activations_limit')} >= 1`))
    .addColumn('instances_count', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`${sql.ref('instances_count')} >= 0`),
    )
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('license_keys_scope_created').on('license_keys').columns(['business_id', 'mode', 'created_at', 'id']).execute();
  await db.schema.createIndex('license_keys_customer').on('license_keys').columns(['customer_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('license_keys_subscription').on('license_keys').columns(['subscription_id']).execute();

  await db.schema
    .createTable('license_key_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('license_key_id', 'text', (c) => c.notNull().references('license_keys.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('license_key_instances_key').on('license_key_instances').columns(['license_key_id', 'created_at', 'id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('license_key_instances').execute();
  await db.schema.dropTable('license_keys').execute();
  await db.schema.alterTable('businesses').dropColumn('allow_customer_key_deactivation').execute();
}
