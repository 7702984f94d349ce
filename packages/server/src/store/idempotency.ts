/**
 * Idempotency keys. The row is inserted first, in its own statement, before the request runs:
 * the primary key (business, mode, key) is the lock, on SQLite and PostgreSQL alike, so two
 * concurrent requests with one key can never both execute.
 */
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './index.ts';
import type { Database } from './schema.ts';
import type { Scope } from './scope.ts';

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'existing'; requestHash: string; response: { status: number; body: string } | null; createdAt: string };

export async function claimIdempotencyKey(db: Kysely<Database>, scope: Scope, key: string, requestHash: string, at: string): Promise<IdempotencyClaim> {
  try {
    await db
      .insertInto('idempotency_keys')
      .values({ business_id: scope.businessId, mode: scope.mode, key, request_hash: requestHash, response_status: null, response_body: null, created_at: at })
      .execute();
    return { kind: 'claimed' };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('key', '=', key)
    .executeTakeFirst();
  // Released between our insert and this read: report it as still running; the client retries.
  if (!row) return { kind: 'existing', requestHash, response: null, createdAt: at };
  return {
    kind: 'existing',
    requestHash: row.request_hash,
    response: row.response_status === null || row.response_body === null ? null : { status: Number(row.response_status), body: row.response_body },
    createdAt: row.created_at,
  };
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
  await db
    .deleteFrom('idempotency_keys')
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('key', '=', key)
    .where('response_status', 'is', null)
    .execute();
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
