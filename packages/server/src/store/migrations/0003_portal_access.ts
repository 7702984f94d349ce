/**
 * Portal access: one-time magic-link codes. Only the SHA-256 of a code is kept; `used_at` is set
 * by the one conditional UPDATE that exchanges it, which makes the exchange single-use on both
 * SQLite and PostgreSQL.
 */
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('portal_magic_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`${sql.ref('mode')} in ('test', 'live')`))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('return_url', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('portal_magic_links_customer').on('portal_magic_links').column('customer_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('portal_magic_links').execute();
}
