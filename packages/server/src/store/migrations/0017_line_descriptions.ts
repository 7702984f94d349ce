/**
 * Invoice lines the server writes itself ("Unused time on Pro") keep their message id and
 * parameters (JSON) beside `description`, which stays the English text: the portal, PDFs and
 * emails render them in the reader's language (domain/line-descriptions.ts). Older lines and
 * merchant-written ones have neither and print as stored.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('invoice_line_items').addColumn('description_key', 'text').execute();
  await db.schema.alterTable('invoice_line_items').addColumn('description_params', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('invoice_line_items').dropColumn('description_params').execute();
  await db.schema.alterTable('invoice_line_items').dropColumn('description_key').execute();
}
