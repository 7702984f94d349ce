/**
 * Idempotency keys that outlive their request (the process was killed mid-request).
 *
 * - `idempotency_keys.locked_until`: the running request's lease (real time). A retry that finds
 *   an unanswered key past it knows the first request is gone and recovers the key
 *   (services/idempotency-recovery.ts) instead of answering `idempotency_key_in_progress` for
 *   ever. Rows written before this migration have none: their lease counts from `created_at`.
 * - `idempotency_keys.payment_id`: the payment the request recorded before calling the processor,
 *   so the recovery knows whether anything may have been charged (and what became of it).
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('locked_until', 'text').execute();
  await db.schema.alterTable('idempotency_keys').addColumn('payment_id', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('payment_id').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('locked_until').execute();
}
