import type { CreateProductBody, Page, Product } from '@dodo-portal/wire/schemas';
import { productTerms } from '../domain/catalog.ts';
import { notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findProduct, insertProduct, listProducts as listProductRows } from '../store/products.ts';
import type { Scope } from '../store/scope.ts';
import { positionFromCursor, toPage } from './paging.ts';
import type { ServiceContext } from '../runtime.ts';

export async function createProduct(ctx: ServiceContext, scope: Scope, body: CreateProductBody): Promise<Product> {
  const terms = productTerms(body);
  const product: Product = {
    product_id: newId(IdPrefix.product, ctx.random),
    name: body.name,
    description: body.description ?? null,
    billing_type: body.billing_type,
    price: body.price,
    currency: body.currency,
    ...terms,
    tax_rate_bps: body.tax_rate_bps,
    is_addon: body.is_addon,
    license_key: body.license_key ?? null,
    collection_id: null,
    created_at: toTimestamp(ctx.clock.now()),
  };
  await insertProduct(ctx.store.db, scope, product);
  return product;
}

export async function getProduct(ctx: ServiceContext, scope: Scope, productId: string): Promise<Product> {
  const product = isId(IdPrefix.product, productId) ? await findProduct(ctx.store.db, scope, productId) : undefined;
  if (!product) throw notFound(`No product ${productId} in ${scope.mode} mode.`);
  return product;
}

export async function listProducts(
  ctx: ServiceContext,
  scope: Scope,
  query: { limit: number; cursor?: string | undefined; billing_type?: Product['billing_type'] | undefined },
): Promise<Page<Product>> {
  const after = positionFromCursor(query.cursor);
  return toPage(
    await listProductRows(ctx.store.db, scope, {
      limit: query.limit,
      ...(after ? { after } : {}),
      ...(query.billing_type ? { billingType: query.billing_type } : {}),
    }),
  );
}
