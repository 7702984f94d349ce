/**
 * The fuzz drill: a real server over loopback, its own `/openapi.json` read back, and thousands of
 * generated requests to every operation (valid bodies from the document, then one mutation each:
 * wrong types, missing and extra fields, huge and control-character strings, deep nesting,
 * malformed JSON, wrong content types, oversized bodies, path tricks, foreign ids, bad queries,
 * no credentials). Every answer must be below 500, every error in the one shape, and every answer
 * a status and body the document declares for that operation.
 */
import { startTestSmtp } from '../src/testing/smtp.ts';
import type { Drill } from './drill.ts';
import { startDrillServer, type DrillServer } from './serve.ts';
import { buildRequest, drawCases, isErrorShape, mutationKinds, readOperations, responseChecker, harvest, type FuzzRequest, type IdPool, type Json, type Operation } from './fuzz-cases.ts';

const excerpt = (text: string | undefined) => (text === undefined ? '-' : JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}… (${text.length} chars)` : text));
const describe = (request: FuzzRequest, status: number) => `${request.kind} ${request.method} ${request.path.slice(0, 160)} body=${excerpt(request.body)} → ${status}`;

export const fuzz: Drill = {
  name: 'fuzz',
  async run({ full, store, databaseUrl, seed = 1, log }) {
    // The per-IP limits would answer most of the run with 429s (they are tested on their own):
    // each request comes "from" its own address.
    // A real SMTP server on loopback: without one, live-mode sign-in answers its documented
    // 503 email_not_configured, which is configuration, not a failure the fuzz is after.
    const smtp = await startTestSmtp();
    const server = await startDrillServer({ store, databaseUrl }, { TRUST_PROXY: '1', SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'portal@drill.example' });
    try {
      return await fuzzServer(server, { full, seed, log });
    } finally {
      await server.stop();
      await smtp.close();
    }
  },
};

async function fuzzServer(served: DrillServer, { full, seed, log }: { full: boolean; seed: number; log: (figure: string, value: number | string) => void }) {
  const doc = (await (await fetch(`${served.url}/openapi.json`)).json()) as Json;
  const operations = readOperations(doc);
  const check = responseChecker(doc);
  const ids: IdPool = new Map();
  const key = served.business.keys.test;

  // Real things to point at: a customer, a product, and the customer's portal session.
  const made = async (path: string, body: unknown) => {
    const response = await fetch(`${served.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as Json;
    if (response.status >= 300) throw new Error(`setup ${path}: ${response.status} ${JSON.stringify(json)}`);
    harvest(ids, json);
    return json;
  };
  const customer = await made('/v1/customers', { email: 'fuzz@example.com', name: 'Fuzz' });
  await made('/v1/products', { name: 'Fuzz Pro', billing_type: 'subscription', price: 1500, currency: 'USD', interval: 'month' });
  await made('/v1/products', { name: 'Fuzz Once', billing_type: 'one_time', price: 900, currency: 'USD' });
  const token = async () => (await made('/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' })).card_token as string;
  const [subscriptionProduct, oneTimeProduct] = [ids.get('products')![0]!, ids.get('products')![1]!];
  await made('/v1/subscriptions', { customer_id: customer.customer_id, product_id: subscriptionProduct, card_token: await token() });
  await made('/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: oneTimeProduct, quantity: 1 }], card_token: await token() });
  for (let i = 0; i < 5; i += 1) await token();
  let portalToken = '';
  const newPortalSession = async () => {
    portalToken = (await made(`/v1/customers/${customer.customer_id}/customer-portal/session`, {})).session_token as string;
  };
  await newPortalSession();

  log('seed', seed);
  log('operations', operations.length);
  const count = full ? 5_200 : 350;
  // Every operation at least once per mutation kind in the full run: the drawn cases, then a sweep.
  const cases = drawCases(seed, count, operations.length);
  if (full) operations.forEach((_, op) => mutationKinds.forEach((kind, k) => cases.push({ op, kind, draw: { n: op * 31 + k, noise: 'sweep' } })));

  const failures: string[] = [];
  const figures = { requests: 0, '5xx': 0, bad_error_shape: 0, schema_mismatch: 0, no_answer: 0, closed_oversized: 0 };
  const statuses = new Map<number, number>();
  let client = 0;
  for (const { op: index, kind, draw } of cases) {
    const op: Operation = operations[index]!;
    const request = buildRequest(doc, op, kind, ids, draw);
    const bearer = request.auth === 'merchant' ? key : request.auth === 'portal' || request.auth === 'unified' ? portalToken : null;
    client += 1;
    let response: Response;
    try {
      response = await fetch(`${served.url}${request.path}`, {
        method: request.method,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(request.contentType ? { 'content-type': request.contentType } : {}),
          // Each request its own connection, as a browser's and a backend's often are: a reset one
          // then belongs to the request that caused it.
          connection: 'close',
          'x-forwarded-for': `10.9.${(client >> 8) & 255}.${client & 255}`,
        },
        ...(request.body === undefined ? {} : { body: request.body }),
      });
    } catch (error) {
      figures.requests += 1;
      const cause = error instanceof Error ? String((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      // An oversized body may be refused by closing the connection while the client still writes
      // (RFC 9110 §15.5.14: the server MAY close it): @hono/node-server answers 413, drains the rest
      // for at most 500 ms, then closes. Counted, not failed; any other missing answer is a failure.
      if (request.kind === 'oversized_body' && /EPIPE|ECONNRESET|other side closed/.test(cause)) {
        figures.closed_oversized += 1;
        continue;
      }
      figures.no_answer += 1;
      failures.push(`no_answer (${cause}): ${describe(request, 0)}`);
      continue;
    }
    figures.requests += 1;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const contentType = response.headers.get('content-type') ?? '';
    const text = contentType.includes('json') || contentType === '' ? await response.text() : (await response.arrayBuffer(), undefined);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (response.status >= 500) {
      figures['5xx'] += 1;
      failures.push(`5xx: ${describe(request, response.status)} answer=${excerpt(text)}`);
    }
    if (response.status >= 400 && !isErrorShape(body)) {
      figures.bad_error_shape += 1;
      failures.push(`bad_error_shape: ${describe(request, response.status)} answer=${excerpt(text)}`);
    }
    const mismatch = check(op, response.status, contentType, body);
    if (mismatch) {
      figures.schema_mismatch += 1;
      failures.push(`schema_mismatch (${mismatch}): ${describe(request, response.status)} answer=${excerpt(text)}`);
    }
    if (response.status < 300) {
      harvest(ids, body);
      // Ending or revoking the session is a legitimate answer; later portal requests need a new one.
      if (op.operationId === 'endPortalSession' || op.operationId === 'revokePortalAccess') await newPortalSession();
    }
  }
  for (const [figure, value] of Object.entries(figures)) log(figure, value);
  log(
    'statuses',
    [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}=${n}`)
      .join(','),
  );
  if (failures.length > 0) failures.push(`server log (tail): ${served.stderr().slice(-2_000)}`);
  return { failures };
}
