/**
 * The typed portal API client used by the elements. It imports only *types* from the schemas, so
 * zod stays on the server and the browser bundle carries ky alone.
 */
import ky, { HTTPError, type KyInstance } from 'ky';
import type { ErrorBody, Invoice, InvoicePage, PortalSessionInfo } from './schemas.ts';

export type { ErrorBody, Invoice, InvoicePage, PortalSessionInfo } from './schemas.ts';

/** Every failed call rejects with this: `status` and the server's stable `code`. */
export class PortalApiError extends Error {
  override readonly name = 'PortalApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly declineCode?: string,
  ) {
    super(message);
  }

  /** The session is over (expired, revoked or unknown): the customer needs a new link. */
  get isSessionExpired(): boolean {
    return this.status === 401;
  }
}

export interface PortalClientOptions {
  /** The portal server's origin, e.g. `https://portal.example.com`. `/portal/v1` is added here. */
  apiBase: string;
  sessionToken: string;
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
}

/** The portal API's base URL for a server origin (trailing slashes tolerated). */
export const portalApiUrl = (apiBase: string): string => `${apiBase.replace(/\/+$/, '')}/portal/v1/`;

export function createPortalClient(options: PortalClientOptions): PortalClient {
  const http: KyInstance = ky.create({
    prefixUrl: portalApiUrl(options.apiBase),
    headers: { authorization: `Bearer ${options.sessionToken}` },
    retry: { limit: 1, methods: ['get'], statusCodes: [408, 429, 502, 503, 504] },
    timeout: 30_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw await toPortalApiError(error);
    }
  };

  return {
    apiBase: options.apiBase,
    session: (signal) => call(() => http.get('session', { signal }).json<PortalSessionInfo>()),
    listInvoices: ({ limit, cursor, signal } = {}) => {
      const searchParams = new URLSearchParams();
      if (limit) searchParams.set('limit', String(limit));
      if (cursor) searchParams.set('cursor', cursor);
      return call(() => http.get('invoices', { searchParams, signal }).json<InvoicePage>());
    },
    getInvoice: (invoiceId, signal) =>
      call(() => http.get(`invoices/${encodeURIComponent(invoiceId)}`, { signal }).json<Invoice>()),
    invoicePdf: (invoiceId, signal) =>
      call(() => http.get(`invoices/${encodeURIComponent(invoiceId)}/pdf`, { signal }).blob()),
  };
}

async function toPortalApiError(error: unknown): Promise<unknown> {
  if (error instanceof HTTPError) {
    let body: Partial<ErrorBody> | undefined;
    try {
      body = (await error.response.json()) as Partial<ErrorBody>;
    } catch {
      body = undefined;
    }
    const status = error.response.status;
    return new PortalApiError(
      status,
      body?.error?.code ?? (status === 401 ? 'session_expired' : 'http_error'),
      body?.error?.message ?? error.message,
      body?.error?.decline_code,
    );
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  // Network failure, CORS refusal, timeout: no server answer to read.
  return new PortalApiError(0, 'network_error', error instanceof Error ? error.message : String(error));
}
