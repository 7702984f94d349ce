/**
 * The public events. Names are frozen: renaming one breaks merchants silently.
 * All bubble and are composed, so a listener on `document` hears them.
 */
import type { ChangePlanPreview, Invoice, Payment, PortalSubscription, Profile } from '@dodo-portal/wire/client';

/** Detail of `dodo-invoice-download`, fired (cancelable) before an invoice PDF is downloaded. */
export interface InvoiceDownloadDetail {
  invoiceId: string;
  /** The invoice number, e.g. `INV-000042`; the file is saved as `{number}.pdf`. */
  number: string;
}

/** Detail of `dodo-invoice-paid`: the customer paid an open invoice in `<dodo-invoice-list>`. */
export interface InvoicePaidDetail {
  /** The invoice the customer paid. */
  invoiceId: string;
  /** The paid invoice (for an on-hold subscription's dues, the paid invoice that replaced it). */
  invoice: Invoice;
  payment: Payment | null;
}

/** Detail of `dodo-session-expired`: the server's error code (`session_expired`, `unauthorized`). */
export interface SessionExpiredDetail {
  code: string;
}

/** Detail of `dodo-login-link-requested`: the address the customer entered. */
export interface LoginLinkRequestedDetail {
  email: string;
}

/** Detail of `dodo-subscription-cancelled` (cancelled now or scheduled) and `dodo-subscription-resumed`. */
export interface SubscriptionChangedDetail {
  subscription: PortalSubscription;
}

/**
 * Detail of `dodo-plan-change-request`, fired (cancelable) when the customer confirms a previewed
 * change, before anything is charged: `preventDefault()` stops the change.
 */
export interface PlanChangeRequestDetail {
  subscriptionId: string;
  productId: string;
  quantity: number;
  addons: { product_id: string; quantity: number }[];
  /** Exactly what will be charged now. */
  preview: ChangePlanPreview;
}

/** Detail of `dodo-plan-changed`: the subscription on its new plan and what was charged. */
export interface PlanChangedDetail {
  subscription: PortalSubscription;
  invoice: Invoice | null;
  payment: Payment | null;
  /** Minor units that became customer credit. */
  creditToBalance: number;
}

/** Detail of `dodo-profile-updated`: the saved profile. */
export interface ProfileUpdatedDetail {
  profile: Profile;
}

/** Detail of `dodo-payment-method-requested`: the customer asked to change the card of this subscription. */
export interface PaymentMethodRequestedDetail {
  subscriptionId: string;
}

export type SubscriptionCancelledEvent = CustomEvent<SubscriptionChangedDetail>;
export type SubscriptionResumedEvent = CustomEvent<SubscriptionChangedDetail>;
export type PlanChangeRequestEvent = CustomEvent<PlanChangeRequestDetail>;
export type PlanChangedEvent = CustomEvent<PlanChangedDetail>;
export type ProfileUpdatedEvent = CustomEvent<ProfileUpdatedDetail>;
export type PaymentMethodRequestedEvent = CustomEvent<PaymentMethodRequestedDetail>;

/** Detail of `dodo-payment-method-updated`: a card was saved or removed, or became a subscription's card. */
export interface PaymentMethodUpdatedDetail {
  change: 'added' | 'removed' | 'selected';
  paymentMethodId: string;
  /** The subscription now charged to the card (`selected`), else `null`. */
  subscriptionId: string | null;
}

/** Detail of `dodo-subscription-reactivated`: an on-hold subscription's dues were paid (minor units). */
export interface SubscriptionReactivatedDetail {
  subscriptionId: string;
  paymentId: string;
  invoiceId: string | null;
  amount: number;
  currency: string;
}

/** Detail of `dodo-payment-failed`: paying an on-hold subscription's dues was declined. */
export interface PaymentFailedDetail {
  subscriptionId: string;
  paymentMethodId: string;
  /** The processor's decline code (`card_declined`, `insufficient_funds`, …). */
  declineCode: string | null;
}

export type PaymentMethodUpdatedEvent = CustomEvent<PaymentMethodUpdatedDetail>;
export type SubscriptionReactivatedEvent = CustomEvent<SubscriptionReactivatedDetail>;
export type PaymentFailedEvent = CustomEvent<PaymentFailedDetail>;

/** Detail of `dodo-key-copied`: which license key was copied (never the key itself). */
export interface KeyCopiedDetail {
  licenseKeyId: string;
}

/** Detail of `dodo-key-instance-deactivated`: the seat the customer freed. */
export interface KeyInstanceDeactivatedDetail {
  licenseKeyId: string;
  instanceId: string;
}

/** Something a portal API resource holds; a write names the ones it changed. */
export type PortalResource = 'subscriptions' | 'invoices' | 'payments' | 'payment-methods' | 'profile' | 'license-keys';

/**
 * Detail of `dodo-portal-changed`: a write succeeded and these resources changed on the server.
 * Every element showing one of them refetches it; a page may fire it too (after a change its own
 * server made) to bring the elements up to date.
 */
export interface PortalChangedDetail {
  resources: readonly PortalResource[];
}

export type PortalChangedEvent = CustomEvent<PortalChangedDetail>;

export type KeyCopiedEvent = CustomEvent<KeyCopiedDetail>;
export type KeyInstanceDeactivatedEvent = CustomEvent<KeyInstanceDeactivatedDetail>;

export type InvoiceDownloadEvent = CustomEvent<InvoiceDownloadDetail>;
export type InvoicePaidEvent = CustomEvent<InvoicePaidDetail>;
export type LoginLinkRequestedEvent = CustomEvent<LoginLinkRequestedDetail>;
export type SessionExpiredEvent = CustomEvent<SessionExpiredDetail>;

export function sessionExpiredEvent(code: string): SessionExpiredEvent {
  return new CustomEvent('dodo-session-expired', { bubbles: true, composed: true, detail: { code } });
}

export function loginLinkRequestedEvent(email: string): LoginLinkRequestedEvent {
  return new CustomEvent('dodo-login-link-requested', { bubbles: true, composed: true, detail: { email } });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'dodo-invoice-download': InvoiceDownloadEvent;
    'dodo-invoice-paid': InvoicePaidEvent;
    'dodo-key-copied': KeyCopiedEvent;
    'dodo-key-instance-deactivated': KeyInstanceDeactivatedEvent;
    'dodo-session-expired': SessionExpiredEvent;
    'dodo-login-link-requested': LoginLinkRequestedEvent;
    'dodo-payment-method-updated': PaymentMethodUpdatedEvent;
    'dodo-subscription-reactivated': SubscriptionReactivatedEvent;
    'dodo-payment-failed': PaymentFailedEvent;
    'dodo-subscription-cancelled': SubscriptionCancelledEvent;
    'dodo-subscription-resumed': SubscriptionResumedEvent;
    'dodo-plan-change-request': PlanChangeRequestEvent;
    'dodo-plan-changed': PlanChangedEvent;
    'dodo-profile-updated': ProfileUpdatedEvent;
    'dodo-payment-method-requested': PaymentMethodRequestedEvent;
    'dodo-portal-changed': PortalChangedEvent;
  }
}
