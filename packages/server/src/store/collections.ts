import type { Product, ProductCollection } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable } from 'kysely';
import { findProducts } from './products.ts';
import type { Database, ProductCollectionsTable } from './schema.ts';
import type { KeysetPage, KeysetPosition, Scope } from './scope.ts';

export interface CollectionRecord {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

/**
 * Inserts a collection with its ordered products in one transaction. A product already in another
 * collection fails the unique product_id constraint (the caller turns that into a 409).
 */
export async function insertCollection(db: Kysely<Database>, scope: Scope, collection: CollectionRecord, productIds: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('product_collections')
      .values({ ...collection, business_id: scope.businessId, mode: scope.mode })
      .execute();
    await trx
      .insertInto('product_collection_items')
      .values(productIds.map((product_id, position) => ({ collection_id: collection.id, product_id, position })))
      .execute();
  });
}

/** Renames and/or replaces the ordered product list, atomically. False when there is no such collection. */
export async function updateCollection(db: Kysely<Database>, scope: Scope, id: string, change: { name?: string; productIds?: readonly string[]; updatedAt: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('product_collections')
      .set({ updated_at: change.updatedAt, ...(change.name !== undefined ? { name: change.name } : {}) })
      .where('id', '=', id)
      .where('business_id', '=', scope.businessId)
      .where('mode', '=', scope.mode)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    if (change.productIds) {
      await trx.deleteFrom('product_collection_items').where('collection_id', '=', id).execute();
      await trx
        .insertInto('product_collection_items')
        .values(change.productIds.map((product_id, position) => ({ collection_id: id, product_id, position })))
        .execute();
    }
    return true;
  });
}

async function withProducts(db: Kysely<Database>, scope: Scope, rows: Selectable<ProductCollectionsTable>[]): Promise<ProductCollection[]> {
  if (rows.length === 0) return [];
  const items = await db
    .selectFrom('product_collection_items')
    .select(['collection_id', 'product_id'])
    .where(
      'collection_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('collection_id')
    .orderBy('position')
    .execute();
  const products = await findProducts(
    db,
    scope,
    items.map((item) => item.product_id),
  );
  const byCollection = new Map<string, Product[]>();
  for (const item of items) {
    const list = byCollection.get(item.collection_id) ?? [];
    const product = products.get(item.product_id);
    if (product) list.push(product);
    byCollection.set(item.collection_id, list);
  }
  return rows.map((row) => ({
    collection_id: row.id,
    name: row.name,
    products: byCollection.get(row.id) ?? [],
    created_at: row.created_at,
    updated_at: row.updated_at,
  }));
}

export async function findCollection(db: Kysely<Database>, scope: Scope, id: string): Promise<ProductCollection | undefined> {
  const row = await db.selectFrom('product_collections').selectAll().where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).executeTakeFirst();
  if (!row) return undefined;
  return (await withProducts(db, scope, [row]))[0];
}

/** Newest first by (created_at, id), keyset-paged. */
export async function listCollections(db: Kysely<Database>, scope: Scope, options: { limit: number; after?: KeysetPosition }): Promise<KeysetPage<ProductCollection>> {
  let query = db.selectFrom('product_collections').selectAll().where('business_id', '=', scope.businessId).where('mode', '=', scope.mode);
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
  const items = await withProducts(db, scope, page);
  const last = page.at(-1);
  return { items, next: rows.length > options.limit && last ? { at: last.created_at, id: last.id } : null };
}
