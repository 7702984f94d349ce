import { PostgresAdapter, type Kysely } from 'kysely';

/** Whether `db` (or a transaction of it) runs on PostgreSQL, for the few queries written per dialect. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations pass an untyped Kysely
export const isPostgres = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;
