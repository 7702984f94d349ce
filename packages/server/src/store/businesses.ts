import type { Brand } from '@dodo-portal/wire/schemas';
import type { Kysely, Selectable } from 'kysely';
import type { BusinessesTable, Database } from './schema.ts';

export interface BusinessRecord {
  id: string;
  name: string;
  created_at: string;
  allowed_origins: string[];
  return_url: string | null;
  default_locale: string;
  brand: Brand;
}

/** Inserts the business and its allow-listed origins. Run inside the caller's transaction. */
export async function insertBusiness(db: Kysely<Database>, business: BusinessRecord): Promise<void> {
  await db
    .insertInto('businesses')
    .values({
      id: business.id,
      name: business.name,
      created_at: business.created_at,
      allowed_origins: JSON.stringify(business.allowed_origins),
      return_url: business.return_url,
      default_locale: business.default_locale,
      brand_display_name: business.brand.display_name,
      brand_primary_color: business.brand.primary_color,
      brand_logo_url: business.brand.logo_url,
    })
    .execute();
  if (business.allowed_origins.length > 0) {
    await db
      .insertInto('business_allowed_origins')
      .values(business.allowed_origins.map((origin) => ({ business_id: business.id, origin })))
      .execute();
  }
}

export function toBusinessRecord(row: Selectable<BusinessesTable>): BusinessRecord {
  return {
    id: row.id,
    name: row.name,
    created_at: row.created_at,
    allowed_origins: JSON.parse(row.allowed_origins) as string[],
    return_url: row.return_url,
    default_locale: row.default_locale,
    brand: { display_name: row.brand_display_name, primary_color: row.brand_primary_color, logo_url: row.brand_logo_url },
  };
}

export async function findBusiness(db: Kysely<Database>, id: string): Promise<BusinessRecord | undefined> {
  const row = await db.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toBusinessRecord(row) : undefined;
}

/** Whether any business lists this origin (answers CORS preflights, which carry no token). */
export async function isOriginAllowedByAnyBusiness(db: Kysely<Database>, origin: string): Promise<boolean> {
  const row = await db.selectFrom('business_allowed_origins').select('business_id').where('origin', '=', origin).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function isOriginAllowedForBusiness(db: Kysely<Database>, businessId: string, origin: string): Promise<boolean> {
  const row = await db.selectFrom('business_allowed_origins').select('business_id').where('business_id', '=', businessId).where('origin', '=', origin).executeTakeFirst();
  return row !== undefined;
}
