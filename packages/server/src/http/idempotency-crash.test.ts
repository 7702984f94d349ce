/**
 * kill -9 in the middle of a keyed charge, then a restart and the same request with the same
 * Idempotency-Key: the retry gets a real answer (never `idempotency_key_in_progress` for good),
 * nothing is charged twice, and no payment is left `processing`. Real server processes
 * (src/testing/crash-server.ts) on a temp SQLite file and on a PostgreSQL database of their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ErrorBody, Product, Subscription } from '@dodo-portal/wire/schemas';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../domain/secret-box.ts';
import { SandboxCards } from '../payments/sandbox.ts';
import { createBusiness } from '../services/businesses.ts';
import { openStore, type Store } from '../store/index.ts';
import { TEST_SERVER_SECRET } from '../testing/harness.ts';
import { serviceContext } from '../runtime.ts';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../testing/crash-server.ts');
const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '../..');
const LEASE_MS = 400;
const HANG_AFTER = 4_321;
const HANG_BEFORE = 1_234;
const HANG_REFUND = 321;

interface Child {
  process: ChildProcess;
  url: string;
  /** Resolves with the first `{"hung":…}` line. */
  hung: Promise<{ hung: 'before' | 'after' | 'refund'; idempotency_key: string }>;
}

/** A server on the test's database; `hang` arms the hang hooks (the restarted server has none). */
function startChild(dbEnv: Record<string, string>, hang: boolean): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      DATABASE_URL: '',
      DODO_PORTAL_DB: '',
      ...dbEnv,
      IDEMPOTENCY_LEASE_MS: String(LEASE_MS),
      ...(hang ? { CRASH_HANG_AFTER_AMOUNT: String(HANG_AFTER), CRASH_HANG_BEFORE_AMOUNT: String(HANG_BEFORE), CRASH_HANG_REFUND_AMOUNT: String(HANG_REFUND) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const lines = createInterface({ input: child.stdout! });
  let onHung: (value: { hung: 'before' | 'after' | 'refund'; idempotency_key: string }) => void;
  const hung = new Promise<{ hung: 'before' | 'after' | 'refund'; idempotency_key: string }>((resolve) => (onHung = resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`crash server exited (${code ?? signal}) before listening: ${stderr}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const message = JSON.parse(line) as { listening?: string; hung?: 'before' | 'after' | 'refund'; idempotency_key?: string };
      if (message.listening) resolve({ process: child, url: message.listening, hung });
      if (message.hung) onHung({ hung: message.hung, idempotency_key: message.idempotency_key! });
    });
  });
}

/** The child's hang, or the answer that came instead (a test failure worth reading). */
async function hangOf(child: Child, request: Promise<unknown>): Promise<string> {
  const answered = request.then(async (response) => {
    throw new Error(`expected the server to hang, it answered ${response instanceof Response ? `${response.status} ${await response.text()}` : String(response)}`);
  });
  return (await Promise.race([child.hung, answered])).hung;
}

async function kill9(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

type Backend = { name: string; setup(): Promise<{ dbEnv: Record<string, string>; store: Store; cleanup(): Promise<void> }> };
const backends: Backend[] = [
  {
    name: 'sqlite',
    setup: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-crash-'));
      const file = join(dir, 'crash.db');
      const store = await openStore({ file });
      return { dbEnv: { DODO_PORTAL_DB: file }, store, cleanup: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
    },
  },
];
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
  backends.push({
    name: 'postgres',
    setup: async () => {
      const name = `dodo_crash_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(databaseUrl);
      url.pathname = `/${name}`;
      const store = await openStore({ databaseUrl: url.toString() });
      return {
        dbEnv: { DATABASE_URL: url.toString() },
        store,
        cleanup: async () => {
          await store.close();
          const client = new pg.Client({ connectionString: databaseUrl });
          await client.connect();
          await client.query(`drop database if exists ${name} with (force)`);
          await client.end();
        },
      };
    },
  });
}

describe.each(backends)('an Idempotency-Key whose server was killed mid-charge ($name)', ({ setup }) => {
  let db: Awaited<ReturnType<Backend['setup']>>;
  let key: string;
  const children: Child[] = [];
  const start = async (hang: boolean) => {
    const child = await startChild(db.dbEnv, hang);
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    db = await setup();
    const ctx = serviceContext(db.store, { secrets: createSecretBox(TEST_SERVER_SECRET) });
    key = (await createBusiness(ctx, { name: 'Crash Co', allowedOrigins: ['https://shop.example'] })).apiKeys.test;
  });
  afterAll(async () => {
    for (const child of children) await kill9(child);
    await db?.cleanup();
  });

  const call = (child: Child, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${child.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const created = async <T>(response: Response): Promise<T> => {
    const text = await response.text();
    expect(response.status, text).toBe(201);
    return JSON.parse(text) as T;
  };
  const cardToken = async (child: Child) =>
    (await created<{ card_token: string }>(await call(child, 'POST', '/sandbox/v1/tokens', { number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }))).card_token;

  it('answers the retry for real after a restart: refunded when it was charged, run once when it was not', async () => {
    const first = await start(true);
    const product = (price: number) =>
      call(first, 'POST', '/v1/products', { name: `Plan ${price}`, price, billing_type: 'subscription', currency: 'USD', interval: 'month', tax_rate_bps: 0 }).then(created<Product>);
    const charged = await product(HANG_AFTER);
    const uncharged = await product(HANG_BEFORE);
    const customer = async (n: number) =>
      (await created<{ customer_id: string }>(await call(first, 'POST', '/v1/customers', { email: `crash${n}@example.com`, name: `Crash ${n}` }))).customer_id;
    const alice = await customer(1);
    const bob = await customer(2);
    const subscribeAlice = { customer_id: alice, product_id: charged.product_id, card_token: await cardToken(first) };
    const subscribeBob = { customer_id: bob, product_id: uncharged.product_id, card_token: await cardToken(first) };

    // 1. Killed after the sandbox charged Alice: money moved, no answer.
    const lostA = call(first, 'POST', '/v1/subscriptions', subscribeAlice, { 'idempotency-key': 'alice-1' }).catch((error: unknown) => error);
    expect(await hangOf(first, lostA)).toBe('after');
    await kill9(first);
    expect(await lostA).toBeInstanceOf(Error);

    // 2. Killed before the sandbox saw Bob's charge: nothing moved.
    const second = await start(true);
    const lostB = call(second, 'POST', '/v1/subscriptions', subscribeBob, { 'idempotency-key': 'bob-1' }).catch((error: unknown) => error);
    expect(await hangOf(second, lostB)).toBe('before');
    await kill9(second);
    expect(await lostB).toBeInstanceOf(Error);

    const processing = () => db.store.db.selectFrom('payments').select(['id', 'customer_id']).where('status', '=', 'processing').execute();
    expect((await processing()).map((p) => p.customer_id).sort()).toEqual([alice, bob].sort());

    // 3. Restarted, past the lease (LEASE_MS is shorter than a start): the real answers.
    const third = await start(false);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 50));

    const retryA = await call(third, 'POST', '/v1/subscriptions', subscribeAlice, { 'idempotency-key': 'alice-1' });
    const answerA = (await retryA.json()) as ErrorBody;
    expect(retryA.status, JSON.stringify(answerA)).toBe(409);
    expect(answerA.error.code).toBe('idempotent_request_interrupted');
    const alicePayments = await db.store.db.selectFrom('payments').selectAll().where('customer_id', '=', alice).execute();
    expect(alicePayments.map((p) => [p.status, Number(p.amount), Number(p.amount_refunded)])).toEqual([['refunded', HANG_AFTER, HANG_AFTER]]);
    expect(answerA.error.payment_id).toBe(alicePayments[0]!.id);
    // One charge at the processor, refunded in full; no subscription was made for it.
    const aliceCharges = await db.store.db.selectFrom('sandbox_charges').selectAll().where('idempotency_key', '=', alicePayments[0]!.id).execute();
    expect(aliceCharges.map((c) => [Number(c.amount), Number(c.amount_refunded)])).toEqual([[HANG_AFTER, HANG_AFTER]]);
    expect(await db.store.db.selectFrom('subscriptions').select('id').where('customer_id', '=', alice).execute()).toEqual([]);
    // The answer is the key's for good.
    const againA = await call(third, 'POST', '/v1/subscriptions', subscribeAlice, { 'idempotency-key': 'alice-1' });
    expect(againA.status).toBe(409);
    expect(againA.headers.get('idempotent-replayed')).toBe('true');
    expect(((await againA.json()) as ErrorBody).error.payment_id).toBe(alicePayments[0]!.id);

    // Bob was never charged: the retry runs the request, which charges once and subscribes.
    const retryB = await call(third, 'POST', '/v1/subscriptions', subscribeBob, { 'idempotency-key': 'bob-1' });
    const subscription = await created<Subscription>(retryB);
    expect(subscription.customer_id).toBe(bob);
    const bobPayments = await db.store.db.selectFrom('payments').selectAll().where('customer_id', '=', bob).orderBy('created_at').execute();
    expect(bobPayments.map((p) => [p.status, p.decline_code]).sort()).toEqual([
      ['failed', 'charge_not_found'],
      ['succeeded', null],
    ]);
    const bobCharges = await db.store.db
      .selectFrom('sandbox_charges')
      .selectAll()
      .where(
        'idempotency_key',
        'in',
        bobPayments.map((p) => p.id),
      )
      .execute();
    expect(bobCharges).toHaveLength(1);
    const againB = await call(third, 'POST', '/v1/subscriptions', subscribeBob, { 'idempotency-key': 'bob-1' });
    expect(againB.status).toBe(201);
    expect(againB.headers.get('idempotent-replayed')).toBe('true');

    expect(await processing()).toEqual([]);
  }, 120_000);
  it('finishes a refund killed after the processor refunded it: the retry answers that refund, never a second one', async () => {
    const first = await start(true);
    const product = await call(first, 'POST', '/v1/products', { name: 'Once', price: 1_000, billing_type: 'one_time', currency: 'USD', tax_rate_bps: 0 }).then(created<Product>);
    const customer = (await created<{ customer_id: string }>(await call(first, 'POST', '/v1/customers', { email: 'refund@example.com', name: 'Refund' }))).customer_id;
    const payment = await created<{ payment_id: string }>(
      await call(first, 'POST', '/v1/payments', { customer_id: customer, items: [{ product_id: product.product_id, quantity: 1 }], card_token: await cardToken(first) }),
    );
    const refundBody = { payment_id: payment.payment_id, amount: HANG_REFUND };
    const lost = call(first, 'POST', '/v1/refunds', refundBody, { 'idempotency-key': 'refund-1' }).catch((error: unknown) => error);
    expect(await hangOf(first, lost)).toBe('refund');
    await kill9(first);
    expect(await lost).toBeInstanceOf(Error);
    const refunds = () => db.store.db.selectFrom('refunds').select(['id', 'status']).where('payment_id', '=', payment.payment_id).execute();
    const [pending] = await refunds();
    expect(pending?.status).toBe('pending');

    const second = await start(false);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 50));
    const retry = await call(second, 'POST', '/v1/refunds', refundBody, { 'idempotency-key': 'refund-1' });
    const answer = await created<{ refund_id: string; status: string; amount: number }>(retry);
    expect([answer.refund_id, answer.status, answer.amount]).toEqual([pending!.id, 'succeeded', HANG_REFUND]);
    expect(await refunds()).toEqual([{ id: pending!.id, status: 'succeeded' }]);
    // Refunded once at the processor, and the payment's books say so.
    const processorRefunds = await db.store.db.selectFrom('sandbox_refunds').select(['amount']).where('idempotency_key', '=', pending!.id).execute();
    expect(processorRefunds.map((r) => Number(r.amount))).toEqual([HANG_REFUND]);
    const row = await db.store.db.selectFrom('payments').select(['amount_refunded', 'status']).where('id', '=', payment.payment_id).executeTakeFirstOrThrow();
    expect([Number(row.amount_refunded), row.status]).toEqual([HANG_REFUND, 'partially_refunded']);
    const again = await call(second, 'POST', '/v1/refunds', refundBody, { 'idempotency-key': 'refund-1' });
    expect([again.status, again.headers.get('idempotent-replayed'), await again.text()]).toEqual([201, 'true', JSON.stringify(answer)]);
  }, 120_000);
});
