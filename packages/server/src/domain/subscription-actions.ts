/** What a customer may do with a subscription now: a function of its state and the business's settings. */
import { PortalErrorCode, type Subscription, type SubscriptionAction } from '@dodo-portal/wire/schemas';
import { DomainError } from './errors.ts';

export interface ActionSettings {
  allowCancellation: boolean;
  allowSubscriptionUpdates: boolean;
  /** Whether there is a plan or add-on to change to (domain/plans.ts `hasPlanChange`). */
  hasPlanChange: boolean;
}

/**
 * - `cancel`: active, not already scheduled to cancel, and the business allows it;
 * - `resume`: active and scheduled to cancel at the period end;
 * - `change_plan`: active, the business allows updates, and there is something to change to;
 * - `update_payment_method`: active or on hold;
 * - `pay_dues`: on hold.
 * Ended subscriptions (cancelled, expired) allow nothing.
 */
export function subscriptionActions(subscription: Pick<Subscription, 'status' | 'cancel_at_period_end'>, settings: ActionSettings): SubscriptionAction[] {
  const actions: SubscriptionAction[] = [];
  const active = subscription.status === 'active';
  if (active && settings.allowCancellation && !subscription.cancel_at_period_end) actions.push('cancel');
  if (active && subscription.cancel_at_period_end) actions.push('resume');
  if (active && settings.allowSubscriptionUpdates && settings.hasPlanChange) actions.push('change_plan');
  if (active || subscription.status === 'on_hold') actions.push('update_payment_method');
  if (subscription.status === 'on_hold') actions.push('pay_dues');
  return actions;
}

/** Refuses anything but an active subscription, with the code the portal shows: on hold first needs its dues paid; ended can no longer change. */
export function requireActive(subscription: Pick<Subscription, 'subscription_id' | 'status'>): void {
  if (subscription.status === 'on_hold') throw new DomainError(PortalErrorCode.subscriptionOnHold, `Subscription ${subscription.subscription_id} is on hold: pay its dues first.`);
  if (subscription.status !== 'active')
    throw new DomainError(PortalErrorCode.subscriptionEnded, `Subscription ${subscription.subscription_id} is ${subscription.status}: it can no longer change.`);
}
