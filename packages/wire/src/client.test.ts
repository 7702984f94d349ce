/**
 * The portal client's HTTP rules against a real HTTP server on loopback (no fetch mock): which
 * requests are retried, after how long, and how a failure reaches the elements.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PortalApiError,
  createCardToken,
  createPortalClient,
  createUnifiedClient,
  requestLoginLink,
  requestUnifiedLoginLink,
  addPaymentMethod,
  cancelSubscription,
  changePlan,
  deactivateLicenseKeyInstance,
  deletePaymentMethod,
  getInvoice,
  getPayment,
  getProfile,
  getSession,
  getSubscription,
  invoicePdf,
  listInvoices,
  listLicenseKeyInstances,
  listLicenseKeys,
  listPaymentMethods,
  listPayments,
  listSubscriptions,
  payInvoice,
  planOptions,
  previewPlanChange,
  resumeSubscription,
  revealLicenseKey,
  setDefaultPaymentMethod,
  setSubscriptionPaymentMethod,
  subscriptionDues,
  updateProfile,
} from './client.ts';
import { portalRoutes, publicRoutes } from './routes/index.ts';

interface Seen {
  method: string;
  url: string;
  at: number;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: string;
}

type Answer = (request: Seen, response: ServerResponse) => void;

let server: Server;
let apiBase: string;
let seen: Seen[] = [];
/** Answers in order; the last one repeats. */
let answers: Answer[] = [];

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
const error = (status: number, code: string, headers?: Record<string, string>) => json(status, { error: { code, message: `${code} (test)` } }, headers);

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const entry: Seen = {
        method: request.method!,
        url: request.url!,
        at: Date.now(),
        authorization: request.headers.authorization,
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
        body,
      };
      seen.push(entry);
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      answer(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen = [];
  answers = [];
});

const client = () => createPortalClient({ apiBase, sessionToken: 'dps_test' });
const failure = async (promise: Promise<unknown>): Promise<PortalApiError> => {
  try {
    await promise;
  } catch (caught) {
    expect(caught).toBeInstanceOf(PortalApiError);
    return caught as PortalApiError;
  }
  throw new Error('expected the call to fail');
};

describe('retries', () => {
  it('retries a GET answered 503 after the Retry-After it names, and resolves with the second answer', async () => {
    answers = [error(503, 'storage_unavailable', { 'retry-after': '1' }), json(200, { items: [], next_cursor: null })];
    const page = await listInvoices(client(), { limit: 5 });
    expect(page).toEqual({ items: [], next_cursor: null });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /portal/v1/invoices?limit=5', 'GET /portal/v1/invoices?limit=5']);
    // One second asked for; ky's own first delay would have been 0.3 s.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
    expect(seen[1]!.authorization).toBe('Bearer dps_test');
  });

  it('does not retry a POST without an idempotency key: a 503 reaches the caller after one request', async () => {
    answers = [error(503, 'storage_unavailable'), json(200, {})];
    const failed = await failure(cancelSubscription(client(), 'sub_1', { when: 'period_end' }));
    expect([failed.status, failed.code]).toEqual([503, 'storage_unavailable']);
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body)).toEqual({ when: 'period_end' });
  });

  it('retries a POST that carries an Idempotency-Key, with the same key', async () => {
    answers = [error(503, 'storage_unavailable', { 'retry-after': '0' }), json(200, { invoice: { invoice_id: 'inv_1' }, payment: null, replaced_invoice_id: null })];
    const result = await payInvoice(client(), 'inv_1', { payment_method_id: 'pm_1' }, { idempotencyKey: 'key-1' });
    expect(result.invoice.invoice_id).toBe('inv_1');
    expect(seen.map((request) => request.idempotencyKey)).toEqual(['key-1', 'key-1']);
    expect(seen.map((request) => request.body)).toEqual([seen[0]!.body, seen[0]!.body]);
  });

  it('does not wait out a long Retry-After: after the 3 s cap the 429 reaches the caller with retryAfterSeconds', async () => {
    answers = [error(429, 'rate_limited', { 'retry-after': '600' }), json(200, {})];
    const started = Date.now();
    const failed = await failure(getProfile(client()));
    expect([failed.status, failed.code, failed.retryAfterSeconds]).toEqual([429, 'rate_limited', 600]);
    expect(seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('does not retry a keyed write the network cut off (it may have happened), but retries a read', async () => {
    answers = [(_, response) => response.socket!.destroy()];
    const failed = await failure(payInvoice(client(), 'inv_1', { payment_method_id: 'pm_1' }, { idempotencyKey: 'key-1' }));
    expect([failed.status, failed.code]).toEqual([0, 'network_error']);
    expect(seen).toHaveLength(1);
    seen = [];
    expect((await failure(getProfile(client()))).code).toBe('network_error');
    expect(seen).toHaveLength(2);
  });

  it('does not retry a 500 (a server bug a retry would repeat) and keeps the server message', async () => {
    answers = [error(500, 'internal_error'), json(200, {})];
    const failed = await failure(listPayments(client()));
    expect([failed.status, failed.code, failed.message]).toEqual([500, 'internal_error', 'internal_error (test)']);
    expect(seen).toHaveLength(1);
  });

  it('never retries the sign-in request', async () => {
    answers = [error(503, 'email_not_configured', { 'retry-after': '0' }), json(202, { accepted: true })];
    const failed = await failure(requestLoginLink({ apiBase }, { email: 'a@example.com', business_id: 'biz_1', mode: 'live' }));
    expect(failed.code).toBe('email_not_configured');
    expect(seen).toHaveLength(1);
  });
});

describe('failures', () => {
  it('turns a 401 into an expired session with the login page and the failing client as source', async () => {
    answers = [json(401, { error: { code: 'session_expired', message: 'Expired.', login_url: 'https://shop.example/login' } })];
    const portal = client();
    const failed = await failure(getSession(portal));
    expect([failed.isSessionExpired, failed.code, failed.loginUrl]).toEqual([true, 'session_expired', 'https://shop.example/login']);
    expect(failed.source).toBe(portal);
  });

  it('answers a body without the error shape with a code from the status', async () => {
    answers = [(_, response) => (response.writeHead(401, { 'content-type': 'text/plain' }), response.end('nope'))];
    const failed = await failure(getProfile(client()));
    expect([failed.status, failed.code]).toEqual([401, 'session_expired']);
  });

  it('rejects with the abort, not a PortalApiError, when the caller aborts', async () => {
    answers = [(_, response) => setTimeout(() => json(200, {})(_, response), 2_000)];
    const controller = new AbortController();
    const pending = getProfile(client(), controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('turns a refused connection into network_error (status 0)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failed = await failure(getProfile(createPortalClient({ apiBase: `http://127.0.0.1:${port}`, sessionToken: 'dps_test' })));
    expect([failed.status, failed.code]).toEqual([0, 'network_error']);
  });
});

describe('requests', () => {
  it('sends a list query only with what is set', async () => {
    answers = [json(200, { items: [], next_cursor: null })];
    const portal = client();
    await listInvoices(portal, { limit: 10, cursor: 'inv_9' });
    await listPayments(portal, { cursor: null });
    await listSubscriptions(portal, { limit: 0, cursor: '' });
    expect(seen.map((request) => request.url)).toEqual(['/portal/v1/invoices?limit=10&cursor=inv_9', '/portal/v1/payments', '/portal/v1/subscriptions']);
  });

  it('makes every call on a route of the contracts, with its path parameters encoded', async () => {
    answers = [json(200, {})];
    const portal = client();
    const unified = createUnifiedClient({ apiBase, sessionToken: 'dpu_test' });
    const key = { idempotencyKey: 'k1' };
    await Promise.all([
      getSession(portal),
      listInvoices(portal),
      getInvoice(portal, 'inv 1/2'),
      invoicePdf(portal, 'inv_1'),
      payInvoice(portal, 'inv_1', { payment_method_id: 'pm_1' }, key),
      listPayments(portal),
      getPayment(portal, 'pay_1'),
      listSubscriptions(portal),
      getSubscription(portal, 'sub_1'),
      cancelSubscription(portal, 'sub_1', { when: 'period_end' }),
      resumeSubscription(portal, 'sub_1'),
      planOptions(portal, 'sub_1'),
      previewPlanChange(portal, 'sub_1', { product_id: 'p_1' }),
      changePlan(portal, 'sub_1', { product_id: 'p_1' }, key),
      getProfile(portal),
      updateProfile(portal, { name: 'Ada' }),
      listPaymentMethods(portal),
      addPaymentMethod(portal, 'tok_1'),
      setDefaultPaymentMethod(portal, 'pm_1'),
      deletePaymentMethod(portal, 'pm_1', undefined, { sub_1: 'pm_2' }),
      subscriptionDues(portal, 'sub_1'),
      setSubscriptionPaymentMethod(portal, 'sub_1', 'pm_2', key),
      listLicenseKeys(portal),
      revealLicenseKey(portal, 'lk_1'),
      listLicenseKeyInstances(portal, 'lk_1'),
      deactivateLicenseKeyInstance(portal, 'lk_1', 'lki_1'),
      unified.businesses(),
      unified.openBusiness('bus_1'),
      unified.signOut(),
      requestLoginLink({ apiBase }, { email: 'ada@example.com', business_id: 'bus_1', mode: 'test' }),
      requestUnifiedLoginLink({ apiBase }, { email: 'ada@example.com', mode: 'test' }),
      createCardToken({ apiBase }, { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' }),
    ]);
    const routes = [...Object.values(portalRoutes), publicRoutes.createCardToken].map(({ method, path }) => ({
      method: method.toUpperCase(),
      pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/?]+')}(\\?|$)`),
    }));
    const offContract = seen.filter((request) => !routes.some((route) => route.method === request.method && route.pattern.test(request.url)));
    expect(offContract.map((request) => `${request.method} ${request.url}`)).toEqual([]);
    expect(seen).toHaveLength(32);
    expect(seen.find((request) => request.url.startsWith('/portal/v1/invoices/inv'))?.url).toBe('/portal/v1/invoices/inv%201%2F2');
    expect(JSON.parse(seen.find((request) => request.method === 'DELETE' && request.url.includes('payment-methods'))!.body)).toEqual({ replacements: { sub_1: 'pm_2' } });
  });
});
