/**
 * Portal access, part 2: the test-mode mail outbox, and the unified portal (one sign-in for every
 * business where an email is a customer). Without SMTP, mail for test-mode customers is kept in
 * the outbox (and logged) so a developer can follow the links; live mode never writes there. The
 * unified portal's codes and session tokens, like the business-scoped ones, are kept only as
 * their SHA-256.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Only test mode is ever written: the check makes a live-mode row impossible.
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`${sql.ref('mode')} = 'test'`))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_outbox_created').on('mail_outbox').columns(['created_at', 'id']).execute();

  const mode = (c: ColumnDefinitionBuilder) => c.notNull().check(sql`${sql.ref('mode')} in ('test', 'live')`);
  await db.schema
    .createTable('portal_unified_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', mode)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createTable('portal_unified_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', mode)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  // The unified portal looks customers up by email across businesses.
  await db.schema.createIndex('customers_email_mode').on('customers').columns(['email_normalized', 'mode']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('customers_email_mode').execute();
  await db.schema.dropTable('portal_unified_sessions').execute();
  await db.schema.dropTable('portal_unified_links').execute();
  await db.schema.dropTable('mail_outbox').execute();
}
