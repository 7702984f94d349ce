/**
 * SQL of the mail queue (0014_mail_queue): queued messages and login jobs, their claims and
 * delivery state, and the test-mode outbox (`delivered_via = 'outbox'`) that `dodo-portal
 * outbox` lists.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, MailQueueTable } from './schema.ts';

export type QueuedMail = Selectable<MailQueueTable>;

/** A message of the test-mode outbox, as `dodo-portal outbox` shows it. */
export interface OutboxRecord {
  id: string;
  mode: 'test';
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: string;
}

export async function insertQueuedMail(db: Kysely<Database>, row: QueuedMail): Promise<void> {
  await db.insertInto('mail_queue').values(row).execute();
}

/** The newest `limit` outbox messages, newest first (`id` only makes the order stable within one millisecond). */
export async function listOutboxMail(db: Kysely<Database>, limit: number): Promise<OutboxRecord[]> {
  const rows = await db
    .selectFrom('mail_queue')
    .select(['id', 'mode', 'to_address', 'subject', 'text_body', 'html_body', 'created_at'])
    .where('delivered_via', '=', 'outbox')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, mode: 'test', to_address: row.to_address ?? '', subject: row.subject ?? '', text_body: row.text_body ?? '' }));
}

/** Deletes sent and failed rows written before `before` (an ISO timestamp); returns how many. Pending rows stay. */
export async function pruneOutboxMail(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db.deleteFrom('mail_queue').where('status', 'in', ['sent', 'failed']).where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Claims up to `limit` due rows until `leaseUntil`: each with a conditional UPDATE, so of two
 * drains (two processes) only one takes a row. A crashed drain's claim lapses at its lease.
 */
export async function claimDueMail(db: Kysely<Database>, at: { now: string; leaseUntil: string; limit: number }): Promise<QueuedMail[]> {
  const due = await db
    .selectFrom('mail_queue')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at.now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at.now)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(at.limit)
    .execute();
  const claimed: QueuedMail[] = [];
  for (const row of due) {
    const result = await db
      .updateTable('mail_queue')
      .set({ claimed_until: at.leaseUntil })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at.now)]))
      .executeTakeFirst();
    if (result.numUpdatedRows === 1n) claimed.push({ ...row, claimed_until: at.leaseUntil });
  }
  return claimed;
}

/** The row takes the message in clear (kind `message`), for the test-mode outbox only. */
export async function resolveMailJob(
  db: Kysely<Database>,
  id: string,
  message: { to_address: string; subject: string; text_body: string; html_body: string | null },
  at: string,
): Promise<void> {
  await db
    .updateTable('mail_queue')
    .set({ ...message, kind: 'message', request: null, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function deleteQueuedMail(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('mail_queue').where('id', '=', id).execute();
}

/**
 * Records the outcome of one attempt. Sent over SMTP: the bodies are dropped (mail that left is
 * not kept: it holds sign-in links). Kept in the outbox: as it is. Failed: `next` says when to
 * retry, or null for `failed` for good.
 */
export async function recordMailAttempt(
  db: Kysely<Database>,
  row: { id: string; attempts: number },
  outcome: { sent: 'smtp' | 'outbox'; at: string } | { error: string; at: string; next: string | null },
): Promise<void> {
  const common = { attempts: row.attempts + 1, claimed_until: null, updated_at: outcome.at };
  const query = db.updateTable('mail_queue').where('id', '=', row.id);
  if ('sent' in outcome) {
    await query
      .set({ ...common, status: 'sent', delivered_via: outcome.sent, last_error: null, ...(outcome.sent === 'smtp' ? { text_body: null, html_body: null, request: null } : {}) })
      .execute();
  } else {
    await query.set({ ...common, status: outcome.next ? 'pending' : 'failed', last_error: outcome.error, ...(outcome.next ? { next_attempt_at: outcome.next } : {}) }).execute();
  }
}

/** When the next pending row falls due, if any (to wake the drain for retries). */
export async function nextMailDue(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom('mail_queue')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.next ?? undefined;
}
