/**
 * `dodo-portal backup` and `restore`. SQLite: better-sqlite3's online backup API, one read
 * transaction, so the copy is the database as of the moment the backup began while the server keeps
 * writing (WAL mode: writers are not blocked). PostgreSQL: `pg_dump --format=custom` (one snapshot,
 * also taken online) and `pg_restore`, shelled out to; without them on PATH the command says so.
 *
 * A restore never lands on a store that holds data unless forced, checks the copy before and the
 * result after (`pragma integrity_check` and `foreign_key_check` on SQLite; on PostgreSQL
 * `pg_restore --exit-on-error` re-adds every constraint, which checks every row), then migrates it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { migrate, openStore, type StoreOptions } from './index.ts';

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface RestoreReport {
  location: string;
  /** Rows of what a merchant would miss first, read back from the restored store. */
  counts: { businesses: number; customers: number; invoices: number; payments: number; license_keys: number };
  /** Migrations the restore applied to bring an older backup up to date. */
  migrated: string[];
  integrity: 'ok';
}

const run = promisify(execFile);

async function tool(name: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  try {
    await run(name, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new BackupError(
        `${name} is not on PATH: install the PostgreSQL client tools (Debian: apt-get install postgresql-client) of your server's major version, or run ${name} yourself (docs/deploying.md#backups).`,
      );
    }
    throw new BackupError(`${name} failed: ${(failure.stderr ?? failure.message).trim()}`);
  }
}

/** Writes the store to `to` (refused if it exists unless `force`); answers the bytes written. */
export async function backupStore(options: StoreOptions, to: string, { force = false } = {}): Promise<{ from: string; to: string; bytes: number }> {
  const target = resolve(to);
  if (existsSync(target) && !force) throw new BackupError(`${target} exists; choose a new file or pass --force to replace it.`);
  mkdirSync(dirname(target), { recursive: true });
  // Written beside the target and renamed: a backup that fails half-way leaves no file that looks whole.
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  try {
    if (options.databaseUrl) {
      await tool('pg_dump', ['--format=custom', '--no-owner', '--file', partial, '--dbname', options.databaseUrl]);
      renameSync(partial, target);
      return { from: withoutPassword(options.databaseUrl), to: target, bytes: statSync(target).size };
    }
    const source = resolve(options.file!);
    if (!existsSync(source)) throw new BackupError(`${source} does not exist: nothing to back up.`);
    const database = new SQLite(source, { readonly: true, fileMustExist: true });
    try {
      // Every page in one step: one read transaction, so concurrent writes neither restart the copy nor get into it.
      await database.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 1) });
    } finally {
      database.close();
    }
    renameSync(partial, target);
    return { from: source, to: target, bytes: statSync(target).size };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** Restores `from` into the store of `options` (which must hold no data unless `force`). */
export async function restoreStore(options: StoreOptions, from: string, { force = false } = {}): Promise<RestoreReport> {
  const source = resolve(from);
  if (!existsSync(source)) throw new BackupError(`${source} does not exist.`);
  if (options.databaseUrl) {
    const tables = await pgTableCount(options.databaseUrl);
    if (tables > 0 && !force)
      throw new BackupError(`${withoutPassword(options.databaseUrl)} already holds ${tables} tables; restore into an empty database, or pass --force to replace them.`);
    await tool('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', ...(tables > 0 ? ['--clean', '--if-exists'] : []), '--dbname', options.databaseUrl, source]);
  } else {
    const target = resolve(options.file!);
    if (!force && existsSync(target) && sqliteHoldsData(target))
      throw new BackupError(`${target} already holds data; restore into a fresh data directory, or stop the server and pass --force to replace it.`);
    const backup = new SQLite(source, { readonly: true, fileMustExist: true });
    const partial = `${target}.partial`;
    try {
      sqliteIntegrity(backup, `${source} is not a sound backup`);
      mkdirSync(dirname(target), { recursive: true });
      rmSync(partial, { force: true });
      await backup.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 1) });
    } finally {
      backup.close();
    }
    // A -wal beside the new file would be replayed into it: the old database's journal goes first.
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(partial, target);
  }
  const store = await openStore({ ...options, migrate: false });
  try {
    const { applied } = await migrate(store);
    if (store.dialect === 'sqlite') {
      const database = new SQLite(resolve(options.file!), { readonly: true, fileMustExist: true });
      try {
        sqliteIntegrity(database, 'the restored database failed its check');
      } finally {
        database.close();
      }
    }
    const count = async (table: 'businesses' | 'customers' | 'invoices' | 'payments' | 'license_keys') =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      location: store.location,
      counts: {
        businesses: await count('businesses'),
        customers: await count('customers'),
        invoices: await count('invoices'),
        payments: await count('payments'),
        license_keys: await count('license_keys'),
      },
      migrated: applied,
      integrity: 'ok',
    };
  } finally {
    await store.close();
  }
}

function sqliteIntegrity(database: SQLite.Database, failed: string): void {
  let problems: string[];
  try {
    const integrity = (database.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).filter((line) => line !== 'ok');
    const foreignKeys = (database.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]).map(
      (row) => `${row.table} row ${row.rowid} names a missing ${row.parent}`,
    );
    problems = [...integrity, ...foreignKeys];
  } catch (error) {
    problems = [error instanceof Error ? error.message : String(error)];
  }
  if (problems.length > 0) throw new BackupError(`${failed}: ${problems.slice(0, 5).join('; ')}`);
}

function sqliteHoldsData(file: string): boolean {
  if (statSync(file).size === 0) return false;
  const database = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return (database.prepare(`select count(*) as n from sqlite_master where type = 'table'`).get() as { n: number }).n > 0;
  } finally {
    database.close();
  }
}

async function pgTableCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from information_schema.tables where table_schema = current_schema()`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

const withoutPassword = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');
