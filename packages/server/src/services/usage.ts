/**
 * `POST /v1/usage-events`: metered usage of a `usage_based` subscription, idempotent on the
 * merchant's `event_id` (per business and mode). An event is dated now in the mode's time and is
 * billed, in arrears, on the renewal invoice that closes the period it fell in.
 */
import { ErrorCode, type CreateUsageEventBody, type UsageEvent } from '@dodo-portal/wire/schemas';
import { DomainError, invalidRequest } from '../domain/errors.ts';
import { IdPrefix, isId, newId } from '../domain/ids.ts';
import { toTimestamp } from '../domain/ports.ts';
import { findProduct } from '../store/products.ts';
import type { Scope } from '../store/scope.ts';
import { findSubscriptionRow } from '../store/subscriptions.ts';
import { insertUsageEvent } from '../store/usage.ts';
import type { ServiceContext } from '../runtime.ts';

export async function recordUsageEvent(ctx: ServiceContext, scope: Scope, body: CreateUsageEventBody): Promise<{ event: UsageEvent; created: boolean }> {
  const subscription = isId(IdPrefix.subscription, body.subscription_id) ? await findSubscriptionRow(ctx.store.db, scope, body.subscription_id) : undefined;
  if (!subscription) throw invalidRequest(`No subscription ${body.subscription_id} in ${scope.mode} mode.`, [{ path: 'subscription_id', message: 'no such subscription' }]);
  const product = await findProduct(ctx.store.db, scope, subscription.product_id);
  if (!product?.usage) throw invalidRequest('This subscription is not on a usage_based product.', [{ path: 'subscription_id', message: 'is not metered' }]);
  if (product.usage.meter !== body.meter) throw invalidRequest(`The subscription's meter is ${product.usage.meter}.`, [{ path: 'meter', message: `must be ${product.usage.meter}` }]);
  // Only a subscription that still bills takes usage.
  if (subscription.status !== 'active' && subscription.status !== 'on_hold') {
    throw new DomainError(ErrorCode.conflict, `Subscription ${subscription.id} is ${subscription.status}: it takes no more usage.`);
  }
  const now = toTimestamp(ctx.clock.now());
  const result = await insertUsageEvent(ctx.store.db, scope, {
    id: newId(IdPrefix.usageEvent, ctx.random),
    event_id: body.event_id,
    subscription_id: subscription.id,
    meter: body.meter,
    quantity: body.quantity,
    occurred_at: now,
    created_at: now,
  });
  const same = result.event.subscription_id === body.subscription_id && result.event.meter === body.meter && result.event.quantity === body.quantity;
  if (!result.created && !same) throw new DomainError(ErrorCode.conflict, `event_id ${body.event_id} was already recorded with other values.`);
  return result;
}
