/**
 * A server process SIGKILLed in the middle of a renewal, on a PostgreSQL database shared with
 * `dodo-portal serve` processes (issue 16): another process completes the renewal, and each
 * period is charged exactly once. The killed one is src/testing/crash-server.ts (the real
 * `startServer` whose sandbox charge of one chosen amount never returns, and says so on stdout):
 * the test-clock advance it runs reaches the renewal charge, hangs there, and is killed.
 *
 * - Killed before the processor saw the charge: the client's retry with the same Idempotency-Key,
 *   sent to another process, reconciles the dead attempt (the processor never got it: `failed`)
 *   and renews the period.
 * - Killed after the processor took the charge (money moved, the answer lost): a process started
 *   afterwards settles that charge as the renewal through its scheduler's reconciler, without
 *   charging again; the client's retry of the advance finds nothing due.
 *
 * A renewal's payment is not noted on the request's key (one advance may renew many periods):
 * the reconciler settles it once RECONCILE_GRACE_MS has passed, shortened here to 1 s (default
 * 10 minutes), below the key lease, so the retry that takes the key over finds it reconcilable.
 *
 * Runs when DATABASE_URL names a PostgreSQL server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Customer, Page, Payment, Product, Subscription, TestClock } from '@dodo-portal/wire/schemas';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from './payments/sandbox.ts';
import { createBusinessKey, createTestDatabase, kill9, newServerSecret, pgDatabaseUrl, serve, stop, type ServeProcess, type TestDatabase } from './testing/processes.ts';
import { eventually } from './testing/served.ts';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'crash-server.ts');
const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Every process's Idempotency-Key lease: the killed request's billing lock lapses with it. */
const LEASE_MS = 1_500;
const GRACE_MS = 1_000;
const HANG_BEFORE = 1_234;
const HANG_AFTER = 4_321;
const MONTH_MS = 31 * 86_400_000;

interface CrashServer {
  child: ChildProcess;
  url: string;
  hung: Promise<'before' | 'after'>;
}

function crashServer(env: Record<string, string>, hang: Record<string, string>): Promise<CrashServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, IDEMPOTENCY_LEASE_MS: String(LEASE_MS), ...hang },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let onHung: (point: 'before' | 'after') => void = () => undefined;
  const hung = new Promise<'before' | 'after'>((resolve) => (onHung = resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`crash server exited (${code ?? signal}) before listening: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const message = JSON.parse(line) as { listening?: string; hung?: 'before' | 'after' };
      if (message.listening) resolve({ child, url: message.listening, hung });
      if (message.hung) onHung(message.hung);
    });
  });
}

describe.skipIf(!pgDatabaseUrl)('a process SIGKILLed mid-renewal, another completes it (PostgreSQL)', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  /** Serves the setup and the retries; its scheduler is off, so it renews only when asked. */
  let steady: ServeProcess;
  const others: { child: ChildProcess }[] = [];
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase('dodo_renewal_crash');
    env = { DATABASE_URL: database.url, DODO_PORTAL_SECRET: newServerSecret() };
    steady = await serve({ ...env, SCHEDULER_INTERVAL_MS: '0', IDEMPOTENCY_LEASE_MS: String(LEASE_MS), RECONCILE_GRACE_MS: String(GRACE_MS) });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await Promise.all([steady, ...others].filter(Boolean).map(stop));
    await database?.drop();
  });

  const call = async <T>(url: string, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const ok = async <T>(key: string, method: string, path: string, body?: unknown, status = 200): Promise<T> => {
    const answer = await call<T>(steady.url, key, method, path, body);
    if (answer.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  /** A business with one monthly plan at `price` and one subscriber on a good card; the test clock a month on. */
  async function subscribed(price: number) {
    const key = await createBusinessKey(env, `Renewal Crash ${price}`);
    const product = await ok<Product>(key, 'POST', '/v1/products', { name: 'Plan', billing_type: 'subscription', price, currency: 'USD', interval: 'month' }, 201);
    const token = await fetch(`${steady.url}/sandbox/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
    });
    const { card_token } = (await token.json()) as { card_token: string };
    const customer = await ok<Customer>(key, 'POST', '/v1/customers', { email: `renew-${price}@example.com`, name: 'Renewer' }, 201);
    const subscription = await ok<Subscription>(key, 'POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: product.product_id, card_token }, 201);
    const now = Date.parse((await ok<{ now: string }>(key, 'GET', '/v1/test-clock')).now);
    return { key, subscription, to: new Date(now + MONTH_MS).toISOString() };
  }

  /** The advance sent to a crash server, which hangs at the renewal charge and is SIGKILLed there. */
  async function advanceAndKill(crash: CrashServer, key: string, to: string, idempotencyKey: string) {
    const request = call(crash.url, key, 'POST', '/v1/test-clock/advance', { to }, { 'idempotency-key': idempotencyKey }).catch((error: Error) => error);
    const point = await crash.hung;
    const killedAt = Date.now();
    await kill9(crash);
    expect(await request).toBeInstanceOf(Error);
    return { point, killedAt };
  }

  const payments = async (key: string, customerId: string) => (await ok<Page<Payment>>(key, 'GET', `/v1/payments?customer_id=${customerId}`)).items;
  /** What the sandbox processor actually charged, by amount (only one business uses each amount). */
  const charged = async (amount: number) => Number((await client.query<{ n: string }>('select count(*) as n from sandbox_charges where amount = $1', [amount])).rows[0]!.n);

  it('killed before the processor saw the charge: the keyed retry on another process renews the period, charged once', async () => {
    const { key, subscription, to } = await subscribed(HANG_BEFORE);
    const crash = await crashServer(env, { CRASH_HANG_BEFORE_AMOUNT: String(HANG_BEFORE) });
    others.push(crash);
    const { point, killedAt } = await advanceAndKill(crash, key, to, 'advance-before');
    expect(point).toBe('before');
    expect((await payments(key, subscription.customer_id)).map((p) => p.status).sort()).toEqual(['processing', 'succeeded']);
    expect(await charged(HANG_BEFORE)).toBe(1);

    // The client retries with the same key, on another process, until the dead request's lease lapses.
    const retried = await eventually(
      async () => {
        const answer = await call<TestClock & { error?: { code: string } }>(steady.url, key, 'POST', '/v1/test-clock/advance', { to }, { 'idempotency-key': 'advance-before' });
        return answer.status === 409 && answer.body.error?.code === 'idempotency_key_in_progress' ? undefined : answer;
      },
      LEASE_MS + 10_000,
      'the retry to take the key over',
    );
    console.info(`renewal-crash: killed before the charge; the retry took over ${Date.now() - killedAt} ms after the kill (lease ${LEASE_MS} ms)`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.renewals).toEqual({ renewed: 1, on_hold: 0, cancelled: 0 });
    const after = await payments(key, subscription.customer_id);
    // The attempt that never reached the processor is `failed`; the period was charged once, by the retry.
    expect(after.map((p) => p.status).sort()).toEqual(['failed', 'succeeded', 'succeeded']);
    expect(await charged(HANG_BEFORE)).toBe(2);
    const renewed = await ok<Subscription>(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`);
    expect(Date.parse(renewed.current_period_end)).toBeGreaterThan(Date.parse(subscription.current_period_end));
    expect(renewed.status).toBe('active');
  });

  it('killed after the processor took the charge: a process started afterwards settles it as the renewal, never charging again', async () => {
    const { key, subscription, to } = await subscribed(HANG_AFTER);
    const crash = await crashServer(env, { CRASH_HANG_AFTER_AMOUNT: String(HANG_AFTER) });
    others.push(crash);
    const { point, killedAt } = await advanceAndKill(crash, key, to, 'advance-after');
    expect(point).toBe('after');
    // Money moved, the answer was lost: the sandbox has the charge, the payment is still `processing`.
    expect(await charged(HANG_AFTER)).toBe(2);
    expect((await payments(key, subscription.customer_id)).map((p) => p.status).sort()).toEqual(['processing', 'succeeded']);

    // As a supervisor restarts a process: `dodo-portal serve`, its scheduler ticking every 500 ms.
    const restarted = await serve({ ...env, SCHEDULER_INTERVAL_MS: '500', IDEMPOTENCY_LEASE_MS: String(LEASE_MS), RECONCILE_GRACE_MS: String(GRACE_MS) });
    others.push(restarted);
    const settled = await eventually(
      async () => {
        const items = await payments(key, subscription.customer_id);
        return items.every((p) => p.status !== 'processing') ? items : undefined;
      },
      LEASE_MS + 20_000,
      'the lost renewal charge to be settled',
    );
    console.info(`renewal-crash: killed after the charge; settled by the restarted process ${Date.now() - killedAt} ms after the kill (lease ${LEASE_MS} ms)`);
    expect(settled.map((p) => p.status)).toEqual(['succeeded', 'succeeded']);
    expect(new Set(settled.map((p) => p.invoice_id)).size).toBe(2);
    expect(await charged(HANG_AFTER)).toBe(2);
    const renewed = await ok<Subscription>(key, 'GET', `/v1/subscriptions/${subscription.subscription_id}`);
    expect(renewed.status).toBe('active');
    expect(Date.parse(renewed.current_period_end)).toBeGreaterThan(Date.parse(subscription.current_period_end));

    // The client's retry: the renewal's payment is not on the key, so the dead request's key is
    // forgotten (or taken over for a moment by the sweep) and the advance runs again: nothing is due.
    const retry = await eventually(
      async () => {
        const answer = await call<TestClock & { error?: { code: string } }>(steady.url, key, 'POST', '/v1/test-clock/advance', { to }, { 'idempotency-key': 'advance-after' });
        return answer.status === 409 && answer.body.error?.code === 'idempotency_key_in_progress' ? undefined : answer;
      },
      10_000,
      'the retry to run',
    );
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body.renewals).toEqual({ renewed: 0, on_hold: 0, cancelled: 0 });
    expect(await charged(HANG_AFTER)).toBe(2);
    expect((await payments(key, subscription.customer_id)).map((p) => p.status)).toEqual(['succeeded', 'succeeded']);
  });
});
