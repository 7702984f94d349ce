/**
 * One billing lock, named for what it is. `subscriptions.renewal_claimed_until` (0005) was taken
 * by renewals, plan changes and dues alike, and `invoices.pay_claimed_until` (0016) was the same
 * lease on an invoice: both become `billing_locked_until`, so one claim and one release query
 * (store/billing-lock.ts) serve every row a charge must hold alone. A rename keeps any lock held
 * during the upgrade: it simply lapses at the same instant.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('subscriptions').renameColumn('renewal_claimed_until', 'billing_locked_until').execute();
  await db.schema.alterTable('invoices').renameColumn('pay_claimed_until', 'billing_locked_until').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('invoices').renameColumn('billing_locked_until', 'pay_claimed_until').execute();
  await db.schema.alterTable('subscriptions').renameColumn('billing_locked_until', 'renewal_claimed_until').execute();
}
