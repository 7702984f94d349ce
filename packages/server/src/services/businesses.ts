import { Locale, type Brand, type BusinessCreated } from '@dodo-portal/wire/schemas';
import { invalidRequest } from '../domain/errors.ts';
import { IdPrefix, newId } from '../domain/ids.ts';
import { canonicalLocale } from '../domain/money.ts';
import { normalizeOrigin } from '../domain/origins.ts';
import { toTimestamp } from '../domain/ports.ts';
import { generateApiKey } from '../domain/tokens.ts';
import { insertApiKey } from '../store/api-keys.ts';
import { insertBusiness, type BusinessRecord } from '../store/businesses.ts';
import { ensureTestClock } from '../store/test-clocks.ts';
import type { ServiceContext } from '../runtime.ts';

export interface CreateBusinessInput {
  name: string;
  /** Origins allowed to call the portal API from a browser (CORS). */
  allowedOrigins?: string[];
  /** Where the portal's "back" link goes when a session names no return_url. */
  returnUrl?: string | null;
  defaultLocale?: string;
  brand?: Partial<Brand>;
}

export interface CreatedBusiness {
  business: BusinessRecord;
  /** The only time the secret keys exist in clear: show them once, never store them. */
  apiKeys: BusinessCreated['api_keys'];
}

/** Creates a business with one test and one live secret key, in one transaction. */
export async function createBusiness(ctx: ServiceContext, input: CreateBusinessInput): Promise<CreatedBusiness> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw invalidRequest('name must be 1 to 200 characters', [{ path: 'name', message: 'must be 1 to 200 characters' }]);
  const origins = [...new Set((input.allowedOrigins ?? []).map(normalizeOrigin))];
  const locale = input.defaultLocale ?? 'en';
  if (!Locale.safeParse(locale).success || !canonicalLocale(locale)) {
    throw invalidRequest(`default locale "${locale}" is not a BCP 47 tag`, [{ path: 'default_locale', message: 'must be a BCP 47 language tag' }]);
  }
  if (input.returnUrl) {
    try {
      new URL(input.returnUrl);
    } catch {
      throw invalidRequest('return_url must be a URL', [{ path: 'return_url', message: 'must be a URL' }]);
    }
  }
  const now = toTimestamp(ctx.clock.now());
  const business: BusinessRecord = {
    id: newId(IdPrefix.business, ctx.random),
    name,
    created_at: now,
    allowed_origins: origins,
    return_url: input.returnUrl ?? null,
    default_locale: canonicalLocale(locale)!,
    brand: {
      display_name: input.brand?.display_name ?? name,
      primary_color: input.brand?.primary_color ?? null,
      logo_url: input.brand?.logo_url ?? null,
    },
  };
  const test = generateApiKey('test', ctx.random);
  const live = generateApiKey('live', ctx.random);
  await ctx.store.db.transaction().execute(async (trx) => {
    await insertBusiness(trx, business);
    // Test mode runs on its own frozen clock, starting now (see services/test-clock.ts).
    await ensureTestClock(trx, business.id, now);
    for (const key of [test, live]) {
      await insertApiKey(trx, {
        id: newId(IdPrefix.apiKey, ctx.random),
        business_id: business.id,
        mode: key.mode,
        key_hash: key.hash,
        prefix: key.displayPrefix,
        created_at: now,
        revoked_at: null,
      });
    }
  });
  return { business, apiKeys: { test: test.secret, live: live.secret } };
}
