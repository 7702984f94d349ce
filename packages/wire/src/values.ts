/**
 * The wire's values, written once and free of zod so the browser can import them at runtime:
 * the vocabularies (each an `as const` tuple the schemas wrap in `z.enum`, the server's store
 * types and the elements read), the stable error codes, money formatting and the card rules.
 * Everything here is plain TypeScript over `Intl`: no dependency, no side effect.
 */

// ---------------------------------------------------------------------------------------------
// Vocabularies. Frozen strings: renaming one breaks merchants, add at the end.
// ---------------------------------------------------------------------------------------------

export const MODES = ['test', 'live'] as const;
export const INVOICE_STATUSES = ['open', 'paid', 'void'] as const;
export const BILLING_TYPES = ['one_time', 'subscription', 'usage_based'] as const;
export const BILLING_INTERVALS = ['day', 'week', 'month', 'year'] as const;
export const PRORATION_BILLING_MODES = ['prorated_immediately', 'full_immediately', 'difference_immediately', 'do_not_bill'] as const;
export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'unknown'] as const;
export const SUBSCRIPTION_STATUSES = ['active', 'on_hold', 'cancelled', 'expired'] as const;
export const PAYMENT_STATUSES = ['processing', 'succeeded', 'failed', 'refunded', 'partially_refunded'] as const;
/** A refund's and a webhook delivery's state. */
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const WEBHOOK_EVENT_TYPES = [
  'payment.succeeded',
  'payment.failed',
  'subscription.active',
  'subscription.renewed',
  'subscription.on_hold',
  'subscription.cancelled',
  'subscription.updated',
  'subscription.plan_changed',
  'refund.succeeded',
  'license_key.created',
] as const;
/** What a customer may do with a subscription right now (the elements show only these). */
export const SUBSCRIPTION_ACTIONS = ['cancel', 'resume', 'change_plan', 'update_payment_method', 'pay_dues'] as const;
/** Offered in this order by the cancel dialog. */
export const CANCELLATION_REASONS = ['too_expensive', 'missing_features', 'switched_service', 'unused', 'customer_service', 'low_quality', 'too_complex', 'other'] as const;
export const CANCEL_WHEN = ['period_end', 'immediately'] as const;
export const PLAN_CHANGE_DIRECTIONS = ['upgrade', 'downgrade'] as const;
/** As the APIs show a key: `expired` is derived from `expires_at`, never stored. */
export const LICENSE_KEY_STATUSES = ['active', 'expired', 'disabled'] as const;
/** As a key is stored and as the merchant sets it. */
export const STORED_LICENSE_KEY_STATUSES = ['active', 'disabled'] as const;

export type Mode = (typeof MODES)[number];
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export type BillingType = (typeof BILLING_TYPES)[number];
export type BillingInterval = (typeof BILLING_INTERVALS)[number];
export type ProrationBillingMode = (typeof PRORATION_BILLING_MODES)[number];
export type CardBrand = (typeof CARD_BRANDS)[number];
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type SubscriptionAction = (typeof SUBSCRIPTION_ACTIONS)[number];
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];
export type LicenseKeyStatus = (typeof LICENSE_KEY_STATUSES)[number];
export type StoredLicenseKeyStatus = (typeof STORED_LICENSE_KEY_STATUSES)[number];

// ---------------------------------------------------------------------------------------------
// Error codes (the `code` of the one error shape). Stable: add, never rename.
// ---------------------------------------------------------------------------------------------

/**
 * Stable error codes. Renaming one breaks merchants: add, never rename. The HTTP status of each
 * code (of these and of BillingErrorCode and PortalErrorCode) is in one table on the server,
 * `STATUS_OF_CODE` in packages/server/src/http/errors.ts, and in the API reference.
 */
export const ErrorCode = {
  invalidRequest: 'invalid_request',
  unauthorized: 'unauthorized',
  sessionExpired: 'session_expired',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  conflict: 'conflict',
  /** `POST /v1/customers` with an email already used by a customer of the business in that mode. */
  customerExists: 'customer_exists',
  /** A card payment was refused; `decline_code` says why. */
  paymentFailed: 'payment_failed',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  rateLimited: 'rate_limited',
  internal: 'internal_error',
  /** `GET /dodo-portal.js` before the elements package was built (`pnpm build`). */
  cdnNotBuilt: 'cdn_not_built',
  /** `send_email: true` (or a login link) while the server has no SMTP configured (`SMTP_URL`). */
  emailNotConfigured: 'email_not_configured',
  /** The database cannot take writes now (disk full or read-only, file deleted, connection down): retry later. */
  storageUnavailable: 'storage_unavailable',
  /** `GET /healthz` while the server drains its accepted connections before it stops (SIGTERM): send new traffic elsewhere. */
  shuttingDown: 'shutting_down',
  /** The SMTP server refused or could not be reached; nothing was sent. */
  emailFailed: 'email_failed',
  /** A magic-link code that was already exchanged for a session. */
  magicLinkUsed: 'magic_link_used',
  /** A magic-link code past its 24 h. */
  magicLinkExpired: 'magic_link_expired',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Error codes of the billing engine (stable; add, never rename). */
export const BillingErrorCode = {
  /** The same `Idempotency-Key` was sent with a different request. */
  idempotencyKeyReused: 'idempotency_key_reused',
  /** A request with this `Idempotency-Key` is still running; retry after it finished. */
  idempotencyKeyInProgress: 'idempotency_key_in_progress',
  /**
   * The first request with this `Idempotency-Key` died after it charged (for good): it is
   * not run again; `payment_id` names the payment and the message what became of it.
   */
  idempotentRequestInterrupted: 'idempotent_request_interrupted',
  /** Live mode has no real payment processor configured: nothing was charged. */
  processorNotConfigured: 'processor_not_configured',
  /** The card details were refused at tokenization (`decline_code` says which field). */
  invalidCard: 'invalid_card',
  /** A test-mode-only call (the test clock) made with a live key. */
  testModeOnly: 'test_mode_only',
  /** A test-clock advance of more than two years (366-day years) in one call: advance in steps. */
  testClockAdvanceTooFar: 'test_clock_advance_too_far',
  /** The refund would take the payment's refunds above its amount; nothing was refunded. */
  refundExceedsPayment: 'refund_exceeds_payment',
  /** The processor refused a refund; its amount was given back to the payment. */
  refundFailed: 'refund_failed',
} as const;

/** Error codes of the customer portal's self-service actions (stable; add, never rename). */
export const PortalErrorCode = {
  /** The business does not let customers cancel. */
  cancellationDisabled: 'cancellation_disabled',
  /** The business does not let customers change plans or add-ons. */
  subscriptionUpdatesDisabled: 'subscription_updates_disabled',
  /** The change asks for exactly the current plan, quantity and add-ons. */
  noChange: 'no_change',
  /** The product is not a tier of the subscription's collection. */
  productNotInCollection: 'product_not_in_collection',
  /** The product cannot be a plan: not `subscription`/`usage_based`, or an add-on. */
  productNotRecurring: 'product_not_recurring',
  /** The subscription is on hold: its dues must be paid first. */
  subscriptionOnHold: 'subscription_on_hold',
  /** The subscription is cancelled or expired: it can no longer change. */
  subscriptionEnded: 'subscription_ended',
  /** Nothing is scheduled to be undone (on resume without a scheduled cancellation). */
  notScheduledToCancel: 'not_scheduled_to_cancel',
  /**
   * The payment method pays `active`/`on_hold` subscriptions and the removal did not say which card
   * pays each from now on (`details.subscriptions`).
   */
  paymentMethodInUse: 'payment_method_in_use',
  /** A dues charge for this subscription is already in flight (retry shortly). */
  chargeInProgress: 'charge_in_progress',
  /** The invoice is `paid` or `void`: there is nothing to pay (on pay). */
  invoiceNotOpen: 'invoice_not_open',
  /** The business does not let customers free license seats. */
  keyDeactivationDisabled: 'key_deactivation_disabled',
  /** `POST /v1/licenses/activate` beyond the key's activations limit. */
  activationLimitReached: 'activation_limit_reached',
  /** The license key is disabled or expired (on activate). */
  licenseKeyInactive: 'license_key_inactive',
} as const;
export type PortalErrorCode = (typeof PortalErrorCode)[keyof typeof PortalErrorCode];

// ---------------------------------------------------------------------------------------------
// Money: integers in minor units beside an ISO 4217 code, formatted only at the edge. The amount
// reaches Intl as an exact decimal *string* (Intl formats strings as decimals, never via a float).
// ---------------------------------------------------------------------------------------------

const currencyFormats = new Map<string, Intl.NumberFormat>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = currencyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    currencyFormats.set(key, format);
  }
  return format;
}

/** How many minor-unit digits a currency has (USD 2, JPY 0, KWD 3), as ICU knows it. */
export const currencyMinorDigits = (currency: string): number => currencyFormat('en', currency).resolvedOptions().maximumFractionDigits ?? 2;

/** `123456` with 2 digits → `"1234.56"`; `-5` → `"-0.05"`; `500` with 0 digits → `"500"`. Throws a RangeError on a non-integer. */
export function minorUnitsToDecimal(minor: number, fractionDigits: number): `${number}` {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Amount must be an integer in minor units: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor));
  if (fractionDigits <= 0) return `${sign}${digits}` as `${number}`;
  const padded = digits.padStart(fractionDigits + 1, '0');
  return `${sign}${padded.slice(0, -fractionDigits)}.${padded.slice(-fractionDigits)}` as `${number}`;
}

/** Formats an integer amount of minor units (cents, öre, yen) in `currency` for `locale`, with the currency's own minor digits. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const format = currencyFormat(locale, currency);
  return format.format(minorUnitsToDecimal(minor, currencyMinorDigits(currency)));
}

// ---------------------------------------------------------------------------------------------
// Cards: the checks the browser makes before sending a number and the sandbox processor makes
// when tokenizing one.
// ---------------------------------------------------------------------------------------------

/** The brand from the number's prefix (a few digits are enough). */
export const cardBrandOf = (digits: string): CardBrand => (digits.startsWith('4') ? 'visa' : /^(5[1-5]|2[2-7])/.test(digits) ? 'mastercard' : /^3[47]/.test(digits) ? 'amex' : 'unknown');

/** 12 to 19 digits whose Luhn checksum holds. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}
