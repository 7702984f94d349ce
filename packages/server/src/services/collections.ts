import { ErrorCode, type CreateProductCollectionBody, type Page, type ProductCollection, type UpdateProductCollectionBody } from '@dodo-portal/wire/schemas';
import { DomainError, invalidRequest, notFound, type Issue } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findCollection, insertCollection, listCollections as listCollectionRows, updateCollection } from '../store/collections.ts';
import { isUniqueViolation } from '../store/index.ts';
import { findProducts } from '../store/products.ts';
import type { Scope } from '../store/scope.ts';
import { positionFromCursor, toPage } from './paging.ts';
import type { ServiceContext } from '../runtime.ts';

/**
 * A collection is a ladder of tiers a customer can move between: recurring plans only
 * (`subscription` or `usage_based`, not add-ons), one currency, no repeats, and a product belongs
 * to at most one collection (a database constraint, so two concurrent requests cannot both win).
 */
async function checkTiers(ctx: ServiceContext, scope: Scope, productIds: readonly string[], collectionId?: string): Promise<void> {
  const products = await findProducts(
    ctx.store.db,
    scope,
    productIds.filter((id) => isId(IdPrefix.product, id)),
  );
  const issues: Issue[] = [];
  const seen = new Set<string>();
  let currency: string | undefined;
  productIds.forEach((id, index) => {
    const path = `product_ids.${index}`;
    if (seen.has(id)) return issues.push({ path, message: 'listed twice' });
    seen.add(id);
    const product = products.get(id);
    if (!product) return issues.push({ path, message: `no product ${id} in ${scope.mode} mode` });
    if (product.billing_type === 'one_time') return issues.push({ path, message: 'one_time products cannot be tiers of a collection' });
    if (product.is_addon) return issues.push({ path, message: 'add-ons cannot be tiers of a collection' });
    currency ??= product.currency;
    if (product.currency !== currency) return issues.push({ path, message: `is priced in ${product.currency}, the collection in ${currency}` });
    if (product.collection_id !== null && product.collection_id !== collectionId) {
      return issues.push({ path, message: `already in collection ${product.collection_id}` });
    }
    return undefined;
  });
  if (issues.length > 0) throw invalidRequest(`Invalid product_ids: ${issues[0]!.path} ${issues[0]!.message}.`, issues);
}

const alreadyInCollection = () => new DomainError(ErrorCode.conflict, 'A product was added to another collection at the same time; reload and try again.');

export async function createCollection(ctx: ServiceContext, scope: Scope, body: CreateProductCollectionBody): Promise<ProductCollection> {
  await checkTiers(ctx, scope, body.product_ids);
  const now = toTimestamp(ctx.clock.now());
  const id = newId(IdPrefix.productCollection, ctx.random);
  try {
    await insertCollection(ctx.store.db, scope, { id, name: body.name, created_at: now, updated_at: now }, body.product_ids);
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyInCollection();
    throw error;
  }
  return getCollection(ctx, scope, id);
}

export async function getCollection(ctx: ServiceContext, scope: Scope, collectionId: string): Promise<ProductCollection> {
  const collection = isId(IdPrefix.productCollection, collectionId) ? await findCollection(ctx.store.db, scope, collectionId) : undefined;
  if (!collection) throw notFound(`No product collection ${collectionId} in ${scope.mode} mode.`);
  return collection;
}

export async function patchCollection(ctx: ServiceContext, scope: Scope, collectionId: string, body: UpdateProductCollectionBody): Promise<ProductCollection> {
  await getCollection(ctx, scope, collectionId);
  if (body.product_ids) await checkTiers(ctx, scope, body.product_ids, collectionId);
  try {
    const updated = await updateCollection(ctx.store.db, scope, collectionId, {
      updatedAt: toTimestamp(ctx.clock.now()),
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.product_ids ? { productIds: body.product_ids } : {}),
    });
    if (!updated) throw notFound(`No product collection ${collectionId} in ${scope.mode} mode.`);
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyInCollection();
    throw error;
  }
  return getCollection(ctx, scope, collectionId);
}

export async function listCollections(ctx: ServiceContext, scope: Scope, query: { limit: number; cursor?: string | undefined }): Promise<Page<ProductCollection>> {
  const after = positionFromCursor(query.cursor);
  return toPage(await listCollectionRows(ctx.store.db, scope, { limit: query.limit, ...(after ? { after } : {}) }));
}
