/** Properties of what a customer may do with a subscription, for every state and setting. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { requireActive, subscriptionActions } from './subscription-actions.ts';

const state = fc.record({ status: fc.constantFrom('active', 'on_hold', 'cancelled', 'expired'), cancel_at_period_end: fc.boolean() });
const settings = fc.record({ allowCancellation: fc.boolean(), allowSubscriptionUpdates: fc.boolean(), hasPlanChange: fc.boolean() });
const ORDER = ['cancel', 'resume', 'change_plan', 'update_payment_method', 'pay_dues'];

describe('subscriptionActions', () => {
  it('offers each action exactly when its rule holds, once, in a stable order', () => {
    fc.assert(
      fc.property(state, settings, (subscription, s) => {
        const actions = subscriptionActions(subscription, s);
        const active = subscription.status === 'active';
        expect(actions.includes('cancel')).toBe(active && s.allowCancellation && !subscription.cancel_at_period_end);
        expect(actions.includes('resume')).toBe(active && subscription.cancel_at_period_end);
        expect(actions.includes('change_plan')).toBe(active && s.allowSubscriptionUpdates && s.hasPlanChange);
        expect(actions.includes('update_payment_method')).toBe(active || subscription.status === 'on_hold');
        expect(actions.includes('pay_dues')).toBe(subscription.status === 'on_hold');
        expect([...actions].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))).toEqual(actions);
        expect(new Set(actions).size).toBe(actions.length);
      }),
    );
  });

  it('never offers both cancel and resume, and nothing at all on an ended subscription', () => {
    fc.assert(
      fc.property(state, settings, (subscription, s) => {
        const actions = subscriptionActions(subscription, s);
        expect(actions.includes('cancel') && actions.includes('resume')).toBe(false);
        if (subscription.status === 'cancelled' || subscription.status === 'expired') expect(actions).toEqual([]);
      }),
    );
  });

  it('lets only an active subscription change, and the refusal agrees with the actions offered', () => {
    fc.assert(
      fc.property(state, settings, (subscription, s) => {
        let code: string | undefined;
        try {
          requireActive({ subscription_id: 'sub_1', ...subscription });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          code = error.code;
        }
        expect(code).toBe({ active: undefined, on_hold: 'subscription_on_hold', cancelled: 'subscription_ended', expired: 'subscription_ended' }[subscription.status]);
        // A refused subscription offers none of the changes requireActive guards.
        if (code) expect(subscriptionActions(subscription, s).filter((a) => a === 'cancel' || a === 'resume' || a === 'change_plan')).toEqual([]);
      }),
    );
  });
});
