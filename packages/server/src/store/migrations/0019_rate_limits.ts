/**
 * Rate-limit counters shared by every server process on one PostgreSQL database (issue 16): one
 * row per rule, window and key holds the times of the attempts still inside the window — the
 * same sliding-window log the in-process limiter keeps (http/rate-limit.ts), so a limit means the
 * same whichever process counts. store/rate-limits.ts counts with one atomic upsert and prunes
 * rows whose window has passed (`expires_at`, milliseconds since the epoch).
 *
 * PostgreSQL only: SQLite deploys as one process per file, so its limiter stays in memory and
 * the table would never be read.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  if (!isPostgres(db)) return;
  await db.schema
    .createTable('rate_limits')
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('window_ms', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    // Oldest first; never more than the rule's limit of them.
    .addColumn('hits', sql`bigint[]`, (c) => c.notNull())
    // The last decision, read back by the upsert's RETURNING.
    .addColumn('allowed', 'boolean', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limits_pkey', ['rule', 'window_ms', 'key'])
    .execute();
  await db.schema.createIndex('rate_limits_expires_at').on('rate_limits').column('expires_at').execute();
}

export async function down(db: AnyDb): Promise<void> {
  if (!isPostgres(db)) return;
  await db.schema.dropTable('rate_limits').execute();
}
