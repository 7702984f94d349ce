/**
 * One queue for outgoing mail (issue 12, items 17 and 19). Every email the server sends on its
 * own — renewal receipts, on-hold notices, portal confirmations, login links — is a row here,
 * sent by the drain (services/mail-queue.ts) after the commit, with a send timeout and retries
 * with backoff: a request or a renewal never waits for SMTP. A login request is queued as a
 * `login` / `unified_login` job holding only what the customer typed; the drain looks the email
 * up, makes the link and sends it (or deletes the row: no such customer). Bodies waiting here are
 * sealed under the server secret (they can hold sign-in links) and dropped once sent over SMTP.
 *
 * It replaces `mail_outbox` (0004): the test-mode capture is now a row of this table that was
 * "sent" to the outbox (`delivered_via = 'outbox'`, test mode only), which is what
 * `dodo-portal outbox` lists. Rows of `mail_outbox` move over as such.
 */
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('mail_queue')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`${sql.ref('mode')} in ('test', 'live')`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`${sql.ref('kind')} in ('message', 'login', 'unified_login')`))
    // A job's request as JSON (`login`: {business_id, email}; `unified_login`: {email}); null once resolved.
    .addColumn('request', 'text')
    .addColumn('to_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('text_body', 'text')
    .addColumn('html_body', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`${sql.ref('status')} in ('pending', 'sent', 'failed')`))
    .addColumn('delivered_via', 'text', (c) => c.check(sql`${sql.ref('delivered_via')} in ('smtp', 'outbox')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // The outbox holds working sign-in links: never live mode.
    .addCheckConstraint('mail_queue_outbox_test_only', sql`${sql.ref('delivered_via')} is null or ${sql.ref('delivered_via')} <> 'outbox' or ${sql.ref('mode')} = 'test'`)
    .execute();
  await db.schema.createIndex('mail_queue_due').on('mail_queue').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('mail_queue_outbox').on('mail_queue').columns(['delivered_via', 'created_at', 'id']).execute();
  await sql`insert into mail_queue (id, mode, kind, request, to_address, subject, text_body, html_body, status, delivered_via, attempts, next_attempt_at, claimed_until, last_error, created_at, updated_at)
    select id, mode, 'message', null, to_address, subject, text_body, html_body, 'sent', 'outbox', 1, created_at, null, null, created_at, created_at from mail_outbox`.execute(db);
  await db.schema.dropTable('mail_outbox').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`${sql.ref('mode')} = 'test'`))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_outbox_created').on('mail_outbox').columns(['created_at', 'id']).execute();
  await sql`insert into mail_outbox (id, mode, to_address, subject, text_body, html_body, created_at)
    select id, mode, to_address, subject, text_body, html_body, created_at from mail_queue where delivered_via = 'outbox'`.execute(db);
  await db.schema.dropTable('mail_queue').execute();
}
