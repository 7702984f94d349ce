import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BusinessCreated,
  DemoSeeded,
  InvitePrinted,
  OutboxMail,
  type InvoicePage,
  type MagicLinkExchanged,
  type Page,
  type PortalSessionInfo,
  type WebhookDelivery,
  type WebhookEndpointCreated,
} from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { runCli, webhookRetryScheduleFromEnv } from './cli.ts';
import { openStore } from './store/index.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'dodo-portal.mjs');
let dir: string;

// A clean environment: no DATABASE_URL from the developer's shell leaks into --db runs.
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, timeout: 30_000 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each test spawns the CLI (tsx compiles it on first run) several times: on a loaded 2-core machine that
// took over 20 s, so these tests get a minute.
describe('dodo-portal CLI', { timeout: 60_000 }, () => {
  it('business create --json prints exactly the business id and both keys', async () => {
    const db = join(dir, 'business.db');
    const result = run(['business', 'create', '--name', 'Scripted Co', '--allowed-origin', 'https://app.example.com', '--json', '--db', db]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout) as unknown;
    expect(Object.keys(output as object)).toEqual(['business_id', 'api_keys']);
    const created = BusinessCreated.parse(output);
    expect(created.api_keys.test).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect(created.api_keys.live).toMatch(/^sk_live_[A-Za-z0-9_-]{43}$/);

    // The printed key works against the same database.
    const store = await openStore({ file: db });
    try {
      const app = createApp({ store, publicUrl: 'http://127.0.0.1:8787' });
      const response = await app.request('/v1/customers', { headers: { authorization: `Bearer ${created.api_keys.live}` } });
      expect(response.status).toBe(200);
    } finally {
      await store.close();
    }
  });

  it('seed --demo --json creates a paginated demo', async () => {
    const db = join(dir, 'seed.db');
    const result = run(['seed', '--demo', '--json', '--allowed-origin', 'http://localhost:5173', '--db', db]);
    expect(result.status, result.stderr).toBe(0);
    const seeded = DemoSeeded.parse(JSON.parse(result.stdout));
    expect(seeded.customers.length).toBeGreaterThanOrEqual(2);
    expect(seeded.customers[0]!.customer_id).toBe(seeded.demo_customer_id);
    expect(seeded.invoice_count).toBeGreaterThan(25);

    const store = await openStore({ file: db });
    try {
      const app = createApp({ store, publicUrl: 'http://127.0.0.1:8787' });
      const session = (await (
        await app.request(`/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {
          method: 'POST',
          headers: { authorization: `Bearer ${seeded.api_keys.test}` },
        })
      ).json()) as { session_token: string };
      const first = (await (await app.request('/portal/v1/invoices', { headers: { authorization: `Bearer ${session.session_token}` } })).json()) as InvoicePage;
      expect(first.items).toHaveLength(20);
      expect(first.next_cursor).not.toBeNull();
      expect(new Set(first.items.map((invoice) => invoice.issued_at.slice(0, 7))).size).toBeGreaterThan(3);
      expect(first.items.some((invoice) => invoice.status === 'open')).toBe(true);
      // Demo origins plus the extra one are allowed.
      for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://localhost:5173']) {
        const preflight = await app.request('/portal/v1/invoices', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
        expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      }
    } finally {
      await store.close();
    }
  });

  it('invite --customer prints the static link of the customer’s mode and a working one-time magic link', async () => {
    const db = join(dir, 'invite.db');
    const seeded = DemoSeeded.parse(JSON.parse(run(['seed', '--demo', '--json', '--db', db]).stdout));
    const result = spawnSync(process.execPath, [bin, 'invite', '--customer', seeded.demo_customer_id, '--json', '--db', db], {
      encoding: 'utf8',
      env: { ...env, PUBLIC_URL: 'https://billing.example.com/' },
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const invite = InvitePrinted.parse(JSON.parse(result.stdout));
    expect(invite.mode).toBe('test');
    expect(invite.static_link).toBe(`https://billing.example.com/test/login/${seeded.business_id}`);
    expect(invite.dynamic_link).toMatch(/^https:\/\/billing\.example\.com\/magic#code=dpm_[A-Za-z0-9_-]{43}$/);

    // The printed magic link opens a session for that customer, once.
    const store = await openStore({ file: db });
    try {
      const app = createApp({ store, publicUrl: 'https://billing.example.com' });
      const code = new URL(invite.dynamic_link).hash.replace('#code=', '');
      const exchange = () => app.request('/portal/v1/magic-link/exchange', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      const first = await exchange();
      expect(first.status).toBe(201);
      const session = (await first.json()) as MagicLinkExchanged;
      const info = (await (await app.request('/portal/v1/session', { headers: { authorization: `Bearer ${session.session_token}` } })).json()) as PortalSessionInfo;
      expect(info.customer.customer_id).toBe(seeded.demo_customer_id);
      expect((await exchange()).status).toBe(410);
    } finally {
      await store.close();
    }

    let stdout = '';
    expect(await runCli(['invite', '--customer', seeded.demo_customer_id, '--db', db], { stdout: (text) => (stdout += text), stderr: () => undefined, env: {} })).toBe(0);
    expect(stdout).toContain(`http://127.0.0.1:8787/test/login/${seeded.business_id}`);
    expect(stdout).toContain('one-time');
    let stderr = '';
    expect(await runCli(['invite', '--customer', 'cus_nope', '--db', db], { stdout: () => undefined, stderr: (text) => (stderr += text), env: {} })).toBe(1);
    expect(stderr).toContain('No customer cus_nope');
  });

  it('prints help with exit 0, and refuses bad flags with exit 2 and a clear message', async () => {
    // The argument handling runs in-process (the same runCli the binary calls); one spawn below
    // checks that the exit code reaches the shell.
    const call = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const status = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} });
      return { status, stdout, stderr };
    };
    for (const args of [['--help'], ['serve', '--help'], ['business', 'create', '--help'], ['seed', '--help'], ['migrate', '--help'], ['invite', '--help']]) {
      const result = await call(args);
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('Usage: dodo-portal');
    }
    const cases: [string[], string][] = [
      [['business', 'create', '--nme', 'X'], "Unknown option '--nme'"],
      [['business', 'create'], '--name is required'],
      [['business', 'delete'], 'unknown subcommand'],
      [['seed'], '--demo'],
      [['seed', '--customers', '0'], '--customers must be an integer from 1'],
      [['seed', '--customers', '10', '--invoices-per-customer', 'many'], '--invoices-per-customer must be'],
      [['seed', '--demo', '--customers', '10'], 'not both'],
      [['invite'], '--customer is required'],
      [['serve', '--port', 'eighty'], '--port must be'],
      [['serve', '--port', '70000'], '--port must be'],
      [['serve', '--workers', '0'], '--workers must be an integer from 1'],
      [['serve', '--workers', 'many'], '--workers must be an integer from 1'],
      [['frobnicate'], 'unknown command "frobnicate"'],
    ];
    for (const [args, message] of cases) {
      const result = await call(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
    const badOrigin = await call(['business', 'create', '--name', 'X', '--allowed-origin', 'ftp://x', '--db', join(dir, 'bad.db')]);
    expect(badOrigin.status).toBe(1);
    expect(badOrigin.stderr).toContain('must be http or https');

    const spawned = run(['business', 'create', '--nme', 'X']);
    expect(spawned.status).toBe(2);
    expect(spawned.stderr).toContain("Unknown option '--nme'");
  });

  it('outbox lists test-mode emails newest first, with their links, as text or JSON', async () => {
    const db = join(dir, 'outbox.db');
    let stdout = '';
    const io = { stdout: (text: string) => (stdout += text), stderr: () => undefined, env: {} };
    expect(await runCli(['outbox', '--db', db], io)).toBe(0);
    expect(stdout).toContain('The outbox is empty');

    const store = await openStore({ file: db });
    try {
      const { createBusiness } = await import('./services/businesses.ts');
      const { serviceContext } = await import('./runtime.ts');
      const { createBackgroundTasks } = await import('./services/background.ts');
      const created = await createBusiness(serviceContext(store), { name: 'Outbox Co', allowedOrigins: [] });
      const background = createBackgroundTasks((_, error) => {
        throw error;
      });
      const app = createApp({ store, publicUrl: 'http://127.0.0.1:8787', background, logger: { info: () => undefined, error: () => undefined } });
      for (const email of ['first@example.com', 'second@example.com']) {
        const made = await app.request('/v1/customers', {
          method: 'POST',
          headers: { authorization: `Bearer ${created.apiKeys.test}`, 'content-type': 'application/json' },
          body: JSON.stringify({ email, name: email.split('@')[0] }),
        });
        expect(made.status).toBe(201);
        const login = await app.request('/portal/v1/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ business_id: created.business.id, email, mode: 'test' }),
        });
        expect(login.status).toBe(202);
        await background.idle();
        // Distinct timestamps, so "newest first" has one right answer.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await store.close();
    }

    const listed = run(['outbox', '--json', '--limit', '1', '--db', db]);
    expect(listed.status, listed.stderr).toBe(0);
    const mails = OutboxMail.array().parse(JSON.parse(listed.stdout));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe('second@example.com');
    expect(mails[0]!.text).toMatch(/http:\/\/127\.0\.0\.1:8787\/magic#code=dpm_/);

    stdout = '';
    expect(await runCli(['outbox', '--db', db], io)).toBe(0);
    expect(stdout.indexOf('To:      second@example.com')).toBeLessThan(stdout.indexOf('To:      first@example.com'));
    expect(stdout).toContain('Subject: Sign in to your billing with Outbox Co');
    expect(run(['outbox', '--limit', '0', '--db', db]).status).toBe(2);
  });

  it('backup copies a SQLite store; restore puts it into a fresh one, refuses one with data unless --force', async () => {
    const db = join(dir, 'backed-up.db');
    expect(run(['seed', '--demo', '--json', '--db', db]).status).toBe(0);
    const backupFile = join(dir, 'backup.db');
    const backup = run(['backup', '--to', backupFile, '--json', '--db', db]);
    expect(backup.status, backup.stderr).toBe(0);
    expect((JSON.parse(backup.stdout) as { bytes: number }).bytes).toBeGreaterThan(0);
    expect(run(['backup', '--to', backupFile, '--db', db]).status, 'an existing backup file is not replaced without --force').toBe(1);

    const fresh = join(dir, 'restored.db');
    const restored = run(['restore', '--from', backupFile, '--json', '--db', fresh]);
    expect(restored.status, restored.stderr).toBe(0);
    const report = JSON.parse(restored.stdout) as { integrity: string; counts: Record<string, number> };
    expect(report.integrity).toBe('ok');
    expect(report.counts.invoices).toBeGreaterThan(25);

    const again = run(['restore', '--from', backupFile, '--db', fresh]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/--force/);
    expect(run(['restore', '--from', backupFile, '--force', '--db', fresh]).status).toBe(0);

    // The restored store serves what the original held.
    const store = await openStore({ file: fresh });
    try {
      const counted = await store.db
        .selectFrom('invoices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(counted.n)).toBe(report.counts.invoices);
    } finally {
      await store.close();
    }
  });

  it('migrate reports applied migrations, then that the database is up to date', async () => {
    const db = join(dir, 'migrate.db');
    const first = run(['migrate', '--db', db]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('0001_initial');
    let stdout = '';
    expect(await runCli(['migrate', '--db', db], { stdout: (text) => (stdout += text), stderr: () => undefined, env: {} })).toBe(0);
    expect(stdout).toContain('up to date');
  });

  it('serve prints its URL, answers, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', join(dir, 'serve.db')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stdout}`)));
    });
    expect(stdout).toContain(`${url}/portal#token=<session_token>`);
    expect(stdout).toContain('email        test mode: outbox ("dodo-portal outbox") and log; live mode: disabled (set SMTP_URL)');
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('serve on a port already in use says so and how to choose another, without a stack', async () => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const port = (held.address() as AddressInfo).port;
    try {
      let stderr = '';
      const status = await runCli(['serve', '--port', String(port), '--db', join(dir, 'busy.db')], { stdout: () => undefined, stderr: (text) => (stderr += text), env: {} });
      expect(status).toBe(1);
      expect(stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(stderr).toContain('--port 8788 (or PORT=8788)');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => held.close(() => resolve()));
    }
  });

  it('reads WEBHOOK_RETRY_SCHEDULE_MS as comma-separated milliseconds, and refuses a bad knob by name before opening anything', async () => {
    expect(webhookRetryScheduleFromEnv(undefined)).toEqual({});
    expect(webhookRetryScheduleFromEnv('  ')).toEqual({});
    expect(webhookRetryScheduleFromEnv('1000,2000,4000')).toEqual({ webhookRetryScheduleMs: [1000, 2000, 4000] });
    expect(webhookRetryScheduleFromEnv(' 100 , 300000 ')).toEqual({ webhookRetryScheduleMs: [100, 300000] });
    const bad: [string, string][] = [
      ['WEBHOOK_RETRY_SCHEDULE_MS', 'fast'],
      ['WEBHOOK_RETRY_SCHEDULE_MS', '1000,,4000'],
      ['WEBHOOK_RETRY_SCHEDULE_MS', '1000,2000,'],
      ['WEBHOOK_RETRY_SCHEDULE_MS', '99'],
      ['WEBHOOK_RETRY_SCHEDULE_MS', '1000,-5'],
      ['WEBHOOK_RETRY_SCHEDULE_MS', '1.5e3'],
      ['WEBHOOK_RETRY_SCHEDULE_MS', '1000 2000'],
      ['WEBHOOK_RETRY_SCHEDULE_MS', Array.from({ length: 51 }, () => '1000').join(',')],
      ['WEBHOOK_LEASE_MS', '10'],
      ['IDEMPOTENCY_LEASE_MS', 'soon'],
      ['SCHEDULER_INTERVAL_MS', '5'],
    ];
    for (const [index, [name, value]] of bad.entries()) {
      const folder = join(dir, `knob-${index}`);
      const db = join(folder, 'dodo-portal.db');
      let stderr = '';
      const status = await runCli(['serve', '--port', '0', '--db', db], { stdout: () => undefined, stderr: (text) => (stderr += text), env: { [name]: value } });
      expect(status, `${name}=${value}`).toBe(2);
      expect(stderr).toContain(`dodo-portal: ${name} must be`);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(folder), 'no database or secret file made').toBe(false);
    }
    expect(webhookRetryScheduleFromEnv.bind(null, '1000,x')).toThrow('delay 2 is "x"');
  });

  it('serve retries a failing webhook on WEBHOOK_RETRY_SCHEDULE_MS, then marks it failed', async () => {
    const db = join(dir, 'retry-schedule.db');
    const env = { DODO_PORTAL_SECRET: 'a-test-secret-of-at-least-32-characters', SCHEDULER_INTERVAL_MS: '25', WEBHOOK_RETRY_SCHEDULE_MS: '300,600' };
    const io = (out: { text: string }) => ({ stdout: (text: string) => (out.text += text), stderr: (text: string) => (out.text += text), env });
    const created = { text: '' };
    expect(await runCli(['business', 'create', '--name', 'Retry Co', '--json', '--db', db], io(created))).toBe(0);
    const key = BusinessCreated.parse(JSON.parse(created.text)).api_keys.test;

    const arrivals: number[] = [];
    const receiver = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        arrivals.push(Date.now());
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const signals = new EventEmitter();
    const served = { text: '' };
    const serving = runCli(['serve', '--port', '0', '--db', db], io(served), signals);
    try {
      await expect.poll(() => /listening on (http:\/\/\S+)/.exec(served.text)?.[1], { timeout: 20_000 }).toBeTruthy();
      const url = /listening on (http:\/\/\S+)/.exec(served.text)![1]!;
      const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        expect(response.status, `${method} ${path}`).toBeLessThan(300);
        return (await response.json()) as T;
      };
      const endpoint = await call<WebhookEndpointCreated>('POST', '/v1/webhook-endpoints', {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
        events: ['payment.succeeded'],
      });
      const product = await call<{ product_id: string }>('POST', '/v1/products', { name: 'Once', price: 500, currency: 'USD', billing_type: 'one_time' });
      const customer = await call<{ customer_id: string }>('POST', '/v1/customers', { email: 'retry@example.com', name: 'Retry' });
      const { card_token } = await call<{ card_token: string }>('POST', '/sandbox/v1/tokens', { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' });
      await call('POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product.product_id, quantity: 1 }], card_token });

      const deliveries = `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries`;
      await expect.poll(async () => (await call<Page<WebhookDelivery>>('GET', deliveries)).items[0]?.status, { timeout: 15_000, interval: 100 }).toBe('failed');
      const [delivery] = (await call<Page<WebhookDelivery>>('GET', deliveries)).items;
      // The first attempt and one retry per delay, then no more.
      expect(delivery!.attempts.map((attempt) => attempt.response_status)).toEqual([500, 500, 500]);
      expect(arrivals).toHaveLength(3);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(300 - 5);
      expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(600 - 5);
      // Nowhere near the default 5 s then 5 min.
      expect(arrivals[2]! - arrivals[0]!).toBeLessThan(4_000);
    } finally {
      signals.emit('SIGTERM');
      expect(await serving).toBe(0);
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
