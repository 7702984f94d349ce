/**
 * The foundation tables. Portable DDL only, so the one migration runs on SQLite and PostgreSQL:
 * text ids and timestamps, bigint money, JSON as text. Later migrations add, never edit this one.
 */
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('businesses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('allowed_origins', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('return_url', 'text')
    .addColumn('default_locale', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('brand_display_name', 'text', (c) => c.notNull())
    .addColumn('brand_primary_color', 'text')
    .addColumn('brand_logo_url', 'text')
    .execute();

  await db.schema
    .createTable('business_allowed_origins')
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('business_allowed_origins_pk', ['business_id', 'origin'])
    .execute();
  await db.schema.createIndex('business_allowed_origins_origin').on('business_allowed_origins').column('origin').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_business').on('api_keys').columns(['business_id', 'mode']).execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone_number', 'text')
    .addColumn('billing_address', 'text')
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('customers_business_mode_email', ['business_id', 'mode', 'email_normalized'])
    .execute();
  await db.schema.createIndex('customers_business_mode_created').on('customers').columns(['business_id', 'mode', 'created_at', 'id']).execute();

  await db.schema
    .createTable('invoices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('restrict'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('subtotal', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('tax_rate_bps', 'integer', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('billing_address', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('invoices_business_mode_number', ['business_id', 'mode', 'number'])
    .execute();
  await db.schema.createIndex('invoices_customer_issued').on('invoices').columns(['customer_id', 'mode', 'issued_at', 'id']).execute();
  await db.schema.createIndex('invoices_business_mode_issued').on('invoices').columns(['business_id', 'mode', 'issued_at', 'id']).execute();

  await db.schema
    .createTable('invoice_line_items')
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_amount', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('invoice_line_items_pk', ['invoice_id', 'position'])
    .execute();

  await db.schema
    .createTable('invoice_counters')
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('next_number', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('invoice_counters_pk', ['business_id', 'mode'])
    .execute();

  await db.schema
    .createTable('portal_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(modeCheck('mode')))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('return_url', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('portal_sessions_customer').on('portal_sessions').column('customer_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['portal_sessions', 'invoice_counters', 'invoice_line_items', 'invoices', 'customers', 'api_keys', 'business_allowed_origins', 'businesses']) {
    await db.schema.dropTable(table).execute();
  }
}

function modeCheck(column: string) {
  return sql`${sql.ref(column)} in ('test', 'live')`;
}
