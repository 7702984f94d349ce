/**
 * The webhook-restart drill: a merchant's receiver on loopback is down (it answers 500, or drops
 * the connection) while a real `dodo-portal serve` makes events through the merchant API — one-time
 * payments, new subscriptions, cancellations — and the server is stopped in the middle of its retry
 * schedule: SIGKILL with writes in flight, SIGTERM while retries are due. Then the receiver
 * recovers, and the server is killed once more while it redelivers (on the arrival of a delivery,
 * before the receiver has answered it) and stopped with SIGTERM once while a healthy delivery is in
 * flight. Every request is verified with the official `standardwebhooks` package, as a merchant
 * would; the receiver dedups by `webhook-id`.
 *
 * Judged: every event the server committed (its own delivery list) and every event of an
 * acknowledged write arrives; none twice under two ids; a `webhook-id` arrives again only across a
 * SIGKILL (the answer died with the process — at-least-once is the contract), never across a
 * SIGTERM or without a stop; every signature verifies; SIGTERM exits 0; and once the receiver is
 * back every waiting event arrives within the longest retry delay (plus the lease and the restart).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Drill } from './drill.ts';
import { call, CARD, must } from './http.ts';
import { startDrillServer, type DrillServer } from './serve.ts';
import { pool, random } from './tools.ts';
import { eventKey, keepBooks, type Arrival, type Delivery, type Stop } from './webhook-books.ts';

/**
 * The drill's retry schedule (WEBHOOK_RETRY_SCHEDULE_MS): the default's shape in seconds instead of
 * hours, and long enough (64 s) that the receiver's downtime and four restarts on a loaded machine
 * (13 s each seen) never exhaust it — a `failed` delivery would be the drill's doing.
 */
const SCHEDULE_MS = [250, 500, 1_000, 2_000, ...Array.from({ length: 20 }, () => 3_000)];
/**
 * WEBHOOK_LEASE_MS: how long a dead process's attempt is held before the restarted server retries
 * it. A live attempt times out at half of it; 2 s leaves a loaded machine room to record the answer.
 */
const LEASE_MS = 2_000;
/** SCHEDULER_INTERVAL_MS: retries are made on the tick. */
const TICK_MS = 100;
/** How long the healthy receiver takes to answer: a signal can land while a delivery is in flight. */
const ANSWER_DELAY_MS = 30;
const EVENTS = ['payment.succeeded', 'subscription.active', 'subscription.updated'];
const WRITE_WIDTH = 4;

type Kind = 'payment' | 'subscription' | 'cancel';

interface Receiver {
  url: string;
  arrivals: Arrival[];
  setSecret(secret: string): void;
  /** From now on answer 200 (after ANSWER_DELAY_MS). */
  recover(): void;
  /** Called with each arrival the healthy receiver is about to answer, before it answers. */
  onHealthy?: ((arrival: Arrival) => void) | undefined;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  let verifier: Webhook | undefined;
  let failing = true;
  let failed = 0;
  const receiver: Receiver & { server?: Server } = {
    url: '',
    arrivals: [],
    setSecret: (secret) => (verifier = new Webhook(secret)),
    recover: () => (failing = false),
    close: () => new Promise<void>((resolve) => (receiver.server!.closeAllConnections(), receiver.server!.close(() => resolve()))),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(req.headers[name] ?? '');
      let verified = false;
      try {
        verifier!.verify(body, { 'webhook-id': header('webhook-id'), 'webhook-timestamp': header('webhook-timestamp'), 'webhook-signature': header('webhook-signature') });
        verified = true;
      } catch {
        verified = false;
      }
      const arrival: Arrival = { id: header('webhook-id'), at: performance.now(), verified, event: eventKey(body), answer: 'ok' };
      receiver.arrivals.push(arrival);
      if (failing) {
        failed += 1;
        // Down both ways a receiver goes down: an error answer, and a connection cut without one.
        if (failed % 2 === 0) {
          arrival.answer = 'dropped';
          req.socket.destroy();
        } else {
          arrival.answer = '500';
          res.statusCode = 500;
          res.end('down');
        }
        return;
      }
      receiver.onHealthy?.(arrival);
      setTimeout(() => {
        res.statusCode = 200;
        res.end('ok');
      }, ANSWER_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.server = server;
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const webhookRestart: Drill = {
  name: 'webhook-restart',
  async run({ full, store, databaseUrl, seed = 1, log }) {
    const receiver = await startReceiver();
    const server = await startDrillServer(
      { store, databaseUrl },
      { TRUST_PROXY: '1', SCHEDULER_INTERVAL_MS: String(TICK_MS), WEBHOOK_LEASE_MS: String(LEASE_MS), WEBHOOK_RETRY_SCHEDULE_MS: SCHEDULE_MS.join(',') },
    );
    try {
      return await drill(server, receiver, { full, seed, log });
    } finally {
      await server.stop();
      await receiver.close();
    }
  },
};

async function drill(served: DrillServer, receiver: Receiver, { full, seed, log }: { full: boolean; seed: number; log: (figure: string, value: number | string) => void }) {
  const failures: string[] = [];
  const draw = random(seed);
  const key = served.business.keys.test;
  const writes = full ? 150 : 30;
  const healthyWrites = full ? 30 : 8;
  /** How long the receiver stays down, from the first event. */
  const downMs = full ? 10_000 : 4_000;
  log('seed', seed);

  // The catalogue, one customer with a saved card, and the subscriptions the drill will cancel — made
  // before the endpoint exists, so only the drill's own writes make events for it.
  const setup = <T>(status: number, method: string, path: string, body?: unknown) => must<T>(served.url, status, key, method, path, body);
  const once = (await setup<{ product_id: string }>(201, 'POST', '/v1/products', { name: 'Once', price: 700, currency: 'USD', billing_type: 'one_time' })).product_id;
  const plan = (await setup<{ product_id: string }>(201, 'POST', '/v1/products', { name: 'Plan', price: 1_500, currency: 'USD', billing_type: 'subscription', interval: 'month' }))
    .product_id;
  const customer = (await setup<{ customer_id: string }>(201, 'POST', '/v1/customers', { email: 'hooks@drill.example', name: 'Hooks' })).customer_id;
  const { card_token } = await must<{ card_token: string }>(served.url, 201, null, 'POST', '/sandbox/v1/tokens', CARD);
  const card = (await setup<{ payment_method_id: string }>(201, 'POST', `/v1/customers/${customer}/payment-methods`, { card_token })).payment_method_id;
  const subscribe = () => ({ customer_id: customer, product_id: plan, payment_method_id: card });

  const kinds: Kind[] = Array.from({ length: writes + healthyWrites }, (_, i) => (['payment', 'subscription', 'cancel'] as const)[i % 3]!);
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(draw() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const toCancel = await pool(
    kinds.filter((kind) => kind === 'cancel'),
    WRITE_WIDTH,
    async () => (await setup<{ subscription_id: string }>(201, 'POST', '/v1/subscriptions', subscribe())).subscription_id,
  );
  const endpoint = await setup<{ webhook_endpoint_id: string; secret: string }>(201, 'POST', '/v1/webhook-endpoints', { url: receiver.url, events: EVENTS });
  receiver.setSecret(endpoint.secret);

  /** The events each acknowledged write must deliver; writes whose answer was lost are counted only. */
  const expected = new Set<string>();
  let acknowledged = 0;
  let unanswered = 0;
  let cancelled = 0;
  const write = async (kind: Kind) => {
    try {
      if (kind === 'payment') {
        const answer = await call(served.url, key, 'POST', '/v1/payments', { customer_id: customer, items: [{ product_id: once, quantity: 1 }], payment_method_id: card });
        if (answer.status !== 201) return void failures.push(`POST /v1/payments answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        expected.add(`payment.succeeded:${(answer.json as { payment_id: string }).payment_id}`);
      } else if (kind === 'subscription') {
        const answer = await call(served.url, key, 'POST', '/v1/subscriptions', subscribe());
        if (answer.status !== 201) return void failures.push(`POST /v1/subscriptions answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        const id = (answer.json as { subscription_id: string }).subscription_id;
        expected.add(`subscription.active:${id}`).add(`payment.succeeded:sub:${id}`);
      } else {
        const id = toCancel[cancelled++]!;
        const answer = await call(served.url, key, 'PATCH', `/v1/subscriptions/${id}`, { cancel_at_period_end: true });
        if (answer.status !== 200) return void failures.push(`PATCH /v1/subscriptions/${id} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        expected.add(`subscription.updated:${id}`);
      }
      acknowledged += 1;
    } catch {
      unanswered += 1; // the process died under it: the change may or may not have committed
    }
  };

  const stops: Stop[] = [];
  const restarts: number[] = [];
  /**
   * When each restart began. Server process i ran until stops[i], and every request read before
   * restartsAt[i] was sent by a process up to i (`restart` follows each stop, after the exit).
   */
  const restartsAt: number[] = [];
  const restart = async () => {
    const started = performance.now();
    restartsAt.push(started);
    await served.restart();
    restarts.push(performance.now() - started);
  };
  const kill = async () => {
    stops.push({ signal: 'SIGKILL', at: performance.now() });
    await served.kill();
  };
  let termExits = 0;
  const term = async () => {
    stops.push({ signal: 'SIGTERM', at: performance.now() });
    const sent = performance.now();
    process.kill(served.pid, 'SIGTERM');
    const code = await served.exited;
    const ms = Math.round(performance.now() - sent);
    if (code !== 0) failures.push(`SIGTERM: the server exited ${code} after ${ms} ms, not 0`);
    termExits += 1;
    log(`sigterm_${termExits}_exit_ms`, ms);
  };

  // 1. The receiver is down. Writes, and SIGKILL while some are in flight.
  const third = Math.floor(writes / 3);
  const queue = [...kinds];
  const take = (n: number) => queue.splice(0, n);
  const firstEventAt = performance.now();
  await pool(take(Math.ceil(third / 2)), WRITE_WIDTH, write);
  const inFlight = Promise.all(take(third - Math.ceil(third / 2)).map(write));
  await sleep(10 + Math.floor(draw() * 60));
  await kill();
  await inFlight;
  await restart();

  // 2. More writes; SIGTERM once the retries are under way.
  await pool(take(third), WRITE_WIDTH, write);
  await sleep(SCHEDULE_MS[0]! + SCHEDULE_MS[1]!);
  await term();
  await restart();

  // 3. The rest, while the receiver stays down until `downMs` after the first event.
  await pool(take(writes - 2 * third), WRITE_WIDTH, write);
  await sleep(Math.max(0, firstEventAt + downMs - performance.now()));
  const beforeRecovery = new Set(receiver.arrivals.map((arrival) => arrival.id));
  const okBeforeRecovery = receiver.arrivals.filter((arrival) => arrival.answer === 'ok').length;

  // 4. The receiver is back; SIGKILL on the third redelivery to arrive, before the receiver answers it.
  const recoveredAt = performance.now();
  receiver.recover();
  let healthy = 0;
  const thirdArrival = new Promise<void>((resolve) => {
    receiver.onHealthy = () => {
      healthy += 1;
      if (healthy === 3) resolve();
    };
  });
  const waitLimit = Math.max(...SCHEDULE_MS) + LEASE_MS + 5_000;
  const arrived = await Promise.race([thirdArrival.then(() => true), sleep(waitLimit).then(() => false)]);
  receiver.onHealthy = undefined;
  if (!arrived) failures.push(`the receiver was back for ${waitLimit} ms and fewer than 3 deliveries came`);
  await kill();
  const killedDuringRedelivery = healthy;
  await restart();
  const recoveryRestartMs = restarts.at(-1)!;

  // 5. Healthy: writes all at once, and SIGTERM on the arrival of the second new event (in flight:
  // a graceful stop must record its answer, so it never comes again). Then writes with no stop at all.
  const seen = new Set(receiver.arrivals.map((arrival) => arrival.id));
  let fresh = 0;
  const secondNew = new Promise<void>((resolve) => {
    receiver.onHealthy = (arrival) => {
      if (seen.has(arrival.id)) return;
      seen.add(arrival.id);
      fresh += 1;
      if (fresh === 2) resolve();
    };
  });
  const healthyFirst = Promise.all(take(Math.floor(healthyWrites / 2)).map(write));
  const stopped = await Promise.race([secondNew.then(() => true), sleep(10_000).then(() => false)]);
  if (stopped) await term();
  else failures.push('two new events did not arrive within 10 s of their writes');
  receiver.onHealthy = undefined;
  await healthyFirst;
  if (stopped) await restart();
  await pool(take(queue.length), WRITE_WIDTH, write);

  // Wait for every delivery the server committed to arrive (or the deadline).
  const listDeliveries = async (): Promise<Delivery[]> => {
    const all: Delivery[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Delivery[]; next_cursor: string | null } = await must(
        served.url,
        200,
        key,
        'GET',
        `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      all.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return all;
  };
  const okIds = () => new Set(receiver.arrivals.filter((arrival) => arrival.answer === 'ok').map((arrival) => arrival.id));
  const deadline = performance.now() + Math.max(...SCHEDULE_MS) + LEASE_MS + 15_000;
  let deliveries = await listDeliveries();
  while (performance.now() < deadline && !(deliveries.every((delivery) => delivery.status === 'succeeded') && deliveries.every((delivery) => okIds().has(delivery.delivery_id)))) {
    await sleep(200);
    deliveries = await listDeliveries();
  }
  // Late duplicates show up here too: a moment more after the last delivery.
  await sleep(TICK_MS * 3);

  const books = keepBooks({ arrivals: receiver.arrivals, stops, restartsAt, deliveries, expected, schedule: SCHEDULE_MS });
  failures.push(...books.failures);

  // Latency after recovery: each event queued before the receiver came back, to its first acceptance.
  const waiting = [...books.accepted.values()].filter((arrival) => beforeRecovery.has(arrival.id));
  const maxLatency = Math.round(Math.max(0, ...waiting.map((arrival) => arrival.at - recoveredAt)));
  const latencyLimit = Math.round(Math.max(...SCHEDULE_MS) + LEASE_MS + recoveryRestartMs + 2_000);
  if (maxLatency > latencyLimit) failures.push(`an event waiting at the recovery arrived ${maxLatency} ms after it (limit ${latencyLimit} ms)`);
  if (okBeforeRecovery > 0) failures.push(`${okBeforeRecovery} deliveries were accepted while the receiver was down`);
  if (books.figures.failed_attempts === 0) failures.push('no delivery met the receiver down: the drill tested nothing');

  log('acknowledged_writes', acknowledged);
  log('unanswered_writes', unanswered);
  for (const [figure, value] of Object.entries(books.figures)) log(figure, value);
  log('waiting_at_recovery', waiting.length);
  log('max_latency_after_recovery_ms', maxLatency);
  log('latency_limit_ms', latencyLimit);
  log('stops', stops.map((stop) => stop.signal).join(','));
  log('accepted_before_kill_in_redelivery', killedDuringRedelivery);
  log('restart_ms_max', Math.round(Math.max(...restarts)));
  if (failures.length > 0) failures.push(`server log (tail): ${served.stderr().slice(-2_000)}`);
  return { failures };
}
