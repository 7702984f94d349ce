/**
 * Reconciliation bookkeeping (services/reconciliation.ts) and the sealed webhook secrets.
 *
 * - `payments.attempted_at`, `refunds.attempted_at`: when the attempt was recorded, in real time
 *   (the grace period before an unfinished one is reconciled is real time, like every lease).
 * - `payments.settlement`: for a renewal charge, what settling it needs (JSON), so a charge whose
 *   answer was lost is settled later exactly as the renewal would have settled it.
 * - `payments.reconcile_claimed_until`, `refunds.reconcile_claimed_until`: the lease a reconciler
 *   takes with a conditional UPDATE, so two processes never reconcile one record at once.
 * - Indexes on `(status, created_at)` for the sweeps over `processing` payments and `pending` refunds.
 *
 * `webhook_endpoints.secret` keeps its column but now holds the secret sealed (`v1.…`, AES-GCM
 * under the server secret). Migrations run without the server secret, so rows written before
 * this one are sealed by the running server: every scheduler tick, and any delivery to them.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('payments').addColumn('attempted_at', 'text').execute();
  await db.schema.alterTable('payments').addColumn('settlement', 'text').execute();
  await db.schema.alterTable('payments').addColumn('reconcile_claimed_until', 'text').execute();
  await db.schema.alterTable('refunds').addColumn('attempted_at', 'text').execute();
  await db.schema.alterTable('refunds').addColumn('reconcile_claimed_until', 'text').execute();
  await db.schema.createIndex('payments_status_idx').on('payments').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('refunds_status_idx').on('refunds').columns(['status', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('refunds_status_idx').execute();
  await db.schema.dropIndex('payments_status_idx').execute();
  await db.schema.alterTable('refunds').dropColumn('reconcile_claimed_until').execute();
  await db.schema.alterTable('refunds').dropColumn('attempted_at').execute();
  await db.schema.alterTable('payments').dropColumn('reconcile_claimed_until').execute();
  await db.schema.alterTable('payments').dropColumn('settlement').execute();
  await db.schema.alterTable('payments').dropColumn('attempted_at').execute();
}
