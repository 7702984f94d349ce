import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Round-trips a trivial query: the database is reachable and answering. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
