import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEventType } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable } from 'kysely';
import type { Database, WebhookDeliveriesTable, WebhookEndpointsTable } from './schema.ts';
import type { KeysetPage, KeysetPosition, Scope } from './scope.ts';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

export const toWebhookEndpoint = (row: WebhookEndpointRow): WebhookEndpoint => ({
  webhook_endpoint_id: row.id,
  url: row.url,
  events: row.events === null ? null : (JSON.parse(row.events) as WebhookEventType[]),
  created_at: row.created_at,
});

export async function insertWebhookEndpoint(db: Kysely<Database>, scope: Scope, row: Omit<WebhookEndpointRow, 'business_id' | 'mode'>): Promise<void> {
  await db
    .insertInto('webhook_endpoints')
    .values({ ...row, business_id: scope.businessId, mode: scope.mode })
    .execute();
}

export async function findWebhookEndpoint(db: Kysely<Database>, scope: Scope, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
}

export async function listWebhookEndpoints(db: Kysely<Database>, scope: Scope, options: { limit: number; after?: KeysetPosition | undefined }): Promise<KeysetPage<WebhookEndpoint>> {
  let query = db.selectFrom('webhook_endpoints').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return { items: page.map(toWebhookEndpoint), next: rows.length > options.limit && last ? { at: last.created_at, id: last.id } : null };
}

/** The scope's endpoints (with secrets: for signing only). */
export async function endpointsForScope(db: Kysely<Database>, scope: Scope): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).execute();
}

/** Endpoints whose signing secret is still stored in clear (created before migration 0011). */
export async function legacyPlainSecrets(db: Kysely<Database>, prefix: string): Promise<{ id: string; secret: string }[]> {
  return db.selectFrom('webhook_endpoints').select(['id', 'secret']).where('secret', 'like', `${prefix}%`).execute();
}

/** Swaps a stored secret for its sealed form, only while it still holds `from` (so racing sealers agree). */
export async function replaceSecret(db: Kysely<Database>, id: string, from: string, to: string): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set({ secret: to }).where('id', '=', id).where('secret', '=', from).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertDeliveries(db: Kysely<Database>, rows: WebhookDeliveryRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('webhook_deliveries').values(rows).execute();
}

/** Pending deliveries due by `realNow` that nobody holds. */
export async function findDueDeliveries(db: Kysely<Database>, options: { realNow: string; scope?: Scope | undefined; limit: number }): Promise<WebhookDeliveryRow[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', options.realNow)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', options.realNow)]));
  if (options.scope) query = query.where('business_id', '=', options.scope.businessId).where('mode', '=', options.scope.mode);
  return query.orderBy('next_attempt_at').orderBy('created_at').orderBy('id').limit(options.limit).execute();
}

/** One runner per attempt: a conditional UPDATE on the attempt count and an empty or lapsed lease. */
export async function claimDelivery(db: Kysely<Database>, id: string, attemptCount: number, realNow: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ claimed_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempt_count', '=', attemptCount)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', realNow)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function recordAttempt(
  db: Kysely<Database>,
  delivery: { id: string; attemptCount: number; leaseUntil: string },
  attempt: { id: string; attempted_at: string; response_status: number | null; error: string | null; duration_ms: number },
  next: { status: WebhookDeliveriesTable['status']; next_attempt_at: string | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('webhook_deliveries')
      .set({ ...next, attempt_count: delivery.attemptCount + 1, claimed_until: null, updated_at: attempt.attempted_at })
      .where('id', '=', delivery.id)
      .where('attempt_count', '=', delivery.attemptCount)
      .where('claimed_until', '=', delivery.leaseUntil)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return; // the lease lapsed and someone else tried it: keep theirs
    await trx
      .insertInto('webhook_attempts')
      .values({ ...attempt, delivery_id: delivery.id })
      .execute();
  });
}

export async function listDeliveries(
  db: Kysely<Database>,
  scope: Scope,
  endpointId: string,
  options: { limit: number; after?: KeysetPosition | undefined },
): Promise<KeysetPage<WebhookDelivery>> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  const attempts =
    page.length === 0
      ? []
      : await db
          .selectFrom('webhook_attempts')
          .selectAll()
          .where(
            'delivery_id',
            'in',
            page.map((row) => row.id),
          )
          .orderBy('attempted_at')
          .orderBy('id')
          .execute();
  const byDelivery = new Map<string, WebhookAttempt[]>();
  for (const attempt of attempts) {
    const list = byDelivery.get(attempt.delivery_id) ?? [];
    list.push({
      attempted_at: attempt.attempted_at,
      response_status: attempt.response_status === null ? null : Number(attempt.response_status),
      error: attempt.error,
      duration_ms: Number(attempt.duration_ms),
    });
    byDelivery.set(attempt.delivery_id, list);
  }
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      delivery_id: row.id,
      webhook_endpoint_id: row.endpoint_id,
      event_type: row.event_type as WebhookEventType,
      status: row.status,
      next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null,
      payload: JSON.parse(row.payload) as WebhookDelivery['payload'],
      attempts: byDelivery.get(row.id) ?? [],
      created_at: row.created_at,
    })),
    next: rows.length > options.limit && last ? { at: last.created_at, id: last.id } : null,
  };
}
