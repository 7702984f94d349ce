/**
 * Paying an open invoice from the portal (`POST /portal/v1/invoices/{id}/pay`).
 *
 * `invoices.pay_claimed_until` is the invoice's lease, as `subscriptions.renewal_claimed_until` is
 * the subscription's: a payer sets it with a conditional UPDATE (`status = 'open'` and no live
 * lease) before the processor is called, so of parallel payers exactly one charges.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('invoices').addColumn('pay_claimed_until', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('invoices').dropColumn('pay_claimed_until').execute();
}
