import type { ProrationBillingMode } from '@dodo-portal/wire/schemas';
import type { Kysely, Updateable } from 'kysely';
import { toBusinessRecord, type BusinessRecord } from './businesses.ts';
import type { BusinessesTable, Database } from './schema.ts';

export interface BusinessSettingsRecord extends BusinessRecord {
  allow_subscription_updates: boolean;
  allow_cancellation: boolean;
  proration_billing_mode: ProrationBillingMode;
  allow_customer_key_deactivation: boolean;
}

export async function findBusinessSettings(db: Kysely<Database>, id: string): Promise<BusinessSettingsRecord | undefined> {
  const row = await db.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    ...toBusinessRecord(row),
    allow_subscription_updates: Number(row.allow_subscription_updates) === 1,
    allow_cancellation: Number(row.allow_cancellation) === 1,
    proration_billing_mode: row.proration_billing_mode as ProrationBillingMode,
    allow_customer_key_deactivation: Number(row.allow_customer_key_deactivation) === 1,
  };
}

export type BusinessSettingsChange = Partial<Omit<BusinessSettingsRecord, 'id' | 'created_at'>>;

/**
 * Applies a change in one transaction. A new `allowed_origins` list replaces the JSON column and
 * the business_allowed_origins rows (what CORS reads) together, so the two never disagree.
 */
export async function updateBusinessSettings(db: Kysely<Database>, id: string, change: BusinessSettingsChange): Promise<void> {
  const set: Updateable<BusinessesTable> = {};
  if (change.name !== undefined) set.name = change.name;
  if (change.return_url !== undefined) set.return_url = change.return_url;
  if (change.default_locale !== undefined) set.default_locale = change.default_locale;
  if (change.brand !== undefined) {
    set.brand_display_name = change.brand.display_name;
    set.brand_primary_color = change.brand.primary_color;
    set.brand_logo_url = change.brand.logo_url;
  }
  if (change.allow_subscription_updates !== undefined) set.allow_subscription_updates = change.allow_subscription_updates ? 1 : 0;
  if (change.allow_cancellation !== undefined) set.allow_cancellation = change.allow_cancellation ? 1 : 0;
  if (change.proration_billing_mode !== undefined) set.proration_billing_mode = change.proration_billing_mode;
  if (change.allow_customer_key_deactivation !== undefined) set.allow_customer_key_deactivation = change.allow_customer_key_deactivation ? 1 : 0;
  if (change.allowed_origins !== undefined) set.allowed_origins = JSON.stringify(change.allowed_origins);
  await db.transaction().execute(async (trx) => {
    if (Object.keys(set).length > 0) await trx.updateTable('businesses').set(set).where('id', '=', id).execute();
    if (change.allowed_origins !== undefined) {
      await trx.deleteFrom('business_allowed_origins').where('business_id', '=', id).execute();
      if (change.allowed_origins.length > 0) {
        await trx
          .insertInto('business_allowed_origins')
          .values(change.allowed_origins.map((origin) => ({ business_id: id, origin })))
          .execute();
      }
    }
  });
}
