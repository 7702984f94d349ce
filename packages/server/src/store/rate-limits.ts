/**
 * Rate-limit counters in PostgreSQL (0019_rate_limits), for several server processes on one
 * database. One upsert per attempt: the row lock `ON CONFLICT … DO UPDATE` takes makes the
 * read-drop-count-append of the sliding-window log atomic across processes, and `RETURNING`
 * gives the decision back without a second round trip.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface RateCount {
  allowed: boolean;
  /** The oldest attempt still inside the window (ms since the epoch); set when refused. */
  oldest: number;
}

/**
 * Counts one attempt at `now` for (`rule`, `windowMs`, `key`) unless `limit` attempts newer than
 * `now - windowMs` are already there (refused attempts are not counted). `limit` is at least 1.
 */
export async function countRateHit(db: Kysely<Database>, hit: { rule: string; windowMs: number; key: string; limit: number; now: number }): Promise<RateCount> {
  const since = hit.now - hit.windowMs;
  // The attempts of the current row still inside the window, and how many there are.
  const kept = sql`array(select h from unnest(r.hits) as h where h > ${since} order by h)`;
  const room = sql`cardinality(${kept}) < ${hit.limit}`;
  const { rows } = await sql<{ allowed: boolean; oldest: number }>`
    insert into rate_limits as r (rule, window_ms, key, hits, allowed, expires_at)
    values (${hit.rule}, ${hit.windowMs}, ${hit.key}, array[${hit.now}::bigint], true, ${hit.now + hit.windowMs})
    on conflict (rule, window_ms, key) do update set
      allowed = ${room},
      hits = case when ${room} then ${kept} || ${hit.now}::bigint else ${kept} end,
      expires_at = case when ${room} then ${hit.now + hit.windowMs} else r.expires_at end
    returning allowed, hits[1] as oldest`.execute(db);
  const row = rows[0]!;
  return { allowed: row.allowed, oldest: Number(row.oldest) };
}

/** Drops the counters whose every attempt has left its window; how many. */
export async function pruneRateCounts(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
