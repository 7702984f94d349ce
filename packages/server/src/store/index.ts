/**
 * Opening the database: SQLite (better-sqlite3, one file) by default, PostgreSQL when a
 * `postgres://` URL is given. Migrations run on open, so a store is always at the latest schema.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect, type SqliteDatabase, type Transaction, type TransactionBuilder } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';
import { probeFolderWrite, probePostgresWrite, sqliteFileGuard, StorageUnavailableError, writeGuardPlugin } from './health.ts';
import { PG_CONNECT_TIMEOUT_MS, pgCommitChannel, type CommitTopic, type PgCommitChannel } from './pg-commits.ts';

export { isStorageFailure, StorageUnavailableError } from './health.ts';
export type { Database } from './schema.ts';

export interface StoreOptions {
  /** SQLite file (created with its folder if missing). Ignored when `databaseUrl` is set. */
  file?: string;
  /** `postgres://…` selects PostgreSQL. */
  databaseUrl?: string;
  /** PostgreSQL only: create this schema if missing and keep every table in it. */
  pgSchema?: string;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/** Kinds of queued work a commit can make due: webhook deliveries, outgoing mail. */
export type { CommitTopic } from './pg-commits.ts';

/**
 * The post-commit notifier: whoever drains a queue (the scheduler, the mail queue) listens, and
 * is told right after a commit that queued work for it, instead of finding it on its next tick.
 * SQLite: this process's commits (the only writer). PostgreSQL: every process's commits on the
 * database too (`pg_notify` in the committing transaction, `LISTEN` on a connection of its own
 * while anyone listens: store/pg-commits.ts). The tick remains the fallback.
 */
export interface CommitNotifier {
  /** Calls `listener` after each commit that queued work of a topic; returns the unsubscribe. */
  on(listener: (topic: CommitTopic) => void): () => void;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly commits: CommitNotifier;
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for logs (the file, or the PostgreSQL URL without its password). */
  readonly location: string;
  /** SQLite: the file did not exist, so this open created an empty database. */
  readonly created: boolean;
  /**
   * Resolves when the store can take writes now; throws a `StorageUnavailableError` saying why
   * not. SQLite: the file is still the one opened, and a real write commits. PostgreSQL: a query
   * round-trips.
   */
  check(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_DB_FILE = './data/dodo-portal.db';

/**
 * Where the CLI and the bench take their database from: an explicit `--db` file first, then
 * `DATABASE_URL` (postgres), then `DODO_PORTAL_DB`, then `./data/dodo-portal.db`.
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv, dbFlag?: string): StoreOptions {
  if (dbFlag) return { file: dbFlag };
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { databaseUrl: url };
  // Anything else set there is a mistake to report, not a reason to fall back to SQLite silently.
  if (url) throw new Error(`DATABASE_URL must be a postgres:// or postgresql:// URL (SQLite takes --db or DODO_PORTAL_DB), got "${url.replace(/\/\/[^@/]*@/, '//…@')}"`);
  return { file: env.DODO_PORTAL_DB || DEFAULT_DB_FILE };
}

const PG_INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** int8 (bigint, count(*)) back to a JS number; refuses rather than rounds outside the safe range. */
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} is outside the safe integer range`);
  return parsed;
}

type RawStore = Omit<Store, 'commits'> & { channel?: PgCommitChannel };

const listenersOf = new WeakMap<Kysely<Database>, Set<(topic: CommitTopic) => void>>();
/** Topics queued by each open transaction, announced when (and only if) it commits. */
const pendingOf = new WeakMap<Kysely<Database>, { topics: Set<CommitTopic>; listeners: Set<(topic: CommitTopic) => void> }>();
/** PostgreSQL: how a store's commits reach the other processes. */
const channelOfDb = new WeakMap<Kysely<Database>, PgCommitChannel>();

const announce = (listeners: Set<(topic: CommitTopic) => void>, topics: Iterable<CommitTopic>) => {
  for (const topic of topics) for (const listener of [...listeners]) listener(topic);
};

/**
 * Says that `db` queued work of `topic`: inside a transaction of an opened store, after it
 * commits (never on rollback); outside one (autocommit), at once. A db of no opened store: no-op.
 */
export function notifyAfterCommit(db: Kysely<Database> | Transaction<Database>, topic: CommitTopic): void {
  const pending = pendingOf.get(db);
  if (pending) pending.topics.add(topic);
  else {
    const listeners = listenersOf.get(db);
    if (listeners) announce(listeners, [topic]);
    // Autocommit: the write has committed already; tell the other processes after it.
    channelOfDb
      .get(db)
      ?.notifyIn(db, [topic])
      .catch(() => undefined);
  }
}

/**
 * The store's db with commit hooks: `db.transaction().execute(fn)` runs `fn` as Kysely does and,
 * once the commit has returned, announces what `fn` queued (notifyAfterCommit). Everything else
 * is the Kysely instance itself (methods bound to it: Kysely keeps private fields).
 */
function withCommitHooks(db: Kysely<Database>, listeners: Set<(topic: CommitTopic) => void>, channel: PgCommitChannel | undefined): Kysely<Database> {
  const wrap = (builder: TransactionBuilder<Database>): TransactionBuilder<Database> =>
    ({
      setIsolationLevel: (level: Parameters<TransactionBuilder<Database>['setIsolationLevel']>[0]) => wrap(builder.setIsolationLevel(level)),
      setAccessMode: (mode: Parameters<TransactionBuilder<Database>['setAccessMode']>[0]) => wrap(builder.setAccessMode(mode)),
      execute: async <T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> => {
        const topics = new Set<CommitTopic>();
        const result = await builder.execute(async (trx) => {
          pendingOf.set(trx, { topics, listeners });
          const value = await fn(trx);
          // Last statement of the transaction: PostgreSQL delivers it when (and if) it commits.
          if (channel && topics.size > 0) await channel.notifyIn(trx, topics);
          return value;
        });
        announce(listeners, topics);
        return result;
      },
    }) as unknown as TransactionBuilder<Database>;
  const hooked = new Proxy(db, {
    get(target, property) {
      if (property === 'transaction') return () => wrap(target.transaction());
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  listenersOf.set(hooked, listeners);
  if (channel) channelOfDb.set(hooked, channel);
  return hooked;
}

function withCommits({ channel, ...raw }: RawStore): Store {
  const listeners = new Set<(topic: CommitTopic) => void>();
  const db = withCommitHooks(raw.db, listeners, channel);
  return {
    ...raw,
    db,
    commits: {
      on(listener) {
        listeners.add(listener);
        // The LISTEN connection opens with the first listener (a server's drains), not for a
        // one-off CLI command that only writes.
        channel?.listen((topic) => announce(listeners, [topic]));
        return () => listeners.delete(listener);
      },
    },
    close: async () => {
      await channel?.close();
      await raw.close();
    },
  };
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const store = withCommits(options.databaseUrl ? await openPostgres(options.databaseUrl, options.pgSchema) : openSqlite(options.file ?? DEFAULT_DB_FILE));
  if (options.migrate !== false) {
    try {
      await migrate(store, options.databaseUrl ? options.pgSchema : undefined);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

/** How many distinct SQL texts keep their prepared statement (`in (?, …)` lists vary in length). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 for Kysely, each SQL text prepared once: Kysely's driver prepares every query
 * anew, and under load that was 13% of the server's CPU (issue 16's profile). Reuse is safe: the
 * driver runs one query at a time on the connection and `all`/`run` finish the statement before
 * returning, and SQLite re-prepares a statement itself when a migration changes the schema.
 * Least recently used texts are dropped past STATEMENT_CACHE_SIZE.
 */
function reusingStatements(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) statements.delete(sql);
      else statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

function openSqlite(file: string): RawStore {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  const created = !existsSync(path);
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  const sameFile = sqliteFileGuard(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(database) }), plugins: [writeGuardPlugin(sameFile)] });
  return {
    db,
    dialect: 'sqlite',
    location: path,
    created,
    check: async () => {
      sameFile.check();
      await asStorageFailure(async () => {
        // Rewriting the header's user_version (unused by Kysely's migrator) with its own value is
        // a real committed write: it fails on a full or read-only disk, unlike a select.
        const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(db);
        await sql.raw(`pragma user_version = ${Number(rows[0]?.user_version ?? 0)}`).execute(db);
        probeFolderWrite(path);
      }, 'The database cannot take a write (disk full or read-only, or the file is unreadable).');
    },
    close: () => db.destroy(),
  };
}

async function openPostgres(databaseUrl: string, pgSchema?: string): Promise<RawStore> {
  if (pgSchema !== undefined && !SCHEMA_NAME.test(pgSchema)) {
    throw new Error(`pgSchema must match ${SCHEMA_NAME}, got "${pgSchema}"`);
  }
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === PG_INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  if (pgSchema) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${pgSchema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    types,
    max: 10,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    ...(pgSchema ? { options: `-c search_path=${pgSchema}` } : {}),
  });
  // An idle client whose connection drops (server restart, database dropped) is reported here;
  // without a listener the 'error' event would crash the process. The pool discards the client,
  // and the next query reports the failure to its request (503 storage_unavailable).
  pool.on('error', () => {});
  // pg-pool listens for a client's 'error' only while the client is idle in the pool. A client
  // checked out by a request (between two queries of a transaction, or acquired and not yet
  // queried) whose session PostgreSQL ends (pg_terminate_backend, failover, restart) emits
  // 'error' with no listener, and that killed the process. The same error already fails the
  // client's queries (and the next one: "not queryable"), so the request answers 503
  // storage_unavailable, and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(databaseUrl);
  url.password = '';
  return {
    db,
    channel: pgCommitChannel(databaseUrl, pgSchema),
    dialect: 'postgres',
    location: `${url.toString()}${pgSchema ? ` (schema ${pgSchema})` : ''}`,
    created: false,
    check: () => asStorageFailure(() => probePostgresWrite(db), 'The database cannot take a write (unreachable, read-only or out of disk space).'),
    close: () => db.destroy(),
  };
}

export interface MigrationReport {
  applied: string[];
}

export async function migrate(store: Store, pgSchema?: string): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider,
    ...(pgSchema ? { migrationTableSchema: pgSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** PostgreSQL only: drops a schema made by `openStore({ pgSchema })` (tests clean up with it). */
export async function dropPgSchema(databaseUrl: string, pgSchema: string): Promise<void> {
  if (!SCHEMA_NAME.test(pgSchema)) throw new Error(`bad schema name ${pgSchema}`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${pgSchema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Runs `probe`; any failure of it is the store's (the probe itself has no bugs to hide). */
async function asStorageFailure(probe: () => Promise<void>, failed: string): Promise<void> {
  try {
    await probe();
  } catch (error) {
    if (error instanceof StorageUnavailableError) throw error;
    throw new StorageUnavailableError(failed, { cause: error });
  }
}

/** Whether an error is a unique-constraint violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
