/**
 * Several `dodo-portal serve` processes on one PostgreSQL database (issue 16): started as a
 * merchant starts them (the CLI with DATABASE_URL, PORT, DODO_PORTAL_SECRET) on a database this
 * test creates and drops, driven over TCP. Nothing is charged or delivered twice whichever
 * process a request reaches; an event committed by a process that dies at once still leaves
 * (LISTEN/NOTIFY wakes the others); a process killed mid-delivery leaves the attempt to another
 * once its lease lapses. Runs when DATABASE_URL names a PostgreSQL server.
 *
 * The scheduler ticks every 10 minutes here, so only a NOTIFY (or the kick after a LISTEN
 * connection reconnects) can explain a delivery within seconds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Customer, Page, Payment, Product, Subscription, WebhookDelivery, WebhookEndpointCreated } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from './payments/sandbox.ts';
import {
  admin,
  createBusinessKey,
  createTestDatabase,
  kill9,
  newServerSecret,
  pgDatabaseUrl,
  serve as serveProcess,
  stop,
  type ServeProcess as Process,
  type TestDatabase,
} from './testing/processes.ts';
import { eventually as until } from './testing/served.ts';

const LEASE_MS = 3_000;
const serve = (env: Record<string, string>) => serveProcess({ SCHEDULER_INTERVAL_MS: '600000', WEBHOOK_LEASE_MS: String(LEASE_MS), ...env });

describe.skipIf(!pgDatabaseUrl)('three server processes on one PostgreSQL database', { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let servers: Process[] = [];
  const extra: Process[] = [];
  let key: string;

  // The merchant's receiver: every request by webhook-id, with its arrival time; a type in
  // `stall` is read and never answered (a stuck endpoint), so its runner holds the attempt.
  let receiver: Server;
  let hooks: string;
  const received: { id: string; type: string; subscriptionId: string | undefined; at: number; answered: boolean }[] = [];
  const stall = new Set<string>();
  const stalled: ServerResponse[] = [];
  /** Called, in the same turn, when the receiver holds a request (it may end its sender at once). */
  let onStall: ((hit: (typeof received)[number]) => void) | undefined;

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; data: { subscription_id?: string } };
        const hold = stall.has(event.type);
        const hit = { id: String(req.headers['webhook-id']), type: event.type, subscriptionId: event.data.subscription_id, at: Date.now(), answered: !hold };
        received.push(hit);
        if (hold) {
          stalled.push(res);
          onStall?.(hit);
        } else res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

    database = await createTestDatabase('dodo_s_multi');
    env = { DATABASE_URL: database.url, DODO_PORTAL_SECRET: newServerSecret() };
    servers = await Promise.all([serve(env), serve(env), serve(env)]);
    key = await createBusinessKey(env);
  }, 120_000);
  afterAll(async () => {
    for (const res of stalled) res.destroy();
    await Promise.all([...servers, ...extra].map(stop));
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await database?.drop();
  });

  const call = async <T>(p: Process, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${p.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const ok = async <T>(p: Process, method: string, path: string, body?: unknown, status = 200): Promise<T> => {
    const answer = await call<T>(p, method, path, body);
    if (answer.status !== status) throw new Error(`${method} ${path} on ${p.url}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const subscribe = async (p: Process, product: Product, email: string) => {
    const token = await fetch(`${p.url}/sandbox/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
    });
    const { card_token } = (await token.json()) as { card_token: string };
    const customer = await ok<Customer>(p, 'POST', '/v1/customers', { email, name: email }, 201);
    return ok<Subscription>(p, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token }, 201);
  };

  let product: Product;
  let endpoint: WebhookEndpointCreated;

  it('parallel test-clock advances sent to different processes charge each renewal period once', async () => {
    const [a] = servers as [Process, Process, Process];
    endpoint = await ok<WebhookEndpointCreated>(a, 'POST', '/v1/webhook-endpoints', { url: hooks }, 201);
    product = await ok<Product>(a, 'POST', '/v1/products', { name: 'Plan', billing_type: 'subscription', price: 1_500, currency: 'USD', interval: 'month' }, 201);
    const subscription = await subscribe(servers[1]!, product, 'renew@example.com');
    const start = Date.parse((await ok<{ now: string }>(a, 'GET', '/v1/test-clock')).now);
    // Three months, one step at a time: each target sent to all three processes at once.
    for (let step = 1; step <= 3; step += 1) {
      const to = new Date(start + step * 31 * 86_400_000).toISOString();
      const answers = await Promise.all(servers.map((p) => call<{ now: string }>(p, 'POST', '/v1/test-clock/advance', { to })));
      // The first to move the clock answers 200; a racer finding it already there may be told it is not in the future.
      for (const answer of answers) expect([200, 400], JSON.stringify(answer.body)).toContain(answer.status);
      expect(answers.some((answer) => answer.status === 200)).toBe(true);
    }
    const payments = await ok<Page<Payment>>(servers[2]!, 'GET', `/v1/payments?customer_id=${subscription.customer_id}`);
    // The first period at subscribe, then three renewals (93 days cover three months, not four).
    expect(payments.items.map((payment) => payment.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(new Set(payments.items.map((payment) => payment.invoice_id)).size).toBe(4);
  });

  it('delivers each webhook event exactly once to the receiver, whichever process committed it', async () => {
    const subscriptions = await Promise.all(servers.map((p, i) => subscribe(p, product, `hook-${i}@example.com`)));
    await Promise.all(subscriptions.map((s, i) => ok(servers[(i + 1) % 3]!, 'PATCH', `/v1/subscriptions/${s.subscription_id}`, { cancel_at_period_end: true })));
    const expected = async () => {
      const page = await ok<Page<WebhookDelivery>>(servers[0]!, 'GET', `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries?limit=100`);
      return page.items;
    };
    const deliveries = await until(
      async () => {
        const items = await expected();
        return items.length > 0 && items.every((d) => d.status === 'succeeded') ? items : undefined;
      },
      10_000,
      'every delivery to succeed',
    );
    const counts = new Map<string, number>();
    for (const hit of received) counts.set(hit.id, (counts.get(hit.id) ?? 0) + 1);
    expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
    expect(new Set(deliveries.map((d) => d.delivery_id))).toEqual(new Set(counts.keys()));
    expect(deliveries.every((d) => d.attempts.length === 1)).toBe(true);
    expect(received.filter((hit) => hit.type === 'subscription.updated' && subscriptions.some((s) => s.subscription_id === hit.subscriptionId))).toHaveLength(3);
  });

  it('an event committed by a process SIGKILLed right after its answer is delivered by another within seconds', async () => {
    // A posts no webhooks of its own (scheduler off), as if it died between commit and post:
    // only the NOTIFY its commit sent can bring the event out, through B or C.
    const a = await serve({ ...env, SCHEDULER_INTERVAL_MS: '0' });
    extra.push(a);
    const subscription = await subscribe(servers[1]!, product, 'orphan@example.com');
    await until(() => received.find((hit) => hit.type === 'subscription.active' && hit.subscriptionId === subscription.subscription_id), 10_000, 'subscription.active');
    const sentAt = Date.now();
    const committed = await ok<Subscription>(a, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: true });
    const answeredAt = Date.now();
    await kill9(a);
    expect(committed.cancel_at_period_end).toBe(true);
    const hit = await until(() => received.find((h) => h.type === 'subscription.updated' && h.subscriptionId === subscription.subscription_id), 5_000, 'subscription.updated');
    console.info(
      `multi-process: event committed by a killed process reached the receiver ${hit.at - sentAt} ms after the request was sent (${hit.at - answeredAt} ms after its answer: the NOTIFY leaves at commit, before the answer)`,
    );
    expect(received.filter((h) => h.id === hit.id)).toHaveLength(1);
  });

  it('every LISTEN connection cut by the database: each process reconnects, and webhooks committed by another go out within seconds', async () => {
    // The committer posts nothing itself (scheduler off): only the others' LISTEN can bring its events out.
    const committer = await serve({ ...env, SCHEDULER_INTERVAL_MS: '0' });
    extra.push(committer);
    const [down, up] = await Promise.all([subscribe(servers[1]!, product, 'listen-down@example.com'), subscribe(servers[2]!, product, 'listen-up@example.com')]);
    for (const s of [down, up]) await until(() => received.find((hit) => hit.type === 'subscription.active' && hit.subscriptionId === s.subscription_id), 10_000, 'subscription.active');
    const listeners = async () =>
      (await admin<{ pid: number }>(`select pid from pg_stat_activity where datname = $1 and query ilike 'listen %' order by pid`, [database.name])).map((row) => row.pid);
    const before = await listeners();
    // Each process holds one: the three servers and the committer.
    expect(before).toHaveLength(servers.length + 1);

    const cutAt = Date.now();
    const cut = await admin<{ pg_terminate_backend: boolean }>(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and query ilike 'listen %'`, [database.name]);
    expect(cut.map((row) => row.pg_terminate_backend)).toEqual(before.map(() => true));
    // Committed while nobody listens: its NOTIFY is lost; the kick after each reconnect finds it.
    await ok(committer, 'PATCH', `/v1/subscriptions/${down.subscription_id}`, { cancel_at_period_end: true });
    const listeningAtCommit = (await listeners()).length;
    const again = await until(
      async () => {
        const now = await listeners();
        return now.length === before.length && now.every((pid) => !before.includes(pid)) ? now : undefined;
      },
      15_000,
      'every process LISTENing again on a new connection',
    );
    const reconnectedMs = Date.now() - cutAt;
    const missed = await until(
      () => received.find((h) => h.type === 'subscription.updated' && h.subscriptionId === down.subscription_id),
      5_000,
      'the event committed while the connections were down',
    );

    // And on the new connections, a NOTIFY again.
    const sentAt = Date.now();
    await ok(committer, 'PATCH', `/v1/subscriptions/${up.subscription_id}`, { cancel_at_period_end: true });
    const heard = await until(() => received.find((h) => h.type === 'subscription.updated' && h.subscriptionId === up.subscription_id), 5_000, 'the event committed after the reconnect');
    console.info(
      `multi-process: ${before.length} LISTEN backends terminated; all ${again.length} back after ${reconnectedMs} ms (${listeningAtCommit} listening just after the first commit); the event committed meanwhile reached the receiver ${missed.at - cutAt} ms after the cut, one committed afterwards ${heard.at - sentAt} ms after its request`,
    );
    expect(heard.at - sentAt).toBeLessThan(5_000);
    for (const hit of [missed, heard]) expect(received.filter((h) => h.id === hit.id)).toHaveLength(1);
  });

  it('a process SIGKILLed mid-delivery: another makes the attempt once the lease lapses', async () => {
    const b = servers[1]!;
    stall.add('subscription.updated');
    const subscription = await subscribe(b, product, 'stuck@example.com');
    await until(() => received.find((hit) => hit.type === 'subscription.active' && hit.subscriptionId === subscription.subscription_id), 10_000, 'subscription.active');
    // Whichever of the three takes the attempt (B commits it, and the NOTIFY wakes A and C too)
    // is killed while the receiver holds its request: all three get SIGKILL as soon as the
    // receiver has read it, long before the holder's post would time out (half the lease) and
    // record a failed attempt of its own. (Killing only B and C left A free to take it; under
    // load it sometimes did, timed out, recorded that, and the retry made it 2 attempts.)
    onStall = (hit) => {
      if (hit.subscriptionId !== subscription.subscription_id) return;
      onStall = undefined;
      for (const p of servers) p.child.kill('SIGKILL');
    };
    await ok(b, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { cancel_at_period_end: true });
    const first = await until(() => received.find((h) => h.type === 'subscription.updated' && h.subscriptionId === subscription.subscription_id), 10_000, 'the stalled attempt');
    await Promise.all(servers.map(kill9));
    stall.clear();
    const killedAt = Date.now();
    // A process started after the crash (as a supervisor restarts one), ticking every second.
    const replacement = await serve({ ...env, SCHEDULER_INTERVAL_MS: '1000' });
    extra.push(replacement);
    const retried = await until(() => received.find((h) => h.id === first.id && h.answered), LEASE_MS + 30_000, 'the attempt by the replacement after the lease lapsed');
    console.info(`multi-process: stalled attempt retried ${retried.at - killedAt} ms after the kill (lease ${LEASE_MS} ms)`);
    expect(retried.at - first.at).toBeGreaterThanOrEqual(LEASE_MS - 100);
    // The receiver has its post; its record follows the answer: wait for it rather than race it.
    const delivery = await until(
      async () => {
        const page = await ok<Page<WebhookDelivery>>(replacement, 'GET', `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries?limit=100`);
        const found = page.items.find((d) => d.delivery_id === first.id);
        return found?.status === 'succeeded' ? found : undefined;
      },
      10_000,
      "the replacement's attempt on record",
    );
    // The dead runner recorded nothing; the one attempt on record is the replacement's, and it succeeded.
    expect(delivery.attempts.map((attempt) => [attempt.response_status, attempt.error])).toEqual([[200, null]]);
  });
});
