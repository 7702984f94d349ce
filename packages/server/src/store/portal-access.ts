/**
 * SQL of portal access: one-time magic-link codes, and the customer lookups the login and invite
 * flows need. Only hashes of codes are ever written.
 */
import type { Mode } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable } from 'kysely';
import type { Database, PortalMagicLinksTable } from './schema.ts';
import type { Scope } from './scope.ts';
import { insertPortalSession, type PortalSessionRecord } from './sessions.ts';

export type MagicLinkRecord = Selectable<PortalMagicLinksTable>;

export async function insertMagicLink(db: Kysely<Database>, link: MagicLinkRecord): Promise<void> {
  await db.insertInto('portal_magic_links').values(link).execute();
}

export async function findMagicLinkByHash(db: Kysely<Database>, codeHash: string): Promise<MagicLinkRecord | undefined> {
  return db.selectFrom('portal_magic_links').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/**
 * Marks the code used and opens the session it grants, in one transaction. The conditional
 * UPDATE (`used_at IS NULL AND revoked_at IS NULL AND expires_at > now`) is the only gate: of two concurrent exchanges
 * exactly one updates a row (PostgreSQL re-checks the WHERE after the row lock; SQLite runs
 * writers one at a time), and only that one inserts a session. Returns false when no row was
 * updated: the code is unknown, used, revoked or expired.
 */
export async function consumeMagicLink(
  db: Kysely<Database>,
  codeHash: string,
  now: string,
  session: (link: MagicLinkRecord & { business_return_url: string | null }) => PortalSessionRecord,
): Promise<PortalSessionRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('portal_magic_links')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) return undefined;
    const link = await trx
      .selectFrom('portal_magic_links as m')
      .innerJoin('businesses as b', 'b.id', 'm.business_id')
      .selectAll('m')
      .select('b.return_url as business_return_url')
      .where('m.code_hash', '=', codeHash)
      .executeTakeFirstOrThrow();
    const record = session(link);
    await insertPortalSession(trx, record);
    return record;
  });
}

export interface CustomerContact {
  customer_id: string;
  business_id: string;
  mode: Mode;
  email: string;
  name: string;
  locale: string;
}

const contactColumns = ['id as customer_id', 'business_id', 'mode', 'email', 'name', 'locale'] as const;

/** The customer with this email (case-insensitive) in the business and mode, if any. */
export async function findCustomerContactByEmail(db: Kysely<Database>, scope: Scope, email: string): Promise<CustomerContact | undefined> {
  return db
    .selectFrom('customers')
    .select(contactColumns)
    .where('business_id', '=', scope.businessId)
    .where('mode', '=', scope.mode)
    .where('email_normalized', '=', email.toLowerCase())
    .executeTakeFirst();
}

/** A customer by id alone, whatever business and mode (the CLI's `invite`, which holds no key). */
export async function findCustomerContactById(db: Kysely<Database>, customerId: string): Promise<CustomerContact | undefined> {
  return db.selectFrom('customers').select(contactColumns).where('id', '=', customerId).executeTakeFirst();
}

/** Ends the session with this token hash (a portal link whose email could not be sent). */
export async function revokePortalSessionByTokenHash(db: Kysely<Database>, tokenHash: string, at: string): Promise<void> {
  await db.updateTable('portal_sessions').set({ revoked_at: at }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
}
