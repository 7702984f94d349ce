/**
 * The wire contract: every request and response body of the merchant API (`/v1`) and the
 * portal API (`/portal/v1`), written once. The server validates with these schemas; the browser
 * client and the msw fixtures take their TypeScript types from them (`import type`), so classic
 * zod never reaches the browser bundle.
 *
 * Conventions: snake_case fields, prefixed ids (`cus_…`), money as integer minor units beside an
 * ISO 4217 currency, timestamps as ISO 8601 UTC strings, every list `{items, next_cursor}`.
 */
import { postalCodeMatches } from './postal-codes.ts';
import {
  BILLING_INTERVALS,
  BILLING_TYPES,
  CANCEL_WHEN,
  CANCELLATION_REASONS,
  CARD_BRANDS,
  INVOICE_STATUSES,
  LICENSE_KEY_STATUSES,
  MODES,
  PAYMENT_STATUSES,
  PLAN_CHANGE_DIRECTIONS,
  PRORATION_BILLING_MODES,
  REFUND_STATUSES,
  STORED_LICENSE_KEY_STATUSES,
  SUBSCRIPTION_ACTIONS,
  SUBSCRIPTION_STATUSES,
  WEBHOOK_EVENT_TYPES,
} from './values.ts';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared building blocks
// ---------------------------------------------------------------------------------------------

export const Mode = z.enum(MODES);
export type Mode = z.infer<typeof Mode>;

// C0 controls (NUL, line breaks, ESC, …), DEL and the C1 controls. PostgreSQL cannot store NUL in
// text (a 500), and a line break in a name would reach email headers: refused at the wire, once.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/;
// Multi-line fields (descriptions, comments) may hold tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER_BUT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const NO_CONTROL_CHARACTERS = 'must not contain control characters (such as NUL or a line break)';
const NO_CONTROL_CHARACTERS_BUT_LINE_BREAKS = 'must not contain control characters other than tab and line breaks';

/** Every text a client sends (body field, query parameter, path id): no control characters. */
export const text = () => z.string().refine((value) => !CONTROL_CHARACTER.test(value), NO_CONTROL_CHARACTERS);
/** Text that may span lines: tab, LF and CR allowed, every other control character (NUL first) refused. */
export const multilineText = () => z.string().refine((value) => !CONTROL_CHARACTER_BUT_LINE_BREAKS.test(value), NO_CONTROL_CHARACTERS_BUT_LINE_BREAKS);

/** Integer amount in the currency's minor unit (cents, öre, …). Never a float. */
export const MinorUnits = z.number().int().safe();
export const NonNegativeMinorUnits = MinorUnits.nonnegative();

/** ISO 4217 code, upper case. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as "USD"');

export const Timestamp = z.string().describe('ISO 8601 UTC timestamp');

/** A BCP 47 language tag such as `en`, `sv-SE`. */
export const Locale = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "en" or "sv-SE"');

export const BillingAddress = z
  .object({
    street: text().min(1).max(200),
    city: text().min(1).max(100),
    state: text().max(100),
    zipcode: text().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "SE"'),
  })
  .superRefine((address, context) => {
    if (!postalCodeMatches(address.country, address.zipcode)) {
      context.addIssue({ code: 'custom', path: ['zipcode'], message: `is not a postal code of ${address.country}` });
    }
  });
export type BillingAddress = z.infer<typeof BillingAddress>;

/** The one error shape of both APIs. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Present on `payment_failed`. */
    decline_code: z.string().optional(),
    /** Present on `invalid_request`: which fields were wrong and why. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /**
     * Present on `session_expired` and on used or expired magic links: the business's static
     * login page, where the customer can ask for a new link by email.
     */
    login_url: z.string().optional(),
    /** Present on `idempotent_request_interrupted`: the payment the interrupted request made. */
    payment_id: z.string().optional(),
    /**
     * Present on `payment_method_in_use`: the `active` and `on_hold` subscriptions the card pays,
     * each of which needs a replacement card before the card can be removed.
     */
    details: z.object({ subscriptions: z.array(z.object({ id: z.string(), product_name: z.string(), status: z.string() })).optional() }).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
export type ErrorDetails = NonNullable<ErrorBody['error']['details']>;

/** The error codes live in ./values.ts (zod-free, so the browser may read them); re-exported for every server import. */
export { BillingErrorCode, ErrorCode, PortalErrorCode } from './values.ts';

/** `?limit=&cursor=` of every list. */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: text().min(1).max(200).optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
/**
 * A list that is not paged yet has the shape of a page too (`next_cursor` always null), so every
 * list is `{items, next_cursor}` and paging it later changes no client.
 */
export const unpaged = page;

// ---------------------------------------------------------------------------------------------
// Businesses and customers
// ---------------------------------------------------------------------------------------------

export const Brand = z.object({
  display_name: z.string(),
  primary_color: z.string().nullable(),
  logo_url: z.string().nullable(),
});
export type Brand = z.infer<typeof Brand>;

export const CreateCustomerBody = z.object({
  email: z.email().max(254),
  name: text().trim().min(1).max(200),
  phone_number: text().max(40).optional(),
  billing_address: BillingAddress.optional(),
  locale: Locale.optional(),
});
export type CreateCustomerBody = z.infer<typeof CreateCustomerBody>;

export const Customer = z.object({
  customer_id: z.string(),
  business_id: z.string(),
  email: z.string(),
  name: z.string(),
  phone_number: z.string().nullable(),
  billing_address: BillingAddress.nullable(),
  locale: z.string(),
  created_at: Timestamp,
});
export type Customer = z.infer<typeof Customer>;

export const CustomerListQuery = ListQuery.extend({ email: z.email().optional() });

// ---------------------------------------------------------------------------------------------
// Invoices
// ---------------------------------------------------------------------------------------------

export const InvoiceStatus = z.enum(INVOICE_STATUSES);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

/**
 * A line the server wrote itself ("Unused time on Pro") names its message and parameters, so each
 * reader gets it in their language: `description` is already rendered in the language of the
 * request (portal: `Accept-Language`, else the customer's locale; merchant API: English).
 * Merchant-written lines have neither.
 */
const LineDescription = {
  description: z.string(),
  description_key: z.string().optional(),
  description_params: z.record(z.string(), z.string().nullable()).optional(),
};

export const InvoiceLineItem = z.object({
  ...LineDescription,
  quantity: z.number().int().positive(),
  unit_amount: MinorUnits,
  amount: MinorUnits,
  /**
   * The rate this line is taxed at (its product's), in basis points. An invoice's `tax` is rounded
   * once per rate, half away from zero, on the sum of that rate's lines; credit lines carry 0.
   */
  tax_rate_bps: z.number().int().min(0).max(10_000),
  /** The service period a subscription line covers (absent on one-off lines). */
  period: z.object({ start: z.string(), end: z.string() }).optional(),
});
export type InvoiceLineItem = z.infer<typeof InvoiceLineItem>;

export const Invoice = z.object({
  invoice_id: z.string(),
  /** Sequential per business and mode, e.g. `INV-000042`. */
  number: z.string(),
  status: InvoiceStatus,
  currency: Currency,
  subtotal: MinorUnits,
  tax: MinorUnits,
  total: MinorUnits,
  issued_at: Timestamp,
  paid_at: Timestamp.nullable(),
  customer_id: z.string(),
  subscription_id: z.string().nullable(),
  line_items: z.array(InvoiceLineItem),
  /** Snapshot of the customer's billing address when the invoice was issued. */
  billing_address: BillingAddress.nullable(),
  /** Refunds of the payments of this invoice (not failed ones), oldest first. */
  refunds: z.array(z.object({ refund_id: z.string(), amount: MinorUnits, created_at: Timestamp, reason: z.string().nullable() })).optional(),
  /** Sum of `refunds`. */
  amount_refunded: MinorUnits.optional(),
});
export type Invoice = z.infer<typeof Invoice>;

export const InvoicePage = page(Invoice);
export type InvoicePage = Page<Invoice>;

// ---------------------------------------------------------------------------------------------
// Portal sessions
// ---------------------------------------------------------------------------------------------

/** A `return_url` must be https, or http on localhost. */
export const ReturnUrl = z
  .url()
  .max(2000)
  .refine((value) => {
    // zod runs refinements after a failed .url() too: an unparsable value is simply not allowed.
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }, 'must be an https URL (http is allowed only on localhost)')
  .refine((value) => !CONTROL_CHARACTER.test(value), NO_CONTROL_CHARACTERS);

export const CreatePortalSessionBody = z.object({
  ttl_seconds: z.number().int().min(300).max(86_400).default(86_400),
  return_url: ReturnUrl.optional(),
  /** Also email the link to the customer (in the customer's locale). 503 `email_not_configured` without SMTP. */
  send_email: z.boolean().default(false),
});
export type CreatePortalSessionBody = z.infer<typeof CreatePortalSessionBody>;

export const PortalSession = z.object({
  /** Opens the hosted portal for this customer. The token travels in the fragment and is dropped from the address bar on load. */
  link: z.string(),
  session_token: z.string(),
  expires_at: Timestamp,
});
export type PortalSession = z.infer<typeof PortalSession>;

/** `GET /portal/v1/session`: who the session belongs to, for the portal's header. */
export const PortalSessionInfo = z.object({
  mode: Mode,
  expires_at: Timestamp,
  return_url: z.string().nullable(),
  business: z.object({
    business_id: z.string(),
    /** The business's legal name (what its invoices are issued under). */
    name: z.string(),
    /** The name a customer reads in the portal: the brand's display name (the legal name if it has none), as in the emails and the login page. */
    display_name: z.string(),
    brand: Brand,
  }),
  customer: z.object({ customer_id: z.string(), name: z.string(), email: z.string(), locale: z.string() }),
  /** The business's static login page for this mode, where a new link can be requested by email. */
  login_url: z.string(),
});
export type PortalSessionInfo = z.infer<typeof PortalSessionInfo>;

// ---------------------------------------------------------------------------------------------
// CLI output (a public contract too: merchants script against it)
// ---------------------------------------------------------------------------------------------

export const BusinessCreated = z.object({
  business_id: z.string(),
  api_keys: z.object({ test: z.string(), live: z.string() }),
});
export type BusinessCreated = z.infer<typeof BusinessCreated>;

/** `dodo-portal seed --demo --json`: a demo business with customers and invoices (test mode). */
export const DemoSeeded = BusinessCreated.extend({
  demo_customer_id: z.string(),
  customers: z.array(z.object({ customer_id: z.string(), email: z.string(), name: z.string() })),
  invoice_count: z.number().int().nonnegative(),
  /** The demo catalog: three tiers in one collection, an add-on, a usage-based plan, a licensed product. */
  products: z.object({ starter: z.string(), pro: z.string(), business: z.string(), extra_seat: z.string(), compute: z.string(), license: z.string() }),
  collection_id: z.string(),
  /** `on_hold` is Kenji's subscription (the same as `renewing_on_declining_card`) after the seed ran its renewal. */
  subscriptions: z.object({ active: z.string(), cancelled: z.string(), renewing_on_declining_card: z.string(), on_hold: z.string() }),
  /** The demo business's test clock after the seed advanced it to Kenji's renewal. */
  test_clock: Timestamp,
});
export type DemoSeeded = z.infer<typeof DemoSeeded>;

// ---------------------------------------------------------------------------------------------
// Merchant invoices (a one-off invoice; the billing engine also issues them from subscriptions)
// ---------------------------------------------------------------------------------------------

export const CreateInvoiceBody = z.object({
  customer_id: text().min(1),
  currency: Currency,
  line_items: z
    .array(
      z.object({
        description: text().trim().min(1).max(500),
        quantity: z.number().int().min(1).max(1_000_000).default(1),
        unit_amount: NonNegativeMinorUnits,
      }),
    )
    .min(1)
    .max(100),
  /** Tax rate in basis points (2500 = 25 %). Rounding rule: half away from zero, once, on the subtotal. */
  tax_rate_bps: z.number().int().min(0).max(10_000).default(0),
  /** `paid` records an invoice settled outside the portal; `open` leaves it due. */
  status: z.enum(['open', 'paid']).default('paid'),
});
export type CreateInvoiceBody = z.infer<typeof CreateInvoiceBody>;

export const InvoiceListQuery = ListQuery.extend({ customer_id: text().min(1).optional() });

// ---------------------------------------------------------------------------------------------
// Portal access: magic links, static login links, email login
// ---------------------------------------------------------------------------------------------

/** `POST /v1/customers/{id}/customer-portal/magic-link` (body optional). */
export const CreateMagicLinkBody = z.object({
  return_url: ReturnUrl.optional(),
});
export type CreateMagicLinkBody = z.infer<typeof CreateMagicLinkBody>;

/** A one-time link that opens a portal session; expires after 24 h. */
export const MagicLink = z.object({
  link: z.string(),
  expires_at: Timestamp,
});
export type MagicLink = z.infer<typeof MagicLink>;

/**
 * `POST /v1/customers/{id}/customer-portal/sessions/revoke`: how many live portal sessions and
 * unused magic links of the customer (in the key's business and mode) were ended.
 */
export const PortalAccessRevoked = z.object({
  revoked_sessions: z.number().int().nonnegative(),
  revoked_links: z.number().int().nonnegative(),
});
export type PortalAccessRevoked = z.infer<typeof PortalAccessRevoked>;

/** `GET /v1/customers/{id}/customer-portal/invite`: what the merchant shares with the customer. */
export const PortalInvite = z.object({
  /** `{PUBLIC_URL}/login/{business_id}` (live) or `{PUBLIC_URL}/test/login/{business_id}` (test). Never expires. */
  static_link: z.string(),
  /** A fresh one-time magic link. */
  dynamic_link: z.string(),
  dynamic_link_expires_at: Timestamp,
});
export type PortalInvite = z.infer<typeof PortalInvite>;

/** `dodo-portal invite --customer ID --json`. */
export const InvitePrinted = PortalInvite.extend({
  customer_id: z.string(),
  business_id: z.string(),
  mode: Mode,
});
export type InvitePrinted = z.infer<typeof InvitePrinted>;

/** One test-mode email kept in the outbox (no SMTP configured); `dodo-portal outbox --json` prints an array, newest first. */
export const OutboxMail = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  created_at: z.string(),
  text: z.string(),
});
export type OutboxMail = z.infer<typeof OutboxMail>;

/** `POST /portal/v1/login`: ask for a sign-in link by email (no session needed). */
export const LoginBody = z.object({
  business_id: text().min(1).max(64),
  email: z.email().max(254),
  mode: Mode.default('live'),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** The one answer to every accepted login request, whether or not the email is a customer's. */
export const LoginAccepted = z.object({ accepted: z.literal(true) });
export type LoginAccepted = z.infer<typeof LoginAccepted>;

// ---------------------------------------------------------------------------------------------
// Unified portal: one sign-in for every business where an email is a customer (in one mode)

/** `POST /portal/v1/unified/login`: answered like `/portal/v1/login`, always `202 LoginAccepted`. */
export const UnifiedLoginBody = z.object({
  email: z.email().max(254),
  mode: Mode.default('live'),
});
export type UnifiedLoginBody = z.infer<typeof UnifiedLoginBody>;

/** `POST /portal/v1/unified/magic-link/exchange` takes `ExchangeMagicLinkBody` (a `dpx_…` code) and answers `201 MagicLinkExchanged` with a `dpu_…` unified token. */

/** One business of the unified overview: who the email is there, and where its billing stands. */
export const UnifiedBusiness = z.object({
  business_id: z.string(),
  name: z.string(),
  brand: Brand,
  customer_id: z.string(),
  /** Subscriptions with status `active`. */
  active_subscriptions: z.number().int(),
  latest_invoice: Invoice.nullable(),
  /**
   * When a portal opened from this row ends, on this business's clock (its test clock in test mode),
   * the clock every date of this row is on. The same instant as the overview's `expires_at`, which is real time.
   */
  portal_expires_at: Timestamp,
});
export type UnifiedBusiness = z.infer<typeof UnifiedBusiness>;

/** `GET /portal/v1/unified/businesses`. */
export const UnifiedBusinessList = z.object({
  email: z.string(),
  mode: Mode,
  expires_at: Timestamp,
  items: z.array(UnifiedBusiness),
  /** Always null: every business is in this answer. */
  next_cursor: z.string().nullable(),
});
export type UnifiedBusinessList = z.infer<typeof UnifiedBusinessList>;

/** `POST /portal/v1/magic-link/exchange`: the hosted landing page trades a code for a session. */
export const ExchangeMagicLinkBody = z.object({
  code: text().min(1).max(200),
});
export type ExchangeMagicLinkBody = z.infer<typeof ExchangeMagicLinkBody>;

export const MagicLinkExchanged = z.object({
  session_token: z.string(),
  expires_at: Timestamp,
});
export type MagicLinkExchanged = z.infer<typeof MagicLinkExchanged>;

// ---------------------------------------------------------------------------------------------
// Billing engine: products, collections, business settings, payment methods, subscriptions,
// payments, the sandbox processor's tokens. Error codes it adds are in BillingErrorCode.
// ---------------------------------------------------------------------------------------------

export const BillingType = z.enum(BILLING_TYPES);
export type BillingType = z.infer<typeof BillingType>;
export const BillingInterval = z.enum(BILLING_INTERVALS);
export type BillingInterval = z.infer<typeof BillingInterval>;

const ProductName = text().trim().min(1).max(200);
const TaxRateBps = z.number().int().min(0).max(10_000);
const Quantity = z.number().int().min(1).max(10_000);

export const ProductUsage = z.object({
  /** The meter usage events name, e.g. `api_calls`. */
  meter: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits and _ (e.g. "api_calls")'),
  /** Price of one unit of usage, in minor units. */
  unit_price: NonNegativeMinorUnits,
});
export type ProductUsage = z.infer<typeof ProductUsage>;

export const LicenseKeySettings = z.object({
  /** How many activations a key allows; null is unlimited. */
  activations_limit: z.number().int().min(1).max(1_000_000).nullable(),
  /** How long a key stays valid; null never expires. */
  duration_days: z.number().int().min(1).max(36_500).nullable(),
});
export type LicenseKeySettings = z.infer<typeof LicenseKeySettings>;

/**
 * `POST /v1/products`. Rules: `subscription` and `usage_based` need `interval`; `one_time` takes
 * neither `interval`, `interval_count` nor `usage`; `usage_based` needs `usage`, the others refuse
 * it; `is_addon` only on a `subscription`. `price` of a `usage_based` product is its fixed fee per
 * period (may be 0).
 */
export const CreateProductBody = z.object({
  name: ProductName,
  description: multilineText().trim().max(2000).optional(),
  billing_type: BillingType,
  price: NonNegativeMinorUnits,
  currency: Currency,
  interval: BillingInterval.optional(),
  /** Periods per billing cycle (interval `month` + count 3 = quarterly). Default 1. */
  interval_count: z.number().int().min(1).max(12).optional(),
  tax_rate_bps: TaxRateBps.default(0),
  usage: ProductUsage.optional(),
  is_addon: z.boolean().default(false),
  license_key: LicenseKeySettings.optional(),
});
export type CreateProductBody = z.infer<typeof CreateProductBody>;

export const Product = z.object({
  product_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  billing_type: BillingType,
  price: MinorUnits,
  currency: Currency,
  interval: BillingInterval.nullable(),
  interval_count: z.number().int().nullable(),
  tax_rate_bps: z.number().int(),
  usage: ProductUsage.nullable(),
  is_addon: z.boolean(),
  license_key: LicenseKeySettings.nullable(),
  /** The collection (tier ladder) the product belongs to, if any. */
  collection_id: z.string().nullable(),
  created_at: Timestamp,
});
export type Product = z.infer<typeof Product>;
export const ProductPage = page(Product);

export const ProductListQuery = ListQuery.extend({
  billing_type: BillingType.optional(),
});

/** `POST /v1/product-collections`: `product_ids` ordered from the lowest to the highest tier. */
export const CreateProductCollectionBody = z.object({
  name: ProductName,
  product_ids: z.array(text().min(1)).min(1).max(50),
});
export type CreateProductCollectionBody = z.infer<typeof CreateProductCollectionBody>;

/** `PATCH /v1/product-collections/{id}`: `product_ids` replaces the whole ordered list. */
export const UpdateProductCollectionBody = z
  .object({ name: ProductName.optional(), product_ids: z.array(text().min(1)).min(1).max(50).optional() })
  .refine((body) => body.name !== undefined || body.product_ids !== undefined, 'give name and/or product_ids');
export type UpdateProductCollectionBody = z.infer<typeof UpdateProductCollectionBody>;

export const ProductCollection = z.object({
  collection_id: z.string(),
  name: z.string(),
  /** Lowest tier first. */
  products: z.array(Product),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type ProductCollection = z.infer<typeof ProductCollection>;
export const ProductCollectionPage = page(ProductCollection);

export const ProrationBillingMode = z.enum(PRORATION_BILLING_MODES);
export type ProrationBillingMode = z.infer<typeof ProrationBillingMode>;

export const BusinessSettings = z.object({
  business_id: z.string(),
  name: z.string(),
  allow_subscription_updates: z.boolean(),
  allow_cancellation: z.boolean(),
  proration_billing_mode: ProrationBillingMode,
  /** Whether customers may free license-key seats in the portal (default true). */
  allow_customer_key_deactivation: z.boolean(),
  allowed_origins: z.array(z.string()),
  return_url: z.string().nullable(),
  default_locale: z.string(),
  brand: Brand,
  /** Where customers sign in to the portal without a merchant-made link, per mode. */
  static_links: z.object({ test: z.string(), live: z.string() }),
});
export type BusinessSettings = z.infer<typeof BusinessSettings>;

const HttpsUrl = z
  .url()
  .max(2000)
  .refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an https URL')
  .refine((value) => !CONTROL_CHARACTER.test(value), NO_CONTROL_CHARACTERS);

export const UpdateBusinessBody = z.object({
  name: ProductName.optional(),
  allow_subscription_updates: z.boolean().optional(),
  allow_cancellation: z.boolean().optional(),
  proration_billing_mode: ProrationBillingMode.optional(),
  allow_customer_key_deactivation: z.boolean().optional(),
  /** Replaces the list. Origins only (`https://app.example.com`), no paths. */
  allowed_origins: z.array(text().min(1).max(300)).max(50).optional(),
  return_url: ReturnUrl.nullable().optional(),
  default_locale: Locale.optional(),
  brand: z
    .object({
      display_name: text().trim().min(1).max(200).optional(),
      primary_color: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as "#4f46e5"')
        .nullable()
        .optional(),
      logo_url: HttpsUrl.nullable().optional(),
    })
    .strict()
    .optional(),
});
export type UpdateBusinessBody = z.infer<typeof UpdateBusinessBody>;

/** `PATCH /v1/customers/{id}`: the fields given change; `null` clears a nullable one. */
export const UpdateCustomerBody = z
  .object({
    email: z.email().max(254).optional(),
    name: text().trim().min(1).max(200).optional(),
    phone_number: text().max(40).nullable().optional(),
    billing_address: BillingAddress.nullable().optional(),
    locale: Locale.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateCustomerBody = z.infer<typeof UpdateCustomerBody>;

export const CardBrand = z.enum(CARD_BRANDS);
export type CardBrand = z.infer<typeof CardBrand>;

export const AttachPaymentMethodBody = z.object({ card_token: text().min(1).max(200) });
export type AttachPaymentMethodBody = z.infer<typeof AttachPaymentMethodBody>;

export const PaymentMethod = z.object({
  payment_method_id: z.string(),
  customer_id: z.string(),
  brand: CardBrand,
  last4: z.string(),
  exp_month: z.number().int(),
  exp_year: z.number().int(),
  /** Future charges of the customer's new subscriptions use the default card. */
  is_default: z.boolean(),
  created_at: Timestamp,
});
export type PaymentMethod = z.infer<typeof PaymentMethod>;

/** `POST /sandbox/v1/tokens`: client-side tokenization of the test-mode processor (no secret). */
export const CreateCardTokenBody = z.object({
  number: text().min(1).max(40),
  exp_month: z.number().int(),
  exp_year: z.number().int(),
  cvc: text().min(1).max(8),
  name: text().max(200).optional(),
});
export type CreateCardTokenBody = z.infer<typeof CreateCardTokenBody>;

export const CardTokenCreated = z.object({
  card_token: z.string(),
  brand: CardBrand,
  last4: z.string(),
  exp_month: z.number().int(),
  exp_year: z.number().int(),
});
export type CardTokenCreated = z.infer<typeof CardTokenCreated>;

/** Exactly one of `card_token` (a fresh token) or `payment_method_id` (a saved card). */
const PaymentSource = {
  card_token: text().min(1).max(200).optional(),
  payment_method_id: text().min(1).max(200).optional(),
};
const onePaymentSource = (body: { card_token?: string | undefined; payment_method_id?: string | undefined }) => (body.card_token === undefined) !== (body.payment_method_id === undefined);
const ONE_PAYMENT_SOURCE = 'give exactly one of card_token or payment_method_id';

export const CreateSubscriptionBody = z
  .object({
    customer_id: text().min(1),
    product_id: text().min(1),
    quantity: Quantity.default(1),
    addons: z
      .array(z.object({ product_id: text().min(1), quantity: Quantity.default(1) }).strict())
      .max(20)
      .default([]),
    ...PaymentSource,
  })
  .refine(onePaymentSource, ONE_PAYMENT_SOURCE);
export type CreateSubscriptionBody = z.infer<typeof CreateSubscriptionBody>;

export const UpdateSubscriptionBody = z
  .object({ ...PaymentSource, cancel_at_period_end: z.boolean().optional() })
  .refine((body) => !(body.card_token !== undefined && body.payment_method_id !== undefined), 'give at most one of card_token or payment_method_id')
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give a payment method and/or cancel_at_period_end');
export type UpdateSubscriptionBody = z.infer<typeof UpdateSubscriptionBody>;

export const SubscriptionStatus = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

export const Subscription = z.object({
  subscription_id: z.string(),
  customer_id: z.string(),
  product_id: z.string(),
  quantity: z.number().int(),
  status: SubscriptionStatus,
  currency: Currency,
  interval: BillingInterval,
  interval_count: z.number().int(),
  current_period_start: Timestamp,
  current_period_end: Timestamp,
  /** When the next charge is due; null once nothing more will be charged. */
  next_billing_date: Timestamp.nullable(),
  cancel_at_period_end: z.boolean(),
  cancelled_at: Timestamp.nullable(),
  payment_method: z.object({ payment_method_id: z.string(), brand: CardBrand, last4: z.string() }).nullable(),
  addons: z.array(z.object({ product_id: z.string(), quantity: z.number().int() })),
  created_at: Timestamp,
});
export type Subscription = z.infer<typeof Subscription>;
export const SubscriptionPage = page(Subscription);
export const SubscriptionListQuery = ListQuery.extend({ customer_id: text().min(1).optional(), status: SubscriptionStatus.optional() });

export const CreatePaymentBody = z
  .object({
    customer_id: text().min(1),
    items: z
      .array(z.object({ product_id: text().min(1), quantity: Quantity.default(1) }).strict())
      .min(1)
      .max(50),
    ...PaymentSource,
  })
  .refine(onePaymentSource, ONE_PAYMENT_SOURCE);
export type CreatePaymentBody = z.infer<typeof CreatePaymentBody>;

export const PaymentStatus = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/** `pending` only while the processor is being called; a `failed` refund gave its amount back. */
export const RefundStatus = z.enum(REFUND_STATUSES);
export type RefundStatus = z.infer<typeof RefundStatus>;

export const Refund = z.object({
  refund_id: z.string(),
  payment_id: z.string(),
  invoice_id: z.string().nullable(),
  amount: MinorUnits,
  currency: Currency,
  reason: z.string().nullable(),
  status: RefundStatus,
  created_at: Timestamp,
});
export type Refund = z.infer<typeof Refund>;
/** A transaction: one charge attempt, failed ones included. */
export const Payment = z.object({
  payment_id: z.string(),
  customer_id: z.string(),
  /** The invoice it paid; null for a failed first charge (no invoice is issued then). */
  invoice_id: z.string().nullable(),
  subscription_id: z.string().nullable(),
  amount: MinorUnits,
  amount_refunded: MinorUnits,
  currency: Currency,
  status: PaymentStatus,
  decline_code: z.string().nullable(),
  failure_message: z.string().nullable(),
  card: z.object({ brand: CardBrand, last4: z.string() }).nullable(),
  /** Its refunds (not failed ones), oldest first; their sum is `amount_refunded`. */
  refunds: z.array(Refund).optional(),
  created_at: Timestamp,
});
export type Payment = z.infer<typeof Payment>;
export const PaymentPage = page(Payment);
export type PaymentPage = Page<Payment>;
export const PaymentListQuery = ListQuery.extend({ customer_id: text().min(1).optional() });

/** `POST /v1/refunds`: all of what is left of the payment when `amount` is omitted. */
export const CreateRefundBody = z.object({
  payment_id: text().min(1),
  amount: MinorUnits.positive().optional(),
  reason: text().trim().min(1).max(500).optional(),
});
export type CreateRefundBody = z.infer<typeof CreateRefundBody>;

export const RefundPage = page(Refund);
export const RefundListQuery = ListQuery.extend({ payment_id: text().min(1).optional() });

// ---------------------------------------------------------------------------------------------
// Billing engine, part 2: the test clock.
// ---------------------------------------------------------------------------------------------

/** The longest test-clock advance one call may make: two 366-day years. */
export const MAX_TEST_CLOCK_ADVANCE_SECONDS = 2 * 366 * 86_400;

/**
 * `POST /v1/test-clock/advance`: forward by `seconds`, or to the instant `to` (not in the past),
 * at most MAX_TEST_CLOCK_ADVANCE_SECONDS ahead (further → 400 `test_clock_advance_too_far`).
 */
export const AdvanceTestClockBody = z.union([
  z.object({ seconds: z.number().int().min(0).describe('At most 63244800 (two 366-day years); more → 400 `test_clock_advance_too_far`.') }).strict(),
  z.object({ to: z.string().datetime({ offset: true }) }).strict(),
]);
export type AdvanceTestClockBody = z.infer<typeof AdvanceTestClockBody>;

/** The business's test-mode clock: frozen between advances. */
export const TestClock = z.object({
  now: Timestamp,
  /** What the advance ran (0 for `GET`). */
  renewals: z.object({ renewed: z.number().int(), on_hold: z.number().int(), cancelled: z.number().int() }),
});
export type TestClock = z.infer<typeof TestClock>;

// ---------------------------------------------------------------------------------------------
// Webhooks (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature "v1,<base64>").
// ---------------------------------------------------------------------------------------------

/** Event types: frozen names (renaming one breaks merchants silently). */
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export const CreateWebhookEndpointBody = z.object({
  url: text().url().max(2048),
  /** Only these events; omitted = every event. */
  events: z.array(WebhookEventType).min(1).optional(),
});
export type CreateWebhookEndpointBody = z.infer<typeof CreateWebhookEndpointBody>;

export const WebhookEndpoint = z.object({
  webhook_endpoint_id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventType).nullable(),
  created_at: Timestamp,
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The answer of `POST /v1/webhook-endpoints`: the only time the signing secret is shown. */
export const WebhookEndpointCreated = WebhookEndpoint.extend({ secret: z.string().describe('whsec_… (base64 key); shown once') });
export type WebhookEndpointCreated = z.infer<typeof WebhookEndpointCreated>;
export const WebhookEndpointPage = page(WebhookEndpoint);

export const WebhookAttempt = z.object({
  attempted_at: Timestamp,
  /** The receiver's HTTP status, or null when no answer came (see `error`). */
  response_status: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

export const WebhookDelivery = z.object({
  /** The `webhook-id` header: the same on every retry of this delivery. */
  delivery_id: z.string(),
  webhook_endpoint_id: z.string(),
  event_type: WebhookEventType,
  status: z.enum(REFUND_STATUSES),
  /** Real time of the next try while pending. */
  next_attempt_at: Timestamp.nullable(),
  payload: z.object({ type: WebhookEventType, timestamp: Timestamp, business_id: z.string(), data: z.record(z.string(), z.unknown()) }),
  attempts: z.array(WebhookAttempt),
  created_at: Timestamp,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export const WebhookDeliveryPage = page(WebhookDelivery);

// ---------------------------------------------------------------------------------------------
// Usage events: metered usage of a usage_based subscription, billed on its renewal invoice.
// ---------------------------------------------------------------------------------------------

export const CreateUsageEventBody = z.object({
  subscription_id: text().min(1),
  /** The product's `usage.meter`. */
  meter: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .max(64),
  quantity: z.number().int().min(1).max(1_000_000_000),
  /** The merchant's id for this event: sending it again records nothing new. */
  event_id: text().min(1).max(255),
});
export type CreateUsageEventBody = z.infer<typeof CreateUsageEventBody>;

export const UsageEvent = z.object({
  usage_event_id: z.string(),
  event_id: z.string(),
  subscription_id: z.string(),
  meter: z.string(),
  quantity: z.number().int(),
  /** When it was recorded, in the mode's time: it is billed with the period this falls in. */
  occurred_at: Timestamp,
});
export type UsageEvent = z.infer<typeof UsageEvent>;

// ---------------------------------------------------------------------------------------------
// Customer portal: subscriptions, plan changes and profile (issue 5), payment methods and
// on-hold recovery (issue 6), license keys (issue 7). Paths are under `/portal/v1`, called with
// a session token. The element-facing contract: the elements read these types through client.ts.
// ---------------------------------------------------------------------------------------------

/** What a customer may do with a subscription right now (the elements show only these). */
export const SubscriptionAction = z.enum(SUBSCRIPTION_ACTIONS);
export type SubscriptionAction = z.infer<typeof SubscriptionAction>;

/** A product as the portal shows it (a plan, an add-on or a plan option). */
export const PortalProduct = z.object({
  product_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  billing_type: BillingType,
  /** Unit price per interval, minor units. */
  price: MinorUnits,
  currency: Currency,
  interval: BillingInterval.nullable(),
  interval_count: z.number().int().nullable(),
  tax_rate_bps: z.number().int(),
});
export type PortalProduct = z.infer<typeof PortalProduct>;

/** `GET /portal/v1/subscriptions[/{id}]`: a subscription with what the portal needs to show it. */
export const PortalSubscription = Subscription.extend({
  product: PortalProduct,
  /** Each add-on with its product (price per unit) and quantity. */
  addon_items: z.array(z.object({ product: PortalProduct, quantity: z.number().int() })),
  /** Plan price × quantity + add-ons × quantities, before tax, per period. */
  recurring_amount: MinorUnits,
  /** The tier ladder it can move along; null when its product is in no collection. */
  collection_id: z.string().nullable(),
  actions: z.array(SubscriptionAction),
});
export type PortalSubscription = z.infer<typeof PortalSubscription>;
export const PortalSubscriptionPage = page(PortalSubscription);
export type PortalSubscriptionPage = Page<PortalSubscription>;

export const CancellationReason = z.enum(CANCELLATION_REASONS);
export type CancellationReason = z.infer<typeof CancellationReason>;

/** `POST /portal/v1/subscriptions/{id}/cancel`. */
export const CancelSubscriptionBody = z
  .object({
    when: z.enum(CANCEL_WHEN).default('period_end'),
    reason: CancellationReason.optional(),
    comment: multilineText().trim().max(2000).optional(),
  })
  .strict();
export type CancelSubscriptionBody = z.infer<typeof CancelSubscriptionBody>;

/** One entry of `GET /portal/v1/subscriptions/{id}/plan-options`: another tier of the collection. */
export const PlanOption = PortalProduct.extend({
  direction: z.enum(PLAN_CHANGE_DIRECTIONS),
  /** Its place on the ladder, 0 = lowest tier. */
  tier: z.number().int(),
});
export type PlanOption = z.infer<typeof PlanOption>;

/** `GET /portal/v1/subscriptions/{id}/plan-options`. */
export const PlanOptions = z.object({
  subscription_id: z.string(),
  collection_id: z.string().nullable(),
  /** The current plan and its tier. */
  current: PortalProduct.extend({ tier: z.number().int() }),
  /** The other tiers, lowest first. */
  items: z.array(PlanOption),
  /** Always null: every tier is in this answer. */
  next_cursor: z.string().nullable(),
  /** Add-on products the subscription may carry (same interval and currency as its plan). */
  addons: z.array(PortalProduct),
});
export type PlanOptions = z.infer<typeof PlanOptions>;

/** `POST /portal/v1/subscriptions/{id}/change-plan[/preview]`; omitted quantity/addons keep the current ones. */
export const ChangePlanBody = z
  .object({
    product_id: text().min(1),
    quantity: Quantity.optional(),
    addons: z
      .array(z.object({ product_id: text().min(1), quantity: Quantity }).strict())
      .max(20)
      .optional(),
    /**
     * The preview's `prorated_at`: prices the change at that instant, so the charge equals the
     * preview even when the clock moved in between (at most an hour back, within the current period).
     */
    prorated_at: z.string().datetime({ offset: true }).optional(),
  })
  .strict();
export type ChangePlanBody = z.infer<typeof ChangePlanBody>;

/** The preview of a plan change: exactly what `change-plan` will charge. */
export const ChangePlanPreview = z.object({
  immediate_charge: z.object({
    /** Signed lines: "Unused time on Basic" is negative, "Remaining time on Pro" positive. */
    line_items: z.array(z.object({ ...LineDescription, amount: MinorUnits, product_id: z.string().optional() })),
    subtotal: MinorUnits,
    tax: MinorUnits,
    /** Customer credit spent on this charge (after tax). */
    credit_applied: NonNegativeMinorUnits,
    /** What the card is charged now: never negative. */
    total: NonNegativeMinorUnits,
    currency: Currency,
  }),
  /** What becomes customer credit (a negative change is never refunded to the card). */
  credit_to_balance: NonNegativeMinorUnits,
  next_billing_date: Timestamp,
  /** The plan, quantity and add-ons the subscription will have. */
  product_id: z.string(),
  quantity: z.number().int(),
  addons: z.array(z.object({ product_id: z.string(), quantity: z.number().int() })),
  /** The instant the preview was priced at; send it back with `change-plan` to be charged exactly this. */
  prorated_at: Timestamp.optional(),
});
export type ChangePlanPreview = z.infer<typeof ChangePlanPreview>;

/** `POST /portal/v1/subscriptions/{id}/change-plan`: the subscription on its new plan; invoice and payment when something was charged. */
export const ChangePlanResult = z.object({
  subscription: PortalSubscription,
  invoice: Invoice.nullable(),
  payment: Payment.nullable(),
  credit_to_balance: NonNegativeMinorUnits,
});
export type ChangePlanResult = z.infer<typeof ChangePlanResult>;

export const CreditBalance = z.object({ currency: Currency, amount: NonNegativeMinorUnits });
export type CreditBalance = z.infer<typeof CreditBalance>;

/** `GET /portal/v1/profile`. */
export const Profile = z.object({
  customer_id: z.string(),
  name: z.string(),
  email: z.string(),
  phone_number: z.string().nullable(),
  billing_address: BillingAddress.nullable(),
  credit_balances: z.array(CreditBalance),
});
export type Profile = z.infer<typeof Profile>;

/** `PATCH /portal/v1/profile`: email and phone are shown, not editable here. */
export const UpdateProfileBody = z
  .object({
    name: text().trim().min(1).max(200).optional(),
    billing_address: BillingAddress.nullable().optional(),
  })
  .strict()
  .refine((body) => body.name !== undefined || body.billing_address !== undefined, 'give name and/or billing_address');
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

/** `GET /portal/v1/payment-methods` items: a saved card and the subscriptions it pays. */
export const PortalPaymentMethod = PaymentMethod.extend({ subscription_ids: z.array(z.string()) });
export type PortalPaymentMethod = z.infer<typeof PortalPaymentMethod>;
export const PortalPaymentMethodList = unpaged(PortalPaymentMethod);
export type PortalPaymentMethodList = z.infer<typeof PortalPaymentMethodList>;

/** `GET /portal/v1/subscriptions/{id}/dues`: what an on-hold subscription owes now (0 otherwise). */
export const Dues = z.object({ amount: NonNegativeMinorUnits, currency: Currency, invoice_ids: z.array(z.string()) });
export type Dues = z.infer<typeof Dues>;

/** `POST /portal/v1/subscriptions/{id}/payment-method`. */
/**
 * `DELETE /portal/v1/payment-methods/{id}`: for a card that pays live subscriptions, which of the
 * customer's other saved cards pays each of them from now on (`subscription_id → payment_method_id`).
 * An empty body (or no `replacements`) removes a card no live subscription uses.
 */
export const DeletePaymentMethodBody = z.object({ replacements: z.record(text().min(1).max(200), text().min(1).max(200)).optional() }).strict();
export type DeletePaymentMethodBody = z.infer<typeof DeletePaymentMethodBody>;

/** `POST /portal/v1/subscriptions/{id}/payment-method`. */
export const SetSubscriptionPaymentMethodBody = z.object({ payment_method_id: text().min(1).max(200) }).strict();
export type SetSubscriptionPaymentMethodBody = z.infer<typeof SetSubscriptionPaymentMethodBody>;

/** Its answer: for an on-hold subscription whose dues were paid, the payment and the dues invoice too. */
export const SubscriptionPaymentMethodResult = z.object({
  subscription: PortalSubscription,
  payment: Payment.nullable(),
  invoice: Invoice.nullable(),
});
export type SubscriptionPaymentMethodResult = z.infer<typeof SubscriptionPaymentMethodResult>;

/** `POST /portal/v1/invoices/{id}/pay`: a saved card, or a fresh token (saved as a card first). */
export const PayInvoiceBody = z
  .object({ ...PaymentSource })
  .strict()
  .refine(onePaymentSource, ONE_PAYMENT_SOURCE);
export type PayInvoiceBody = z.infer<typeof PayInvoiceBody>;

/**
 * Its answer: the paid invoice and the payment. Paying the dues invoice of an on-hold subscription
 * reactivates it, and (as `payment-method` does) the open invoice is voided and replaced by a paid
 * dues invoice, which is the `invoice` here; `replaced_invoice_id` names the one that was paid.
 */
export const PayInvoiceResult = z.object({
  invoice: Invoice,
  /** The charge; null only for an invoice whose total was 0 (nothing was charged). */
  payment: Payment.nullable(),
  replaced_invoice_id: z.string().nullable(),
});
export type PayInvoiceResult = z.infer<typeof PayInvoiceResult>;

export const LicenseKeyStatus = z.enum(LICENSE_KEY_STATUSES);
export type LicenseKeyStatus = z.infer<typeof LicenseKeyStatus>;

/** A license key (merchant API). `key` only where revealed: the merchant API's single-key reads. */
export const LicenseKey = z.object({
  license_key_id: z.string(),
  customer_id: z.string(),
  product_id: z.string(),
  /** e.g. `•••••-•••••-•••••-•••••-7KQ2M`: safe to show and log. */
  key_masked: z.string(),
  key: z.string().optional(),
  status: LicenseKeyStatus,
  /** null = unlimited. */
  activations_limit: z.number().int().nullable(),
  instances_count: z.number().int(),
  expires_at: Timestamp.nullable(),
  /** The purchase it came from: the subscription, or the invoice / payment of a one-time purchase. */
  subscription_id: z.string().nullable(),
  invoice_id: z.string().nullable(),
  payment_id: z.string().nullable(),
  created_at: Timestamp,
});
export type LicenseKey = z.infer<typeof LicenseKey>;
export const LicenseKeyPage = page(LicenseKey);
export const LicenseKeyListQuery = ListQuery.extend({ customer_id: text().min(1).optional() });

/** `PATCH /v1/license-keys/{id}`. */
export const UpdateLicenseKeyBody = z
  .object({
    status: z.enum(STORED_LICENSE_KEY_STATUSES).optional(),
    activations_limit: z.number().int().min(1).max(1_000_000).nullable().optional(),
    expires_at: z.string().datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give status, activations_limit and/or expires_at');
export type UpdateLicenseKeyBody = z.infer<typeof UpdateLicenseKeyBody>;

/** One activation (seat) of a key. */
export const LicenseKeyInstance = z.object({
  license_key_instance_id: z.string(),
  license_key_id: z.string(),
  name: z.string(),
  created_at: Timestamp,
});
export type LicenseKeyInstance = z.infer<typeof LicenseKeyInstance>;
export const LicenseKeyInstanceList = unpaged(LicenseKeyInstance);
export type LicenseKeyInstanceList = z.infer<typeof LicenseKeyInstanceList>;

/** `GET /portal/v1/license-keys` items: masked; `GET /portal/v1/license-keys/{id}` adds `key`. */
export const PortalLicenseKey = LicenseKey.omit({ customer_id: true }).extend({
  product: z.object({ product_id: z.string(), name: z.string() }),
  /** The purchase, for grouping: a subscription or a one-time purchase's invoice. */
  source: z.object({
    type: z.enum(['subscription', 'purchase']),
    subscription_id: z.string().nullable(),
    invoice_id: z.string().nullable(),
    invoice_number: z.string().nullable(),
  }),
  /** Whether the customer may free seats (the business's `allow_customer_key_deactivation`). */
  can_deactivate_instances: z.boolean(),
});
export type PortalLicenseKey = z.infer<typeof PortalLicenseKey>;
export const PortalLicenseKeyList = unpaged(PortalLicenseKey);
export type PortalLicenseKeyList = z.infer<typeof PortalLicenseKeyList>;

/** Public license API (`/v1/licenses/*`): the key is the credential. */
export const ActivateLicenseBody = z.object({ license_key: text().min(1).max(200), name: text().trim().min(1).max(200) }).strict();
export type ActivateLicenseBody = z.infer<typeof ActivateLicenseBody>;
export const ValidateLicenseBody = z.object({ license_key: text().min(1).max(200), license_key_instance_id: text().min(1).max(200).optional() }).strict();
export type ValidateLicenseBody = z.infer<typeof ValidateLicenseBody>;
export const DeactivateLicenseBody = z.object({ license_key: text().min(1).max(200), license_key_instance_id: text().min(1).max(200) }).strict();
export type DeactivateLicenseBody = z.infer<typeof DeactivateLicenseBody>;
export const LicenseActivated = LicenseKeyInstance.extend({ activations_limit: z.number().int().nullable(), instances_count: z.number().int() });
export type LicenseActivated = z.infer<typeof LicenseActivated>;
export const LicenseValidation = z.object({
  valid: z.boolean(),
  status: LicenseKeyStatus,
  expires_at: Timestamp.nullable(),
  activations_limit: z.number().int().nullable(),
  instances_count: z.number().int(),
  /** When `license_key_instance_id` was given: whether that seat is still active. */
  instance_valid: z.boolean().optional(),
});
export type LicenseValidation = z.infer<typeof LicenseValidation>;
