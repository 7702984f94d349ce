/**
 * Whether the store can take writes, and which errors mean it cannot. A storage failure (full or
 * read-only disk, database file deleted or replaced, connection refused, database dropped) is
 * not a bug: it answers 503 `storage_unavailable` and turns `/healthz` red.
 */
import { statSync } from 'node:fs';
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
// 3D000 (the database does not exist, e.g. dropped under us).
const PG_STORAGE = /^(08|53|57P|58|3D000$)/;
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

/** Round-trips a trivial query: the database is reachable and answering. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
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
