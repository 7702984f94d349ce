/**
 * Subscriptions: what a checkout creates. The first period is charged (services/settlement.ts)
 * before anything else exists; only a successful charge writes the subscription, its paid invoice
 * and the payment, together in one transaction. A declined card leaves the failed payment and
 * nothing else.
 */
import { ErrorCode, type CreateSubscriptionBody, type Page, type Product, type Subscription, type SubscriptionStatus, type UpdateSubscriptionBody } from '@dodo-portal/wire/schemas';
import { pricePurchase, type PricedItem } from '../domain/catalog.ts';
import { checkPlanAndAddons } from '../domain/checkout.ts';
import { DomainError, invalidRequest, notFound } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { periodAt } from '../domain/periods.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findCustomer } from '../store/customers.ts';
import { findProducts } from '../store/products.ts';
import type { Scope } from '../store/scope.ts';
import { cancelDueSubscriptions, findSubscription, findSubscriptionRow, insertSubscription, listSubscriptions as listSubscriptionRows, updateSubscription } from '../store/subscriptions.ts';
import { resolveCardSource, type BillingContext } from './charging.ts';
import { positionFromCursor, toPage } from './paging.ts';
import { emitSubscriptionEvent } from './webhooks.ts';
import { saveCard } from './payment-methods.ts';
import { runCharge } from './settlement.ts';

/** Looks up the body's customer; a missing one is a 400 on that field (like invoices). */
export async function requireCustomer(ctx: BillingContext, scope: Scope, customerId: string) {
  const customer = isId(IdPrefix.customer, customerId) ? await findCustomer(ctx.store.db, scope, customerId) : undefined;
  if (!customer) throw invalidRequest(`No customer ${customerId} in ${scope.mode} mode.`, [{ path: 'customer_id', message: 'no such customer' }]);
  return customer;
}

/** The plan and add-ons the body names, looked up in the scope and checked (domain/checkout.ts). */
async function planAndAddons(ctx: BillingContext, scope: Scope, body: CreateSubscriptionBody): Promise<{ plan: Product; addons: { product: Product; quantity: number }[] }> {
  const ids = [body.product_id, ...body.addons.map((addon) => addon.product_id)].filter((id) => isId(IdPrefix.product, id));
  return checkPlanAndAddons(body, await findProducts(ctx.store.db, scope, ids), scope.mode);
}

export async function createSubscription(ctx: BillingContext, scope: Scope, body: CreateSubscriptionBody): Promise<Subscription> {
  const customer = await requireCustomer(ctx, scope, body.customer_id);
  const { plan, addons } = await planAndAddons(ctx, scope, body);
  const now = ctx.clock.now();
  const interval = plan.interval!;
  const intervalCount = plan.interval_count ?? 1;
  const period = periodAt(now, interval, intervalCount, 0);
  const items: PricedItem[] = [{ product: plan, quantity: body.quantity, period }, ...addons.map((addon) => ({ ...addon, period }))];
  const priced = pricePurchase(items);
  const source = await resolveCardSource(ctx, scope, customer.customer_id, body);
  const subscriptionId = newId(IdPrefix.subscription, ctx.random);
  const issuedAt = toTimestamp(now);
  await runCharge(ctx, {
    kind: 'first_period',
    scope,
    charge: { customerId: customer.customer_id, amount: priced.total, currency: priced.currency, description: `${plan.name}: first period`, card: source },
    settle: async ({ paymentId }) => {
      // The card charged: keep it for renewals (the customer's first card becomes the default). The
      // successful charge was its check; with nothing charged, saving it runs the verification.
      const paymentMethodId = (await saveCard(ctx, scope, customer.customer_id, paymentId ? { ...source, verified: true } : source)).id;
      return {
        what: `subscription ${subscriptionId}`,
        at: issuedAt,
        hold: async (trx) => {
          await insertSubscription(trx, scope, {
            id: subscriptionId,
            customer_id: customer.customer_id,
            product_id: plan.product_id,
            quantity: body.quantity,
            status: 'active',
            currency: priced.currency,
            interval,
            interval_count: intervalCount,
            billing_anchor: issuedAt,
            period_index: 0,
            current_period_start: toTimestamp(period.start),
            current_period_end: toTimestamp(period.end),
            payment_method_id: paymentMethodId,
            created_at: issuedAt,
            addons: addons.map((addon) => ({ product_id: addon.product.product_id, quantity: addon.quantity })),
          });
          return true;
        },
        invoice: { id: newId(IdPrefix.invoice, ctx.random), customerId: customer.customer_id, billingAddress: customer.billing_address, priced, at: issuedAt, paid: true, subscriptionId },
        payment: { subscription_id: subscriptionId, payment_method_id: paymentMethodId },
        // Licensed plan or add-ons: their keys exist exactly when the subscription does.
        licenseKeys: { customerId: customer.customer_id, lines: [{ product: plan, quantity: body.quantity }, ...addons], subscriptionId },
        events: ['payment.succeeded', { subscription: 'subscription.active', id: subscriptionId }, 'license_key.created'],
      };
    },
  });
  return getSubscription(ctx, scope, subscriptionId);
}

export async function getSubscription(ctx: BillingContext, scope: Scope, subscriptionId: string): Promise<Subscription> {
  const subscription = isId(IdPrefix.subscription, subscriptionId) ? await findSubscription(ctx.store.db, scope, subscriptionId) : undefined;
  if (!subscription) throw notFound(`No subscription ${subscriptionId} in ${scope.mode} mode.`);
  return subscription;
}

const LIVE_STATUSES: SubscriptionStatus[] = ['active', 'on_hold'];

/**
 * `PATCH /v1/subscriptions/{id}`: switches the card future charges use and/or sets
 * `cancel_at_period_end`. Only an `active` or `on_hold` subscription changes; a new card is
 * saved for the subscription's customer. (Retrying the dues of an on-hold subscription with the
 * new card belongs to the renewal engine.)
 */
export async function patchSubscription(ctx: BillingContext, scope: Scope, subscriptionId: string, body: UpdateSubscriptionBody): Promise<Subscription> {
  const row = isId(IdPrefix.subscription, subscriptionId) ? await findSubscriptionRow(ctx.store.db, scope, subscriptionId) : undefined;
  if (!row) throw notFound(`No subscription ${subscriptionId} in ${scope.mode} mode.`);
  const ended = () => new DomainError(ErrorCode.conflict, `Subscription ${subscriptionId} is ${row.status}: it can no longer change.`);
  if (!LIVE_STATUSES.includes(row.status)) throw ended();
  let paymentMethodId: string | undefined;
  if (body.card_token !== undefined || body.payment_method_id !== undefined) {
    const source = await resolveCardSource(ctx, scope, row.customer_id, body);
    paymentMethodId = (await saveCard(ctx, scope, row.customer_id, source)).id;
  }
  const changed = await ctx.store.db.transaction().execute(async (trx) => {
    const moved = await updateSubscription(trx, scope, subscriptionId, LIVE_STATUSES, {
      updated_at: toTimestamp(ctx.clock.now()),
      ...(paymentMethodId !== undefined ? { payment_method_id: paymentMethodId } : {}),
      ...(body.cancel_at_period_end !== undefined ? { cancel_at_period_end: body.cancel_at_period_end ? 1 : 0 } : {}),
    });
    if (moved) await emitSubscriptionEvent(trx, ctx, scope, 'subscription.updated', subscriptionId);
    return moved;
  });
  if (!changed) throw ended();
  return getSubscription(ctx, scope, subscriptionId);
}

export async function listSubscriptions(
  ctx: BillingContext,
  scope: Scope,
  query: { limit: number; cursor?: string | undefined; customer_id?: string | undefined; status?: SubscriptionStatus | undefined },
): Promise<Page<Subscription>> {
  const after = positionFromCursor(query.cursor);
  return toPage(
    await listSubscriptionRows(ctx.store.db, scope, {
      limit: query.limit,
      ...(after ? { after } : {}),
      ...(query.customer_id !== undefined ? { customerId: query.customer_id } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
    }),
  );
}

/**
 * Ends every subscription of the scope set to cancel at period end whose period is over by
 * `now`: status `cancelled`, `cancelled_at` = the period end. One conditional statement, so
 * running it twice or in two processes at once changes each subscription once. (The renewal
 * scheduler calls it; until then the seed does.)
 */
export async function cancelSubscriptionsAtPeriodEnd(ctx: BillingContext, scope: Scope, now: Date): Promise<number> {
  return cancelDueSubscriptions(ctx.store.db, scope, toTimestamp(now));
}
