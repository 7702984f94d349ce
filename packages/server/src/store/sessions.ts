import type { Brand, Mode } from '@dodo-portal/wire/schemas';
import type { Kysely } from 'kysely';
import { compiledOnce } from './compiled-once.ts';
import type { Database } from './schema.ts';

export interface PortalSessionRecord {
  id: string;
  token_hash: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** Set when opened through a unified session: signing out there ends this one too. */
  unified_session_id?: string | null;
}

export async function insertPortalSession(db: Kysely<Database>, session: PortalSessionRecord): Promise<void> {
  await db.insertInto('portal_sessions').values(session).execute();
}

/**
 * A session with what every portal request needs about its business and customer, and the time
 * on its business's test clock, in one query.
 */
export interface PortalSessionContext extends PortalSessionRecord {
  business: { business_id: string; name: string; brand: Brand };
  customer: { customer_id: string; name: string; email: string; locale: string };
  /** Test mode: the business's test clock, or null when it has none yet. Always null in live mode. */
  test_clock_now: string | null;
}

/** The session's row joined with its business, customer and test clock; compiled once (every portal request runs it). */
const sessionByTokenHash = compiledOnce(
  (db, tokenHash) =>
    db
      .selectFrom('portal_sessions as s')
      .innerJoin('businesses as b', 'b.id', 's.business_id')
      .innerJoin('customers as c', (join) => join.onRef('c.id', '=', 's.customer_id').onRef('c.business_id', '=', 's.business_id').onRef('c.mode', '=', 's.mode'))
      .leftJoin('test_clocks as t', (join) => join.onRef('t.business_id', '=', 's.business_id').on('s.mode', '=', 'test'))
      .select([
        's.id',
        's.token_hash',
        's.business_id',
        's.mode',
        's.customer_id',
        's.return_url',
        's.created_at',
        's.expires_at',
        's.revoked_at',
        'b.name as business_name',
        'b.brand_display_name',
        'b.brand_primary_color',
        'b.brand_logo_url',
        'c.name as customer_name',
        'c.email as customer_email',
        'c.locale as customer_locale',
        't.now as test_clock_now',
      ])
      .where('s.token_hash', '=', tokenHash!),
  1,
);

export async function findPortalSessionByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<PortalSessionContext | undefined> {
  const [row] = await sessionByTokenHash(db, tokenHash);
  if (!row) return undefined;
  return {
    id: row.id,
    token_hash: row.token_hash,
    business_id: row.business_id,
    mode: row.mode,
    customer_id: row.customer_id,
    return_url: row.return_url,
    created_at: row.created_at,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
    business: {
      business_id: row.business_id,
      name: row.business_name,
      brand: { display_name: row.brand_display_name, primary_color: row.brand_primary_color, logo_url: row.brand_logo_url },
    },
    customer: { customer_id: row.customer_id, name: row.customer_name, email: row.customer_email, locale: row.customer_locale },
    test_clock_now: row.test_clock_now,
  };
}

/**
 * Ends every live portal session and every unused magic link of one customer in one business and
 * mode, in one transaction; `at` is the scope's time (sessions and links expire on it).
 */
export async function revokeCustomerPortalAccess(
  db: Kysely<Database>,
  scope: { businessId: string; mode: Mode },
  customerId: string,
  at: string,
): Promise<{ sessions: number; links: number }> {
  return db.transaction().execute(async (trx) => {
    const sessions = await trx
      .updateTable('portal_sessions')
      .set({ revoked_at: at })
      .where('business_id', '=', scope.businessId)
      .where('mode', '=', scope.mode)
      .where('customer_id', '=', customerId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    const links = await trx
      .updateTable('portal_magic_links')
      .set({ revoked_at: at })
      .where('business_id', '=', scope.businessId)
      .where('mode', '=', scope.mode)
      .where('customer_id', '=', customerId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return { sessions: Number(sessions.numUpdatedRows), links: Number(links.numUpdatedRows) };
  });
}

export async function revokePortalSession(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('portal_sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
