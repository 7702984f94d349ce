import type { BusinessSettings, UpdateBusinessBody } from '@dodo-portal/wire/schemas';
import { invalidRequest, notFound } from '../domain/errors.ts';
import { canonicalLocale } from '../domain/money.ts';
import { normalizeOrigin } from '../domain/origins.ts';
import { findBusinessSettings, updateBusinessSettings, type BusinessSettingsChange, type BusinessSettingsRecord } from '../store/business-settings.ts';
import type { Scope } from '../store/scope.ts';
import { staticLoginUrl } from './links.ts';
import type { ServiceContext } from '../runtime.ts';

const toSettings = (record: BusinessSettingsRecord, publicUrl: string): BusinessSettings => ({
  business_id: record.id,
  name: record.name,
  allow_subscription_updates: record.allow_subscription_updates,
  allow_cancellation: record.allow_cancellation,
  proration_billing_mode: record.proration_billing_mode,
  allow_customer_key_deactivation: record.allow_customer_key_deactivation,
  allowed_origins: record.allowed_origins,
  return_url: record.return_url,
  default_locale: record.default_locale,
  brand: record.brand,
  static_links: { test: staticLoginUrl(publicUrl, record.id, 'test'), live: staticLoginUrl(publicUrl, record.id, 'live') },
});

async function load(ctx: ServiceContext, businessId: string): Promise<BusinessSettingsRecord> {
  const record = await findBusinessSettings(ctx.store.db, businessId);
  if (!record) throw notFound(`No business ${businessId}.`);
  return record;
}

/** Settings are per business, shared by both modes (either key reads and changes them). */
export async function getBusinessSettings(ctx: ServiceContext, scope: Scope, publicUrl: string): Promise<BusinessSettings> {
  return toSettings(await load(ctx, scope.businessId), publicUrl);
}

export async function patchBusinessSettings(ctx: ServiceContext, scope: Scope, body: UpdateBusinessBody, publicUrl: string): Promise<BusinessSettings> {
  const current = await load(ctx, scope.businessId);
  const change: BusinessSettingsChange = {};
  if (body.name !== undefined) change.name = body.name;
  if (body.allow_subscription_updates !== undefined) change.allow_subscription_updates = body.allow_subscription_updates;
  if (body.allow_cancellation !== undefined) change.allow_cancellation = body.allow_cancellation;
  if (body.proration_billing_mode !== undefined) change.proration_billing_mode = body.proration_billing_mode;
  if (body.allow_customer_key_deactivation !== undefined) change.allow_customer_key_deactivation = body.allow_customer_key_deactivation;
  if (body.return_url !== undefined) change.return_url = body.return_url;
  if (body.allowed_origins !== undefined) change.allowed_origins = [...new Set(body.allowed_origins.map(normalizeOrigin))];
  if (body.default_locale !== undefined) {
    const locale = canonicalLocale(body.default_locale);
    if (!locale) throw invalidRequest('default_locale is not a valid BCP 47 tag', [{ path: 'default_locale', message: 'not a valid BCP 47 language tag' }]);
    change.default_locale = locale;
  }
  if (body.brand !== undefined) {
    change.brand = {
      display_name: body.brand.display_name ?? current.brand.display_name,
      primary_color: body.brand.primary_color === undefined ? current.brand.primary_color : (body.brand.primary_color?.toLowerCase() ?? null),
      logo_url: body.brand.logo_url === undefined ? current.brand.logo_url : body.brand.logo_url,
    };
  }
  await updateBusinessSettings(ctx.store.db, scope.businessId, change);
  return getBusinessSettings(ctx, scope, publicUrl);
}
