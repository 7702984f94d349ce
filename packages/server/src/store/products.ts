import type { LicenseKeySettings, Product } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable } from 'kysely';
import type { Database, ProductsTable } from './schema.ts';
import { parseJson, type KeysetPage, type KeysetPosition, type Scope } from './scope.ts';

type ProductRow = Selectable<ProductsTable> & { collection_id: string | null };

export const toProduct = (row: ProductRow): Product => ({
  product_id: row.id,
  name: row.name,
  description: row.description,
  billing_type: row.billing_type,
  price: Number(row.price),
  currency: row.currency,
  interval: row.interval,
  interval_count: row.interval_count === null ? null : Number(row.interval_count),
  tax_rate_bps: Number(row.tax_rate_bps),
  usage: row.usage_meter === null ? null : { meter: row.usage_meter, unit_price: Number(row.usage_unit_price) },
  is_addon: Number(row.is_addon) === 1,
  license_key: parseJson<LicenseKeySettings>(row.license_key),
  collection_id: row.collection_id,
  created_at: row.created_at,
});

export async function insertProduct(db: Kysely<Database>, scope: Scope, product: Product): Promise<void> {
  await db
    .insertInto('products')
    .values({
      id: product.product_id,
      business_id: scope.businessId,
      mode: scope.mode,
      name: product.name,
      description: product.description,
      billing_type: product.billing_type,
      price: product.price,
      currency: product.currency,
      interval: product.interval,
      interval_count: product.interval_count,
      tax_rate_bps: product.tax_rate_bps,
      usage_meter: product.usage?.meter ?? null,
      usage_unit_price: product.usage?.unit_price ?? null,
      is_addon: product.is_addon ? 1 : 0,
      license_key: product.license_key ? JSON.stringify(product.license_key) : null,
      created_at: product.created_at,
    })
    .execute();
}

const productQuery = (db: Kysely<Database>, scope: Scope) =>
  db
    .selectFrom('products as p')
    .leftJoin('product_collection_items as ci', 'ci.product_id', 'p.id')
    .selectAll('p')
    .select('ci.collection_id')
    .where('p.business_id', '=', scope.businessId)
    .where('p.mode', '=', scope.mode);

/** The products with these ids in the scope (missing ones are simply absent from the map). */
export async function findProducts(db: Kysely<Database>, scope: Scope, ids: readonly string[]): Promise<Map<string, Product>> {
  if (ids.length === 0) return new Map();
  const rows = await productQuery(db, scope)
    .where('p.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, toProduct(row)]));
}

export async function findProduct(db: Kysely<Database>, scope: Scope, id: string): Promise<Product | undefined> {
  return (await findProducts(db, scope, [id])).get(id);
}

export interface ProductListOptions {
  limit: number;
  after?: KeysetPosition;
  billingType?: Product['billing_type'];
}

/** Newest first by (created_at, id), keyset-paged. */
export async function listProducts(db: Kysely<Database>, scope: Scope, options: ProductListOptions): Promise<KeysetPage<Product>> {
  let query = productQuery(db, scope);
  if (options.billingType) query = query.where('p.billing_type', '=', options.billingType);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('p.created_at', '<', at), eb.and([eb('p.created_at', '=', at), eb('p.id', '<', id)])]));
  }
  const rows = await query
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit).map(toProduct);
  const last = items.at(-1);
  return { items, next: rows.length > options.limit && last ? { at: last.created_at, id: last.product_id } : null };
}
