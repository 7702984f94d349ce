/**
 * Whether the store can take writes, and which errors mean it cannot. A storage failure (full or
 * read-only disk, database file deleted or replaced, connection refused, database dropped) is
 * not a bug: it answers 503 `storage_unavailable` and turns `/healthz` red.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sql, type KyselyPlugin, type Kysely, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { Database } from './schema.ts';

/** The store cannot serve now; `message` says why without internals (it is the public 503 answer), `cause` has the details. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

// SQLite result codes (primary or extended, as better-sqlite3 names them) that mean the disk or
// file failed, not the query: SQLITE_FULL, SQLITE_IOERR_*, SQLITE_READONLY_*, SQLITE_CANTOPEN,
// SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_BUSY (the lock wait timed out).
const SQLITE_STORAGE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|BUSY|PROTOCOL)/;
// PostgreSQL SQLSTATE classes 08 (connection), 53 (insufficient resources: disk full, out of
// memory, too many connections), 57P (shutdown, cannot connect now), 58 (system/I-O error) and
// 3D000 (the database does not exist, e.g. dropped under us) and 25006 (a read-only transaction
// refused a write: the database is read-only, e.g. `default_transaction_read_only` or a standby).
const PG_STORAGE = /^(08|53|57P|58|3D000$|25006$)/;
// Socket errors of the pg driver: nothing listens, the host is gone, the connection broke.
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
// Messages without a code: pg's pool and client, better-sqlite3 and Kysely after close.
const STORAGE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /The database connection is not open/i,
  /driver has already been destroyed/i,
  /Cannot use a pool after calling end/i,
];

export function isStorageFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    if (current instanceof StorageUnavailableError) return true;
    if (typeof current !== 'object') return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (SQLITE_STORAGE.test(code) || PG_STORAGE.test(code) || NETWORK.has(code))) return true;
    // pg-pool's connect errors and Node's AggregateError (every address refused) carry no code of their own.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((inner) => isStorageFailure(inner))) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && STORAGE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}

/**
 * PostgreSQL: a write that needs new space, rolled back. Creating a table is refused by a
 * read-only database (25006), and its first row extends a file in the database's tablespace,
 * which a full disk refuses (53100); a `select 1` passes both. Rolled back, it leaves nothing
 * but dead catalog rows for autovacuum. The name is unique so two probes never wait on each other.
 */
export async function probePostgresWrite(db: Kysely<Database>): Promise<void> {
  const table = `dodo_health_probe_${randomBytes(6).toString('hex')}`;
  await db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection);
    try {
      await sql.raw(`create table ${table} (x int)`).execute(connection);
      await sql.raw(`insert into ${table} values (1)`).execute(connection);
    } finally {
      await sql`rollback`.execute(connection);
    }
  });
}

/**
 * SQLite: a 4 KiB file written, synced and removed beside the database. A committed SQLite write
 * can still fit in space its WAL already holds while the disk is full; this one needs a new block,
 * so a full disk (ENOSPC) or a read-only folder (EROFS, EPERM) fails it.
 */
export function probeFolderWrite(databasePath: string): void {
  const probe = join(dirname(databasePath), `.${basename(databasePath)}-health-${process.pid}`);
  try {
    const fd = openSync(probe, 'w');
    try {
      writeSync(fd, Buffer.alloc(4096));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * SQLite: the file this store opened must still be the one at its path. Deleted (or replaced by
 * a restore) under a running server, writes would go on into an unlinked inode and vanish at
 * the next start, which would open an empty database.
 */
export function sqliteFileGuard(path: string): { check(): void } {
  const opened = statSync(path);
  return {
    check() {
      let now;
      try {
        now = statSync(path);
      } catch {
        throw new StorageUnavailableError('The database file was deleted while the server was running: restore it and restart the server.');
      }
      if (now.ino !== opened.ino || now.dev !== opened.dev) {
        throw new StorageUnavailableError('The database file was replaced while the server was running: restart the server to open the new file.');
      }
    },
  };
}

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

/** Checks `guard` before every insert, update and delete built with Kysely. */
export function writeGuardPlugin(guard: { check(): void }): KyselyPlugin {
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (WRITES.has(args.node.kind)) guard.check();
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
}
