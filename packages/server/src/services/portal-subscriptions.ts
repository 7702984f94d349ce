/**
 * The customer's view of their subscriptions (`/portal/v1/subscriptions`): each with its plan and
 * add-on products, what it costs per period, its tier ladder, and the actions the customer may take
 * now — and the customer's own cancel / resume. Always scoped to the session's customer: anyone
 * else's subscription is `not_found`.
 */
import {
  PortalErrorCode,
  type CancelSubscriptionBody,
  type Page,
  type PortalProduct,
  type PortalSubscription,
  type Product,
  type Subscription,
  type SubscriptionAction,
} from '@dodo-portal/wire/schemas';
import { DomainError, notFound } from '../domain/errors.ts';
import { IdPrefix, isId } from '../domain/ids.ts';
import { hasPlanChange } from '../domain/plans.ts';
import { toTimestamp } from '../domain/ports.ts';
import { requireActive, subscriptionActions } from '../domain/subscription-actions.ts';
import type { Mailer } from '../mail/mailer.ts';
import { subscriptionCancelledEmail, subscriptionReactivatedEmail, type NotificationInput } from '../mail/templates.ts';
import { findBusiness } from '../store/businesses.ts';
import { findBusinessSettings, type BusinessSettingsRecord } from '../store/business-settings.ts';
import { findCollection } from '../store/collections.ts';
import { findCustomer } from '../store/customers.ts';
import { cancelNow, findAddonProducts } from '../store/plan-changes.ts';
import { findProducts } from '../store/products.ts';
import type { Scope } from '../store/scope.ts';
import { findSubscription, listSubscriptions as listSubscriptionRows, updateSubscription } from '../store/subscriptions.ts';
import { staticLoginUrl } from './links.ts';
import { positionFromCursor, toPage } from './paging.ts';
import { emitSubscriptionEvent } from './webhooks.ts';
import { type Logger, type MailQueue, type ServiceContext, realNow } from '../runtime.ts';

/** What the portal's subscription services need besides the store and the clock. */
export interface PortalContext extends ServiceContext {
  mailerFor: (mode: Scope['mode']) => Mailer;
  /** Confirmations are queued: the customer's change never waits for SMTP. */
  mailQueue: MailQueue;
  publicUrl: string;
  logger: Logger;
}

export const toPortalProduct = (product: Product): PortalProduct => ({
  product_id: product.product_id,
  name: product.name,
  description: product.description,
  billing_type: product.billing_type,
  price: product.price,
  currency: product.currency,
  interval: product.interval,
  interval_count: product.interval_count,
  tax_rate_bps: product.tax_rate_bps,
});

/** Reads what `subscriptionActions` decides on: the business's settings, and the tiers and add-ons only when they matter. */
async function actionsFor(
  ctx: ServiceContext,
  scope: Scope,
  subscription: Subscription,
  plan: Product,
  settings: BusinessSettingsRecord | undefined,
  addonProducts: () => Promise<Product[]>,
): Promise<SubscriptionAction[]> {
  const allowCancellation = !!settings?.allow_cancellation;
  const allowSubscriptionUpdates = !!settings?.allow_subscription_updates;
  let changeable = false;
  if (subscription.status === 'active' && allowSubscriptionUpdates) {
    const ladder = plan.collection_id ? ((await findCollection(ctx.store.db, scope, plan.collection_id))?.products ?? []) : [];
    changeable = hasPlanChange(plan, ladder, await addonProducts(), subscription.currency);
  }
  return subscriptionActions(subscription, { allowCancellation, allowSubscriptionUpdates, hasPlanChange: changeable });
}

/** Subscriptions as the portal shows them (products, recurring amount, actions). */
export async function toPortalSubscriptions(ctx: ServiceContext, scope: Scope, subscriptions: Subscription[]): Promise<PortalSubscription[]> {
  if (subscriptions.length === 0) return [];
  const products = await findProducts(
    ctx.store.db,
    scope,
    subscriptions.flatMap((subscription) => [subscription.product_id, ...subscription.addons.map((addon) => addon.product_id)]),
  );
  const settings = await findBusinessSettings(ctx.store.db, scope.businessId);
  let addons: Promise<Product[]> | undefined;
  const addonProducts = () => (addons ??= findAddonProducts(ctx.store.db, scope));
  return Promise.all(
    subscriptions.map(async (subscription) => {
      const plan = products.get(subscription.product_id);
      if (!plan) throw new Error(`subscription ${subscription.subscription_id}: its product ${subscription.product_id} is gone`);
      const addonItems = subscription.addons.flatMap((addon) => {
        const product = products.get(addon.product_id);
        return product ? [{ product: toPortalProduct(product), quantity: addon.quantity }] : [];
      });
      return {
        ...subscription,
        product: toPortalProduct(plan),
        addon_items: addonItems,
        recurring_amount: plan.price * subscription.quantity + addonItems.reduce((sum, item) => sum + item.product.price * item.quantity, 0),
        collection_id: plan.collection_id,
        actions: await actionsFor(ctx, scope, subscription, plan, settings, addonProducts),
      };
    }),
  );
}

/** The customer's own subscription, or 404 (another customer's is not found either). */
export async function requireOwnSubscription(ctx: ServiceContext, scope: Scope, customerId: string, subscriptionId: string): Promise<Subscription> {
  const subscription = isId(IdPrefix.subscription, subscriptionId) ? await findSubscription(ctx.store.db, scope, subscriptionId) : undefined;
  if (!subscription || subscription.customer_id !== customerId) throw notFound(`No subscription ${subscriptionId}.`);
  return subscription;
}

export async function getPortalSubscription(ctx: ServiceContext, scope: Scope, customerId: string, subscriptionId: string): Promise<PortalSubscription> {
  const subscription = await requireOwnSubscription(ctx, scope, customerId, subscriptionId);
  return (await toPortalSubscriptions(ctx, scope, [subscription]))[0]!;
}

/** Active, on hold and past subscriptions of the customer, newest first. */
export async function listPortalSubscriptions(
  ctx: ServiceContext,
  scope: Scope,
  customerId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<PortalSubscription>> {
  const after = positionFromCursor(query.cursor);
  const page = toPage(await listSubscriptionRows(ctx.store.db, scope, { limit: query.limit, customerId, ...(after ? { after } : {}) }));
  return { items: await toPortalSubscriptions(ctx, scope, page.items), next_cursor: page.next_cursor };
}

const inProgress = () => new DomainError(PortalErrorCode.chargeInProgress, 'A charge for this subscription is in progress. Retry shortly.');

/**
 * `POST /portal/v1/subscriptions/{id}/cancel`: at the period end (the default: it keeps running
 * until then) or immediately. Only while the business allows cancellation.
 */
export async function cancelPortalSubscription(ctx: PortalContext, scope: Scope, customerId: string, subscriptionId: string, body: CancelSubscriptionBody): Promise<PortalSubscription> {
  const subscription = await requireOwnSubscription(ctx, scope, customerId, subscriptionId);
  const settings = await findBusinessSettings(ctx.store.db, scope.businessId);
  if (!settings?.allow_cancellation)
    throw new DomainError(PortalErrorCode.cancellationDisabled, 'This business does not let customers cancel subscriptions in the portal. Contact them to cancel.');
  requireActive(subscription);
  const at = toTimestamp(ctx.clock.now());
  const reason = body.reason ?? null;
  const comment = body.comment ? body.comment : null;
  if (body.when === 'immediately') {
    const cancelled = await ctx.store.db.transaction().execute(async (trx) => {
      const done = await cancelNow(trx, scope, subscription.subscription_id, { at, realNow: toTimestamp(realNow(ctx)), reason, comment });
      if (done) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.cancelled', subscription.subscription_id);
      return done;
    });
    if (!cancelled) {
      const now = await requireOwnSubscription(ctx, scope, customerId, subscriptionId);
      requireActive(now);
      throw inProgress();
    }
  } else {
    const changed = await ctx.store.db.transaction().execute(async (trx) => {
      const done = await updateSubscription(trx, scope, subscription.subscription_id, ['active'], {
        cancel_at_period_end: 1,
        cancellation_reason: reason,
        cancellation_comment: comment,
        updated_at: at,
      });
      if (done && !subscription.cancel_at_period_end) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.updated', subscription.subscription_id);
      return done;
    });
    if (!changed) requireActive(await requireOwnSubscription(ctx, scope, customerId, subscriptionId));
  }
  const result = await getPortalSubscription(ctx, scope, customerId, subscriptionId);
  if (body.when === 'immediately' || !subscription.cancel_at_period_end) {
    await notifyCustomer(ctx, scope, customerId, (input) =>
      subscriptionCancelledEmail({
        ...input,
        productName: result.product.name,
        endsAt: body.when === 'immediately' ? at : result.current_period_end,
        immediately: body.when === 'immediately',
      }),
    );
  }
  return result;
}

/** `POST /portal/v1/subscriptions/{id}/resume`: undoes a scheduled cancellation. */
export async function resumePortalSubscription(ctx: PortalContext, scope: Scope, customerId: string, subscriptionId: string): Promise<PortalSubscription> {
  const subscription = await requireOwnSubscription(ctx, scope, customerId, subscriptionId);
  requireActive(subscription);
  const notScheduled = () => new DomainError(PortalErrorCode.notScheduledToCancel, `Subscription ${subscriptionId} is not scheduled to cancel: there is nothing to resume.`);
  if (!subscription.cancel_at_period_end) throw notScheduled();
  const changed = await ctx.store.db.transaction().execute(async (trx) => {
    const done = await updateSubscription(trx, scope, subscription.subscription_id, ['active'], {
      cancel_at_period_end: 0,
      cancellation_reason: null,
      cancellation_comment: null,
      updated_at: toTimestamp(ctx.clock.now()),
    });
    if (done) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.updated', subscription.subscription_id);
    return done;
  });
  if (!changed) requireActive(await requireOwnSubscription(ctx, scope, customerId, subscriptionId));
  const result = await getPortalSubscription(ctx, scope, customerId, subscriptionId);
  await notifyCustomer(ctx, scope, customerId, (input) =>
    subscriptionReactivatedEmail({
      ...input,
      productName: result.product.name,
      price: { amount: result.recurring_amount, currency: result.currency },
      recurrence: { interval: result.interval, interval_count: result.interval_count },
      nextBillingAt: result.next_billing_date,
    }),
  );
  return result;
}

/**
 * Emails the customer in their locale, through the mail queue (sent after this request, retried
 * there). A confirmation that cannot be queued is logged, never turned into a failure of the
 * change the customer already made.
 */
export async function notifyCustomer(ctx: PortalContext, scope: Scope, customerId: string, build: (input: NotificationInput) => Parameters<Mailer['send']>[0]): Promise<void> {
  const mailer = ctx.mailerFor(scope.mode);
  if (mailer.disabled) return;
  try {
    const customer = await findCustomer(ctx.store.db, scope, customerId);
    const business = await findBusiness(ctx.store.db, scope.businessId);
    if (!customer) return;
    await ctx.mailQueue.enqueue(
      ctx.store.db,
      scope.mode,
      build({
        to: customer,
        brand: business?.brand ?? { display_name: '', primary_color: null },
        portalUrl: staticLoginUrl(ctx.publicUrl, scope.businessId, scope.mode),
      }),
    );
  } catch (error) {
    ctx.logger.error('portal email failed', { error: error instanceof Error ? error.message : String(error) });
  }
}
