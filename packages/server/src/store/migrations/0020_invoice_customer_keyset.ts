/**
 * The portal's invoice page (issue 16): `where business_id = ? and mode = ? and customer_id = ?
 * order by issued_at desc, id desc limit ?`. With only `invoices_business_mode_issued` and
 * `invoices_customer_issued` (customer_id, mode, …), SQLite's planner took the business index and
 * walked the whole business's newest invoices, filtering out other customers' — at 1,000,000
 * invoices it read ~100,000 rows to answer 21. This index matches the page's equality columns and
 * its order exactly, so the page reads only its own rows on both dialects.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex('invoices_business_mode_customer_issued').on('invoices').columns(['business_id', 'mode', 'customer_id', 'issued_at', 'id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('invoices_business_mode_customer_issued').execute();
}
