/**
 * The few things the portal client needs from an HTTP library, on `fetch` alone: a base URL and
 * default headers, JSON bodies, a timeout that composes with the caller's abort signal, and one
 * retry of a GET on a transient answer. (ky did this and cost 4.4 KB gzip of the CDN script.)
 */

export interface HttpOptions {
  /** Prepended to every path; ends with `/`. */
  prefixUrl: string;
  /** Sent with every request; a function is read per request (a language that changes live). */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** Injected for tests; defaults to the global fetch at call time. */
  fetch?: typeof fetch;
  /** GETs answered with one of these statuses are tried once more. Default: none. */
  retryStatuses?: readonly number[];
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Sent as `application/json`. */
  json?: unknown;
  searchParams?: URLSearchParams;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

/** A non-2xx answer; `response` is unread, so the error body can still be parsed. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly response: Response) {
    super(`Request failed with status ${response.status}`);
  }
}

const TIMEOUT_MS = 30_000;
/** Waited before the retry, unless `Retry-After` asks for longer (up to the cap; beyond it, no retry). */
const RETRY_DELAY_MS = 300;
const RETRY_AFTER_CAP_MS = 3_000;

/** The caller's signal and our timeout, as one signal (without `AbortSignal.any`, for older Safari). */
function withTimeout(signal: AbortSignal | undefined): { signal: AbortSignal; done: () => void } {
  // The caller's abort keeps reaching the request after the headers arrived (the body may still
  // be read); only the timeout ends with them.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The request timed out.', 'TimeoutError')), TIMEOUT_MS);
  const forward = () => controller.abort(signal!.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  return {
    signal: controller.signal,
    done: () => clearTimeout(timer),
  };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

export function createHttp(options: HttpOptions) {
  async function send(path: string, request: RequestOptions = {}): Promise<Response> {
    const { method = 'GET', json, searchParams, signal } = request;
    const query = searchParams?.toString();
    const url = options.prefixUrl + path + (query ? `?${query}` : '');
    const headers = { ...(typeof options.headers === 'function' ? options.headers() : options.headers), ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers };
    const body = json === undefined ? null : JSON.stringify(json);
    for (let attempt = 1; ; attempt += 1) {
      const timed = withTimeout(signal);
      try {
        const response = await (options.fetch ?? fetch)(url, { method, headers, body, signal: timed.signal });
        if (response.ok) return response;
        const retryAfterMs = Number(response.headers.get('retry-after')) * 1000 || RETRY_DELAY_MS;
        const retry = method === 'GET' && attempt === 1 && options.retryStatuses?.includes(response.status) && retryAfterMs <= RETRY_AFTER_CAP_MS;
        if (!retry) throw new HttpError(response);
        await sleep(retryAfterMs, timed.signal);
      } finally {
        timed.done();
      }
    }
  }

  return {
    send,
    /** The answer's JSON body. */
    json: async <T>(path: string, request?: RequestOptions): Promise<T> => (await send(path, request)).json() as Promise<T>,
  };
}

export type Http = ReturnType<typeof createHttp>;
