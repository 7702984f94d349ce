/**
 * msw handlers for the portal API, typed from the wire contract. Shared by the component tests
 * and Storybook. Every handler matches any origin, so any `api-base` works.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { api } from './api.ts';
import { samplePaymentInvoices } from './payments.ts';
import { errorBody, MOCK_API_BASE, portalApi, sampleInvoice, sessionExpiredResponse } from './portal-api.ts';
import type { ErrorBody, InvoicePage, LoginAccepted, PortalSession, UnifiedBusiness, UnifiedBusinessList } from '@dodo-portal/wire/schemas';

export {
  EXPIRED_SESSION_TOKEN,
  makeInvoices,
  MOCK_API_BASE,
  MOCK_LOGIN_URL,
  MOCK_SESSION_TOKEN,
  portalApi,
  sampleInvoice,
  samplePdf,
  sessionInfo,
  type PortalApiOptions,
} from './portal-api.ts';

/** `POST /portal/v1/login` (and the unified one) answering like the server: 202 `{accepted: true}` for every email. */
export function loginApi(): HttpHandler[] {
  return [
    api.post('*/portal/v1/login', () => HttpResponse.json({ accepted: true } satisfies LoginAccepted, { status: 202 })),
    api.post('*/portal/v1/unified/login', () => HttpResponse.json({ accepted: true } satisfies LoginAccepted, { status: 202 })),
  ];
}

/** Both sign-in endpoints (a business's and the unified one) answered by `resolver`. */
const bothLogins = (resolver: () => Response | Promise<Response>): HttpHandler[] => [api.post('*/portal/v1/login', resolver), api.post('*/portal/v1/unified/login', resolver)];

/** The states of `<dodo-portal-login>` (with or without `unified`). */
export const loginScenarios = {
  accepted: (): HttpHandler[] => loginApi(),
  /** 429 with `Retry-After: 600` (ten minutes). */
  rateLimited: (): HttpHandler[] => bothLogins(() => HttpResponse.json(errorBody('rate_limited', 'Too many attempts.'), { status: 429, headers: { 'retry-after': '600' } })),
  failing: (): HttpHandler[] => bothLogins(() => HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 })),
  unavailable: (): HttpHandler[] => bothLogins(() => HttpResponse.json(errorBody('email_not_configured', 'Email is not configured.'), { status: 503 })),
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
  HttpResponse.json({ error: { code: 'session_expired', message: 'This session has expired. Sign in again.', login_url: MOCK_UNIFIED_LOGIN_URL } } satisfies ErrorBody, { status: 401 });

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
  serverError: (): HttpHandler[] => [api.get('*/portal/v1/unified/businesses', () => HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 }))],
  /** Every unified call answers 401 `session_expired` with the unified login page. */
  expired: (): HttpHandler[] => [http.all('*/portal/v1/unified/*', () => unifiedExpiredResponse())],
  /** The overview loads, but opening a business fails with 500. */
  openFails: (): HttpHandler[] => [
    api.post('*/portal/v1/unified/businesses/:business_id/session', () => HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 })),
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
  serverError: (): HttpHandler[] => [api.get('*/portal/v1/invoices', () => HttpResponse.json(errorBody('internal_error', 'Something went wrong.'), { status: 500 })), ...portalApi()],
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
