import { generateApiKey, apiKeyMode, hashSecret } from '../domain/tokens.ts';
import { unauthorized } from '../domain/errors.ts';
import { IdPrefix, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import type { Mode } from '@dodo-portal/wire/schemas';
import { findApiKeyByHash, insertApiKey, revokeApiKey as revokeKeyRow } from '../store/api-keys.ts';
import type { Scope } from '../store/scope.ts';
import type { ServiceContext } from '../runtime.ts';

/** The business and mode a secret key grants, or `unauthorized`. Looks the key up by its hash. */
export async function authenticateApiKey(ctx: ServiceContext, secret: string): Promise<Scope & { keyId: string }> {
  const mode = apiKeyMode(secret);
  if (!mode) throw unauthorized('Pass a secret API key as "Authorization: Bearer sk_test_…" or "sk_live_…".');
  const key = await findApiKeyByHash(ctx.store.db, hashSecret(secret));
  if (!key || key.mode !== mode) throw unauthorized('Unknown API key.');
  if (key.revoked_at !== null) throw unauthorized('This API key was revoked.');
  return { businessId: key.business_id, mode: key.mode, keyId: key.id };
}

/** Issues an additional key (rotation): the secret is returned once. */
export async function createApiKey(ctx: ServiceContext, businessId: string, mode: Mode): Promise<{ id: string; secret: string }> {
  const key = generateApiKey(mode, ctx.random);
  const id = newId(IdPrefix.apiKey, ctx.random);
  await insertApiKey(ctx.store.db, {
    id,
    business_id: businessId,
    mode,
    key_hash: key.hash,
    prefix: key.displayPrefix,
    created_at: toTimestamp(ctx.clock.now()),
    revoked_at: null,
  });
  return { id, secret: key.secret };
}

/** Revokes the key with this secret; later requests with it get `unauthorized`. */
export async function revokeApiKey(ctx: ServiceContext, secret: string): Promise<boolean> {
  const key = await findApiKeyByHash(ctx.store.db, hashSecret(secret));
  if (!key) return false;
  return revokeKeyRow(ctx.store.db, key.id, toTimestamp(ctx.clock.now()));
}
