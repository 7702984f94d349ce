import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** The business's test clock, created at `at` when it has none yet (both dialects: insert-or-ignore). */
export async function ensureTestClock(db: Kysely<Database>, businessId: string, at: string): Promise<string> {
  const row = await db.selectFrom('test_clocks').select('now').where('business_id', '=', businessId).executeTakeFirst();
  if (row) return row.now;
  await db
    .insertInto('test_clocks')
    .values({ business_id: businessId, now: at, updated_at: at })
    .onConflict((oc) => oc.column('business_id').doNothing())
    .execute();
  const created = await db.selectFrom('test_clocks').select('now').where('business_id', '=', businessId).executeTakeFirstOrThrow();
  return created.now;
}

/**
 * Moves the clock forward to `to`, never back: a concurrent advance that went further wins. The
 * time the clock shows afterwards is returned.
 */
export async function advanceTestClockRow(db: Kysely<Database>, businessId: string, to: string, realNow: string): Promise<string> {
  await db.updateTable('test_clocks').set({ now: to, updated_at: realNow }).where('business_id', '=', businessId).where('now', '<', to).execute();
  const row = await db.selectFrom('test_clocks').select('now').where('business_id', '=', businessId).executeTakeFirstOrThrow();
  return row.now;
}
