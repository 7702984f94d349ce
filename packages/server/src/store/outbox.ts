/** SQL of the test-mode mail outbox (0004_portal_access_2). */
import type { Kysely, Selectable } from 'kysely';
import type { Database, MailOutboxTable } from './schema.ts';

export type OutboxRecord = Selectable<MailOutboxTable>;

export async function insertOutboxMail(db: Kysely<Database>, mail: OutboxRecord): Promise<void> {
  await db.insertInto('mail_outbox').values(mail).execute();
}

/** The newest `limit` messages, newest first (`id` only makes the order stable within one millisecond). */
export async function listOutboxMail(db: Kysely<Database>, limit: number): Promise<OutboxRecord[]> {
  return db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Deletes the messages written before `before` (an ISO timestamp); returns how many. */
export async function pruneOutboxMail(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db.deleteFrom('mail_outbox').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
