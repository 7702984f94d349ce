/**
 * License keys and their instances (seats). Keys are stored sealed (see migration 0009); this
 * module never sees a raw key, only its keyed hash, ciphertext and last group.
 */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, LicenseKeyInstancesTable, LicenseKeysTable, SubscriptionsTable } from './schema.ts';
import type { KeysetPage, KeysetPosition, Scope } from './scope.ts';

export type LicenseKeyRow = Selectable<LicenseKeysTable>;
export type LicenseKeyInstanceRow = Selectable<LicenseKeyInstancesTable>;

/** A key with what its status and the portal's grouping depend on. */
export interface LicenseKeyRecord extends LicenseKeyRow {
  product_name: string;
  /** The status of the subscription it came from (null for a one-time purchase). */
  subscription_status: SubscriptionsTable['status'] | null;
  invoice_number: string | null;
}

export type NewLicenseKey = Omit<LicenseKeyRow, 'business_id' | 'mode' | 'instances_count' | 'updated_at'>;

/** Inserts keys of one scope. Run inside the purchase's transaction. */
export async function insertLicenseKeys(db: Kysely<Database>, scope: Scope, keys: NewLicenseKey[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .insertInto('license_keys')
    .values(keys.map((key) => ({ ...key, business_id: scope.businessId, mode: scope.mode, instances_count: 0, updated_at: key.created_at })))
    .execute();
}

const records = (db: Kysely<Database>) =>
  db
    .selectFrom('license_keys as lk')
    .innerJoin('products as p', 'p.id', 'lk.product_id')
    .leftJoin('subscriptions as s', 's.id', 'lk.subscription_id')
    .leftJoin('invoices as i', 'i.id', 'lk.invoice_id')
    .selectAll('lk')
    .select(['p.name as product_name', 's.status as subscription_status', 'i.number as invoice_number']);

const toRecord = (row: LicenseKeyRecord): LicenseKeyRecord => ({
  ...row,
  activations_limit: row.activations_limit === null ? null : Number(row.activations_limit),
  instances_count: Number(row.instances_count),
});

/** One key of the scope (and of `customerId` when given: another customer's key is not found). */
export async function findLicenseKey(db: Kysely<Database>, scope: Scope, id: string, filter: { customerId?: string } = {}): Promise<LicenseKeyRecord | undefined> {
  let query = records(db).where('lk.id', '=', id).where('lk.business_id', '=', scope.businessId).where('lk.mode', '=', scope.mode);
  if (filter.customerId !== undefined) query = query.where('lk.customer_id', '=', filter.customerId);
  const row = await query.executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** The key with this keyed hash, in any business and mode (the public license API's lookup). */
export async function findLicenseKeyByHash(db: Kysely<Database>, keyHash: string): Promise<LicenseKeyRecord | undefined> {
  const row = await records(db).where('lk.key_hash', '=', keyHash).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function findLicenseKeysByIds(db: Kysely<Database>, scope: Scope, ids: readonly string[]): Promise<LicenseKeyRecord[]> {
  if (ids.length === 0) return [];
  const rows = await records(db)
    .where('lk.id', 'in', [...ids])
    .where('lk.business_id', '=', scope.businessId)
    .where('lk.mode', '=', scope.mode)
    .orderBy('lk.id')
    .execute();
  return rows.map(toRecord);
}

export interface LicenseKeyListOptions {
  limit: number;
  after?: KeysetPosition | undefined;
  customerId?: string | undefined;
}

/** Newest first by (created_at, id), keyset-paged. */
export async function listLicenseKeys(db: Kysely<Database>, scope: Scope, options: LicenseKeyListOptions): Promise<KeysetPage<LicenseKeyRecord>> {
  let query = records(db).where('lk.business_id', '=', scope.businessId).where('lk.mode', '=', scope.mode);
  if (options.customerId !== undefined) query = query.where('lk.customer_id', '=', options.customerId);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('lk.created_at', '<', at), eb.and([eb('lk.created_at', '=', at), eb('lk.id', '<', id)])]));
  }
  const rows = await query
    .orderBy('lk.created_at', 'desc')
    .orderBy('lk.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit).map(toRecord);
  const last = page.at(-1);
  return { items: page, next: rows.length > options.limit && last ? { at: last.created_at, id: last.id } : null };
}

/** Every key of one customer, newest first (the portal lists them whole: a customer has few). */
export async function listCustomerLicenseKeys(db: Kysely<Database>, scope: Scope, customerId: string): Promise<LicenseKeyRecord[]> {
  const rows = await records(db)
    .where('lk.business_id', '=', scope.businessId)
    .where('lk.mode', '=', scope.mode)
    .where('lk.customer_id', '=', customerId)
    .orderBy('lk.created_at', 'desc')
    .orderBy('lk.id', 'desc')
    .limit(1000)
    .execute();
  return rows.map(toRecord);
}

export async function updateLicenseKey(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  change: Pick<Updateable<LicenseKeysTable>, 'status' | 'activations_limit' | 'expires_at' | 'updated_at'>,
): Promise<boolean> {
  const result = await db.updateTable('license_keys').set(change).where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export type SeatClaim = { claimed: true; instancesCount: number; activationsLimit: number | null } | { claimed: false };

/**
 * Takes one seat of an active key and records the instance, in one transaction. The seat is
 * claimed by a single conditional UPDATE (`instances_count < activations_limit`): on PostgreSQL
 * racing claims queue on the row lock and each re-checks the condition on the row as the previous
 * one left it; on SQLite transactions run one at a time. Either way no more than the limit succeed.
 */
export async function claimSeat(db: Kysely<Database>, keyId: string, instance: LicenseKeyInstanceRow): Promise<SeatClaim> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('license_keys')
      .set((eb) => ({ instances_count: eb('instances_count', '+', 1) }))
      .where('id', '=', keyId)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('activations_limit', 'is', null), eb('instances_count', '<', eb.ref('activations_limit'))]))
      .returning(['instances_count', 'activations_limit'])
      .executeTakeFirst();
    if (!claimed) return { claimed: false } as const;
    await trx.insertInto('license_key_instances').values(instance).execute();
    return {
      claimed: true,
      instancesCount: Number(claimed.instances_count),
      activationsLimit: claimed.activations_limit === null ? null : Number(claimed.activations_limit),
    } as const;
  });
}

/** Frees a seat: deletes the instance and counts it off its key, together. False when it was not there. */
export async function releaseSeat(db: Kysely<Database>, keyId: string, instanceId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('license_key_instances').where('id', '=', instanceId).where('license_key_id', '=', keyId).executeTakeFirst();
    if (deleted.numDeletedRows === 0n) return false;
    await trx
      .updateTable('license_keys')
      .set((eb) => ({ instances_count: eb('instances_count', '-', 1) }))
      .where('id', '=', keyId)
      .execute();
    return true;
  });
}

export async function listInstances(db: Kysely<Database>, keyId: string): Promise<LicenseKeyInstanceRow[]> {
  return db.selectFrom('license_key_instances').selectAll().where('license_key_id', '=', keyId).orderBy('created_at').orderBy('id').execute();
}

export async function findInstance(db: Kysely<Database>, keyId: string, instanceId: string): Promise<LicenseKeyInstanceRow | undefined> {
  return db.selectFrom('license_key_instances').selectAll().where('license_key_id', '=', keyId).where('id', '=', instanceId).executeTakeFirst();
}
