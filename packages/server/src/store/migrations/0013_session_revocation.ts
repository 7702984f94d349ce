/**
 * Revoking a customer's ways into the portal (issue 12, items 5 and 16).
 *
 * - `portal_sessions.unified_session_id`: the unified session a business session was opened
 *   through (`POST /portal/v1/unified/businesses/{id}/session`), so signing out of the unified
 *   portal ends those sessions too. Null for every other session.
 * - `portal_magic_links.revoked_at`: set by `POST /v1/customers/{id}/customer-portal/sessions/revoke`
 *   on links not used yet; a revoked link can no longer be exchanged.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('portal_sessions').addColumn('unified_session_id', 'text').execute();
  await db.schema.createIndex('portal_sessions_unified').on('portal_sessions').column('unified_session_id').execute();
  await db.schema.alterTable('portal_magic_links').addColumn('revoked_at', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('portal_magic_links').dropColumn('revoked_at').execute();
  await db.schema.dropIndex('portal_sessions_unified').execute();
  await db.schema.alterTable('portal_sessions').dropColumn('unified_session_id').execute();
}
