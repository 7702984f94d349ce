/**
 * Idempotency-Key on both databases, with two app instances (see testing/shared-db.ts): on
 * PostgreSQL the key's row is the lock across connection pools, not SQLite's single writer.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorBody, Page, Payment, Product, Subscription } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createAppContext } from '../app.ts';
import { recoverStaleIdempotencyKeys } from '../services/idempotency-recovery.ts';
import { SandboxCards } from '../payments/sandbox.ts';
import { createBusiness } from '../services/businesses.ts';
import { TestClock, memoryLogger } from '../testing/harness.ts';
import { sharedDatabaseBackends, type SharedDatabase } from '../testing/shared-db.ts';
import { serviceContext } from '../runtime.ts';

const backends = sharedDatabaseBackends();

describe.each(backends)('Idempotency-Key on %s, two app instances', (_dialect, open) => {
  let shared: SharedDatabase;
  let apps: ReturnType<typeof createApp>[];
  let clock: TestClock;
  let keys: { test: string; live: string };
  let businessId: string;
  let plan: Product;

  beforeAll(async () => {
    shared = await open();
    clock = new TestClock();
    apps = shared.stores.map((store) => createApp({ store, clock, publicUrl: 'https://portal.test', logger: memoryLogger(), cdnScriptPath: join(tmpdir(), 'no-bundle.js') }));
    const created = await createBusiness(serviceContext(shared.stores[0], { clock }), { name: 'Idem Co' });
    keys = created.apiKeys;
    businessId = created.business.id;
    plan = (await (await call(0, 'POST', '/v1/products', { name: 'Plan', billing_type: 'subscription', price: 1000, currency: 'USD', interval: 'month' })).json()) as Product;
  });
  afterAll(async () => shared?.cleanup());

  const call = (instance: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = keys.test) =>
    apps[instance]!.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const tokenize = async (number: string) =>
    (
      (await (
        await apps[1]!.request('/sandbox/v1/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ number, exp_month: 12, exp_year: 2030, cvc: '123' }),
        })
      ).json()) as { card_token: string }
    ).card_token;
  const errorCode = async (response: Response) => ((await response.json()) as ErrorBody).error.code;

  it('replays the first status and body for the same key and body, on either instance', async () => {
    const body = { email: 'idem@example.com', name: 'Idem' };
    const first = await call(0, 'POST', '/v1/customers', body, { 'idempotency-key': 'create-idem' });
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const replay = await call(1, 'POST', '/v1/customers', body, { 'idempotency-key': 'create-idem' });
    expect(replay.status).toBe(201);
    expect(await replay.text()).toBe(firstBody);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // Without the key the same body is a new request (and the email is taken now).
    expect((await call(0, 'POST', '/v1/customers', body)).status).toBe(409);
    // A replayed error is replayed too: it was the answer.
    const failing = await call(0, 'POST', '/v1/customers', body, { 'idempotency-key': 'dup-email' });
    expect(failing.status).toBe(409);
    expect((await call(1, 'POST', '/v1/customers', body, { 'idempotency-key': 'dup-email' })).status).toBe(409);
  });

  it('refuses the same key with another body (409 idempotency_key_reused), scoped per business and mode', async () => {
    expect((await call(0, 'POST', '/v1/customers', { email: 'a@example.com', name: 'A' }, { 'idempotency-key': 'k-reuse' })).status).toBe(201);
    const reused = await call(1, 'POST', '/v1/customers', { email: 'b@example.com', name: 'B' }, { 'idempotency-key': 'k-reuse' });
    expect(reused.status).toBe(409);
    expect(await errorCode(reused)).toBe('idempotency_key_reused');
    const otherPath = await call(1, 'POST', '/v1/products', { name: 'x', billing_type: 'one_time', price: 1, currency: 'USD' }, { 'idempotency-key': 'k-reuse' });
    expect(await errorCode(otherPath)).toBe('idempotency_key_reused');
    // The live mode's keys are another namespace.
    expect((await call(0, 'POST', '/v1/customers', { email: 'b@example.com', name: 'B' }, { 'idempotency-key': 'k-reuse' }, keys.live)).status).toBe(201);
    expect((await call(0, 'POST', '/v1/customers', { email: 'x@example.com', name: 'X' }, { 'idempotency-key': 'bad key with spaces' })).status).toBe(400);
  });

  it('keeps answers for 24 hours, then lets the key be used again', async () => {
    const body = { email: 'window@example.com', name: 'Window' };
    expect((await call(0, 'POST', '/v1/customers', body, { 'idempotency-key': 'k-window' })).status).toBe(201);
    clock.advance(23 * 3600_000);
    expect((await call(1, 'POST', '/v1/customers', body, { 'idempotency-key': 'k-window' })).status).toBe(201);
    clock.advance(2 * 3600_000);
    // Expired: runs again, and now the email is taken.
    expect((await call(1, 'POST', '/v1/customers', body, { 'idempotency-key': 'k-window' })).status).toBe(409);
  });

  it('runs concurrent requests with one key once: one subscription, one charge, the rest replay or wait', async () => {
    const customer = (await (await call(0, 'POST', '/v1/customers', { email: 'race@example.com', name: 'Race' })).json()) as { customer_id: string };
    const token = await tokenize(SandboxCards.succeeds);
    const body = { customer_id: customer.customer_id, product_id: plan.product_id, card_token: token };
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => call(i % 2, 'POST', '/v1/subscriptions', body, { 'idempotency-key': 'race-key' })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    for (const response of responses) {
      if (response.status === 409) expect(await errorCode(response)).toBe('idempotency_key_in_progress');
      else expect(response.status).toBe(201);
    }
    const subscriptions = (await (await call(0, 'GET', `/v1/subscriptions?customer_id=${customer.customer_id}`)).json()) as Page<Subscription>;
    expect(subscriptions.items).toHaveLength(1);
    const payments = (await (await call(1, 'GET', `/v1/payments?customer_id=${customer.customer_id}`)).json()) as Page<Payment>;
    expect(payments.items).toHaveLength(1);
    const charges = await shared.stores[0].db.selectFrom('sandbox_charges').select('id').where('idempotency_key', '=', payments.items[0]!.payment_id).execute();
    expect(charges).toHaveLength(1);
    // After it finished, every retry replays the one subscription.
    const replay = (await (await call(1, 'POST', '/v1/subscriptions', body, { 'idempotency-key': 'race-key' })).json()) as Subscription;
    expect(replay.subscription_id).toBe(subscriptions.items[0]!.subscription_id);
  });

  it('numbers invoices from both instances without gaps or repeats', async () => {
    const product = (await (await call(0, 'POST', '/v1/products', { name: 'Item', billing_type: 'one_time', price: 100, currency: 'USD' })).json()) as Product;
    const customer = (await (await call(0, 'POST', '/v1/customers', { email: 'numbers@example.com', name: 'N' })).json()) as { customer_id: string };
    const tokens = await Promise.all(Array.from({ length: 10 }, () => tokenize(SandboxCards.succeeds)));
    const results = await Promise.all(
      tokens.map((token, i) => call(i % 2, 'POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product.product_id }], card_token: token })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const numbers = (await shared.stores[1].db.selectFrom('invoices').select('number').where('mode', '=', 'test').execute()).map((row) => row.number).sort();
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => `INV-${String(i + 1).padStart(6, '0')}`));
  });
  it('never keeps an answer that carries a secret (portal links), but still runs one request per key at a time', async () => {
    const customer = (await (await call(0, 'POST', '/v1/customers', { email: 'secret@example.com', name: 'S' })).json()) as { customer_id: string };
    const path = `/v1/customers/${customer.customer_id}/customer-portal/session`;
    const first = (await (await call(0, 'POST', path, {}, { 'idempotency-key': 'session-key' })).json()) as { session_token: string };
    expect(first.session_token).toMatch(/^dps_/);
    const rows = await shared.stores[0].db.selectFrom('idempotency_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(first.session_token);
    const retry = await call(1, 'POST', path, {}, { 'idempotency-key': 'session-key' });
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { session_token: string }).session_token).not.toBe(first.session_token);
  });

  it('makes one default card when first cards are saved at once from both instances', async () => {
    const customer = (await (await call(0, 'POST', '/v1/customers', { email: 'cards@example.com', name: 'Cards' })).json()) as { customer_id: string };
    const tokens = await Promise.all(Array.from({ length: 6 }, () => tokenize(SandboxCards.succeeds)));
    const saved = await Promise.all(tokens.map((token, i) => call(i % 2, 'POST', `/v1/customers/${customer.customer_id}/payment-methods`, { card_token: token })));
    expect(saved.map((r) => r.status)).toEqual(Array(6).fill(201));
    const defaults = await shared.stores[0].db.selectFrom('payment_methods').select('id').where('customer_id', '=', customer.customer_id).where('is_default', '=', 1).execute();
    expect(defaults).toHaveLength(1);
  });

  it('puts a product in at most one collection, even when two collections claim it at once', async () => {
    const product = (await (await call(0, 'POST', '/v1/products', { name: 'Contested', billing_type: 'subscription', price: 100, currency: 'USD', interval: 'month' })).json()) as Product;
    const results = await Promise.all([0, 1, 0, 1].map((i) => call(i, 'POST', '/v1/product-collections', { name: `Ladder ${i}`, product_ids: [product.product_id] })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    // The losers are refused: 400 if they saw the winner, 409 if they raced it to the constraint.
    expect(statuses.filter((status) => status !== 201).every((status) => status === 400 || status === 409)).toBe(true);
  });

  // A kill -9 between the commit and the key's answer leaves exactly this row: answer unwritten,
  // lease running (the crash itself, mid-charge, is src/http/idempotency-crash.test.ts).
  const dropAnswer = (key: string) => shared.stores[0].db.updateTable('idempotency_keys').set({ response_status: null, response_body: null }).where('key', '=', key).execute();
  const LEASE_MS = 10 * 60_000;

  it('answers a key whose request charged and committed but never answered with its payment, and never runs it again', async () => {
    const customer = (await (await call(0, 'POST', '/v1/customers', { email: 'lost-answer@example.com', name: 'Lost' })).json()) as { customer_id: string };
    const body = { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await tokenize(SandboxCards.succeeds) };
    const first = await call(0, 'POST', '/v1/subscriptions', body, { 'idempotency-key': 'lost-answer' });
    expect(first.status).toBe(201);
    await dropAnswer('lost-answer');

    // Within the lease the first request may still be running.
    expect(await errorCode(await call(1, 'POST', '/v1/subscriptions', body, { 'idempotency-key': 'lost-answer' }))).toBe('idempotency_key_in_progress');
    clock.advance(LEASE_MS + 1000);
    const retry = await call(1, 'POST', '/v1/subscriptions', body, { 'idempotency-key': 'lost-answer' });
    const error = ((await retry.json()) as ErrorBody).error;
    expect(retry.status).toBe(409);
    expect(error.code).toBe('idempotent_request_interrupted');
    const payments = await shared.stores[0].db.selectFrom('payments').select(['id', 'status', 'invoice_id']).where('customer_id', '=', customer.customer_id).execute();
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ id: error.payment_id, status: 'succeeded' });
    expect(error.message).toContain(payments[0]!.invoice_id!);
    expect(await shared.stores[0].db.selectFrom('subscriptions').select('id').where('customer_id', '=', customer.customer_id).execute()).toHaveLength(1);
  });

  it('forgets, in the scheduler pass, a dead key under which nothing was charged: the retry then runs', async () => {
    const body = { email: 'swept@example.com', name: 'Swept' };
    // A request that died before anything: its key row alone (as the insert left it).
    await shared.stores[0].db
      .insertInto('idempotency_keys')
      .values({
        business_id: businessId,
        mode: 'test',
        key: 'swept',
        request_hash: 'x',
        response_status: null,
        response_body: null,
        created_at: clock.now().toISOString(),
        locked_until: new Date(clock.now().getTime() + LEASE_MS).toISOString(),
      })
      .execute();
    const ctx = createAppContext({ store: shared.stores[1], clock, publicUrl: 'https://portal.test', logger: memoryLogger() });
    expect(await recoverStaleIdempotencyKeys(ctx)).toBe(0); // its lease still runs
    clock.advance(LEASE_MS + 1000);
    expect(await recoverStaleIdempotencyKeys(ctx)).toBe(1);
    expect(await shared.stores[0].db.selectFrom('idempotency_keys').select('key').where('key', '=', 'swept').execute()).toEqual([]);
    expect((await call(0, 'POST', '/v1/customers', body, { 'idempotency-key': 'swept' })).status).toBe(201);
  });
});
