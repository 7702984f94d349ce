/**
 * The crash drill: keyed writes of every charging kind — one-time payments, first periods, plan
 * changes, reactivations of on-hold subscriptions, refunds — sent all at once to a real
 * `dodo-portal serve`, which is killed with SIGKILL after a drawn number of them were answered.
 * Then the server is started again on the same database and every request of the round is sent
 * again with its `Idempotency-Key`, and the books (drills/crash-accounting.ts) are kept: every
 * acknowledged write is there, no key moved money twice, every retry got the key's answer (none
 * left in progress), nothing `processing`, `PRAGMA integrity_check` ok, and the totals balance.
 */
import { sql } from 'kysely';
import { openStore, storeOptionsFromEnv } from '../src/store/index.ts';
import { reckon, type Answer, type Attempt, type CrashKind, type Ledger } from './crash-accounting.ts';
import type { Drill } from './drill.ts';
import { startDrillServer, type DrillServer } from './serve.ts';
import { pool, random } from './tools.ts';

/** The lease the restarted server gives a dead process's key (IDEMPOTENCY_LEASE_MS); short, so the drill need not wait 10 minutes. */
const LEASE_MS = 1_000;
const PRICE = { once: 1_000, planA: 2_000, planB: 5_000 } as const;
const REFUND = 300;
const KINDS: CrashKind[] = ['payment', 'subscription', 'plan_change', 'reactivation', 'refund'];
const SETUP_CONCURRENCY = 6;
const RETRY_CONCURRENCY = 12;
/** How long the retries of a key keep asking while it is in progress (past the lease of the dead process). */
const RETRY_DEADLINE_MS = 15_000;

interface Target {
  kind: CrashKind;
  customer: string;
  /** The request of the round. */
  path: string;
  body: unknown;
  token: string;
  /** The customer charged, or the payment refunded. */
  target: string;
}

type Json = Record<string, unknown>;

export const crash: Drill = {
  name: 'crash',
  async run({ full, store, databaseUrl, seed = 1, log }) {
    // The per-IP limits (card tokens, sessions) are tested on their own: each request comes "from" its own address.
    const server = await startDrillServer({ store, databaseUrl }, { IDEMPOTENCY_LEASE_MS: String(LEASE_MS), TRUST_PROXY: '1' });
    try {
      return await crashServer(server, { full, seed, log });
    } finally {
      await server.stop();
    }
  },
};

async function crashServer(served: DrillServer, { full, seed, log }: { full: boolean; seed: number; log: (figure: string, value: number | string) => void }) {
  const draw = random(seed);
  const key = served.business.keys.test;
  const perRound = full ? 300 : 60;
  const rounds = full ? 3 : 2;
  log('seed', seed);

  let client = 0;
  const call = async (method: string, path: string, body?: unknown, token = key, headers: Record<string, string> = {}): Promise<Answer> => {
    client += 1;
    const response = await fetch(`${served.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-forwarded-for': `10.8.${(client >> 8) & 255}.${client & 255}`, ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.text() };
  };
  const made = async (method: string, path: string, body?: unknown, token = key): Promise<Json> => {
    const answer = await call(method, path, body, token);
    if (answer.status >= 300) throw new Error(`setup ${method} ${path}: ${answer.status} ${answer.body}`);
    return JSON.parse(answer.body) as Json;
  };
  const card = async (customer: string, number: string) => {
    const { card_token } = await made('POST', '/sandbox/v1/tokens', { number, exp_month: 12, exp_year: 2040, cvc: '123' });
    return (await made('POST', `/v1/customers/${customer}/payment-methods`, { card_token })).payment_method_id as string;
  };

  // The world: a one-time product, a two-tier plan ladder, and one customer per request of every round.
  await made('PATCH', '/v1/business', { allow_subscription_updates: true });
  const product = async (name: string, price: number, recurring: boolean) =>
    (
      await made('POST', '/v1/products', {
        name,
        price,
        currency: 'USD',
        tax_rate_bps: 0,
        ...(recurring ? { billing_type: 'subscription', interval: 'month' } : { billing_type: 'one_time' }),
      })
    ).product_id as string;
  const once = await product('Crash Once', PRICE.once, false);
  const planA = await product('Crash A', PRICE.planA, true);
  const planB = await product('Crash B', PRICE.planB, true);
  await made('POST', '/v1/product-collections', { name: 'Crash ladder', product_ids: [planA, planB] });

  const kinds = Array.from({ length: perRound * rounds }, (_, i) => KINDS[i % KINDS.length]!);
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(draw() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const setupStarted = performance.now();
  const prepared = await pool(kinds, SETUP_CONCURRENCY, async (kind, i) => {
    const customer = (await made('POST', '/v1/customers', { email: `crash-${i}@drill.example`, name: `Crash ${i}` })).customer_id as string;
    const good = await card(customer, '4242424242424242');
    const items = [{ product_id: once, quantity: 1 }];
    if (kind === 'payment') return { kind, customer, path: '/v1/payments', body: { customer_id: customer, items, payment_method_id: good }, target: customer };
    if (kind === 'subscription') return { kind, customer, path: '/v1/subscriptions', body: { customer_id: customer, product_id: planA, payment_method_id: good }, target: customer };
    if (kind === 'refund') {
      const payment = (await made('POST', '/v1/payments', { customer_id: customer, items, payment_method_id: good })).payment_id as string;
      return { kind, customer, path: '/v1/refunds', body: { payment_id: payment, amount: REFUND }, target: payment };
    }
    const subscription = (await made('POST', '/v1/subscriptions', { customer_id: customer, product_id: planA, payment_method_id: good })).subscription_id as string;
    if (kind === 'plan_change') return { kind, customer, path: `/portal/v1/subscriptions/${subscription}/change-plan`, body: { product_id: planB }, target: customer };
    // On hold: the renewal charges a card that declines (the advance below), the customer pays the dues with the good one.
    await made('PATCH', `/v1/subscriptions/${subscription}`, { payment_method_id: await card(customer, '4000000000000341') });
    return { kind, customer, path: `/portal/v1/subscriptions/${subscription}/payment-method`, body: { payment_method_id: good }, target: customer };
  });
  // A month and a bit: every subscription renews; the reactivations' go on hold.
  await made('POST', '/v1/test-clock/advance', { seconds: 32 * 24 * 3600 });
  const targets: Target[] = await pool(prepared, SETUP_CONCURRENCY, async (target) => ({
    ...target,
    token: target.path.startsWith('/portal/') ? ((await made('POST', `/v1/customers/${target.customer}/customer-portal/session`, {})).session_token as string) : key,
  }));
  log('setup_seconds', ((performance.now() - setupStarted) / 1000).toFixed(1));
  const before = new Set((await list<Json>(call, '/v1/payments')).map((p) => p.payment_id as string));

  const attempts: Attempt[] = [];
  const failures: string[] = [];
  const killedAfter: number[] = [];
  const inFlight = { keys: 0, payments: 0, refunds: 0 };
  for (let round = 0; round < rounds; round += 1) {
    const batch = targets.slice(round * perRound, (round + 1) * perRound);
    const keyOf = (i: number) => `crash-${seed}-${round}-${i}`;
    // The kill: once a drawn share (10–70 %) of the round was answered.
    const killAt = Math.max(1, Math.floor(perRound * (0.1 + 0.6 * draw())));
    let answered = 0;
    let killed: Promise<void> | undefined;
    const kill = () => (killed ??= served.kill());
    const firsts = await Promise.all(
      batch.map(async (target, i): Promise<Answer | null> => {
        try {
          const answer = await call('POST', target.path, target.body, target.token, { 'idempotency-key': keyOf(i) });
          answered += 1;
          if (answered >= killAt) void kill();
          return answer;
        } catch {
          return null;
        }
      }),
    );
    await kill();
    const killedAt = performance.now();
    killedAfter.push(answered);
    await served.restart();
    const caught = await caughtMidFlight(served);
    inFlight.keys += caught.keys;
    inFlight.payments += caught.payments;
    inFlight.refunds += caught.refunds;
    // Past the dead process's leases (all taken before the kill), so a retry may take its keys
    // over: the restart has usually outlasted them already.
    const leasesLeft = killedAt + LEASE_MS - performance.now();
    if (leasesLeft > 0) await new Promise((resolve) => setTimeout(resolve, leasesLeft));
    const retry = async (target: Target, i: number): Promise<Answer[]> => {
      const got: Answer[] = [];
      const deadline = performance.now() + RETRY_DEADLINE_MS;
      for (;;) {
        const answer = await call('POST', target.path, target.body, target.token, { 'idempotency-key': keyOf(i) }).catch(() => ({ status: 0, body: 'no answer' }));
        got.push(answer);
        const waiting = answer.status === 409 && answer.body.includes('"idempotency_key_in_progress"');
        if (!waiting || performance.now() > deadline) return got;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    // Twice: the second retry must get the answer the first one fixed.
    const retried = await pool(batch, RETRY_CONCURRENCY, async (target, i) => [...(await retry(target, i)), ...(await retry(target, i))]);
    batch.forEach((target, i) => attempts.push({ key: keyOf(i), kind: target.kind, target: target.target, first: firsts[i]!, retries: retried[i]! }));

    const books = reckon(attempts, await ledgerOf(served, call), before);
    // The books cover every round so far: a failure a later round finds again is reported once.
    for (const failure of books.failures) if (!failures.some((seen) => seen.endsWith(`: ${failure}`))) failures.push(`round ${round + 1}: ${failure}`);
    if (round === rounds - 1) for (const [figure, value] of Object.entries(books.figures)) log(figure, value);
  }
  // How the requests that died unanswered were answered on retry, by kind (for reading, not judged).
  const recovered = new Map<string, number>();
  for (const attempt of attempts.filter((a) => a.first === null)) {
    const answer = attempt.retries.find((r) => !r.body.includes('"idempotency_key_in_progress"')) ?? attempt.retries.at(-1)!;
    const code = /"code":"(\w+)"/.exec(answer.body)?.[1];
    const name = `${attempt.kind}:${answer.status}${code ? `:${code}` : ''}${attempt.retries[0]!.body.includes('"idempotency_key_in_progress"') ? ':waited' : ''}`;
    recovered.set(name, (recovered.get(name) ?? 0) + 1);
  }
  log(
    'retried_unanswered',
    [...recovered]
      .sort()
      .map(([name, n]) => `${name}=${n}`)
      .join(','),
  );
  // What the kills caught half done (for reading: the drill is only worth its figures when these are not all 0).
  log('keys_in_flight', inFlight.keys);
  log('payments_processing_at_kill', inFlight.payments);
  log('refunds_pending_at_kill', inFlight.refunds);
  log('rounds', rounds);
  log('killed_after_answers', killedAfter.join(','));
  if (failures.length > 0) failures.push(`server log (tail): ${served.stderr().slice(-2_000)}`);
  return { failures };
}

type Call = (method: string, path: string, body?: unknown) => Promise<Answer>;

/** Every item of a merchant list, page by page. */
async function list<T>(call: Call, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const answer = await call('GET', `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.body}`);
    const page = JSON.parse(answer.body) as { items: T[]; next_cursor: string | null };
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** Read straight after a kill: keys claimed but unanswered, payments `processing`, refunds `pending`. */
async function caughtMidFlight(served: DrillServer): Promise<{ keys: number; payments: number; refunds: number }> {
  const store = await openDatabase(served);
  try {
    const db = store.db;
    const n = (row: { n: number | string | bigint }) => Number(row.n);
    const keys = n(
      await db
        .selectFrom('idempotency_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('response_status', 'is', null)
        .executeTakeFirstOrThrow(),
    );
    const payments = n(
      await db
        .selectFrom('payments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'processing')
        .executeTakeFirstOrThrow(),
    );
    const refunds = n(
      await db
        .selectFrom('refunds')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow(),
    );
    return { keys, payments, refunds };
  } finally {
    await store.close();
  }
}

const openDatabase = (served: DrillServer) => openStore({ ...storeOptionsFromEnv(served.databaseEnv, served.databaseEnv.DODO_PORTAL_DB), migrate: false });

/** What the restarted server holds: the merchant API's lists, and from the database what no API shows. */
async function ledgerOf(served: DrillServer, call: Call): Promise<Ledger> {
  const [payments, refunds, invoices, subscriptions] = await Promise.all([
    list<Ledger['payments'][number]>(call, '/v1/payments'),
    list<Ledger['refunds'][number]>(call, '/v1/refunds'),
    list<Ledger['invoices'][number]>(call, '/v1/invoices'),
    list<Ledger['subscriptions'][number]>(call, '/v1/subscriptions'),
  ]);
  const store = await openDatabase(served);
  try {
    const db = store.db;
    const processing = await db
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'processing')
      .executeTakeFirstOrThrow();
    const charged = await db
      .selectFrom('sandbox_charges')
      .select((eb) => [eb.fn.sum<number>('amount').as('charged'), eb.fn.sum<number>('amount_refunded').as('refunded')])
      .executeTakeFirstOrThrow();
    const integrity = store.dialect === 'sqlite' ? (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows.map((row) => row.integrity_check).join('; ') : 'ok';
    return {
      payments,
      refunds,
      invoices,
      subscriptions,
      processor: { charged: Number(charged.charged ?? 0), refunded: Number(charged.refunded ?? 0) },
      processing: Number(processing.n),
      integrity,
    };
  } finally {
    await store.close();
  }
}
