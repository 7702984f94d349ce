/**
 * Billing, part 2: the per-business test clock, the renewal engine's claim, and webhooks
 * (endpoints, a delivery queue polled by the scheduler, and every attempt), and usage events.
 *
 * `test_clocks` holds the frozen "now" of each business's test mode; it only moves forward
 * (`POST /v1/test-clock/advance`). Existing businesses start at the real time of this migration.
 *
 * `subscriptions.renewal_claimed_until` is a lease: a renewer sets it with a conditional UPDATE
 * (only when empty or lapsed, for the subscription's current `period_index`) before charging, so
 * two runs — threads or processes — never charge the same period twice. The lease is on real time
 * (a frozen test clock would never let a crashed claim lapse).
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Migrations see the database as it was at their time, not as the current schema types say.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('test_clocks')
    .addColumn('business_id', 'text', (c) => c.primaryKey().references('businesses.id').onDelete('cascade'))
    .addColumn('now', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  const startedAt = new Date().toISOString();
  await sql`insert into test_clocks (business_id, now, updated_at) select id, ${startedAt}, ${startedAt} from businesses`.execute(db);

  await db.schema.alterTable('subscriptions').addColumn('renewal_claimed_until', 'text').execute();
  // (The renewal sweep reads 0002's index subscriptions_due on (status, current_period_end).)

  const mode = (c: ColumnDefinitionBuilder) => c.notNull().check(sql`${sql.ref('mode')} in ('test', 'live')`);
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('mode', 'text', mode)
    .addColumn('url', 'text', (c) => c.notNull())
    // JSON array of event types, or null for every event.
    .addColumn('events', 'text')
    // The signing secret: HMAC needs the key itself, so it is kept (never shown again, never logged).
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_scope').on('webhook_endpoints').columns(['business_id', 'mode', 'created_at', 'id']).execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id'))
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', mode)
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`${sql.ref('status')} in ('pending', 'succeeded', 'failed')`))
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    // Real time: retries follow the wall clock whatever the test clock says.
    .addColumn('next_attempt_at', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'created_at', 'id']).execute();
  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'attempted_at']).execute();

  // Metered usage, billed in arrears on the renewal invoice of the period it fell in.
  await db.schema
    .createTable('usage_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', mode)
    // The merchant's id: one event per id per business and mode, however often it is sent.
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('meter', 'text', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('usage_events_event_id', ['business_id', 'mode', 'event_id'])
    .execute();
  await db.schema.createIndex('usage_events_period').on('usage_events').columns(['subscription_id', 'meter', 'occurred_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('usage_events').execute();
  await db.schema.dropTable('webhook_attempts').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
  await db.schema.alterTable('subscriptions').dropColumn('renewal_claimed_until').execute();
  await db.schema.dropTable('test_clocks').execute();
}
