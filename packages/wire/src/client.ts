/**
 * The typed portal API client used by the elements. It imports only *types* from the schemas and
 * the route contracts, so zod stays on the server; HTTP is ky (retries, timeout, abort), behind one `send` per client.
 */
import ky, { HTTPError, type BeforeRetryHook, type Options, type SearchParamsOption } from 'ky';
import type { RouteBody, RouteContract, RouteParams, RouteQuery, RouteResponse, RoutesByKey } from './routes/contract.ts';
import type { portalRoutes } from './routes/portal.ts';
import type { publicRoutes } from './routes/public.ts';
import type {
  CancelSubscriptionBody,
  CardTokenCreated,
  ChangePlanBody,
  ChangePlanPreview,
  ChangePlanResult,
  CreateCardTokenBody,
  Dues,
  ErrorBody,
  ErrorDetails,
  Invoice,
  InvoicePage,
  LicenseKeyInstanceList,
  LoginBody,
  PayInvoiceBody,
  PayInvoiceResult,
  Payment,
  PaymentPage,
  PlanOptions,
  PortalLicenseKey,
  PortalLicenseKeyList,
  PortalPaymentMethod,
  PortalPaymentMethodList,
  PortalSession,
  PortalSessionInfo,
  PortalSubscription,
  PortalSubscriptionPage,
  Profile,
  SubscriptionPaymentMethodResult,
  UnifiedBusinessList,
  UnifiedLoginBody,
  UpdateProfileBody,
} from './schemas.ts';

export type {
  BillingAddress,
  CancellationReason,
  CancelSubscriptionBody,
  CardBrand,
  CardTokenCreated,
  ChangePlanBody,
  ChangePlanPreview,
  ChangePlanResult,
  CreateCardTokenBody,
  CreditBalance,
  Dues,
  ErrorBody,
  ErrorDetails,
  Invoice,
  InvoicePage,
  LicenseKeyInstance,
  LicenseKeyInstanceList,
  LicenseKeyStatus,
  LoginBody,
  PayInvoiceBody,
  PayInvoiceResult,
  Payment,
  PaymentPage,
  PlanOption,
  PlanOptions,
  PortalLicenseKey,
  PortalLicenseKeyList,
  PortalPaymentMethod,
  PortalPaymentMethodList,
  PortalProduct,
  PortalSession,
  PortalSessionInfo,
  PortalSubscription,
  PortalSubscriptionPage,
  Profile,
  SubscriptionAction,
  SubscriptionPaymentMethodResult,
  SubscriptionStatus,
  UnifiedBusiness,
  UnifiedBusinessList,
  UnifiedLoginBody,
  UpdateProfileBody,
} from './schemas.ts';

/** Every failed call rejects with this: `status` and the server's stable `code`. */
export class PortalApiError extends Error {
  override readonly name = 'PortalApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly declineCode?: string,
    /** On `session_expired` and used/expired magic links: where a new link can be requested by email. */
    readonly loginUrl?: string,
    /** On 429 `rate_limited`: seconds to wait (the `Retry-After` header). */
    readonly retryAfterSeconds?: number,
    /** On 400 `invalid_request`: which fields were wrong (`billing_address.zipcode`) and why. */
    readonly issues?: { path: string; message: string }[],
    /** On 409 `payment_method_in_use`: the subscriptions the card pays. */
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }

  /**
   * The client whose call failed. A 401 that arrives after the page has already switched to a new
   * session token belongs to the old token: elements compare this with their current client and
   * ignore a stale one, so it cannot expire the fresh session.
   */
  source?: object;

  /** The session is over (expired, revoked or unknown): the customer needs a new link. */
  get isSessionExpired(): boolean {
    return this.status === 401;
  }
}

export interface PortalClientOptions {
  /** The portal server's origin, e.g. `https://portal.example.com`. `/portal/v1` is added here. */
  apiBase: string;
  sessionToken: string;
  /**
   * The language the page shows (BCP 47), read for every request and sent as `Accept-Language`:
   * the server writes its own words in answers (invoice lines like "Unused time on Pro", the PDF)
   * in it. Without it the server uses the session customer's locale.
   */
  locale?: () => string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface ListOptions {
  limit?: number;
  cursor?: string | null;
  signal?: AbortSignal;
}

/**
 * A session's connection to the portal API (one per session token, from `createPortalClient`):
 * the base URL, and the authenticated request helpers every call below goes through. The calls are
 * functions of their own that take the client (`listInvoices(client)`), not its methods, so a page
 * bundles only the calls its elements make (issue 15: the two-element page had all 29 routes).
 */
export interface PortalClient {
  readonly apiBase: string;
  /** @internal The calls' request helpers: a JSON answer, none (204), a file. */
  readonly json: <R extends Reading<'json'>>(route: R, request: Call<R>) => Promise<Answer<R>>;
  /** @internal */
  readonly done: <R extends Reading<'none'>>(route: R, request: Call<R>) => Promise<void>;
  /** @internal */
  readonly blob: <R extends Reading<'file'>>(route: R, request: Call<R>) => Promise<Blob>;
}

/** The portal API's base URL for a server origin (trailing slashes tolerated). */
export const portalApiUrl = (apiBase: string): string => `${apiBase.replace(/\/+$/, '')}/portal/v1/`;

/**
 * Every route the client calls, keyed `METHOD /path` (the OpenAPI path, `{name}` for a path
 * parameter), computed from the route contracts the server serves: the paths, path parameters,
 * query, body and answer of each call below are the contract's, so a contract that changes a path
 * or a schema changes (or breaks) the client's types. Type-only: the contracts are zod objects and
 * stay out of the browser; what remains at runtime is the `METHOD /path` string of each call.
 */
type Routes = RoutesByKey<typeof portalRoutes> & RoutesByKey<Pick<typeof publicRoutes, 'createCardToken'>>;
type Route = keyof Routes;
type Method = Route extends `${infer M} ${string}` ? M : never;
/** What the route answers with on success. */
type Answer<R extends Route> = RouteResponse<Routes[R]>;

/** The path parameters the route names (encoded here): required exactly when it names some. */
type ParamsOption<C extends RouteContract> = keyof RouteParams<C> extends never ? { params?: undefined } : { params: RouteParams<C> };
/** Its JSON body: required unless the contract lets it be empty, absent when it takes none. */
type BodyOption<C extends RouteContract> = C['body'] extends { optional: true } ? { json?: RouteBody<C> } : [RouteBody<C>] extends [never] ? { json?: undefined } : { json: RouteBody<C> };
type QueryOption<C extends RouteContract> = [RouteQuery<C>] extends [never] ? { query?: undefined } : { query?: RouteQuery<C> };

type Call<R extends Route> = ParamsOption<Routes[R]> &
  BodyOption<Routes[R]> &
  QueryOption<Routes[R]> & {
    /** Makes a POST safe to retry: the server answers a repeat with the first result. */
    idempotencyKey?: string;
    signal?: AbortSignal | undefined;
  };

const TIMEOUT_MS = 30_000;
/** Retried on answers that say "not processed, try again"; a 500 is a bug that a retry would repeat. */
const RETRY_STATUSES = [408, 429, 502, 503, 504];
/** A `Retry-After` longer than this is not waited out: the caller sees it (`retryAfterSeconds`). */
const RETRY_AFTER_CAP_MS = 3_000;
const IDEMPOTENT_METHODS = ['get', 'head', 'put', 'delete'];

/** `Retry-After` in milliseconds (seconds or an HTTP date); 0 when absent. */
function retryAfterMs(response: Response): number {
  const header = response.headers.get('retry-after');
  if (!header) return 0;
  const seconds = Number(header);
  return Number.isNaN(seconds) ? Date.parse(header) - Date.now() : seconds * 1000;
}

/**
 * One retry of an idempotent request (GET/HEAD/PUT/DELETE, or a POST with an `Idempotency-Key`)
 * on a transient status, after its `Retry-After` (ky waits at most `RETRY_AFTER_CAP_MS`).
 */
function retryFor(method: Method, idempotencyKey: string | undefined): Options['retry'] {
  const name = method.toLowerCase();
  if (!IDEMPOTENT_METHODS.includes(name) && idempotencyKey === undefined) return 0;
  return { limit: 1, methods: [name], statusCodes: RETRY_STATUSES, afterStatusCodes: RETRY_STATUSES, maxRetryAfter: RETRY_AFTER_CAP_MS };
}

/**
 * The retries ky would make that we do not: after a `Retry-After` longer than the cap (the
 * caller shows it; ky has waited only the cap), and of a write cut off by the network — it may
 * have happened, and the element says so and offers a retry with the same key.
 */
const giveUp: BeforeRetryHook = ({ request, error }) => {
  if (error instanceof HTTPError ? retryAfterMs(error.response) > RETRY_AFTER_CAP_MS : !['GET', 'HEAD'].includes(request.method)) throw error;
};

interface HttpOptions {
  /** The server origin the routes' paths are under (trailing slashes tolerated). */
  apiBase: string;
  /** Read per request (a language that changes live, a token). */
  headers?: () => Record<string, string>;
  fetch?: typeof fetch | undefined;
  /** Off for the sign-in requests: one attempt, one timeout. */
  retry?: boolean;
}

/**
 * The one place a route becomes an HTTP request: method, path with its parameters,
 * body, and the retry, timeout and abort rules. Failures reject with ky's errors (see toPortalApiError).
 */
function createHttp(options: HttpOptions) {
  const api = ky.create({
    prefixUrl: `${options.apiBase.replace(/\/+$/, '')}/`,
    timeout: TIMEOUT_MS,
    hooks: { beforeRetry: [giveUp] },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return <R extends Route>(route: R, call: Call<R>) => {
    const [method, template] = route.split(' ') as [Method, string];
    const params: Record<string, string> = call.params ?? {};
    // Relative to the server origin (ky wants no leading slash under a prefix).
    const path = template.slice(1).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
    return api(path, {
      method,
      headers: { ...options.headers?.(), ...(call.idempotencyKey === undefined ? {} : { 'idempotency-key': call.idempotencyKey }) },
      retry: options.retry === false ? 0 : retryFor(method, call.idempotencyKey),
      ...(call.json === undefined ? {} : { json: call.json }),
      // Only the query's set values (URLSearchParams would send `undefined`).
      ...(call.query ? { searchParams: Object.entries(call.query).filter(([, value]) => value !== undefined) as SearchParamsOption } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
    });
  };
}

/** How a route's answer is read, from its contract: a file (`contentType`), nothing (204), or JSON. */
type ReadAs<C extends RouteContract> = C['responses'][keyof C['responses']] extends { contentType: string } ? 'file' : RouteResponse<C> extends undefined ? 'none' : 'json';
type Reading<As extends 'json' | 'none' | 'file'> = { [R in Route]: ReadAs<Routes[R]> extends As ? R : never }[Route];

/**
 * One authenticated request helper per client, and every failure mapped to a `PortalApiError`:
 * the same retry, timeout and error rules for the business portal and the unified portal.
 */
function authorizedHttp(options: PortalClientOptions) {
  const send = createHttp({
    apiBase: options.apiBase,
    headers: () => ({ authorization: `Bearer ${options.sessionToken}`, ...(options.locale ? { 'accept-language': options.locale() } : {}) }),
    fetch: options.fetch,
  });
  const owner: { client?: object } = {};
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const failure = await toPortalApiError(error);
      if (failure instanceof PortalApiError) failure.source = owner.client;
      throw failure;
    }
  };
  const json = <R extends Reading<'json'>>(route: R, request: Call<R>) => call(() => send(route, request).json<Answer<R>>());
  const done = <R extends Reading<'none'>>(route: R, request: Call<R>) => call(async () => void (await send(route, request)));
  const blob = <R extends Reading<'file'>>(route: R, request: Call<R>) => call(() => send(route, request).blob());
  return { json, done, blob, owner };
}

export function createPortalClient(options: PortalClientOptions): PortalClient {
  const { json, done, blob, owner } = authorizedHttp(options);
  const client: PortalClient = { apiBase: options.apiBase, json, done, blob };
  owner.client = client;
  return client;
}

type Signal = AbortSignal | undefined;
type Keyed = { idempotencyKey: string; signal?: AbortSignal };

export const getSession = (client: PortalClient, signal?: Signal): Promise<PortalSessionInfo> => client.json('GET /portal/v1/session', { signal });
export const listInvoices = (client: PortalClient, { limit, cursor, signal }: ListOptions = {}): Promise<InvoicePage> =>
  client.json('GET /portal/v1/invoices', { query: page(limit, cursor), signal });
export const getInvoice = (client: PortalClient, invoice_id: string, signal?: Signal): Promise<Invoice> =>
  client.json('GET /portal/v1/invoices/{invoice_id}', { params: { invoice_id }, signal });
/** The PDF, fetched with the token in the Authorization header (never in a URL). */
export const invoicePdf = (client: PortalClient, invoice_id: string, signal?: Signal): Promise<Blob> =>
  client.blob('GET /portal/v1/invoices/{invoice_id}/pdf', { params: { invoice_id }, signal });
/** Charges an open invoice's total to a saved card (402 `payment_failed` on a decline, 409 `invoice_not_open`). */
export const payInvoice = (client: PortalClient, invoice_id: string, body: PayInvoiceBody, { idempotencyKey, signal }: Keyed): Promise<PayInvoiceResult> =>
  client.json('POST /portal/v1/invoices/{invoice_id}/pay', { params: { invoice_id }, json: body, idempotencyKey, signal });
/** Transactions, failed attempts included, newest first. */
export const listPayments = (client: PortalClient, { limit, cursor, signal }: ListOptions = {}): Promise<PaymentPage> =>
  client.json('GET /portal/v1/payments', { query: page(limit, cursor), signal });
export const getPayment = (client: PortalClient, payment_id: string, signal?: Signal): Promise<Payment> =>
  client.json('GET /portal/v1/payments/{payment_id}', { params: { payment_id }, signal });

// Subscriptions, plan changes, profile (writes that charge take an idempotency key: one per confirm).
export const listSubscriptions = (client: PortalClient, { limit, cursor, signal }: ListOptions = {}): Promise<PortalSubscriptionPage> =>
  client.json('GET /portal/v1/subscriptions', { query: page(limit, cursor), signal });
export const getSubscription = (client: PortalClient, subscription_id: string, signal?: Signal): Promise<PortalSubscription> =>
  client.json('GET /portal/v1/subscriptions/{subscription_id}', { params: { subscription_id }, signal });
export const cancelSubscription = (client: PortalClient, subscription_id: string, body: CancelSubscriptionBody, signal?: Signal): Promise<PortalSubscription> =>
  client.json('POST /portal/v1/subscriptions/{subscription_id}/cancel', { params: { subscription_id }, json: body, signal });
export const resumeSubscription = (client: PortalClient, subscription_id: string, signal?: Signal): Promise<PortalSubscription> =>
  client.json('POST /portal/v1/subscriptions/{subscription_id}/resume', { params: { subscription_id }, signal });
export const planOptions = (client: PortalClient, subscription_id: string, signal?: Signal): Promise<PlanOptions> =>
  client.json('GET /portal/v1/subscriptions/{subscription_id}/plan-options', { params: { subscription_id }, signal });
export const previewPlanChange = (client: PortalClient, subscription_id: string, body: ChangePlanBody, signal?: Signal): Promise<ChangePlanPreview> =>
  client.json('POST /portal/v1/subscriptions/{subscription_id}/change-plan/preview', { params: { subscription_id }, json: body, signal });
export const changePlan = (client: PortalClient, subscription_id: string, body: ChangePlanBody, { idempotencyKey, signal }: Keyed): Promise<ChangePlanResult> =>
  client.json('POST /portal/v1/subscriptions/{subscription_id}/change-plan', { params: { subscription_id }, json: body, idempotencyKey, signal });
export const getProfile = (client: PortalClient, signal?: Signal): Promise<Profile> => client.json('GET /portal/v1/profile', { signal });
export const updateProfile = (client: PortalClient, body: UpdateProfileBody, signal?: Signal): Promise<Profile> => client.json('PATCH /portal/v1/profile', { json: body, signal });

// Payment methods and on-hold recovery.
export const listPaymentMethods = (client: PortalClient, signal?: Signal): Promise<PortalPaymentMethodList> => client.json('GET /portal/v1/payment-methods', { signal });
/** Saves a card tokenized by the processor (see `createCardToken`); card numbers never reach the portal API. */
export const addPaymentMethod = (client: PortalClient, cardToken: string, signal?: Signal): Promise<PortalPaymentMethod> =>
  client.json('POST /portal/v1/payment-methods', { json: { card_token: cardToken }, signal });
/** Makes the card the customer's default; answers the card. */
export const setDefaultPaymentMethod = (client: PortalClient, payment_method_id: string, signal?: Signal): Promise<PortalPaymentMethod> =>
  client.json('POST /portal/v1/payment-methods/{payment_method_id}/default', { params: { payment_method_id }, signal });
/** With `replacements` (`subscription_id → payment_method_id`) for a card that pays live subscriptions. */
export const deletePaymentMethod = (client: PortalClient, payment_method_id: string, signal?: Signal, replacements?: Record<string, string>): Promise<void> =>
  client.done('DELETE /portal/v1/payment-methods/{payment_method_id}', { params: { payment_method_id }, signal, ...(replacements ? { json: { replacements } } : {}) });
export const subscriptionDues = (client: PortalClient, subscription_id: string, signal?: Signal): Promise<Dues> =>
  client.json('GET /portal/v1/subscriptions/{subscription_id}/dues', { params: { subscription_id }, signal });
/** Active: future charges use the method. On hold: pays the dues with it and reactivates (402 `payment_failed` on a decline). */
export const setSubscriptionPaymentMethod = (
  client: PortalClient,
  subscription_id: string,
  paymentMethodId: string,
  { idempotencyKey, signal }: Keyed,
): Promise<SubscriptionPaymentMethodResult> =>
  client.json('POST /portal/v1/subscriptions/{subscription_id}/payment-method', { params: { subscription_id }, json: { payment_method_id: paymentMethodId }, idempotencyKey, signal });

// License keys.
export const listLicenseKeys = (client: PortalClient, signal?: Signal): Promise<PortalLicenseKeyList> => client.json('GET /portal/v1/license-keys', { signal });
/** The key with its full `key` revealed. */
export const revealLicenseKey = (client: PortalClient, license_key_id: string, signal?: Signal): Promise<PortalLicenseKey> =>
  client.json('GET /portal/v1/license-keys/{license_key_id}', { params: { license_key_id }, signal });
export const listLicenseKeyInstances = (client: PortalClient, license_key_id: string, signal?: Signal): Promise<LicenseKeyInstanceList> =>
  client.json('GET /portal/v1/license-keys/{license_key_id}/instances', { params: { license_key_id }, signal });
export const deactivateLicenseKeyInstance = (client: PortalClient, license_key_id: string, instance_id: string, signal?: Signal): Promise<void> =>
  client.done('DELETE /portal/v1/license-keys/{license_key_id}/instances/{instance_id}', { params: { license_key_id, instance_id }, signal });

/** `?limit=&cursor=`, each left out when unset (a 0 limit or an empty cursor is the server's default). */
const page = (limit: number | undefined, cursor: string | null | undefined) => ({ limit: limit || undefined, cursor: cursor || undefined });

/**
 * `POST /sandbox/v1/tokens`: tokenizes a test-mode card at the processor. Card number and CVC go
 * only here, never to a portal route; the answer's `card_token` is what the portal saves.
 * (Live mode uses the live processor's own client-side tokenization.)
 */
export async function createCardToken(options: { apiBase: string; fetch?: typeof fetch; signal?: AbortSignal }, body: CreateCardTokenBody): Promise<CardTokenCreated> {
  try {
    const send = createHttp({ apiBase: options.apiBase, fetch: options.fetch });
    return await send('POST /sandbox/v1/tokens', { json: body, signal: options.signal }).json<Answer<'POST /sandbox/v1/tokens'>>();
  } catch (error) {
    throw await toPortalApiError(error);
  }
}

/** The unified portal's calls, made with a unified (`dpu_…`) token. */
export interface UnifiedClient {
  readonly apiBase: string;
  /** `GET /portal/v1/unified/businesses`: every business where the signed-in email is a customer. */
  businesses(signal?: AbortSignal): Promise<UnifiedBusinessList>;
  /** `POST /portal/v1/unified/businesses/{id}/session`: a business-scoped session, no second login. */
  openBusiness(businessId: string, signal?: AbortSignal): Promise<PortalSession>;
  /** `DELETE /portal/v1/unified/session`: the token answers 401 afterwards. */
  signOut(signal?: AbortSignal): Promise<void>;
}

export function createUnifiedClient(options: PortalClientOptions): UnifiedClient {
  const { json, done } = authorizedHttp(options);
  return {
    apiBase: options.apiBase,
    businesses: (signal) => json('GET /portal/v1/unified/businesses', { signal }),
    openBusiness: (business_id, signal) => json('POST /portal/v1/unified/businesses/{business_id}/session', { params: { business_id }, signal }),
    signOut: (signal) => done('DELETE /portal/v1/unified/session', { signal }),
  };
}

/**
 * `POST /portal/v1/login`: ask for a one-time sign-in link by email. Resolves the same way whether
 * or not the email belongs to a customer (the server answers 202 either way); rejects with a
 * `PortalApiError` on 400, 429 (`retryAfterSeconds`), 503 or a network failure.
 */
export async function requestLoginLink(options: { apiBase: string; fetch?: typeof fetch; signal?: AbortSignal }, body: LoginBody): Promise<void> {
  try {
    await unauthenticated(options)('POST /portal/v1/login', { json: body, signal: options.signal });
  } catch (error) {
    throw await toPortalApiError(error);
  }
}

/**
 * `POST /portal/v1/unified/login`: ask for one sign-in link covering every business where the
 * email is a customer (in `mode`). Resolves alike for every email (202); rejects like `requestLoginLink`.
 */
export async function requestUnifiedLoginLink(options: { apiBase: string; fetch?: typeof fetch; signal?: AbortSignal }, body: UnifiedLoginBody): Promise<void> {
  try {
    await unauthenticated(options)('POST /portal/v1/unified/login', { json: body, signal: options.signal });
  } catch (error) {
    throw await toPortalApiError(error);
  }
}

/** The portal API without a token (sign-in requests): no retries, one timeout. */
const unauthenticated = (options: { apiBase: string; fetch?: typeof fetch }) => createHttp({ apiBase: options.apiBase, fetch: options.fetch, retry: false });

async function toPortalApiError(error: unknown): Promise<unknown> {
  if (error instanceof HTTPError) {
    let body: Partial<ErrorBody> | undefined;
    try {
      body = (await error.response.json()) as Partial<ErrorBody>;
    } catch (readError) {
      // The caller aborted while the error body was read: that is an abort, not an answer.
      if (readError instanceof Error && readError.name === 'AbortError') return readError;
      body = undefined;
    }
    const status = error.response.status;
    const retryAfter = Number(error.response.headers.get('retry-after'));
    return new PortalApiError(
      status,
      body?.error?.code ?? (status === 401 ? 'session_expired' : 'http_error'),
      body?.error?.message ?? `Request failed with status ${status}`,
      body?.error?.decline_code,
      body?.error?.login_url,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      body?.error?.issues,
      body?.error?.details,
    );
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  // Network failure, CORS refusal, timeout: no server answer to read.
  return new PortalApiError(0, 'network_error', error instanceof Error ? error.message : String(error));
}

export { postalCodeMatches } from './postal-codes.ts';
