/**
 * Webhooks leave right after the commit that queued them, not on the scheduler's 30-s tick: over
 * the real server (TCP) with the scheduler at its default interval, a real HTTP receiver gets the
 * event within seconds of the change (issue 12 item 7). The commit→attempt figure is in `pnpm bench`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Customer, Product, Subscription, WebhookEndpointCreated } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SandboxCards } from '../payments/sandbox.ts';
import { expectJson as json, sandboxCardToken, startServed, type Served } from '../testing/served.ts';
import { DEFAULT_SCHEDULER_INTERVAL_MS } from './scheduler.ts';

let s: Served;
let receiver: Server;
let receiverUrl: string;
const received: { type: string; subscriptionId: string | undefined; at: number }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; data: { subscription_id?: string } };
      received.push({ type: event.type, subscriptionId: event.data.subscription_id, at: Date.now() });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  // The scheduler as deployed: one pass at start, then every 30 s.
  s = await startServed({ scheduler: { intervalMs: DEFAULT_SCHEDULER_INTERVAL_MS } });
});
afterAll(async () => {
  await s?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function arrival(type: string, subscriptionId: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = received.find((event) => event.type === type && event.subscriptionId === subscriptionId);
    if (hit) return hit.at;
    if (Date.now() > deadline) throw new Error(`no ${type} for ${subscriptionId} within ${timeoutMs} ms (received: ${received.map((e) => e.type).join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('posts the event of a change within seconds of its commit, long before the next 30-s tick', async () => {
  const key = s.business.keys.test;
  await json<WebhookEndpointCreated>(await s.merchant(key, 'POST', '/v1/webhook-endpoints', { url: receiverUrl, events: ['subscription.active', 'subscription.updated'] }), 201);
  const product = await json<Product>(await s.merchant(key, 'POST', '/v1/products', { name: 'Plan', billing_type: 'subscription', price: 900, currency: 'USD', interval: 'month' }), 201);
  const customer = await json<Customer>(await s.merchant(key, 'POST', '/v1/customers', { email: 'hook@example.com', name: 'Hook' }), 201);
  const subscription = await json<Subscription>(
    await s.merchant(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token: await sandboxCardToken(s, SandboxCards.succeeds) }),
    201,
  );
  await arrival('subscription.active', subscription.subscription_id, 5_000);

  // Three changes in a row, each posted on its own commit (the server started well over 30 s
  // away from its next tick, so only the post-commit kick can deliver them this soon).
  for (const cancel of [true, false, true]) {
    const before = received.filter((event) => event.type === 'subscription.updated').length;
    await json(await s.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: cancel }), 200);
    const deadline = Date.now() + 5_000;
    while (received.filter((event) => event.type === 'subscription.updated').length <= before) {
      if (Date.now() > deadline) throw new Error(`subscription.updated (cancel_at_period_end=${cancel}) did not arrive within 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  expect(received.filter((event) => event.type === 'subscription.updated')).toHaveLength(3);
});
