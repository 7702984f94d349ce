/**
 * What each webhook event carries (services/webhooks.ts `emitEvent`): the envelope
 * `{type, timestamp, business_id, data}` around the object as the merchant API shows it after the
 * change. Payloads never carry a secret: a license key appears masked, with its id.
 */
import { LicenseKey, Payment, Refund, Subscription, Timestamp, WebhookEventType } from '@dodo-portal/wire/schemas';
import { z } from 'zod';

const envelope = <T extends z.ZodType>(type: WebhookEventType, data: T) =>
  z.object({
    type: z.literal(type),
    /** When it happened in the mode's time (the test clock in test mode). */
    timestamp: Timestamp,
    business_id: z.string(),
    data,
  });

/** `subscription.plan_changed`: the subscription after the change, and what it was before. */
const PlanChangedData = Subscription.extend({
  previous: z.object({
    product_id: z.string(),
    quantity: z.number().int(),
    addons: Subscription.shape.addons,
  }),
  invoice_id: z.string().describe('The invoice of the change (prorated or full charge, or a zero invoice).'),
  payment_id: z.string().nullable().describe('The charge of the change; null when nothing was charged.'),
  credit_to_balance: z.number().int().describe('Minor units credited to the customer for unused time (downgrades).'),
});

/** The license key as listed: `key` is never in a payload, only `key_masked`. */
const MaskedLicenseKey = LicenseKey.omit({ key: true });

export const WebhookPayloads = {
  PaymentSucceededEvent: envelope('payment.succeeded', Payment),
  PaymentFailedEvent: envelope('payment.failed', Payment),
  SubscriptionActiveEvent: envelope('subscription.active', Subscription),
  SubscriptionRenewedEvent: envelope('subscription.renewed', Subscription),
  SubscriptionOnHoldEvent: envelope('subscription.on_hold', Subscription),
  SubscriptionCancelledEvent: envelope('subscription.cancelled', Subscription),
  SubscriptionUpdatedEvent: envelope('subscription.updated', Subscription),
  SubscriptionPlanChangedEvent: envelope('subscription.plan_changed', PlanChangedData),
  RefundSucceededEvent: envelope('refund.succeeded', Refund),
  LicenseKeyCreatedEvent: envelope('license_key.created', MaskedLicenseKey),
};

/** Which payload each event type has, and when it is sent. */
export const WebhookEvents: Record<WebhookEventType, { payload: keyof typeof WebhookPayloads; summary: string }> = {
  'payment.succeeded': { payload: 'PaymentSucceededEvent', summary: 'A charge succeeded (a purchase, a first period, a renewal, a plan change or paid dues).' },
  'payment.failed': { payload: 'PaymentFailedEvent', summary: 'A charge was declined; `decline_code` says why.' },
  'subscription.active': { payload: 'SubscriptionActiveEvent', summary: 'A subscription started, or became active again after its dues were paid.' },
  'subscription.renewed': { payload: 'SubscriptionRenewedEvent', summary: 'A subscription was charged for its next period.' },
  'subscription.on_hold': { payload: 'SubscriptionOnHoldEvent', summary: 'A renewal charge failed: the subscription is on hold until its dues are paid.' },
  'subscription.cancelled': { payload: 'SubscriptionCancelledEvent', summary: 'A subscription ended (cancelled now, or at the end of its period).' },
  'subscription.updated': { payload: 'SubscriptionUpdatedEvent', summary: 'A subscription changed: its card, or a cancellation scheduled or undone.' },
  'subscription.plan_changed': { payload: 'SubscriptionPlanChangedEvent', summary: 'The customer changed plan, quantity or add-ons.' },
  'refund.succeeded': { payload: 'RefundSucceededEvent', summary: 'A refund was paid back to the card.' },
  'license_key.created': { payload: 'LicenseKeyCreatedEvent', summary: 'A license key was issued for a purchase (masked).' },
};
