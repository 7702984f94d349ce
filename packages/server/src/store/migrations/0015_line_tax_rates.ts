/**
 * Each invoice line carries its own tax rate (issue 12): an add-on is taxed at its product's rate,
 * not the plan's, so one invoice may mix rates. `invoice_line_items.tax_rate_bps` is that rate.
 * Every invoice written before this one had a single rate for all its lines, so the backfill
 * copies `invoices.tax_rate_bps` and every stored tax figure stays exactly right. The invoice row
 * keeps `tax_rate_bps` as its first line's (the plan's) rate.
 */
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('invoice_line_items')
    .addColumn('tax_rate_bps', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .updateTable('invoice_line_items')
    .set({ tax_rate_bps: sql`(select ${sql.ref('invoices.tax_rate_bps')} from ${sql.table('invoices')} where ${sql.ref('invoices.id')} = ${sql.ref('invoice_line_items.invoice_id')})` })
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('invoice_line_items').dropColumn('tax_rate_bps').execute();
}
