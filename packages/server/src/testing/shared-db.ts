/**
 * Two app instances over one database, for concurrency tests. On PostgreSQL each instance has its
 * own connection pool (what two server processes are), so guards must be row locks or
 * constraints. SQLite deploys as one process per file: both instances share its one connection
 * (two better-sqlite3 connections in one process would block each other's event loop in busy waits).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPgSchema, openStore, type Store } from '../store/index.ts';

export interface SharedDatabase {
  stores: [Store, Store];
  cleanup(): Promise<void>;
}

export function sharedDatabaseBackends(): [string, () => Promise<SharedDatabase>][] {
  const backends: [string, () => Promise<SharedDatabase>][] = [
    [
      'sqlite',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-shared-'));
        const store = await openStore({ file: join(dir, 'shared.db') });
        return {
          stores: [store, store],
          cleanup: async () => {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    ],
  ];
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
    backends.push([
      'postgres',
      async () => {
        const pgSchema = `dodo_shared_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
        const first = await openStore({ databaseUrl, pgSchema });
        const stores: [Store, Store] = [first, await openStore({ databaseUrl, pgSchema })];
        return {
          stores,
          cleanup: async () => {
            await Promise.all(stores.map((store) => store.close()));
            await dropPgSchema(databaseUrl, pgSchema);
          },
        };
      },
    ]);
  }
  return backends;
}
