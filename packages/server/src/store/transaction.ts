/**
 * Transactions that a concurrent one may abort: a deadlock (PostgreSQL 40P01), a serialization
 * failure (40001), or a busy SQLite database (SQLITE_BUSY once busy_timeout ran out). The
 * database rolled the work back, so it is run again from the start, a few times, after a short
 * random pause — such a conflict is a reason to wait, never a 500.
 *
 * Only for transactions whose callback does nothing but database work (no processor call, no
 * email): running it twice must be the same as running it once.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

const RETRYABLE_CODES = new Set(['40P01', '40001', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);
const ATTEMPTS = 5;

/** Whether the database aborted a transaction only because of a concurrent one. */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

export async function inTransaction<T>(db: Kysely<Database>, run: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(run);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryableConflict(error)) throw error;
      // 5–10 ms, then 10–20, 20–40…: the winner commits meanwhile, and racers spread out.
      const base = 5 * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, base + Math.random() * base));
    }
  }
}
