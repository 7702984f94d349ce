import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorBody, InvoicePage, Page, Product, Subscription, WebhookDelivery, WebhookEndpoint, WebhookEndpointCreated } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAppContext } from '../../app.ts';
import { SandboxCards } from '../../payments/sandbox.ts';
import { deliverDueWebhooks, emitEvent } from '../../services/webhooks.ts';
import { createHarness, PUBLIC_URL, TEST_SERVER_SECRET, type Harness } from '../../testing/harness.ts';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on loopback: records each request, answers the next queued status (else 200). */
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
const statuses: number[] = [];

let h: Harness;
beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  h = await createHarness({ businessInput: { name: 'Hook Co' } });
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  statuses.length = 0;
});

const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
const token = async (number: string) =>
  (
    await json<{ card_token: string }>(
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }),
      }),
      201,
    )
  ).card_token;

/** What a merchant's receiver does (Standard Webhooks), written out here rather than borrowed from the server. */
function verify(secret: string, message: Received, nowSeconds: number): boolean {
  const id = message.headers['webhook-id']!;
  const timestamp = message.headers['webhook-timestamp']!;
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${message.body}`).digest('base64');
  return message.headers['webhook-signature']!.split(' ').includes(`v1,${expected}`);
}

describe('webhook endpoints', () => {
  it('shows the secret once, lists endpoints without it, and refuses private addresses in live mode', async () => {
    const business = await h.newBusiness({ name: 'Endpoints Co' });
    const created = await json<WebhookEndpointCreated>(await h.merchant(business.keys.test, 'POST', '/v1/webhook-endpoints', { url: receiverUrl, events: ['payment.succeeded'] }), 201);
    expect(created).toMatchObject({
      webhook_endpoint_id: expect.stringMatching(/^we_/),
      url: receiverUrl,
      events: ['payment.succeeded'],
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
    });
    const list = await json<Page<WebhookEndpoint>>(await h.merchant(business.keys.test, 'GET', '/v1/webhook-endpoints'), 200);
    expect(list).toEqual({
      items: [{ webhook_endpoint_id: created.webhook_endpoint_id, url: receiverUrl, events: ['payment.succeeded'], created_at: created.created_at }],
      next_cursor: null,
    });
    expect(JSON.stringify(list)).not.toContain(created.secret);
    // Another mode or business does not see it.
    expect((await json<Page<WebhookEndpoint>>(await h.merchant(business.keys.live, 'GET', '/v1/webhook-endpoints'), 200)).items).toEqual([]);
    expect((await h.merchant(h.business.keys.test, 'GET', `/v1/webhook-endpoints/${created.webhook_endpoint_id}/deliveries`)).status).toBe(404);

    for (const url of [
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://[::1]/hook',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest',
      'https://[::ffff:192.168.0.1]/',
      'http://example.com/hook',
      'ftp://example.com/',
    ]) {
      const refused = await h.merchant(business.keys.live, 'POST', '/v1/webhook-endpoints', { url });
      expect(refused.status, url).toBe(400);
      expect((await errorOf(refused)).issues?.[0]?.path, url).toBe('url');
    }
    for (const body of [{}, { url: 'not a url' }, { url: receiverUrl, events: ['nope'] }, { url: receiverUrl, events: [] }]) {
      expect((await h.merchant(business.keys.test, 'POST', '/v1/webhook-endpoints', body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('never posts a live-mode delivery to a private address, even if one got stored', async () => {
    const business = await h.newBusiness({ name: 'Rebind Co' });
    const ctx = createAppContext({ store: h.store, clock: h.clock, publicUrl: PUBLIC_URL, logger: h.logger, secret: TEST_SERVER_SECRET });
    // As if the host had resolved to a public address at creation and to loopback now.
    await h.store.db
      .insertInto('webhook_endpoints')
      .values({ id: 'we_0000000000000000000000000a', business_id: business.id, mode: 'live', url: receiverUrl, events: null, secret: 'whsec_AAAA', created_at: h.clock.now().toISOString() })
      .execute();
    await h.store.db.transaction().execute((trx) => emitEvent(trx, ctx, { businessId: business.id, mode: 'live' }, 'subscription.updated', { subscription_id: 'sub_x' }));
    await deliverDueWebhooks(ctx, { scope: { businessId: business.id, mode: 'live' } });
    expect(received).toEqual([]);
    const deliveries = await json<Page<WebhookDelivery>>(await h.merchant(business.keys.live, 'GET', '/v1/webhook-endpoints/we_0000000000000000000000000a/deliveries'), 200);
    expect(deliveries.items[0]!.attempts[0]).toMatchObject({ response_status: null, error: expect.stringContaining('private or loopback') });
  });

  it('retries a failed delivery with backoff and records every attempt', async () => {
    const business = await h.newBusiness({ name: 'Retry Co' });
    const key = business.keys.test;
    const endpoint = await json<WebhookEndpointCreated>(await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: receiverUrl, events: ['subscription.updated'] }), 201);
    const product = await json<Product>(await h.merchant(key, 'POST', '/v1/products', { name: 'Plan', billing_type: 'subscription', price: 100, currency: 'USD', interval: 'month' }), 201);
    const customer = await h.createCustomer(key);
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: await token(SandboxCards.succeeds) }),
      201,
    );
    await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: true }), 200);

    const ctx = createAppContext({ store: h.store, clock: h.clock, publicUrl: PUBLIC_URL, logger: h.logger, secret: TEST_SERVER_SECRET });
    const scope = { businessId: business.id, mode: 'test' as const };
    statuses.push(500, 503);
    expect(await deliverDueWebhooks(ctx, { scope })).toBe(1);
    expect(await deliverDueWebhooks(ctx, { scope })).toBe(0); // not due before its backoff
    h.clock.advance(5_000);
    expect(await deliverDueWebhooks(ctx, { scope })).toBe(1);
    h.clock.advance(5 * 60_000 - 1);
    expect(await deliverDueWebhooks(ctx, { scope })).toBe(0);
    h.clock.advance(1);
    expect(await deliverDueWebhooks(ctx, { scope })).toBe(1);

    expect(received).toHaveLength(3);
    expect(new Set(received.map((message) => message.headers['webhook-id'])).size).toBe(1); // one id across retries
    const [delivery] = (await json<Page<WebhookDelivery>>(await h.merchant(key, 'GET', `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries`), 200)).items;
    expect(delivery).toMatchObject({
      event_type: 'subscription.updated',
      status: 'succeeded',
      next_attempt_at: null,
      payload: { type: 'subscription.updated', data: { subscription_id: subscription.subscription_id, cancel_at_period_end: true } },
    });
    expect(delivery!.attempts.map((attempt) => attempt.response_status)).toEqual([500, 503, 200]);
  });
});

describe('a year on the test clock', () => {
  it('bills 12 monthly invoices, puts a failing card on hold, and signs every webhook', async () => {
    const business = await h.newBusiness({ name: 'Year Co' });
    const key = business.keys.test;
    const endpoint = await json<WebhookEndpointCreated>(await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: receiverUrl }), 201);
    const product = await json<Product>(
      await h.merchant(key, 'POST', '/v1/products', { name: 'Team', billing_type: 'subscription', price: 2000, currency: 'EUR', interval: 'month', tax_rate_bps: 2000 }),
      201,
    );
    const customer = await h.createCustomer(key, { name: 'Ada' });
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: await token(SandboxCards.succeeds) }),
      201,
    );
    const start = new Date(subscription.current_period_start);
    const monthsLater = (months: number) =>
      new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, start.getUTCDate(), start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds())).toISOString();

    // Month by month: each advance renews one period.
    for (let month = 1; month <= 11; month += 1) await h.advanceTestClock(key, monthsLater(month));
    const year = (await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}&limit=100`), 200)).items;
    expect(year).toHaveLength(12);
    expect(year.every((invoice) => invoice.status === 'paid' && invoice.total === 2400)).toBe(true);
    expect(year.map((invoice) => invoice.line_items[0]!.period!.start).reverse()).toEqual(Array.from({ length: 12 }, (_, month) => monthsLater(month)));
    expect(new Set(year.map((invoice) => invoice.number)).size).toBe(12);

    await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { card_token: await token(SandboxCards.attachesThenDeclines) }), 200);
    await h.advanceTestClock(key, monthsLater(12));
    const held = await json<Subscription>(await h.merchant(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`), 200);
    expect(held.status).toBe('on_hold');
    const dues = (await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}&limit=1`), 200)).items[0]!;
    expect(dues).toMatchObject({ status: 'open', total: 2400, line_items: [{ period: { start: monthsLater(12), end: monthsLater(13) } }] });

    // Every event arrived (posted by the advances), signed with the endpoint's secret.
    const types = received.map((message) => (JSON.parse(message.body) as { type: string }).type);
    expect(types.filter((type) => type === 'payment.succeeded')).toHaveLength(12);
    expect(types.filter((type) => type === 'subscription.renewed')).toHaveLength(11);
    expect(types).toEqual(expect.arrayContaining(['subscription.active', 'subscription.updated', 'payment.failed', 'subscription.on_hold']));
    expect(received.length).toBe(12 + 11 + 4);
    const nowSeconds = Math.floor(h.clock.now().getTime() / 1000);
    for (const message of received) {
      expect(verify(endpoint.secret, message, nowSeconds)).toBe(true);
      expect(message.body).not.toContain(endpoint.secret);
      expect(message.body).not.toContain('tok_');
    }
    expect(verify(endpoint.secret, { ...received[0]!, body: `${received[0]!.body} ` }, nowSeconds)).toBe(false);
    const onHold = JSON.parse(received.find((message) => message.body.includes('"subscription.on_hold"'))!.body) as { timestamp: string; business_id: string; data: Subscription };
    expect(onHold).toMatchObject({ timestamp: monthsLater(12), business_id: business.id, data: { subscription_id: subscription.subscription_id, status: 'on_hold' } });

    const deliveries = await json<Page<WebhookDelivery>>(await h.merchant(key, 'GET', `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries?limit=100`), 200);
    expect(deliveries.items).toHaveLength(received.length);
    expect(deliveries.items.every((delivery) => delivery.status === 'succeeded' && delivery.attempts.length === 1 && delivery.attempts[0]!.response_status === 200)).toBe(true);
  });
});
