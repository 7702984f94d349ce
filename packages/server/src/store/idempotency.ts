/**
 * Idempotency keys. The row is inserted first, in its own statement, before the request runs:
 * the primary key (business, mode, key) is the lock, on SQLite and PostgreSQL alike, so two
 * concurrent requests with one key can never both execute. The lock is a lease (`locked_until`):
 * a key left unanswered past it (its process died) is taken over by one retry, with a
 * conditional UPDATE on the lease it saw, so two retries never both recover it.
 */
import type { Mode } from '@dodo-portal/wire/values';
import { sql, type Kysely } from 'kysely';
import { isUniqueViolation } from './index.ts';
import type { Database } from './schema.ts';
import type { Scope } from './scope.ts';

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | {
      kind: 'existing';
      requestHash: string;
      response: { status: number; body: string } | null;
      createdAt: string;
      /** The running request's lease (null on rows from before 0012: count it from `createdAt`). */
      lockedUntil: string | null;
      paymentId: string | null;
    };

export async function claimIdempotencyKey(db: Kysely<Database>, scope: Scope, key: string, requestHash: string, at: string, lockedUntil: string): Promise<IdempotencyClaim> {
  try {
    await db
      .insertInto('idempotency_keys')
      .values({ business_id: scope.businessId, mode: scope.mode, key, request_hash: requestHash, response_status: null, response_body: null, created_at: at, locked_until: lockedUntil })
      .execute();
    return { kind: 'claimed' };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const row = await db.selectFrom('idempotency_keys').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('key', '=', key).executeTakeFirst();
  // Released between our insert and this read: report it as still running; the client retries.
  if (!row) return { kind: 'existing', requestHash, response: null, createdAt: at, lockedUntil, paymentId: null };
  return {
    kind: 'existing',
    requestHash: row.request_hash,
    response: row.response_status === null || row.response_body === null ? null : { status: Number(row.response_status), body: row.response_body },
    createdAt: row.created_at,
    lockedUntil: row.locked_until,
    paymentId: row.payment_id,
  };
}

/**
 * Takes over an unanswered key whose lease (`seen`, as read) lapsed: true for one caller only.
 * `seen` null matches a row from before 0012 (no lease column value).
 */
export async function takeOverIdempotencyKey(db: Kysely<Database>, scope: Scope, key: string, seen: string | null, lockedUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ locked_until: lockedUntil })
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('key', '=', key)
    .where('response_status', 'is', null)
    .where((eb) => (seen === null ? eb('locked_until', 'is', null) : eb('locked_until', '=', seen)))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Notes the payment a keyed request is about to charge (before the processor is called). */
export async function tieIdempotencyPayment(db: Kysely<Database>, scope: Scope, key: string, paymentId: string | null): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ payment_id: paymentId })
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('key', '=', key)
    .where('response_status', 'is', null)
    .execute();
}

/** The payment a keyed request noted before calling the processor, if any. */
export async function findIdempotencyPaymentId(db: Kysely<Database>, scope: Scope, key: string): Promise<string | null> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select('payment_id')
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.payment_id ?? null;
}

/** Gives a taken-over key's lease back at once (its recovery must wait): the next retry tries again. */
export async function lapseIdempotencyKey(db: Kysely<Database>, scope: Scope, key: string, lockedUntil: string, at: string): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ locked_until: at })
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('key', '=', key)
    .where('response_status', 'is', null)
    .where('locked_until', '=', lockedUntil)
    .execute();
}

export interface StaleIdempotencyKey {
  business_id: string;
  mode: Mode;
  key: string;
  locked_until: string | null;
  payment_id: string | null;
}

/** Unanswered keys whose lease lapsed before `realNow` (rows from before 0012: created before `legacyCutoff`). */
export async function findStaleIdempotencyKeys(db: Kysely<Database>, options: { realNow: string; legacyCutoff: string; limit: number }): Promise<StaleIdempotencyKey[]> {
  return db
    .selectFrom('idempotency_keys')
    .select(['business_id', 'mode', 'key', 'locked_until', 'payment_id'])
    .where('response_status', 'is', null)
    .where((eb) => eb.or([eb('locked_until', '<', options.realNow), eb.and([eb('locked_until', 'is', null), eb('created_at', '<', options.legacyCutoff)])]))
    .orderBy(sql`coalesce(locked_until, created_at)`)
    .limit(options.limit)
    .execute();
}

export async function completeIdempotencyKey(db: Kysely<Database>, scope: Scope, key: string, response: { status: number; body: string }): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ response_status: response.status, response_body: response.body })
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('key', '=', key)
    .execute();
}

/** Forgets a key whose request did not finish (a 5xx or a crash): the client may retry with it. */
export async function releaseIdempotencyKey(db: Kysely<Database>, scope: Scope, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('key', '=', key).where('response_status', 'is', null).execute();
}

/** Forgets a finished key older than `before`, so it can be used again (keys are kept at least 24 h). */
export async function expireIdempotencyKey(db: Kysely<Database>, scope: Scope, key: string, before: string): Promise<boolean> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('key', '=', key)
    .where('created_at', '<', before)
    .where('response_status', 'is not', null)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
