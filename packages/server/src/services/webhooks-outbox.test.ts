/**
 * The webhook outbox and the signing secrets at rest, on a real SQLite file (and PostgreSQL when
 * DATABASE_URL is set): an event is queued by the transaction that makes its change, so a crash
 * between the two can lose neither alone; secrets are stored sealed and still sign.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payment, Product, Refund, Subscription, WebhookEndpointCreated } from '@dodo-portal/wire/schemas';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createAppContext } from '../app.ts';
import { SandboxCards } from '../payments/sandbox.ts';
import type { Store } from '../store/index.ts';
import { memoryLogger, TEST_SERVER_SECRET, TestClock, tempPostgresStore, tempSqliteStore, type TempStore } from '../testing/harness.ts';
import { createBusiness } from './businesses.ts';
import { deliverDueWebhooks, sealLegacyWebhookSecrets } from './webhooks.ts';
import { serviceContext } from '../runtime.ts';

const backends: [string, () => Promise<TempStore>][] = [['sqlite', tempSqliteStore]];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) backends.push(['postgres', () => tempPostgresStore(databaseUrl)]);

/** A crash right after the outbox row is written, before the transaction commits (when armed). */
function crashAfterOutboxInsert(): KyselyPlugin & { armed: boolean; fired: number } {
  const outboxInserts = new WeakSet<QueryId>();
  const plugin = {
    armed: false,
    fired: 0,
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === 'webhook_deliveries') outboxInserts.add(queryId);
      return node;
    },
    async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (plugin.armed && outboxInserts.has(queryId)) {
        plugin.fired += 1;
        throw new Error('injected crash after the outbox insert');
      }
      return result;
    },
  };
  return plugin;
}

let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string>; body: string }[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => new Promise<void>((resolve) => receiver.close(() => resolve())));

/** A merchant's receiver-side check (Standard Webhooks), written out independently of the server. */
function verifies(secret: string, message: { headers: Record<string, string>; body: string }): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${message.headers['webhook-id']}.${message.headers['webhook-timestamp']}.${message.body}`).digest('base64');
  return message.headers['webhook-signature']!.split(' ').includes(`v1,${mac}`);
}

describe.each(backends)('webhook outbox on %s', (dialect, open) => {
  let temp: TempStore;
  afterEach(async () => {
    await temp?.cleanup();
    received.length = 0;
  });

  async function world() {
    temp = await open();
    const clock = new TestClock(new Date('2025-06-01T00:00:00.000Z'));
    const crash = crashAfterOutboxInsert();
    // One database; the app's queries pass through the crash plugin (armed only when a test says).
    const store: Store = { ...temp.store, db: temp.store.db.withPlugin(crash) };
    const { business, apiKeys } = await createBusiness(serviceContext(temp.store, { clock }), { name: 'Outbox Co' });
    const logger = memoryLogger();
    const app = createApp({ store, clock, publicUrl: 'https://portal.test', logger, secret: TEST_SERVER_SECRET });
    const call = async <T>(method: string, path: string, body?: unknown, status?: number): Promise<T> => {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${apiKeys.test}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await response.json()) as T;
      if (status !== undefined) expect(response.status, JSON.stringify(json)).toBe(status);
      return json;
    };
    const cardToken = async (number: string = SandboxCards.succeeds) =>
      (await call<{ card_token: string }>('POST', '/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2040, cvc: '123' }, 201)).card_token;
    const endpoint = await call<WebhookEndpointCreated>('POST', '/v1/webhook-endpoints', { url: receiverUrl }, 201);
    const deliveries = async () =>
      (await temp.store.db.selectFrom('webhook_deliveries').select(['event_type', 'payload']).where('business_id', '=', business.id).orderBy('created_at').orderBy('id').execute()).map(
        (row) => ({
          type: row.event_type,
          data: (JSON.parse(row.payload) as { data: Record<string, unknown> }).data,
        }),
      );
    return { clock, crash, store, business, app, call, cardToken, endpoint, deliveries, logger };
  }

  it('a crash after the event is queued but before commit leaves neither the change nor the event', async () => {
    const { crash, call, cardToken, deliveries, logger } = await world();
    const product = await call<Product>('POST', '/v1/products', { name: 'Plan', billing_type: 'subscription', price: 900, currency: 'USD', interval: 'month' }, 201);
    const customer = await call<{ customer_id: string }>('POST', '/v1/customers', { email: 'outbox@example.com', name: 'Outbox' }, 201);
    const subscription = await call<Subscription>('POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: await cardToken() }, 201);
    const before = await deliveries();
    expect(before.map((event) => event.type)).toEqual(['payment.succeeded', 'subscription.active']);

    // Scheduling the cancellation: the UPDATE and its subscription.updated row share one transaction.
    crash.armed = true;
    const failed = await call<{ error: { code: string } }>('PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: true }, 500);
    expect(failed.error.code).toBe('internal_error');
    expect(crash.fired).toBe(1);
    crash.armed = false;
    expect((await call<Subscription>('GET', `/v1/subscriptions/${subscription.subscription_id}`, undefined, 200)).cancel_at_period_end).toBe(false);
    expect(await deliveries()).toEqual(before);

    // A refund: settling it `succeeded` and queueing refund.succeeded are one transaction too.
    const payment = (await call<{ items: Payment[] }>('GET', '/v1/payments', undefined, 200)).items[0]!;
    crash.armed = true;
    await call('POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 100 }, 500);
    crash.armed = false;
    const refund = (await call<{ items: Refund[] }>('GET', '/v1/refunds', undefined, 200)).items[0]!;
    expect(refund.status).toBe('pending'); // left for reconciliation, not reported as done
    expect((await deliveries()).filter((event) => event.type === 'refund.succeeded')).toEqual([]);
    expect(logger.entries.some((entry) => entry.level === 'error')).toBe(true);

    // Without the crash the same change commits with its event.
    await call<Subscription>('PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: true }, 200);
    const after = await deliveries();
    expect(after.slice(before.length)).toEqual([
      { type: 'subscription.updated', data: expect.objectContaining({ subscription_id: subscription.subscription_id, cancel_at_period_end: true }) },
    ]);
  });

  it('every committed change has its event row, and the dispatcher posts them afterwards, signed', async () => {
    const { clock, call, cardToken, deliveries, endpoint, business, store } = await world();
    const plan = await call<Product>('POST', '/v1/products', { name: 'Daily', billing_type: 'subscription', price: 500, currency: 'USD', interval: 'day' }, 201);
    const oneTime = await call<Product>('POST', '/v1/products', { name: 'Book', billing_type: 'one_time', price: 1200, currency: 'USD' }, 201);
    const customer = await call<{ customer_id: string }>('POST', '/v1/customers', { email: 'mix@example.com', name: 'Mix' }, 201);
    const held = await call<{ customer_id: string }>('POST', '/v1/customers', { email: 'held@example.com', name: 'Held' }, 201);
    await call<Subscription>('POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await cardToken() }, 201);
    await call<Subscription>(
      'POST',
      '/v1/subscriptions',
      { customer_id: held.customer_id, product_id: plan.product_id, card_token: await cardToken(SandboxCards.attachesThenDeclines) },
      402,
    );
    const bought = await call<Payment>(
      'POST',
      '/v1/payments',
      { customer_id: customer.customer_id, items: [{ product_id: oneTime.product_id, quantity: 1 }], card_token: await cardToken() },
      201,
    );
    await call<Refund>('POST', '/v1/refunds', { payment_id: bought.payment_id, amount: 200 }, 201);
    await call('POST', '/v1/test-clock/advance', { seconds: 3 * 86_400 }, 200); // three renewals

    const events = await deliveries();
    const count = (type: string, key: string, id: unknown) => events.filter((event) => event.type === type && event.data[key] === id).length;
    const payments = await temp.store.db.selectFrom('payments').select(['id', 'status']).where('business_id', '=', business.id).execute();
    expect(payments.length).toBe(6); // first charge, a decline, the purchase, three renewals
    for (const payment of payments) {
      const type = payment.status === 'failed' ? 'payment.failed' : 'payment.succeeded';
      expect(count(type, 'payment_id', payment.id), `${payment.id} ${payment.status}`).toBe(1);
    }
    const refunds = await temp.store.db.selectFrom('refunds').select('id').where('business_id', '=', business.id).execute();
    for (const refund of refunds) expect(count('refund.succeeded', 'refund_id', refund.id)).toBe(1);
    expect(events.filter((event) => event.type === 'subscription.renewed')).toHaveLength(3);

    // The dispatcher posts them after the fact (the advance already flushed its scope), every one signed.
    await deliverDueWebhooks(createAppContext({ store, clock, publicUrl: 'https://portal.test', logger: memoryLogger(), secret: TEST_SERVER_SECRET }));
    expect(received.length).toBe(events.length);
    expect(received.every((message) => verifies(endpoint.secret, message))).toBe(true);
  });

  it.runIf(dialect === 'sqlite')('stores signing secrets sealed: the database file never holds one, and deliveries still verify', async () => {
    const { call, clock, store, business, endpoint } = await world();
    // An endpoint from before migration 0011, its secret in clear.
    const legacySecret = `whsec_${Buffer.from('legacy-secret-legacy-secret!').toString('base64')}`;
    await temp.store.db
      .insertInto('webhook_endpoints')
      .values({ id: 'we_0000000000000000000000000l', business_id: business.id, mode: 'test', url: receiverUrl, events: null, secret: legacySecret, created_at: clock.now().toISOString() })
      .execute();
    const ctx = createAppContext({ store, clock, publicUrl: 'https://portal.test', logger: memoryLogger(), secret: TEST_SERVER_SECRET });
    expect(await sealLegacyWebhookSecrets(ctx)).toBe(1);
    expect(await sealLegacyWebhookSecrets(ctx)).toBe(0);

    const stored = await temp.store.db.selectFrom('webhook_endpoints').select(['id', 'secret']).where('business_id', '=', business.id).execute();
    expect(stored.every((row) => row.secret.startsWith('v1.'))).toBe(true);
    const file = temp.store.location;
    const bytes = Buffer.concat([readFileSync(file), ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : [])]).toString('latin1');
    // A secret issued since 0011 never reaches the disk in clear: not in the file, not in its WAL.
    // (The legacy row was written in clear by this test, as it was before 0011, so old pages may
    // still hold it: sealing rewrites the row, not the history — rotate such secrets to be sure.)
    expect(bytes.includes(endpoint.secret)).toBe(false);
    expect(bytes.includes(endpoint.secret.slice('whsec_'.length))).toBe(false);

    const product = await call<Product>('POST', '/v1/products', { name: 'Thing', billing_type: 'one_time', price: 300, currency: 'USD' }, 201);
    const customer = await call<{ customer_id: string }>('POST', '/v1/customers', { email: 'sealed@example.com', name: 'Sealed' }, 201);
    const token = (await call<{ card_token: string }>('POST', '/sandbox/v1/tokens', { number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }, 201)).card_token;
    await call<Payment>('POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product.product_id, quantity: 1 }], card_token: token }, 201);
    expect(await deliverDueWebhooks(ctx)).toBe(2);
    expect(received).toHaveLength(2);
    // One of the two posts is signed with each endpoint's secret, and only with it.
    expect(received.filter((message) => verifies(endpoint.secret, message))).toHaveLength(1);
    expect(received.filter((message) => verifies(legacySecret, message))).toHaveLength(1);
  });
});
