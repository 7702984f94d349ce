/**
 * Bulk loading for the data generator (`dodo-portal seed --customers N`): multi-row INSERTs,
 * chunked under each driver's bound-parameter limit, all of one batch in one transaction — the
 * commit (an fsync on SQLite, a WAL flush on PostgreSQL) is what a row-at-a-time load pays for.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from './dialect.ts';
import type { Database } from './schema.ts';

/** Bound parameters per statement: SQLite's limit is 32,766, PostgreSQL's 65,535; stay well under. */
const MAX_PARAMETERS = 30_000;

export type BulkRows = { [T in keyof Database]?: Insertable<Database[T]>[] };

/** Inserts every table's rows in the order given (parents before children), in one transaction. */
export async function insertBulk(db: Kysely<Database>, batch: BulkRows): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [table, rows] of Object.entries(batch) as [keyof Database, Insertable<Database[keyof Database]>[]][]) {
      await insertChunked(trx, table, rows);
    }
  });
}

async function insertChunked<T extends keyof Database>(trx: Transaction<Database>, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const perRow = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / perRow));
  for (let start = 0; start < rows.length; start += size) {
    // Kysely's insert types are per table; the rows were typed by BulkRows when the batch was built.
    await trx
      .insertInto(table)
      .values(rows.slice(start, start + size) as never)
      .execute();
  }
}

/**
 * Refreshes PostgreSQL's planner statistics of the bulk-loaded tables. Right after a load they have
 * none (autovacuum gets to them a minute or more later) and the planner guesses 0.5% per equality:
 * at 1,000,000 invoices it read `select * from subscriptions where id = $1 and business_id = $2 and
 * mode = $3` through subscriptions_business_mode_created (every subscription of the business, 502
 * buffers, ~6 ms; three times per plan-change preview) instead of the primary key (4 buffers,
 * 0.02 ms). SQLite plans these reads from its indexes alone (no sqlite_stat1 is written anywhere),
 * so it is left as it is.
 */
export async function analyzeBulkTables(db: Kysely<Database>, tables: readonly (keyof Database)[]): Promise<void> {
  if (!isPostgres(db) || tables.length === 0) return;
  await sql`analyze ${sql.join(tables.map((table) => sql.table(table)))}`.execute(db);
}

/**
 * Moves a business+mode's invoice counter to at least `nextNumber`, so an invoice issued later
 * through insertInvoiceWithNextNumber takes the number after the last bulk-loaded one.
 */
export async function advanceInvoiceCounter(db: Kysely<Database>, businessId: string, mode: 'test' | 'live', nextNumber: number): Promise<void> {
  await db
    .insertInto('invoice_counters')
    .values({ business_id: businessId, mode, next_number: nextNumber })
    .onConflict((oc) =>
      oc
        .columns(['business_id', 'mode'])
        .doUpdateSet({ next_number: sql<number>`case when invoice_counters.next_number > ${nextNumber} then invoice_counters.next_number else ${nextNumber} end` }),
    )
    .execute();
}

/** The next number a business+mode's counter will hand out (1 when it has issued none). */
export async function nextInvoiceNumber(db: Kysely<Database>, businessId: string, mode: 'test' | 'live'): Promise<number> {
  const row = await db.selectFrom('invoice_counters').select('next_number').where('business_id', '=', businessId).where('mode', '=', mode).executeTakeFirst();
  return row ? Number(row.next_number) : 1;
}
