import type { Mode } from '@dodo-portal/wire/schemas';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface ApiKeyRecord {
  id: string;
  business_id: string;
  mode: Mode;
  key_hash: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export async function insertApiKey(db: Kysely<Database>, key: ApiKeyRecord): Promise<void> {
  await db.insertInto('api_keys').values(key).execute();
}

/** The key with this hash, revoked or not (the caller decides what a revoked key means). */
export async function findApiKeyByHash(db: Kysely<Database>, keyHash: string): Promise<ApiKeyRecord | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function listApiKeys(db: Kysely<Database>, businessId: string): Promise<ApiKeyRecord[]> {
  return db.selectFrom('api_keys').selectAll().where('business_id', '=', businessId).orderBy('created_at').orderBy('id').execute();
}

/** Revokes a key; returns false when there was no such unrevoked key. */
export async function revokeApiKey(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
