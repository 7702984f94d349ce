/**
 * The database as Kysely sees it. One schema for SQLite and PostgreSQL: text ids, integer money
 * in minor units (bigint on PostgreSQL, parsed back to JS numbers), text ISO-8601 UTC timestamps
 * with milliseconds (they sort as text), JSON as text.
 */
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
}

export interface BusinessAllowedOriginsTable {
  business_id: string;
  origin: string;
}

export interface ApiKeysTable {
  id: string;
  business_id: string;
  mode: 'test' | 'live';
  key_hash: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export interface CustomersTable {
  id: string;
  business_id: string;
  mode: 'test' | 'live';
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
  mode: 'test' | 'live';
  customer_id: string;
  number: string;
  status: 'open' | 'paid' | 'void';
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  tax_rate_bps: number;
  issued_at: string;
  paid_at: string | null;
  subscription_id: string | null;
  billing_address: string | null;
  created_at: string;
}

export interface InvoiceLineItemsTable {
  invoice_id: string;
  position: number;
  description: string;
  quantity: number;
  unit_amount: number;
  amount: number;
}

export interface InvoiceCountersTable {
  business_id: string;
  mode: 'test' | 'live';
  next_number: number;
}

export interface PortalSessionsTable {
  id: string;
  token_hash: string;
  business_id: string;
  mode: 'test' | 'live';
  customer_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
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
}
