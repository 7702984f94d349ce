/**
 * The typed portal API client used by the elements. It imports only *types* from the schemas, so
 * zod stays on the server; HTTP is plain `fetch` (./http.ts).
 */
import { HttpError, createHttp } from './http.ts';
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

export interface PortalClient {
  readonly apiBase: string;
  session(signal?: AbortSignal): Promise<PortalSessionInfo>;
  listInvoices(options?: ListOptions): Promise<InvoicePage>;
  getInvoice(invoiceId: string, signal?: AbortSignal): Promise<Invoice>;
  /** The PDF, fetched with the token in the Authorization header (never in a URL). */
  invoicePdf(invoiceId: string, signal?: AbortSignal): Promise<Blob>;
  /** Charges an open invoice's total to a saved card (402 `payment_failed` on a decline, 409 `invoice_not_open`). */
  payInvoice(invoiceId: string, body: PayInvoiceBody, options: { idempotencyKey: string; signal?: AbortSignal }): Promise<PayInvoiceResult>;
  /** Transactions, failed attempts included, newest first. */
  listPayments(options?: ListOptions): Promise<PaymentPage>;
  getPayment(paymentId: string, signal?: AbortSignal): Promise<Payment>;

  // Subscriptions, plan changes, profile (writes that charge take an idempotency key: one per confirm).
  listSubscriptions(options?: ListOptions): Promise<PortalSubscriptionPage>;
  getSubscription(subscriptionId: string, signal?: AbortSignal): Promise<PortalSubscription>;
  cancelSubscription(subscriptionId: string, body: CancelSubscriptionBody, signal?: AbortSignal): Promise<PortalSubscription>;
  resumeSubscription(subscriptionId: string, signal?: AbortSignal): Promise<PortalSubscription>;
  planOptions(subscriptionId: string, signal?: AbortSignal): Promise<PlanOptions>;
  previewPlanChange(subscriptionId: string, body: ChangePlanBody, signal?: AbortSignal): Promise<ChangePlanPreview>;
  changePlan(subscriptionId: string, body: ChangePlanBody, options: { idempotencyKey: string; signal?: AbortSignal }): Promise<ChangePlanResult>;
  getProfile(signal?: AbortSignal): Promise<Profile>;
  updateProfile(body: UpdateProfileBody, signal?: AbortSignal): Promise<Profile>;

  // Payment methods and on-hold recovery.
  listPaymentMethods(signal?: AbortSignal): Promise<PortalPaymentMethodList>;
  /** Saves a card tokenized by the processor (see `createCardToken`); card numbers never reach the portal API. */
  addPaymentMethod(cardToken: string, signal?: AbortSignal): Promise<PortalPaymentMethod>;
  /** Makes the card the customer's default; answers the card. */
  setDefaultPaymentMethod(paymentMethodId: string, signal?: AbortSignal): Promise<PortalPaymentMethod>;
  /** With `replacements` (`subscription_id → payment_method_id`) for a card that pays live subscriptions. */
  deletePaymentMethod(paymentMethodId: string, signal?: AbortSignal, replacements?: Record<string, string>): Promise<void>;
  subscriptionDues(subscriptionId: string, signal?: AbortSignal): Promise<Dues>;
  /** Active: future charges use the method. On hold: pays the dues with it and reactivates (402 `payment_failed` on a decline). */
  setSubscriptionPaymentMethod(
    subscriptionId: string,
    paymentMethodId: string,
    options: { idempotencyKey: string; signal?: AbortSignal },
  ): Promise<SubscriptionPaymentMethodResult>;

  // License keys.
  listLicenseKeys(signal?: AbortSignal): Promise<PortalLicenseKeyList>;
  /** The key with its full `key` revealed. */
  revealLicenseKey(licenseKeyId: string, signal?: AbortSignal): Promise<PortalLicenseKey>;
  listLicenseKeyInstances(licenseKeyId: string, signal?: AbortSignal): Promise<LicenseKeyInstanceList>;
  deactivateLicenseKeyInstance(licenseKeyId: string, instanceId: string, signal?: AbortSignal): Promise<void>;
}

/** The portal API's base URL for a server origin (trailing slashes tolerated). */
export const portalApiUrl = (apiBase: string): string => `${apiBase.replace(/\/+$/, '')}/portal/v1/`;

/**
 * One authenticated fetch helper per client, and every failure mapped to a `PortalApiError`:
 * the same retry, timeout and error rules for the business portal and the unified portal.
 */
function authorizedHttp(options: PortalClientOptions, prefixUrl: string) {
  const http = createHttp({
    prefixUrl,
    headers: () => ({ authorization: `Bearer ${options.sessionToken}`, ...(options.locale ? { 'accept-language': options.locale() } : {}) }),
    retryStatuses: [408, 429, 502, 503, 504],
    ...(options.fetch ? { fetch: options.fetch } : {}),
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
  return { http, call, owner };
}

export function createPortalClient(options: PortalClientOptions): PortalClient {
  const { http, call, owner } = authorizedHttp(options, portalApiUrl(options.apiBase));

  const client: PortalClient = {
    apiBase: options.apiBase,
    session: (signal) => call(() => http.json<PortalSessionInfo>('session', { signal })),
    listInvoices: ({ limit, cursor, signal } = {}) =>
      call(() => http.json<InvoicePage>('invoices', { searchParams: pageParams(limit, cursor), signal })),
    getInvoice: (invoiceId, signal) =>
      call(() => http.json<Invoice>(`invoices/${id(invoiceId)}`, { signal })),
    invoicePdf: (invoiceId, signal) =>
      call(async () => (await http.send(`invoices/${id(invoiceId)}/pdf`, { signal })).blob()),
    payInvoice: (invoiceId, body, { idempotencyKey, signal }) =>
      call(() => http.json<PayInvoiceResult>(`invoices/${id(invoiceId)}/pay`, { method: 'POST', json: body, headers: { 'idempotency-key': idempotencyKey }, signal })),
    listPayments: ({ limit, cursor, signal } = {}) =>
      call(() => http.json<PaymentPage>('payments', { searchParams: pageParams(limit, cursor), signal })),
    getPayment: (paymentId, signal) => call(() => http.json<Payment>(`payments/${id(paymentId)}`, { signal })),

    listSubscriptions: ({ limit, cursor, signal } = {}) =>
      call(() => http.json<PortalSubscriptionPage>('subscriptions', { searchParams: pageParams(limit, cursor), signal })),
    getSubscription: (subscriptionId, signal) =>
      call(() => http.json<PortalSubscription>(`subscriptions/${id(subscriptionId)}`, { signal })),
    cancelSubscription: (subscriptionId, body, signal) =>
      call(() => http.json<PortalSubscription>(`subscriptions/${id(subscriptionId)}/cancel`, { method: 'POST', json: body, signal })),
    resumeSubscription: (subscriptionId, signal) =>
      call(() => http.json<PortalSubscription>(`subscriptions/${id(subscriptionId)}/resume`, { method: 'POST', signal })),
    planOptions: (subscriptionId, signal) =>
      call(() => http.json<PlanOptions>(`subscriptions/${id(subscriptionId)}/plan-options`, { signal })),
    previewPlanChange: (subscriptionId, body, signal) =>
      call(() => http.json<ChangePlanPreview>(`subscriptions/${id(subscriptionId)}/change-plan/preview`, { method: 'POST', json: body, signal })),
    changePlan: (subscriptionId, body, { idempotencyKey, signal }) =>
      call(() =>
        http.json<ChangePlanResult>(`subscriptions/${id(subscriptionId)}/change-plan`, {
          method: 'POST',
          json: body,
          headers: { 'idempotency-key': idempotencyKey },
          signal,
        }),
      ),
    getProfile: (signal) => call(() => http.json<Profile>('profile', { signal })),
    updateProfile: (body, signal) => call(() => http.json<Profile>('profile', { method: 'PATCH', json: body, signal })),

    listPaymentMethods: (signal) => call(() => http.json<PortalPaymentMethodList>('payment-methods', { signal })),
    addPaymentMethod: (cardToken, signal) =>
      call(() => http.json<PortalPaymentMethod>('payment-methods', { method: 'POST', json: { card_token: cardToken }, signal })),
    setDefaultPaymentMethod: (paymentMethodId, signal) =>
      call(() => http.json<PortalPaymentMethod>(`payment-methods/${id(paymentMethodId)}/default`, { method: 'POST', signal })),
    deletePaymentMethod: (paymentMethodId, signal, replacements) =>
      call(async () => void (await http.send(`payment-methods/${id(paymentMethodId)}`, { method: 'DELETE', signal, ...(replacements ? { json: { replacements } } : {}) }))),
    subscriptionDues: (subscriptionId, signal) => call(() => http.json<Dues>(`subscriptions/${id(subscriptionId)}/dues`, { signal })),
    setSubscriptionPaymentMethod: (subscriptionId, paymentMethodId, { idempotencyKey, signal }) =>
      call(() =>
        http.json<SubscriptionPaymentMethodResult>(`subscriptions/${id(subscriptionId)}/payment-method`, {
          method: 'POST',
          json: { payment_method_id: paymentMethodId },
          headers: { 'idempotency-key': idempotencyKey },
          signal,
        }),
      ),

    listLicenseKeys: (signal) => call(() => http.json<PortalLicenseKeyList>('license-keys', { signal })),
    revealLicenseKey: (licenseKeyId, signal) => call(() => http.json<PortalLicenseKey>(`license-keys/${id(licenseKeyId)}`, { signal })),
    listLicenseKeyInstances: (licenseKeyId, signal) =>
      call(() => http.json<LicenseKeyInstanceList>(`license-keys/${id(licenseKeyId)}/instances`, { signal })),
    deactivateLicenseKeyInstance: (licenseKeyId, instanceId, signal) =>
      call(async () => void (await http.send(`license-keys/${id(licenseKeyId)}/instances/${id(instanceId)}`, { method: 'DELETE', signal }))),
  };
  owner.client = client;
  return client;
}

const id = encodeURIComponent;

function pageParams(limit: number | undefined, cursor: string | null | undefined): URLSearchParams {
  const searchParams = new URLSearchParams();
  if (limit) searchParams.set('limit', String(limit));
  if (cursor) searchParams.set('cursor', cursor);
  return searchParams;
}

/**
 * `POST /sandbox/v1/tokens`: tokenizes a test-mode card at the processor. Card number and CVC go
 * only here, never to a portal route; the answer's `card_token` is what the portal saves.
 * (Live mode uses the live processor's own client-side tokenization.)
 */
export async function createCardToken(
  options: { apiBase: string; fetch?: typeof fetch; signal?: AbortSignal },
  body: CreateCardTokenBody,
): Promise<CardTokenCreated> {
  try {
    const http = createHttp({ prefixUrl: `${options.apiBase.replace(/\/+$/, '')}/`, ...(options.fetch ? { fetch: options.fetch } : {}) });
    return await http.json<CardTokenCreated>('sandbox/v1/tokens', { method: 'POST', json: body, signal: options.signal });
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
  const { http, call } = authorizedHttp(options, `${portalApiUrl(options.apiBase)}unified/`);
  return {
    apiBase: options.apiBase,
    businesses: (signal) => call(() => http.json<UnifiedBusinessList>('businesses', { signal })),
    openBusiness: (businessId, signal) =>
      call(() => http.json<PortalSession>(`businesses/${id(businessId)}/session`, { method: 'POST', signal })),
    signOut: (signal) => call(async () => void (await http.send('session', { method: 'DELETE', signal }))),
  };
}

/**
 * `POST /portal/v1/login`: ask for a one-time sign-in link by email. Resolves the same way whether
 * or not the email belongs to a customer (the server answers 202 either way); rejects with a
 * `PortalApiError` on 400, 429 (`retryAfterSeconds`), 503 or a network failure.
 */
export async function requestLoginLink(
  options: { apiBase: string; fetch?: typeof fetch; signal?: AbortSignal },
  body: LoginBody,
): Promise<void> {
  try {
    await unauthenticated(options).send('login', { method: 'POST', json: body, signal: options.signal });
  } catch (error) {
    throw await toPortalApiError(error);
  }
}

/**
 * `POST /portal/v1/unified/login`: ask for one sign-in link covering every business where the
 * email is a customer (in `mode`). Resolves alike for every email (202); rejects like `requestLoginLink`.
 */
export async function requestUnifiedLoginLink(
  options: { apiBase: string; fetch?: typeof fetch; signal?: AbortSignal },
  body: UnifiedLoginBody,
): Promise<void> {
  try {
    await unauthenticated(options).send('unified/login', { method: 'POST', json: body, signal: options.signal });
  } catch (error) {
    throw await toPortalApiError(error);
  }
}

/** The portal API without a token (sign-in requests): no retries, one timeout. */
const unauthenticated = (options: { apiBase: string; fetch?: typeof fetch }) =>
  createHttp({ prefixUrl: portalApiUrl(options.apiBase), ...(options.fetch ? { fetch: options.fetch } : {}) });

async function toPortalApiError(error: unknown): Promise<unknown> {
  if (error instanceof HttpError) {
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
      body?.error?.message ?? error.message,
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
