/**
 * msw handlers for the portal API, typed from the wire contract. Shared by the component tests
 * and Storybook. Every handler matches any origin, so any `api-base` works.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { api } from './api.ts';
// payments.ts imports this module too: its exports are used only inside functions here.
import { samplePaymentInvoices } from './payments.ts';
import type { ErrorBody, Invoice, InvoicePage, LoginAccepted, PortalSession, PortalSessionInfo, UnifiedBusiness, UnifiedBusinessList } from '@dodo-portal/wire/schemas';

/** The `api-base` the stories and tests use; msw answers before anything leaves the browser. */
export const MOCK_API_BASE = 'https://portal.example.com';
/** A token the mock API accepts. Any token is accepted except the ones below. */
export const MOCK_SESSION_TOKEN = 'pst_test_valid';
/** Answered with 401 `session_expired`. */
export const EXPIRED_SESSION_TOKEN = 'pst_test_expired';

const DAY_MS = 86_400_000;
const FIRST_ISSUE = Date.UTC(2025, 0, 15);

/**
 * `count` invoices, newest first, with varied statuses and totals. Deterministic. Paid ones with a
 * sequence divisible by 7 were partly refunded ($10.00), by 11 refunded in full.
 */
export function makeInvoices(count: number, currency = 'USD'): Invoice[] {
  const statuses = ['paid', 'paid', 'open', 'paid', 'void'] as const;
  return Array.from({ length: count }, (_, index): Invoice => {
    const sequence = count - index;
    const subtotal = 98_765 + sequence * 1_111;
    const tax = Math.round(subtotal / 4);
    const issued = new Date(FIRST_ISSUE + sequence * 30 * DAY_MS).toISOString();
    const status = statuses[sequence % statuses.length] ?? 'paid';
    const paid = status === 'paid';
    const refunded = paid && sequence % 11 === 0 ? subtotal + tax : paid && sequence % 7 === 0 ? 1_000 : 0;
    return {
      invoice_id: `inv_${String(sequence).padStart(6, '0')}`,
      number: `INV-${String(sequence).padStart(6, '0')}`,
      status,
      currency,
      subtotal,
      tax,
      total: subtotal + tax,
      issued_at: issued,
      paid_at: status === 'paid' ? issued : null,
      customer_id: 'cus_ada',
      subscription_id: 'sub_pro',
      line_items: [{ description: 'Pro plan', quantity: 1, unit_amount: subtotal, amount: subtotal, tax_rate_bps: 2500 }],
      billing_address: { street: 'Drottninggatan 1', city: 'Stockholm', state: '', zipcode: '111 51', country: 'SE' },
      refunds: refunded
        ? [{ refund_id: `rfd_${String(sequence).padStart(6, '0')}`, amount: refunded, created_at: new Date(Date.parse(issued) + DAY_MS).toISOString(), reason: null }]
        : [],
      amount_refunded: refunded,
    };
  });
}

/** One invoice with a known total, to assert formatting: 123456 minor units = $1,234.56. */
export const sampleInvoice: Invoice = {
  invoice_id: 'inv_sample',
  number: 'INV-000042',
  status: 'paid',
  currency: 'USD',
  subtotal: 98_765,
  tax: 24_691,
  total: 123_456,
  issued_at: '2025-03-14T12:00:00.000Z',
  paid_at: '2025-03-14T12:00:00.000Z',
  customer_id: 'cus_ada',
  subscription_id: null,
  line_items: [{ description: 'Pro plan', quantity: 1, unit_amount: 98_765, amount: 98_765, tax_rate_bps: 2500 }],
  billing_address: null,
  refunds: [],
  amount_refunded: 0,
};

export const sessionInfo: PortalSessionInfo = {
  mode: 'test',
  expires_at: '2030-01-01T00:00:00.000Z',
  return_url: 'https://shop.example.com/account',
  business: {
    business_id: 'bus_acme',
    name: 'Acme Fjällräven AB',
    display_name: 'Acme',
    brand: { display_name: 'Acme', primary_color: null, logo_url: null },
  },
  customer: { customer_id: 'cus_ada', name: 'Ada Lovelace', email: 'ada@example.com', locale: 'en' },
  login_url: 'https://portal.example.com/test/login/bus_acme',
};

/** Where the 401s below send the customer for a new link (the business's static login page). */
export const MOCK_LOGIN_URL = sessionInfo.login_url;

/** The bytes of a minimal one-page PDF, enough for a browser to recognise the type. */
export const samplePdf = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

const sessionExpiredResponse = () =>
  HttpResponse.json(
    { error: { code: 'session_expired', message: 'The portal session has expired.', login_url: MOCK_LOGIN_URL } } satisfies ErrorBody,
    { status: 401 },
  );

/** `null` when the request may proceed, else the 401 the real server would send. */
function authFailure(request: Request): Response | null {
  const header = request.headers.get('authorization') ?? '';
  const token = /^Bearer (.+)$/.exec(header)?.[1];
  if (!token) return HttpResponse.json(errorBody('unauthorized', 'Missing session token.'), { status: 401 });
  if (token === EXPIRED_SESSION_TOKEN) return sessionExpiredResponse();
  return null;
}

export interface PortalApiOptions {
  invoices?: Invoice[];
  session?: PortalSessionInfo;
}

/**
 * A working portal API over `invoices`: paging by opaque cursor (`?limit=&cursor=`), session
 * info, PDFs, and 401s for missing or expired tokens.
 */
export function portalApi({ invoices = makeInvoices(23), session = sessionInfo }: PortalApiOptions = {}): HttpHandler[] {
  return [
    api.get('*/portal/v1/session', ({ request }) => authFailure(request) ?? HttpResponse.json(session)),
    api.get('*/portal/v1/invoices', ({ request }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      const url = new URL(request.url);
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 20) || 20, 1), 100);
      const cursor = url.searchParams.get('cursor');
      const offset = cursor ? Number(/^cur_(\d+)$/.exec(cursor)?.[1] ?? Number.NaN) : 0;
      if (!Number.isInteger(offset)) {
        return HttpResponse.json(errorBody('invalid_request', 'Unknown cursor.'), { status: 400 });
      }
      const items = invoices.slice(offset, offset + limit);
      const nextOffset = offset + limit;
      const body: InvoicePage = { items, next_cursor: nextOffset < invoices.length ? `cur_${nextOffset}` : null };
      return HttpResponse.json(body);
    }),
    api.get('*/portal/v1/invoices/:invoice_id/pdf', ({ request, params }) => {
      const failure = authFailure(request);
      if (failure) return failure;
      if (!invoices.some((invoice) => invoice.invoice_id === params.invoice_id)) {
        return HttpResponse.json(errorBody('not_found', 'No such invoice.'), { status: 404 });
      }
      return new HttpResponse(samplePdf, { headers: { 'content-type': 'application/pdf' } });
    }),
  ];
}

/** `POST /portal/v1/login` (and the unified one) answering like the server: 202 `{accepted: true}` for every email. */
export function loginApi(): HttpHandler[] {
  return [
    api.post('*/portal/v1/login', () => HttpResponse.json({ accepted: true } satisfies LoginAccepted, { status: 202 })),
    api.post('*/portal/v1/unified/login', () => HttpResponse.json({ accepted: true } satisfies LoginAccepted, { status: 202 })),
  ];
}

/** Both sign-in endpoints (a business's and the unified one) answered by `resolver`. */
const bothLogins = (resolver: () => Response | Promise<Response>): HttpHandler[] => [
  api.post('*/portal/v1/login', resolver),
  api.post('*/portal/v1/unified/login', resolver),
];

/** The states of `<dodo-portal-login>` (with or without `unified`). */
export const loginScenarios = {
  accepted: (): HttpHandler[] => loginApi(),
  /** 429 with `Retry-After: 600` (ten minutes). */
  rateLimited: (): HttpHandler[] =>
    bothLogins(() => HttpResponse.json(errorBody('rate_limited', 'Too many attempts.'), { status: 429, headers: { 'retry-after': '600' } })),
  failing: (): HttpHandler[] => bothLogins(() => HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 })),
  unavailable: (): HttpHandler[] =>
    bothLogins(() => HttpResponse.json(errorBody('email_not_configured', 'Email is not configured.'), { status: 503 })),
  /** The request never completes: the form stays in its sending state. */
  pending: (): HttpHandler[] =>
    bothLogins(async () => {
      await delay('infinite');
      return HttpResponse.json({ accepted: true } satisfies LoginAccepted, { status: 202 });
    }),
} satisfies Record<string, () => HttpHandler[]>;

// ---------------------------------------------------------------------------------------------
// The unified portal
// ---------------------------------------------------------------------------------------------

/** A unified (`dpu_…`) token the mock API accepts; any other token but the expired one works too. */
export const MOCK_UNIFIED_TOKEN = 'dpu_test_valid';
/** Answered with 401 `session_expired` on every unified route. */
export const EXPIRED_UNIFIED_TOKEN = 'dpu_test_expired';
/** Where the unified 401s send the customer: the unified login page of test mode. */
export const MOCK_UNIFIED_LOGIN_URL = `${MOCK_API_BASE}/test/login`;

/** Two businesses: one with a subscription and an invoice in SEK, one with nothing yet. */
export const unifiedBusinesses: UnifiedBusiness[] = [
  {
    business_id: 'biz_acme',
    name: 'Acme Fjällräven AB',
    brand: { display_name: 'Acme Fjällräven AB', primary_color: null, logo_url: null },
    customer_id: 'cus_ada',
    active_subscriptions: 2,
    latest_invoice: { ...sampleInvoice, currency: 'SEK', total: 49_900, status: 'open', paid_at: null },
    portal_expires_at: '2030-01-01T00:00:00.000Z',
  },
  {
    business_id: 'biz_nordic',
    name: 'Nordic Tools AB',
    brand: { display_name: 'Nordic Tools', primary_color: '#0f766e', logo_url: null },
    customer_id: 'cus_nordic_ada',
    active_subscriptions: 0,
    latest_invoice: null,
    portal_expires_at: '2030-01-01T00:00:00.000Z',
  },
];

/** The business-scoped token the mock hands out when `business_id` is opened. */
export const businessTokenFor = (businessId: string): string => `pst_test_${businessId}`;

const unifiedExpiredResponse = () =>
  HttpResponse.json(
    { error: { code: 'session_expired', message: 'This session has expired. Sign in again.', login_url: MOCK_UNIFIED_LOGIN_URL } } satisfies ErrorBody,
    { status: 401 },
  );

function unifiedAuthFailure(request: Request): Response | null {
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token) return HttpResponse.json(errorBody('unauthorized', 'Missing unified token.'), { status: 401 });
  if (token === EXPIRED_UNIFIED_TOKEN) return unifiedExpiredResponse();
  return null;
}

export interface UnifiedApiOptions {
  businesses?: UnifiedBusiness[];
  email?: string;
  /** The portal API behind the opened businesses' tokens. */
  portal?: HttpHandler[];
}

/**
 * The unified API over `businesses`: the overview, business sessions (404 for a business not in
 * the list), sign-out; and behind it the business portal API (`portalApi()` by default).
 */
export function unifiedApi({ businesses = unifiedBusinesses, email = 'ada@example.com', portal = portalApi() }: UnifiedApiOptions = {}): HttpHandler[] {
  return [
    api.get('*/portal/v1/unified/businesses', ({ request }) => {
      const body: UnifiedBusinessList = { email, mode: 'test', expires_at: '2030-01-01T00:00:00.000Z', items: businesses, next_cursor: null };
      return unifiedAuthFailure(request) ?? HttpResponse.json(body);
    }),
    api.post('*/portal/v1/unified/businesses/:business_id/session', ({ request, params }) => {
      const failure = unifiedAuthFailure(request);
      if (failure) return failure;
      const businessId = String(params.business_id);
      if (!businesses.some((business) => business.business_id === businessId)) {
        return HttpResponse.json(errorBody('not_found', 'No such business.'), { status: 404 });
      }
      const token = businessTokenFor(businessId);
      const body: PortalSession = { link: `${MOCK_API_BASE}/portal#token=${token}`, session_token: token, expires_at: '2030-01-01T00:00:00.000Z' };
      return HttpResponse.json(body, { status: 201 });
    }),
    api.delete('*/portal/v1/unified/session', ({ request }) => unifiedAuthFailure(request) ?? new HttpResponse(null, { status: 204 })),
    api.post('*/portal/v1/unified/login', () => HttpResponse.json({ accepted: true } satisfies LoginAccepted, { status: 202 })),
    ...portal,
  ];
}

/** The states of `<dodo-unified-portal>`. */
export const unifiedScenarios = {
  overview: (): HttpHandler[] => unifiedApi(),
  empty: (): HttpHandler[] => unifiedApi({ businesses: [] }),
  /** The overview never arrives: the skeleton stays on screen. */
  loading: (): HttpHandler[] => [
    api.get('*/portal/v1/unified/businesses', async () => {
      await delay('infinite');
      return HttpResponse.json(errorBody('internal_error', 'never'), { status: 500 });
    }),
  ],
  serverError: (): HttpHandler[] => [
    api.get('*/portal/v1/unified/businesses', () => HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 })),
  ],
  /** Every unified call answers 401 `session_expired` with the unified login page. */
  expired: (): HttpHandler[] => [http.all('*/portal/v1/unified/*', () => unifiedExpiredResponse())],
  /** The overview loads, but opening a business fails with 500. */
  openFails: (): HttpHandler[] => [
    api.post('*/portal/v1/unified/businesses/:business_id/session', () =>
      HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 }),
    ),
    ...unifiedApi(),
  ],
} satisfies Record<string, () => HttpHandler[]>;

/** Named scenarios, one per state a merchant's customer can see. */
export const scenarios = {
  /** 23 invoices: three pages at the default page size of 10. */
  manyPages: (): HttpHandler[] => portalApi(),
  /** One invoice with a known total (123456 USD minor units). */
  single: (): HttpHandler[] => portalApi({ invoices: [sampleInvoice] }),
  empty: (): HttpHandler[] => portalApi({ invoices: [] }),
  /** `sampleInvoice`, one partly refunded ($15.00 of $49.00), one refunded in full, one open. */
  refunded: (): HttpHandler[] => portalApi({ invoices: samplePaymentInvoices() }),
  /** Invoices fail with 500; session info still loads. */
  serverError: (): HttpHandler[] => [
    api.get('*/portal/v1/invoices', () =>
      HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 }),
    ),
    ...portalApi(),
  ],
  /** Every call answers 401 `session_expired`, whatever the token. */
  expired: (): HttpHandler[] => [http.get('*/portal/v1/*', () => sessionExpiredResponse())],
  /** Invoices never arrive: the loading state stays on screen. */
  loading: (): HttpHandler[] => [
    api.get('*/portal/v1/invoices', async () => {
      await delay('infinite');
      return HttpResponse.json({ items: [], next_cursor: null } satisfies InvoicePage);
    }),
    ...portalApi(),
  ],
  /** Every response takes `ms` milliseconds. */
  slow: (ms = 1_500): HttpHandler[] => [
    http.all('*/portal/v1/*', async () => {
      await delay(ms);
    }),
    ...portalApi(),
  ],
} satisfies Record<string, (...args: never[]) => HttpHandler[]>;

export { paymentMethodsApi, paymentMethodScenarios } from './payment-methods.ts';

// Subscriptions, plan changes and the profile (issue 5).
export * from './subscriptions.ts';

// License keys (issue 7).
export { licenseKeyApi, licenseKeyScenarios, sampleLicenseKeys, type SampleKey } from './license-keys.ts';

// Transactions (issue 3).
export { makePayments, paymentScenarios, paymentsApi, samplePaymentInvoices, samplePayments, type PaymentsApiOptions } from './payments.ts';
export { invoicePayApi, invoicePayScenarios, payCards, type InvoicePayApiOptions } from './invoice-payments.ts';
