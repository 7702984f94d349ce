/**
 * SQL of the unified portal: sign-in codes and sessions bound to an email in one mode (not to a
 * business), and the cross-business lookups the overview needs. Only hashes of codes and tokens
 * are ever written.
 */
import type { Mode } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable } from 'kysely';
import type { Database, PortalUnifiedLinksTable, PortalUnifiedSessionsTable } from './schema.ts';

export type UnifiedLinkRecord = Selectable<PortalUnifiedLinksTable>;
export type UnifiedSessionRecord = Selectable<PortalUnifiedSessionsTable>;

export async function insertUnifiedLink(db: Kysely<Database>, link: UnifiedLinkRecord): Promise<void> {
  await db.insertInto('portal_unified_links').values(link).execute();
}

export async function findUnifiedLinkByHash(db: Kysely<Database>, codeHash: string): Promise<UnifiedLinkRecord | undefined> {
  return db.selectFrom('portal_unified_links').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/**
 * Marks the code used and opens the unified session, in one transaction; the conditional UPDATE
 * is the only gate (as for business magic links, store/portal-access.ts), so of two concurrent
 * exchanges exactly one opens a session.
 */
export async function consumeUnifiedLink(
  db: Kysely<Database>,
  codeHash: string,
  now: string,
  session: (link: UnifiedLinkRecord) => UnifiedSessionRecord,
): Promise<UnifiedSessionRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('portal_unified_links')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) return undefined;
    const link = await trx.selectFrom('portal_unified_links').selectAll().where('code_hash', '=', codeHash).executeTakeFirstOrThrow();
    const record = session(link);
    await trx.insertInto('portal_unified_sessions').values(record).execute();
    return record;
  });
}

export async function findUnifiedSessionByHash(db: Kysely<Database>, tokenHash: string): Promise<UnifiedSessionRecord | undefined> {
  return db.selectFrom('portal_unified_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Ends the unified session and every business session opened through it, in one transaction. */
export async function revokeUnifiedSession(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('portal_unified_sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    await trx.updateTable('portal_sessions').set({ revoked_at: at }).where('unified_session_id', '=', id).where('revoked_at', 'is', null).execute();
  });
}

/** Where an email is a customer in a mode: one row per business, by business name. */
export interface UnifiedMembership {
  customer_id: string;
  business_id: string;
  name: string;
  email: string;
  locale: string;
  business_name: string;
  brand_display_name: string;
  brand_primary_color: string | null;
  brand_logo_url: string | null;
  active_subscriptions: number;
  latest_invoice_id: string | null;
}

export async function findMemberships(db: Kysely<Database>, emailNormalized: string, mode: Mode): Promise<UnifiedMembership[]> {
  const rows = await db
    .selectFrom('customers as c')
    .innerJoin('businesses as b', 'b.id', 'c.business_id')
    .select((eb) => [
      'c.id as customer_id',
      'c.business_id',
      'c.name',
      'c.email',
      'c.locale',
      'b.name as business_name',
      'b.brand_display_name',
      'b.brand_primary_color',
      'b.brand_logo_url',
      eb
        .selectFrom('subscriptions as s')
        .select((sub) => sub.fn.countAll<number | string | bigint>().as('n'))
        .whereRef('s.customer_id', '=', 'c.id')
        .whereRef('s.business_id', '=', 'c.business_id')
        .where('s.mode', '=', mode)
        .where('s.status', '=', 'active')
        .as('active_subscriptions'),
      eb
        .selectFrom('invoices as i')
        .select('i.id')
        .whereRef('i.customer_id', '=', 'c.id')
        .whereRef('i.business_id', '=', 'c.business_id')
        .where('i.mode', '=', mode)
        .orderBy('i.issued_at', 'desc')
        .orderBy('i.created_at', 'desc')
        .orderBy('i.id', 'desc')
        .limit(1)
        .as('latest_invoice_id'),
    ])
    .where('c.email_normalized', '=', emailNormalized)
    .where('c.mode', '=', mode)
    .orderBy('b.name')
    .orderBy('b.id')
    .execute();
  return rows.map((row) => ({ ...row, active_subscriptions: Number(row.active_subscriptions ?? 0), latest_invoice_id: row.latest_invoice_id ?? null }));
}
