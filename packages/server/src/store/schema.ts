/**
 * The database as Kysely sees it. One schema for SQLite and PostgreSQL: text ids, integer money
 * in minor units (bigint on PostgreSQL, parsed back to JS numbers), text ISO-8601 UTC timestamps
 * with milliseconds (they sort as text), JSON as text.
 */
import type { BillingInterval, BillingType, InvoiceStatus, Mode, PaymentStatus, RefundStatus, StoredLicenseKeyStatus, SubscriptionStatus } from '@dodo-portal/wire/values';
import type { Generated } from 'kysely';

export interface BusinessesTable {
  id: string;
  name: string;
  created_at: string;
  /** JSON array of origins, kept for reading the business whole; lookups use business_allowed_origins. */
  allowed_origins: string;
  return_url: string | null;
  default_locale: string;
  brand_display_name: string;
  brand_primary_color: string | null;
  brand_logo_url: string | null;
  /** 0002_billing: portal permissions and how plan changes are billed (booleans as 0/1). */
  allow_subscription_updates: Generated<number>;
  allow_cancellation: Generated<number>;
  proration_billing_mode: Generated<string>;
  /** 0009: whether customers may free license-key seats in the portal. */
  allow_customer_key_deactivation: Generated<number>;
}

export interface BusinessAllowedOriginsTable {
  business_id: string;
  origin: string;
}

export interface ApiKeysTable {
  id: string;
  business_id: string;
  mode: Mode;
  key_hash: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export interface CustomersTable {
  id: string;
  business_id: string;
  mode: Mode;
  email: string;
  /** Lower-cased email: uniqueness and lookups ignore case. */
  email_normalized: string;
  name: string;
  phone_number: string | null;
  billing_address: string | null;
  locale: string;
  created_at: string;
}

export interface InvoicesTable {
  id: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  number: string;
  status: InvoiceStatus;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  /** The first line's (the plan's) rate; since 0015_line_tax_rates each line carries its own. */
  tax_rate_bps: number;
  issued_at: string;
  paid_at: string | null;
  subscription_id: string | null;
  billing_address: string | null;
  created_at: string;
  /** The billing lock (real time) of a portal payment in flight (0016, renamed in 0018); null when free. */
  billing_locked_until: Generated<string | null>;
}

export interface InvoiceLineItemsTable {
  invoice_id: string;
  position: number;
  description: string;
  quantity: number;
  unit_amount: number;
  amount: number;
  /** 0015_line_tax_rates: the rate this line is taxed at (its product's). */
  tax_rate_bps: number;
  /** 0002_billing: the service period of a subscription line. */
  period_start: string | null;
  period_end: string | null;
  /** 0017_line_descriptions: a server-written line's message id and its parameters (JSON). */
  description_key: string | null;
  description_params: string | null;
}

export interface InvoiceCountersTable {
  business_id: string;
  mode: Mode;
  next_number: number;
}

export interface PortalSessionsTable {
  id: string;
  token_hash: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** The unified session this one was opened through (0012), else null. */
  unified_session_id?: string | null;
}

/** One-time magic-link codes (0003_portal_access): only the code's SHA-256 is stored. */
export interface PortalMagicLinksTable {
  id: string;
  code_hash: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** Withdrawn before use by the merchant's revoke (0012); never exchanged after that. */
  revoked_at: string | null;
}

/** Rate-limit counters (0019_rate_limits, PostgreSQL only): store/rate-limits.ts. */
export interface RateLimitsTable {
  rule: string;
  window_ms: number;
  key: string;
  /** Times (ms since the epoch) of the attempts still inside the window, oldest first. */
  hits: string[];
  allowed: boolean;
  expires_at: number;
}

/**
 * Outgoing mail (0014_mail_queue): messages to send and login jobs to resolve, with their
 * delivery state. `delivered_via = 'outbox'` rows are the test-mode capture (no SMTP).
 */
export interface MailQueueTable {
  id: string;
  mode: Mode;
  kind: 'message' | 'login' | 'unified_login';
  request: string | null;
  to_address: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  status: 'pending' | 'sent' | 'failed';
  delivered_via: 'smtp' | 'outbox' | null;
  attempts: number;
  next_attempt_at: string;
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Unified-portal sign-in codes (0004_portal_access_2): one email, one mode, every business. */
export interface PortalUnifiedLinksTable {
  id: string;
  code_hash: string;
  email_normalized: string;
  mode: Mode;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Unified-portal sessions (0004_portal_access_2): only the token's SHA-256 is stored. */
export interface PortalUnifiedSessionsTable {
  id: string;
  token_hash: string;
  email_normalized: string;
  mode: Mode;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

// ---- 0002_billing -------------------------------------------------------------------------

export interface ProductsTable {
  id: string;
  business_id: string;
  mode: Mode;
  name: string;
  description: string | null;
  billing_type: BillingType;
  price: number;
  currency: string;
  interval: BillingInterval | null;
  interval_count: number | null;
  tax_rate_bps: number;
  usage_meter: string | null;
  usage_unit_price: number | null;
  is_addon: number;
  /** JSON `{activations_limit, duration_days}` or null. */
  license_key: string | null;
  created_at: string;
}

export interface ProductCollectionsTable {
  id: string;
  business_id: string;
  mode: Mode;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface ProductCollectionItemsTable {
  collection_id: string;
  product_id: string;
  position: number;
}

export interface SandboxCardsTable {
  token: string;
  behaviour: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  created_at: string;
}

export interface SandboxChargesTable {
  id: string;
  token: string;
  amount: number;
  currency: string;
  amount_refunded: Generated<number>;
  idempotency_key: string | null;
  created_at: string;
}

/** 0010: sandbox refunds, unique per idempotency key. */
export interface SandboxRefundsTable {
  id: string;
  charge_id: string;
  amount: number;
  idempotency_key: string | null;
  created_at: string;
}

export interface CardTokenClaimsTable {
  token: string;
  business_id: string;
  mode: Mode;
  claimed_at: string;
}

export interface PaymentMethodsTable {
  id: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  processor_token: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  is_default: number;
  created_at: string;
}

export interface SubscriptionsTable {
  id: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  product_id: string;
  quantity: number;
  status: SubscriptionStatus;
  currency: string;
  interval: BillingInterval;
  interval_count: number;
  /** The first period's start: every period boundary is computed from it (month-end aware). */
  billing_anchor: string;
  /** 0 for the first period, +1 per renewal. */
  period_index: number;
  current_period_start: string;
  current_period_end: string;
  cancel_at_period_end: number;
  cancelled_at: string | null;
  payment_method_id: string | null;
  created_at: string;
  updated_at: string;
  /** The billing lock (real time): held by a renewal, plan change or dues charge (0005, renamed in 0018); null when free. */
  billing_locked_until: Generated<string | null>;
  /** 0007: +1 per plan/quantity/add-on change; a change is claimed on the version it was priced on. */
  plan_version: Generated<number>;
  /** 0007: what the customer gave when cancelling in the portal. */
  cancellation_reason: Generated<string | null>;
  cancellation_comment: Generated<string | null>;
}

/** 0005: each business's frozen test-mode clock. */
export interface TestClocksTable {
  business_id: string;
  now: string;
  updated_at: string;
}

/** 0005: where a business's events are posted. */
export interface WebhookEndpointsTable {
  id: string;
  business_id: string;
  mode: Mode;
  url: string;
  events: string | null;
  /** 0011: sealed (`v1.…`, secret-box, bound to `webhook-secret:{id}`); `whsec_…` in clear only on rows from before, until sealed. */
  secret: string;
  created_at: string;
}

/** 0005: one event for one endpoint; its id is the `webhook-id` header (the same on every retry). */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  business_id: string;
  mode: Mode;
  event_type: string;
  payload: string;
  status: RefundStatus;
  attempt_count: number;
  next_attempt_at: string | null;
  claimed_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: string;
  response_status: number | null;
  error: string | null;
  duration_ms: number;
}

/** 0005: metered usage of a usage_based subscription. */
export interface UsageEventsTable {
  id: string;
  business_id: string;
  mode: Mode;
  event_id: string;
  subscription_id: string;
  meter: string;
  quantity: number;
  occurred_at: string;
  created_at: string;
}

export interface SubscriptionAddonsTable {
  subscription_id: string;
  product_id: string;
  quantity: number;
}

export interface PaymentsTable {
  id: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  invoice_id: string | null;
  subscription_id: string | null;
  amount: number;
  amount_refunded: Generated<number>;
  currency: string;
  status: PaymentStatus;
  decline_code: string | null;
  failure_message: string | null;
  card_brand: string | null;
  card_last4: string | null;
  payment_method_id: string | null;
  processor_charge_id: string | null;
  created_at: string;
  updated_at: string;
  /** 0011: when the attempt was recorded, real time (null on older rows). */
  attempted_at: string | null;
  /** 0011: JSON, what settling a renewal charge needs (services/reconciliation.ts). */
  settlement: string | null;
  /** 0011: a reconciler's lease (real time). */
  reconcile_claimed_until: string | null;
}

export interface RefundsTable {
  id: string;
  business_id: string;
  mode: Mode;
  payment_id: string;
  invoice_id: string | null;
  amount: number;
  currency: string;
  reason: string | null;
  status: RefundStatus;
  processor_refund_id: string | null;
  created_at: string;
  updated_at: string;
  /** 0011: when the refund was reserved, real time (null on older rows). */
  attempted_at: string | null;
  /** 0011: a reconciler's lease (real time). */
  reconcile_claimed_until: string | null;
}

export interface IdempotencyKeysTable {
  business_id: string;
  mode: Mode;
  key: string;
  request_hash: string;
  /** Null while the first request runs. */
  response_status: number | null;
  response_body: string | null;
  created_at: string;
  /** 0012: the running request's lease (real time); null on rows from before, counted from `created_at`. */
  locked_until: Generated<string | null>;
  /** 0012: the payment the request recorded before it called the processor. */
  payment_id: Generated<string | null>;
}

/** 0007: what a customer may spend, per currency (never negative). */
export interface CustomerCreditBalancesTable {
  customer_id: string;
  currency: string;
  business_id: string;
  mode: Mode;
  amount: number;
  updated_at: string;
}

/** 0007: the credit ledger: + added (a downgrade), − spent (a charge or renewal). */
export interface CustomerCreditEntriesTable {
  id: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  currency: string;
  amount: number;
  reason: string;
  subscription_id: string | null;
  invoice_id: string | null;
  idempotency_key: string | null;
  created_at: string;
}

/** 0009: a license key, sealed under the server secret; found by its keyed hash. */
export interface LicenseKeysTable {
  id: string;
  business_id: string;
  mode: Mode;
  customer_id: string;
  product_id: string;
  subscription_id: string | null;
  invoice_id: string | null;
  payment_id: string | null;
  key_hash: string;
  key_ciphertext: string;
  key_suffix: string;
  /** What the merchant set; `expired` and a subscription's end are judged at read time. */
  status: StoredLicenseKeyStatus;
  activations_limit: number | null;
  instances_count: Generated<number>;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** 0009: one activation (seat) of a license key. */
export interface LicenseKeyInstancesTable {
  id: string;
  license_key_id: string;
  name: string;
  created_at: string;
}

export interface Database {
  businesses: BusinessesTable;
  business_allowed_origins: BusinessAllowedOriginsTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  invoices: InvoicesTable;
  invoice_line_items: InvoiceLineItemsTable;
  invoice_counters: InvoiceCountersTable;
  portal_sessions: PortalSessionsTable;
  products: ProductsTable;
  product_collections: ProductCollectionsTable;
  product_collection_items: ProductCollectionItemsTable;
  sandbox_cards: SandboxCardsTable;
  sandbox_charges: SandboxChargesTable;
  sandbox_refunds: SandboxRefundsTable;
  card_token_claims: CardTokenClaimsTable;
  payment_methods: PaymentMethodsTable;
  subscriptions: SubscriptionsTable;
  subscription_addons: SubscriptionAddonsTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  idempotency_keys: IdempotencyKeysTable;
  portal_magic_links: PortalMagicLinksTable;
  mail_queue: MailQueueTable;
  portal_unified_links: PortalUnifiedLinksTable;
  portal_unified_sessions: PortalUnifiedSessionsTable;
  test_clocks: TestClocksTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  usage_events: UsageEventsTable;
  license_keys: LicenseKeysTable;
  license_key_instances: LicenseKeyInstancesTable;
  customer_credit_balances: CustomerCreditBalancesTable;
  customer_credit_entries: CustomerCreditEntriesTable;
  rate_limits: RateLimitsTable;
}
