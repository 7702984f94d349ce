/**
 * License keys: issued with a purchase or a subscription's first period (in its transaction),
 * read by the merchant (revealed) and the customer (masked, revealed on request), activated and
 * validated by the merchant's own software with the key as the only credential.
 *
 * One key per licensed line: buying a licensed product with quantity N gives one key whose
 * activations limit is N × the product's (unlimited stays unlimited). A one-time purchase's key
 * expires `duration_days` after the purchase; a subscription's key has no expiry of its own and is
 * `disabled` once the subscription is cancelled or expired. Status is judged when a key is read
 * (stored merchant status, then the subscription, then `expires_at` against the scope's clock), so
 * every way a subscription ends — now, at period end, by the renewal engine — disables its key.
 */
import {
  PortalErrorCode,
  type ActivateLicenseBody,
  type DeactivateLicenseBody,
  type LicenseActivated,
  type LicenseKey,
  type LicenseKeyInstance,
  type LicenseKeyInstanceList,
  type LicenseKeyStatus,
  type LicenseValidation,
  type Page,
  type PortalLicenseKey,
  type PortalLicenseKeyList,
  type Product,
  type UpdateLicenseKeyBody,
  type ValidateLicenseBody,
} from '@dodo-portal/wire/schemas';
import type { Kysely } from 'kysely';
import { DomainError, notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { generateLicenseKey, licenseKeySuffix, maskLicenseKey, normalizeLicenseKey } from '../domain/license-key-format.ts';
import { licenseKeyStatus } from '../domain/license-key-status.ts';
import { toTimestamp } from '../domain/ports.ts';
import type { SecretBox } from '../domain/secret-box.ts';
import { findBusinessSettings } from '../store/business-settings.ts';
import {
  claimSeat,
  findInstance,
  findLicenseKey,
  findLicenseKeyByHash,
  findLicenseKeysByIds,
  insertLicenseKeys,
  listCustomerLicenseKeys,
  listInstances,
  listLicenseKeys as listLicenseKeyRows,
  releaseSeat,
  updateLicenseKey,
  type LicenseKeyInstanceRow,
  type LicenseKeyRecord,
  type NewLicenseKey,
} from '../store/license-keys.ts';
import type { Database } from '../store/schema.ts';
import type { Scope } from '../store/scope.ts';
import { positionFromCursor, toPage } from './paging.ts';
import { withScopeClock } from './scope-clock.ts';
import { emitEvent, type Outbox } from './webhooks.ts';
import type { ServiceContext } from '../runtime.ts';

const DAY_MS = 86_400_000;

/** The server secret's box; every context the app and the CLI build carries one. */
function secretsOf(ctx: ServiceContext): SecretBox {
  if (!ctx.secrets) throw new Error('license keys need the server secret: build the context with serviceContext() or createAppContext()');
  return ctx.secrets;
}

export interface LicensedPurchase {
  customerId: string;
  /** Every line of the purchase; those whose product has `license_key` settings get a key. */
  lines: { product: Product; quantity: number }[];
  subscriptionId: string | null;
  /** Null for a plan change that charged nothing (a downgrade into credit). */
  invoiceId: string | null;
  paymentId: string | null;
  /** When it was bought (the scope's time). */
  at: Date;
}

/**
 * Creates the keys of a purchase inside the caller's transaction (`db` is that transaction), so
 * a key exists exactly when its invoice and payment do. Answers the new keys' ids, for
 * `emitLicenseKeysCreated` once the transaction has committed.
 */
export async function issueLicenseKeys(ctx: ServiceContext, db: Kysely<Database>, scope: Scope, purchase: LicensedPurchase): Promise<string[]> {
  const createdAt = toTimestamp(purchase.at);
  const keys: NewLicenseKey[] = purchase.lines.flatMap(({ product, quantity }) => {
    const settings = product.license_key;
    if (!settings) return [];
    const id = newId(IdPrefix.licenseKey, ctx.random);
    const key = generateLicenseKey(ctx.random);
    const expires = purchase.subscriptionId === null && settings.duration_days !== null ? toTimestamp(new Date(purchase.at.getTime() + settings.duration_days * DAY_MS)) : null;
    return [
      {
        id,
        customer_id: purchase.customerId,
        product_id: product.product_id,
        subscription_id: purchase.subscriptionId,
        invoice_id: purchase.invoiceId,
        payment_id: purchase.paymentId,
        key_hash: secretsOf(ctx).lookupHash(key),
        key_ciphertext: secretsOf(ctx).seal(key, id),
        key_suffix: licenseKeySuffix(key),
        status: 'active' as const,
        activations_limit: settings.activations_limit === null ? null : Math.min(settings.activations_limit * quantity, 1_000_000),
        expires_at: expires,
        created_at: createdAt,
      },
    ];
  });
  await insertLicenseKeys(db, scope, keys);
  return keys.map((key) => key.id);
}

/** `license_key.created` per new key (the key masked, never the key itself), queued in `trx`: the transaction that issued them. */
export async function emitLicenseKeysCreated(trx: Outbox, ctx: ServiceContext, scope: Scope, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const now = ctx.clock.now();
  for (const record of await findLicenseKeysByIds(trx, scope, ids)) {
    await emitEvent(trx, ctx, scope, 'license_key.created', toLicenseKey(record, now), new Date(record.created_at));
  }
}

function toLicenseKey(record: LicenseKeyRecord, now: Date, key?: string): LicenseKey {
  return {
    license_key_id: record.id,
    customer_id: record.customer_id,
    product_id: record.product_id,
    key_masked: maskLicenseKey(record.key_suffix),
    ...(key !== undefined ? { key } : {}),
    status: licenseKeyStatus(record, now),
    activations_limit: record.activations_limit,
    instances_count: record.instances_count,
    expires_at: record.expires_at,
    subscription_id: record.subscription_id,
    invoice_id: record.invoice_id,
    payment_id: record.payment_id,
    created_at: record.created_at,
  };
}

const reveal = (ctx: ServiceContext, record: LicenseKeyRecord): string => secretsOf(ctx).open(record.key_ciphertext, record.id);

const toInstance = (row: LicenseKeyInstanceRow): LicenseKeyInstance => ({
  license_key_instance_id: row.id,
  license_key_id: row.license_key_id,
  name: row.name,
  created_at: row.created_at,
});

// ---- Merchant API ---------------------------------------------------------------------------

async function requireKey(ctx: ServiceContext, scope: Scope, id: string, filter: { customerId?: string } = {}): Promise<LicenseKeyRecord> {
  const record = isId(IdPrefix.licenseKey, id) ? await findLicenseKey(ctx.store.db, scope, id, filter) : undefined;
  if (!record) throw notFound(`No license key ${id}${filter.customerId === undefined ? ` in ${scope.mode} mode` : ''}.`);
  return record;
}

export async function listLicenseKeys(ctx: ServiceContext, scope: Scope, query: { limit: number; cursor?: string | undefined; customerId?: string | undefined }): Promise<Page<LicenseKey>> {
  const page = await listLicenseKeyRows(ctx.store.db, scope, { limit: query.limit, after: positionFromCursor(query.cursor), customerId: query.customerId });
  const now = ctx.clock.now();
  return toPage({ items: page.items.map((record) => toLicenseKey(record, now)), next: page.next });
}

/** One key with `key` revealed (the merchant's single-key read). */
export async function getLicenseKey(ctx: ServiceContext, scope: Scope, id: string): Promise<LicenseKey> {
  const record = await requireKey(ctx, scope, id);
  return toLicenseKey(record, ctx.clock.now(), reveal(ctx, record));
}

/**
 * `PATCH /v1/license-keys/{id}`: `status` (`active` / `disabled`), `activations_limit` (a limit
 * below the seats in use frees none: new activations wait until enough are deactivated) and
 * `expires_at` (null: never). A subscription's ended key stays disabled whatever is set here.
 */
export async function patchLicenseKey(ctx: ServiceContext, scope: Scope, id: string, body: UpdateLicenseKeyBody): Promise<LicenseKey> {
  await requireKey(ctx, scope, id);
  await updateLicenseKey(ctx.store.db, scope, id, {
    updated_at: toTimestamp(ctx.clock.now()),
    ...(body.status !== undefined ? { status: body.status } : {}),
    ...(body.activations_limit !== undefined ? { activations_limit: body.activations_limit } : {}),
    ...(body.expires_at !== undefined ? { expires_at: body.expires_at === null ? null : toTimestamp(new Date(body.expires_at)) } : {}),
  });
  return toLicenseKey(await requireKey(ctx, scope, id), ctx.clock.now());
}

// ---- Public license API (the key is the credential) -----------------------------------------

/** The keyed hash a presented key is looked up (and rate limited) by; null when it cannot be a key. */
export function licenseKeyHash(ctx: ServiceContext, presented: string): string | null {
  const canonical = normalizeLicenseKey(presented);
  return canonical === null ? null : secretsOf(ctx).lookupHash(canonical);
}

/** The presented key's record and its scope's time (a test-mode key lives on its test clock). */
async function presentedKey(ctx: ServiceContext, presented: string): Promise<{ record: LicenseKeyRecord; now: Date }> {
  const hash = licenseKeyHash(ctx, presented);
  const record = hash === null ? undefined : await findLicenseKeyByHash(ctx.store.db, hash);
  // Unknown and malformed look the same: nothing tells a guesser how close they came.
  if (!record) throw notFound('No such license key.');
  const scoped = await withScopeClock(ctx, { businessId: record.business_id, mode: record.mode });
  return { record, now: scoped.clock.now() };
}

const inactive = (status: LicenseKeyStatus) => new DomainError(PortalErrorCode.licenseKeyInactive, `This license key is ${status}: it cannot be activated.`);

export async function activateLicense(ctx: ServiceContext, body: ActivateLicenseBody): Promise<LicenseActivated> {
  const { record, now } = await presentedKey(ctx, body.license_key);
  const status = licenseKeyStatus(record, now);
  if (status !== 'active') throw inactive(status);
  const instance: LicenseKeyInstanceRow = {
    id: newId(IdPrefix.licenseKeyInstance, ctx.random),
    license_key_id: record.id,
    name: body.name,
    created_at: toTimestamp(now),
  };
  const claim = await claimSeat(ctx.store.db, record.id, instance);
  if (!claim.claimed) {
    // Disabled in between, or every seat taken: say which.
    const current = await findLicenseKeyByHash(ctx.store.db, record.key_hash);
    const currentStatus = current ? licenseKeyStatus(current, now) : 'disabled';
    if (currentStatus !== 'active') throw inactive(currentStatus);
    throw new DomainError(
      PortalErrorCode.activationLimitReached,
      `This license key is already activated on ${current?.instances_count ?? record.instances_count} of ${current?.activations_limit ?? record.activations_limit} allowed instances: deactivate one first.`,
    );
  }
  return { ...toInstance(instance), activations_limit: claim.activationsLimit, instances_count: claim.instancesCount };
}

/**
 * Whether the key may be used now. With `license_key_instance_id`, also whether that seat is
 * still activated; `valid` is then true only when both are.
 */
export async function validateLicense(ctx: ServiceContext, body: ValidateLicenseBody): Promise<LicenseValidation> {
  const { record, now } = await presentedKey(ctx, body.license_key);
  const status = licenseKeyStatus(record, now);
  let instanceValid: boolean | undefined;
  if (body.license_key_instance_id !== undefined) {
    instanceValid = isId(IdPrefix.licenseKeyInstance, body.license_key_instance_id) ? (await findInstance(ctx.store.db, record.id, body.license_key_instance_id)) !== undefined : false;
  }
  return {
    valid: status === 'active' && instanceValid !== false,
    status,
    expires_at: record.expires_at,
    activations_limit: record.activations_limit,
    instances_count: record.instances_count,
    ...(instanceValid !== undefined ? { instance_valid: instanceValid } : {}),
  };
}

/** Frees a seat of the presented key (allowed whatever the key's status). */
export async function deactivateLicense(ctx: ServiceContext, body: DeactivateLicenseBody): Promise<void> {
  const { record } = await presentedKey(ctx, body.license_key);
  const released = isId(IdPrefix.licenseKeyInstance, body.license_key_instance_id) && (await releaseSeat(ctx.store.db, record.id, body.license_key_instance_id));
  if (!released) throw notFound(`No instance ${body.license_key_instance_id} of this license key.`);
}

// ---- Customer portal ------------------------------------------------------------------------

async function canDeactivate(ctx: ServiceContext, scope: Scope): Promise<boolean> {
  const settings = await findBusinessSettings(ctx.store.db, scope.businessId);
  return settings?.allow_customer_key_deactivation ?? false;
}

function toPortalLicenseKey(record: LicenseKeyRecord, now: Date, canDeactivateInstances: boolean, key?: string): PortalLicenseKey {
  const { customer_id: _customer, ...rest } = toLicenseKey(record, now, key);
  return {
    ...rest,
    product: { product_id: record.product_id, name: record.product_name },
    source: {
      type: record.subscription_id === null ? 'purchase' : 'subscription',
      subscription_id: record.subscription_id,
      invoice_id: record.invoice_id,
      invoice_number: record.invoice_number,
    },
    can_deactivate_instances: canDeactivateInstances,
  };
}

export interface CustomerRef {
  scope: Scope;
  customerId: string;
}

/** Every key of the customer, masked, newest first. */
export async function listPortalLicenseKeys(ctx: ServiceContext, customer: CustomerRef): Promise<PortalLicenseKeyList> {
  const scoped = await withScopeClock(ctx, customer.scope);
  const [records, allowed] = await Promise.all([listCustomerLicenseKeys(ctx.store.db, customer.scope, customer.customerId), canDeactivate(ctx, customer.scope)]);
  const now = scoped.clock.now();
  return { items: records.map((record) => toPortalLicenseKey(record, now, allowed)), next_cursor: null };
}

/** One key of the customer with `key` revealed; another customer's key is not found. */
export async function revealPortalLicenseKey(ctx: ServiceContext, customer: CustomerRef, id: string): Promise<PortalLicenseKey> {
  const scoped = await withScopeClock(ctx, customer.scope);
  const record = await requireKey(ctx, customer.scope, id, { customerId: customer.customerId });
  return toPortalLicenseKey(record, scoped.clock.now(), await canDeactivate(ctx, customer.scope), reveal(ctx, record));
}

export async function listPortalInstances(ctx: ServiceContext, customer: CustomerRef, id: string): Promise<LicenseKeyInstanceList> {
  const record = await requireKey(ctx, customer.scope, id, { customerId: customer.customerId });
  return { items: (await listInstances(ctx.store.db, record.id)).map(toInstance), next_cursor: null };
}

/** Frees a seat of the customer's key, when the business allows customers to. */
export async function deactivatePortalInstance(ctx: ServiceContext, customer: CustomerRef, id: string, instanceId: string): Promise<void> {
  const record = await requireKey(ctx, customer.scope, id, { customerId: customer.customerId });
  if (!(await canDeactivate(ctx, customer.scope))) {
    throw new DomainError(PortalErrorCode.keyDeactivationDisabled, 'This business does not let customers deactivate license key instances: ask them to.');
  }
  const released = isId(IdPrefix.licenseKeyInstance, instanceId) && (await releaseSeat(ctx.store.db, record.id, instanceId));
  if (!released) throw notFound(`No instance ${instanceId} of license key ${id}.`);
}
