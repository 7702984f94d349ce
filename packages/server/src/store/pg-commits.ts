/**
 * PostgreSQL's half of the commit notifier (`Store.commits`): a commit that queued webhooks or
 * mail also runs `pg_notify` inside its transaction, so the notification leaves exactly when
 * the commit does (never on rollback, and even if the process dies right after committing), and
 * every process on the database that `LISTEN`s kicks its drain at once. The listening process
 * holds one dedicated connection (not one of the pool's), reconnects after a failure, and kicks
 * every topic after each (re)connect, since a notification sent meanwhile is lost. The
 * scheduler's tick stays the fallback for anything missed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type CommitTopic = 'webhooks' | 'mail';
const TOPICS: readonly CommitTopic[] = ['webhooks', 'mail'];

/**
 * How long a PostgreSQL connection may take to be set up (the pool's: also the wait for a free
 * one) before it fails: a query then fails as a storage failure (503), the LISTEN connection
 * tries again. Without it a server that accepts TCP but never answers (hung, or a black-holed
 * address) left requests waiting forever.
 */
export const PG_CONNECT_TIMEOUT_MS = 10_000;
/** Reconnect delays after the listening connection fails: 250 ms doubling to 10 s. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** One channel per topic and schema (tests share a database with a schema each); ≤ 63 bytes. */
export function channelOf(topic: CommitTopic, pgSchema: string | undefined): string {
  return pgSchema ? `dodo_portal_${topic}_${createHash('sha256').update(pgSchema).digest('hex').slice(0, 16)}` : `dodo_portal_${topic}`;
}

export interface PgCommitChannel {
  /** Inside the committing transaction: tells every listening process about `topics` once it commits. */
  notifyIn(db: Kysely<Database> | Transaction<Database>, topics: Iterable<CommitTopic>): Promise<void>;
  /** Starts listening (idempotent); `onTopic` hears other processes' commits. */
  listen(onTopic: (topic: CommitTopic) => void): void;
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

export function pgCommitChannel(databaseUrl: string, pgSchema: string | undefined): PgCommitChannel {
  // This process's own notifications come back to it too: its payload tells them apart, and
  // the in-process notifier has already announced them.
  const origin = randomUUID();
  let client: pg.Client | undefined;
  let closed = false;
  let listening = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = RECONNECT_MIN_MS;
  let onTopic: (topic: CommitTopic) => void = () => {};
  const byChannel = new Map(TOPICS.map((topic) => [channelOf(topic, pgSchema), topic] as const));

  const reconnectLater = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    retry.unref();
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
    client = next;
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      if (client === next) client = undefined;
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      reconnectLater();
    };
    next.on('error', fail);
    next.on('end', fail);
    next.on('notification', (message) => {
      const topic = byChannel.get(message.channel);
      if (topic && message.payload !== origin) onTopic(topic);
    });
    try {
      await next.connect();
      for (const channel of byChannel.keys()) await next.query(`listen "${channel}"`);
      if (closed) return void (await next.end().catch(() => undefined));
      delay = RECONNECT_MIN_MS;
      // Whatever was committed while this connection was down was not heard: look now.
      for (const topic of TOPICS) onTopic(topic);
    } catch {
      fail();
    }
  };

  return {
    async notifyIn(db, topics) {
      for (const topic of new Set(topics)) await sql`select pg_notify(${channelOf(topic, pgSchema)}, ${origin})`.execute(db);
    },
    listen(listener) {
      onTopic = listener;
      if (listening || closed) return;
      listening = true;
      void connect();
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const open = client;
      client = undefined;
      if (open) {
        open.removeAllListeners();
        open.on('error', () => undefined);
        await open.end().catch(() => undefined);
      }
    },
  };
}
