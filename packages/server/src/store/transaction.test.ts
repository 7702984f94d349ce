/**
 * inTransaction runs a transaction again when the database aborted it for a concurrent one. On
 * PostgreSQL a real deadlock is made: two transactions on two pools lock two rows in opposite
 * orders; the one PostgreSQL picks as the victim (40P01) is retried and both commit.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { sharedDatabaseBackends } from '../testing/shared-db.ts';
import { inTransaction, isRetryableConflict } from './transaction.ts';

describe('isRetryableConflict', () => {
  it('knows deadlocks, serialization failures and a busy SQLite, and nothing else', () => {
    for (const code of ['40P01', '40001', 'SQLITE_BUSY']) expect(isRetryableConflict(Object.assign(new Error('x'), { code }))).toBe(true);
    for (const code of ['23505', 'SQLITE_CONSTRAINT_UNIQUE', undefined]) expect(isRetryableConflict(Object.assign(new Error('x'), { code }))).toBe(false);
  });
});

describe.each(sharedDatabaseBackends().filter(([name]) => name === 'postgres'))('inTransaction on %s', (_name, open) => {
  it('retries the victim of a real deadlock, so both transactions commit', async () => {
    const shared = await open();
    const [one, two] = shared.stores;
    try {
      await sql`create table lock_order (id integer primary key, n integer not null)`.execute(one.db);
      await sql`insert into lock_order values (1, 0), (2, 0)`.execute(one.db);
      let attempts = 0;
      let arrived = 0;
      let release!: () => void;
      const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
      const crosswise = (store: typeof one, first: number, second: number) =>
        inTransaction(store.db, async (trx) => {
          attempts += 1;
          await sql`update lock_order set n = n + 1 where id = ${first}`.execute(trx);
          // On the first round each waits until the other holds its first row: then a cycle.
          if (attempts <= 2) {
            arrived += 1;
            if (arrived === 2) release();
            await bothHoldOne;
          }
          await sql`update lock_order set n = n + 1 where id = ${second}`.execute(trx);
        });
      await Promise.all([crosswise(one, 1, 2), crosswise(two, 2, 1)]);
      expect(attempts).toBe(3);
      const rows = await sql<{ id: number; n: number }>`select id, n from lock_order order by id`.execute(one.db);
      expect(rows.rows.map((row) => Number(row.n))).toEqual([2, 2]);
    } finally {
      await shared.cleanup();
    }
  }, 30_000);
});
