/**
 * `pnpm bench`: the figures of issue 16, measured from outside as a merchant's users would meet
 * them. A fresh store (SQLite in a temp dir, or a PostgreSQL database of its own with
 * DATABASE_URL) is filled by the real `dodo-portal seed --customers N --invoices-per-customer 10`,
 * a real `dodo-portal serve` process answers over loopback, and autocannon (50 connections) loads
 * it — beside a bare Hono hello on @hono/node-server (bench/hello.ts) in the same run, so the ratio
 * says what the portal's own work costs on a machine whose other load moves both.
 *
 * Prints one `bench: <name> <value> <unit>` line per figure (see figures.ts), then `bench: done`,
 * and writes the same figures to bench-results.json at the repository root.
 *
 * Env: BENCH_INVOICES (default 1000000), BENCH_DURATION_S (default 10, per autocannon run),
 * DATABASE_URL=postgres://… to bench PostgreSQL (databases created for the run, dropped after),
 * BENCH_CPU_PROF=DIR to run the full store's server under `node --cpu-prof` and leave its
 * .cpuprofile in DIR (bench/profile-top.ts reads it).
 * Quick profile: `BENCH_INVOICES=20000 BENCH_DURATION_S=3 pnpm bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import type { InvoicePage, PlanOptions, PortalPaymentMethod, PortalSession, Product, Subscription } from '@dodo-portal/wire/schemas';
import { openStore } from '../src/index.ts';
import { SandboxCards } from '../src/payments/sandbox.ts';
import { formatFigure, percentileOf, resultsJson, type Figure } from './figures.ts';
import { children, cpuSeconds, run, start, stop } from './processes.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../../..');
const cli = join(here, '../bin/dodo-portal.mjs');
const invoiceTarget = Math.max(10, Number(process.env.BENCH_INVOICES ?? 1_000_000));
const duration = Math.max(1, Number(process.env.BENCH_DURATION_S ?? 10));
const baseUrl = process.env.DATABASE_URL;
const cpuProfDir = process.env.BENCH_CPU_PROF;
const CONNECTIONS = 50;
const INVOICES_PER_CUSTOMER = 10;
const SMALL_INVOICES = 10_000;
/** Portal sessions the invoice and PDF loads spread over, one per randomly sampled customer. */
const SESSIONS = 200;
const REACTIVATIONS = 20;
const WEBHOOK_EVENTS = 100;
const BROWSER_LOADS = 5;
/** autocannon's per-request timeout: past it a request counts as timed out, not in the latencies. */
const REQUEST_TIMEOUT_S = 30;
/** The merchant origin the bulk seeder allows (seed-bulk.ts), kept beside the bench's own. */
const MERCHANT_ORIGIN = 'http://localhost:3000';

const figures: Figure[] = [];
const report = (name: string, value: number, unit: string) => {
  const figure = { name, value, unit };
  figures.push(figure);
  console.log(formatFigure(figure));
};
const note = (text: string) => console.error(`bench: # ${text}`);

// ---------------------------------------------------------------------------------------------
// Processes and stores

interface BenchStore {
  /** The env a CLI process needs to open this store. */
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/** A fresh, empty store: a PostgreSQL database of its own, or a SQLite file in a temp dir. */
async function freshStore(label: string): Promise<BenchStore> {
  const dir = mkdtempSync(join(tmpdir(), `dodo-portal-bench-${label}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, DODO_PORTAL_SECRET: randomBytes(32).toString('hex'), PORT: '0', HOST: '127.0.0.1' };
  delete env.DATABASE_URL;
  delete env.DODO_PORTAL_DB;
  if (!baseUrl) {
    env.DODO_PORTAL_DB = join(dir, 'bench.db');
    return { env, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `dodo_bench_${label}_${process.pid}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  return {
    env,
    dispose: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Seeded {
  businesses: { business_id: string; api_keys: { test: string } }[];
  counts: { invoices: number; customers: number };
  seconds: number;
}

/** `dodo-portal seed --customers N --invoices-per-customer 10`, timed from outside. */
async function seed(store: BenchStore, invoices: number): Promise<Seeded & { wallSeconds: number }> {
  const customers = Math.max(1, Math.ceil(invoices / INVOICES_PER_CUSTOMER));
  const started = performance.now();
  const out = await run([cli, 'seed', '--customers', String(customers), '--invoices-per-customer', String(INVOICES_PER_CUSTOMER), '--json'], store.env);
  return { ...(JSON.parse(out) as Seeded), wallSeconds: (performance.now() - started) / 1000 };
}

/** Customers picked at random from the seeded store (read before `serve` starts). */
async function sampleCustomers(store: BenchStore, count: number): Promise<{ id: string; business_id: string }[]> {
  const opened = await openStore(store.env.DATABASE_URL ? { databaseUrl: store.env.DATABASE_URL } : { file: store.env.DODO_PORTAL_DB! });
  try {
    return await opened.db
      .selectFrom('customers')
      .select(['id', 'business_id'])
      .orderBy(sql`random()`)
      .limit(count)
      .execute();
  } finally {
    await opened.close();
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

async function call<T>(url: string, token: string, method: string, body?: unknown, expected?: number): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (expected ? response.status !== expected : !response.ok) throw new Error(`${method} ${url} → ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Portal {
  url: string;
  child: ChildProcess;
  /** One session per sampled customer, with its first invoices and its subscription. */
  sessions: { token: string; customerId: string; invoiceIds: string[]; subscriptionId?: string }[];
  keys: Map<string, string>;
}

async function openSessions(url: string, seeded: Seeded, sample: { id: string; business_id: string }[]): Promise<Portal['sessions']> {
  const keys = new Map(seeded.businesses.map((b) => [b.business_id, b.api_keys.test]));
  const sessions: Portal['sessions'] = [];
  for (const customer of sample) {
    const session = await call<PortalSession>(`${url}/v1/customers/${customer.id}/customer-portal/session`, keys.get(customer.business_id)!, 'POST', undefined, 201);
    const page = await call<InvoicePage>(`${url}/portal/v1/invoices?limit=20`, session.session_token, 'GET');
    if (page.items.length === 0) throw new Error(`customer ${customer.id} has no invoices: the seed is not what the bench expects`);
    sessions.push({ token: session.session_token, customerId: customer.id, invoiceIds: page.items.map((invoice) => invoice.invoice_id) });
  }
  return sessions;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** Requests with no answer within REQUEST_TIMEOUT_S. */
  timeouts: number;
}

/**
 * autocannon at 50 connections for BENCH_DURATION_S, each request built by `next()` (so sessions
 * spread over the requests), after a warm-up (tsx compiles on first use, V8 optimizes later).
 * With the `server` process given, its CPU time per request of the measured load is noted too.
 */
async function load(label: string, url: string, next?: () => { path: string; method?: string; headers?: Record<string, string>; body?: string }, server?: ChildProcess): Promise<Load> {
  const requests = next
    ? [
        {
          setupRequest: (request: autocannon.Request) => {
            const made = next();
            return { ...request, method: made.method ?? 'GET', path: made.path, headers: { ...request.headers, ...made.headers }, ...(made.body ? { body: made.body } : {}) };
          },
        },
      ]
    : undefined;
  const options = { url, ...(requests ? { requests } : {}) } as autocannon.Options;
  // A failing request fails the bench before the load, with the server's answer.
  const probe = next?.() ?? { path: '/' };
  const answer = await fetch(new URL(probe.path, url), { method: probe.method ?? 'GET', headers: probe.headers ?? {}, ...(probe.body ? { body: probe.body } : {}) });
  if (!answer.ok) throw new Error(`${label}: ${probe.method ?? 'GET'} ${probe.path} → ${answer.status} ${await answer.text()}`);
  await answer.arrayBuffer();
  await autocannon({ ...options, connections: 10, duration: Math.min(2, duration / 3) });
  const cpuBefore = cpuSeconds(server?.pid);
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration, timeout: REQUEST_TIMEOUT_S });
  const cpuAfter = cpuSeconds(server?.pid);
  const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? `, server CPU ${(((cpuAfter - cpuBefore) / result.requests.total) * 1000).toFixed(2)} ms per request` : '';
  note(
    `${label}: ${result.requests.total} requests, ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms${cpu}` +
      (result.timeouts ? `, ${result.timeouts} timed out after ${REQUEST_TIMEOUT_S} s (not in the latencies)` : ''),
  );
  // A wrong answer fails the bench; a slow one (a timeout) is a figure, counted apart.
  if (result.non2xx || result.errors > result.timeouts) throw new Error(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors of ${result.requests.total}`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, timeouts: result.timeouts };
}

const invoicePageLoad = (portal: Portal) =>
  load('GET /portal/v1/invoices?limit=20', portal.url, () => ({ path: '/portal/v1/invoices?limit=20', headers: { authorization: `Bearer ${pick(portal.sessions).token}` } }), portal.child);

/** Resident memory of a process (Linux /proc), in MB. */
function rssMb(pid: number | undefined): number {
  const file = `/proc/${pid}/status`;
  if (pid === undefined || !existsSync(file)) return Number.NaN;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(file, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function serve(store: BenchStore, profile = false): Promise<{ child: ChildProcess; url: string }> {
  return start([...(profile && cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), cli, 'serve'], store.env);
}

// ---------------------------------------------------------------------------------------------
// The figures

async function changePlanPreview(portal: Portal, seeded: Seeded): Promise<void> {
  // The seeded businesses keep the default (no plan changes in the portal); the merchant allows them.
  for (const business of seeded.businesses) await call(`${portal.url}/v1/business`, business.api_keys.test, 'PATCH', { allow_subscription_updates: true });
  // The sampled customers' subscriptions, each with another tier of its collection to move to.
  const targets: { token: string; path: string; body: string }[] = [];
  for (const session of portal.sessions.slice(0, 50)) {
    const subscriptions = await call<{ items: Subscription[] }>(`${portal.url}/portal/v1/subscriptions`, session.token, 'GET');
    const live = subscriptions.items.find((subscription) => subscription.status === 'active');
    if (!live) continue;
    const options = await call<PlanOptions>(`${portal.url}/portal/v1/subscriptions/${live.subscription_id}/plan-options`, session.token, 'GET');
    const other = options.items[0];
    if (!other) continue;
    targets.push({ token: session.token, path: `/portal/v1/subscriptions/${live.subscription_id}/change-plan/preview`, body: JSON.stringify({ product_id: other.product_id }) });
  }
  if (targets.length === 0) throw new Error('no sampled subscription can change plan');
  const result = await load('POST …/change-plan/preview', portal.url, () => {
    const target = pick(targets);
    return { method: 'POST', path: target.path, headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' }, body: target.body };
  });
  report('change_plan_preview_p50_ms', result.p50, 'ms');
}

/**
 * Reactivation: customers of a business of its own (so its test-clock advance renews only them)
 * whose renewal was declined — on hold — pay their dues with a good sandbox card. Timed: the one
 * request that charges the dues and reactivates.
 */
async function reactivation(portal: Portal, store: BenchStore): Promise<void> {
  const created = JSON.parse(await run([cli, 'business', 'create', '--name', 'Bench Reactivation', '--json'], store.env)) as { api_keys: { test: string } };
  const key = created.api_keys.test;
  const merchant = <T>(method: string, path: string, body?: unknown, expected?: number) => call<T>(`${portal.url}${path}`, key, method, body, expected);
  const cardToken = async (number: string) => {
    const response = await fetch(`${portal.url}/sandbox/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123', name: 'Bench Customer' }),
    });
    if (response.status !== 201) throw new Error(`sandbox token → ${response.status} ${await response.text()}`);
    return ((await response.json()) as { card_token: string }).card_token;
  };
  const plan = await merchant<Product>('POST', '/v1/products', { name: 'Bench plan', billing_type: 'subscription', price: 2_000, currency: 'USD', interval: 'month', tax_rate_bps: 0 }, 201);
  const held: { customerId: string; subscription: Subscription }[] = [];
  for (let i = 0; i < REACTIVATIONS; i += 1) {
    const customer = await merchant<{ customer_id: string }>('POST', '/v1/customers', { email: `held-${i}@example.com`, name: `Held ${i}` }, 201);
    const subscription = await merchant<Subscription>(
      'POST',
      '/v1/subscriptions',
      { customer_id: customer.customer_id, product_id: plan.product_id, card_token: await cardToken(SandboxCards.succeeds) },
      201,
    );
    await merchant('PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { card_token: await cardToken(SandboxCards.attachesThenDeclines) });
    held.push({ customerId: customer.customer_id, subscription });
  }
  const latestEnd = held
    .map((h) => h.subscription.current_period_end)
    .sort()
    .at(-1)!;
  await merchant('POST', '/v1/test-clock/advance', { to: latestEnd });
  const times: number[] = [];
  for (const { customerId, subscription } of held) {
    const now = await merchant<Subscription>('GET', `/v1/subscriptions/${subscription.subscription_id}`);
    if (now.status !== 'on_hold') throw new Error(`subscription ${subscription.subscription_id} is ${now.status}, not on hold, after its renewal was declined`);
    const session = await merchant<PortalSession>('POST', `/v1/customers/${customerId}/customer-portal/session`, undefined, 201);
    const card = await call<PortalPaymentMethod>(`${portal.url}/portal/v1/payment-methods`, session.session_token, 'POST', { card_token: await cardToken(SandboxCards.succeeds) }, 201);
    const t0 = performance.now();
    const paid = await call<{ subscription: Subscription }>(`${portal.url}/portal/v1/subscriptions/${subscription.subscription_id}/payment-method`, session.session_token, 'POST', {
      payment_method_id: card.payment_method_id,
    });
    times.push(performance.now() - t0);
    if (paid.subscription.status !== 'active') throw new Error(`paying the dues left ${subscription.subscription_id} ${paid.subscription.status}`);
  }
  note(`reactivation: ${times.length} on-hold subscriptions paid their dues`);
  report('reactivation_p50_ms', percentileOf(times, 50), 'ms');
}

/**
 * Webhooks: an endpoint registered through the merchant API on a loopback receiver; each PATCH of
 * a subscription waits for its `subscription.updated` to arrive. The time runs from sending the
 * request (the commit happens within it) to the receiver reading the attempt: an upper bound of
 * commit → first attempt.
 */
async function webhooks(portal: Portal, seeded: Seeded): Promise<void> {
  const arrivals: ((at: number) => void)[] = [];
  const receiver: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      response.end('ok');
      arrivals.shift()?.(at);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const business = seeded.businesses[0]!;
    const key = business.api_keys.test;
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    await call(`${portal.url}/v1/webhook-endpoints`, key, 'POST', { url: hookUrl, events: ['subscription.updated'] }, 201);
    const subscriptions = await call<{ items: Subscription[] }>(`${portal.url}/v1/subscriptions?limit=20`, key, 'GET');
    const subscription = subscriptions.items.find((s) => s.status === 'active');
    if (!subscription) throw new Error('no active subscription in the first business');
    const times: number[] = [];
    for (let i = 0; i < WEBHOOK_EVENTS; i += 1) {
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`webhook ${i + 1}: no delivery attempt reached the receiver within 60 s`)), 60_000);
        arrivals.push((at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
      const t0 = performance.now();
      await call(`${portal.url}/v1/subscriptions/${subscription.subscription_id}`, key, 'PATCH', { cancel_at_period_end: i % 2 === 0 });
      times.push((await arrived) - t0);
    }
    report('webhook_latency_p50_ms', percentileOf(times, 50), 'ms');
    report('webhook_latency_p99_ms', percentileOf(times, 99), 'ms');
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}

/** The built CDN script, built by the elements package's own build when missing (its output to stderr: stdout is the figures). */
async function ensureCdnBuilt(): Promise<void> {
  if (existsSync(join(repoRoot, 'packages/elements/dist/cdn/dodo-portal.js'))) return;
  note('building the elements (pnpm --filter @dodo-portal/elements build)');
  const child = spawn('pnpm', ['--filter', '@dodo-portal/elements', 'build'], { cwd: repoRoot, stdio: ['ignore', process.stderr, 'inherit'] });
  await new Promise<void>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the elements build exited with ${code}`)))));
}

/**
 * Real Chromium on a merchant page, served from a loopback origin the business allows, that loads
 * the CDN script and shows a sampled customer's invoices: from the script's start to the first
 * invoice row rendered (a requestAnimationFrame after it is in the DOM), a fresh browser context
 * (cold cache) each load.
 */
async function browser(portal: Portal, seeded: Seeded, sample: { id: string; business_id: string }[]): Promise<void> {
  const script = await fetch(`${portal.url}/dodo-portal.js`);
  if (!script.ok) throw new Error(`/dodo-portal.js → ${script.status} ${await script.text()}`);
  report('cdn_gzip_bytes', gzipSync(Buffer.from(await script.arrayBuffer()), { level: 9 }).length, 'bytes');

  let html = '';
  const shop = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  const shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  const { chromiumLaunchOptions } = (await import(join(repoRoot, 'scripts/lib/chromium.mjs'))) as { chromiumLaunchOptions: () => Parameters<typeof chromium.launch>[0] };
  const instance = await chromium.launch(chromiumLaunchOptions());
  try {
    const times: number[] = [];
    for (let i = 0; i < BROWSER_LOADS; i += 1) {
      const session = portal.sessions[i % portal.sessions.length]!;
      const businessId = sample.find((customer) => customer.id === session.customerId)!.business_id;
      const key = seeded.businesses.find((business) => business.business_id === businessId)!.api_keys.test;
      await call(`${portal.url}/v1/business`, key, 'PATCH', { allowed_origins: [MERCHANT_ORIGIN, shopOrigin] });
      html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your invoices</title>
<script>
  window.__benchStart = performance.now();
  (function watch() {
    const list = document.querySelector('dodo-invoice-list');
    if (list && list.shadowRoot && list.shadowRoot.querySelector('tr[part="row"]')) window.__firstRow = performance.now() - window.__benchStart;
    else requestAnimationFrame(watch);
  })();
</script>
<script src="${portal.url}/dodo-portal.js"></script></head>
<body><main><h1>Your invoices</h1>
<dodo-portal api-base="${portal.url}" session-token="${session.token}" locale="en-US"><dodo-invoice-list></dodo-invoice-list></dodo-portal>
</main></body></html>`;
      const context = await instance.newContext();
      try {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
        await page.goto(`${shopOrigin}/account`);
        await page
          .waitForFunction(() => typeof (globalThis as { __firstRow?: number }).__firstRow === 'number', undefined, { timeout: 30_000 })
          .catch((error: unknown) => {
            throw new Error(`no invoice row within 30 s: ${problems.join('; ') || String(error)}`);
          });
        times.push(await page.evaluate(() => (globalThis as unknown as { __firstRow: number }).__firstRow));
      } finally {
        await context.close();
      }
    }
    note(`first row over ${times.length} cold loads: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    report('first_row_ms', percentileOf(times, 50), 'ms');
  } finally {
    await instance.close();
    await new Promise<void>((resolve) => shop.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dialect = baseUrl ? 'postgres' : 'sqlite';
  const stores: BenchStore[] = [];
  const startedAt = new Date();
  try {
    const buildCdn = ensureCdnBuilt();
    const hello = await start(['--import', 'tsx', join(here, 'hello.ts')], process.env);
    note(`${dialect}, ${invoiceTarget} invoices, ${duration} s per load, ${CONNECTIONS} connections, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);

    // The small store first: the page's p50 at 10,000 invoices, the base of the growth figure.
    const small = await freshStore('small');
    stores.push(small);
    const smallSeed = await seed(small, SMALL_INVOICES);
    report('seed_small_s', smallSeed.wallSeconds, 's');
    const smallSample = await sampleCustomers(small, SESSIONS);
    const smallServer = await serve(small);
    const smallPortal: Portal = { ...smallServer, sessions: await openSessions(smallServer.url, smallSeed, smallSample), keys: new Map() };
    const smallPage = await invoicePageLoad(smallPortal);
    await stop(smallServer.child);
    await small.dispose();
    stores.splice(stores.indexOf(small), 1);

    const full = await freshStore('full');
    stores.push(full);
    const fullSeed = await seed(full, invoiceTarget);
    report('seed_invoices', fullSeed.counts.invoices, 'invoices');
    report('seed_s', fullSeed.wallSeconds, 's');
    const sample = await sampleCustomers(full, SESSIONS);
    const server = await serve(full, true);
    const portal: Portal = { ...server, sessions: await openSessions(server.url, fullSeed, sample), keys: new Map() };

    const baseline = await load('hono hello', hello.url);
    report('hono_hello_rps', baseline.rps, 'req/s');
    const page = await invoicePageLoad(portal);
    report('invoices_page_rps', page.rps, 'req/s');
    report('invoices_page_p50_ms', page.p50, 'ms');
    report('invoices_page_p99_ms', page.p99, 'ms');
    report('invoices_page_timeouts', page.timeouts, 'requests');
    report('invoices_page_ratio', page.rps / baseline.rps, 'x');
    report('invoices_page_small_p50_ms', smallPage.p50, 'ms');
    report('invoices_page_growth', page.p50 / smallPage.p50, 'x');

    const pdf = await load(
      'GET /portal/v1/invoices/{id}/pdf',
      portal.url,
      () => {
        const session = pick(portal.sessions);
        return { path: `/portal/v1/invoices/${pick(session.invoiceIds)}/pdf`, headers: { authorization: `Bearer ${session.token}` } };
      },
      portal.child,
    );
    report('invoice_pdf_p50_ms', pdf.p50, 'ms');
    report('invoice_pdf_rps', pdf.rps, 'req/s');
    report('invoice_pdf_timeouts', pdf.timeouts, 'requests');

    await changePlanPreview(portal, fullSeed);
    await reactivation(portal, full);
    await webhooks(portal, fullSeed);
    await buildCdn;
    await browser(portal, fullSeed, sample);
    report('rss_mb', rssMb(server.child.pid), 'MB');
    await stop(server.child);
    await stop(hello.child);

    writeFileSync(
      join(repoRoot, 'bench-results.json'),
      resultsJson(figures, { store: dialect, invoices: fullSeed.counts.invoices, duration_s: duration, connections: CONNECTIONS, started_at: startedAt.toISOString(), cpus: cpus().length }),
    );
    console.log('bench: done');
  } finally {
    for (const child of [...children]) await stop(child);
    for (const store of stores) await store.dispose().catch((error: unknown) => console.error('bench: could not drop a store', error));
  }
}

await main();
