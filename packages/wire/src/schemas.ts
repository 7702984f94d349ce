/**
 * The wire contract: every request and response body of the merchant API (`/v1`) and the
 * portal API (`/portal/v1`), written once. The server validates with these schemas; the browser
 * client and the msw fixtures take their TypeScript types from them (`import type`), so classic
 * zod never reaches the browser bundle.
 *
 * Conventions: snake_case fields, prefixed ids (`cus_…`), money as integer minor units beside an
 * ISO 4217 currency, timestamps as ISO 8601 UTC strings, every list `{items, next_cursor}`.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared building blocks
// ---------------------------------------------------------------------------------------------

export const Mode = z.enum(['test', 'live']);
export type Mode = z.infer<typeof Mode>;

/** Integer amount in the currency's minor unit (cents, öre, …). Never a float. */
export const MinorUnits = z.number().int().safe();
export const NonNegativeMinorUnits = MinorUnits.nonnegative();

/** ISO 4217 code, upper case. */
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as "USD"');

export const Timestamp = z.string().describe('ISO 8601 UTC timestamp');

/** A BCP 47 language tag such as `en`, `sv-SE`. */
export const Locale = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "en" or "sv-SE"');

export const BillingAddress = z.object({
  street: z.string().min(1).max(200),
  city: z.string().min(1).max(100),
  state: z.string().max(100),
  zipcode: z.string().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "SE"'),
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
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Stable error codes. Renaming one breaks merchants: add, never rename. */
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
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** `?limit=&cursor=` of every list. */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

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
  name: z.string().trim().min(1).max(200),
  phone_number: z.string().max(40).optional(),
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

export const InvoiceStatus = z.enum(['open', 'paid', 'void']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

export const InvoiceLineItem = z.object({
  description: z.string(),
  quantity: z.number().int().positive(),
  unit_amount: MinorUnits,
  amount: MinorUnits,
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
  }, 'must be an https URL (http is allowed only on localhost)');

export const CreatePortalSessionBody = z.object({
  ttl_seconds: z.number().int().min(300).max(86_400).default(86_400),
  return_url: ReturnUrl.optional(),
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
  business: z.object({ business_id: z.string(), name: z.string(), brand: Brand }),
  customer: z.object({ customer_id: z.string(), name: z.string(), email: z.string(), locale: z.string() }),
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
});
export type DemoSeeded = z.infer<typeof DemoSeeded>;

// ---------------------------------------------------------------------------------------------
// Merchant invoices (a one-off invoice; the billing engine also issues them from subscriptions)
// ---------------------------------------------------------------------------------------------

export const CreateInvoiceBody = z.object({
  customer_id: z.string().min(1),
  currency: Currency,
  line_items: z
    .array(
      z.object({
        description: z.string().trim().min(1).max(500),
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

export const InvoiceListQuery = ListQuery.extend({ customer_id: z.string().min(1).optional() });
