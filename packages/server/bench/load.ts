/**
 * Throughput under load, measured from outside as issue 16 did: a real `dodo-portal serve` process
 * on a fresh demo database, a portal session from the merchant API, then autocannon against
 * `GET /portal/v1/invoices` and against a bare Hono hello (bench/hello.ts) in the same run, and
 * their ratio. The machine's other load moves both figures; the ratio is what to compare.
 *
 *   npx tsx packages/server/bench/load.ts
 *
 * Env: LOAD_CONNECTIONS (default 50), LOAD_SECONDS (default 30), LOAD_PATH (default
 * /portal/v1/invoices; `{invoice_id}` in it becomes the demo customer's newest invoice, e.g.
 * LOAD_PATH=/portal/v1/invoices/{invoice_id}/pdf), DATABASE_URL=postgres://…/postgres to serve from PostgreSQL (a database
 * created for the run and dropped after), LOAD_CPU_PROF=DIR to run the server under
 * `node --cpu-prof` and leave its .cpuprofile in DIR (open it in Chrome DevTools or read it with
 * bench/profile-top.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import type { PortalSession } from '@dodo-portal/wire/schemas';
import { children, cpuSeconds, run, start, stop } from './processes.ts';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '../bin/dodo-portal.mjs');
const connections = Number(process.env.LOAD_CONNECTIONS ?? 50);
const duration = Number(process.env.LOAD_SECONDS ?? 30);
const pathTemplate = process.env.LOAD_PATH ?? '/portal/v1/invoices';
const cpuProfDir = process.env.LOAD_CPU_PROF;

async function load(label: string, url: string, headers: Record<string, string> = {}): Promise<autocannon.Result> {
  // Warm-up: tsx compiles modules on first use and V8 optimizes after a while; without it the
  // first requests' wait makes p99 of a short run.
  await autocannon({ url, connections: 10, amount: 500, headers });
  const result = await autocannon({ url, connections, duration, headers });
  const bad = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${label.padEnd(26)} ${result.requests.average.toFixed(0).padStart(7)} req/s  p50 ${String(result.latency.p50).padStart(4)} ms  p99 ${String(result.latency.p99).padStart(4)} ms  (${result.requests.total} requests${bad ? `, ${bad} failed` : ''})`,
  );
  if (bad) throw new Error(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return result;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-load-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DODO_PORTAL_SECRET: randomBytes(32).toString('hex') };
  let dropDatabase: (() => Promise<void>) | undefined;
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `dodo_load_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  } else {
    env.DODO_PORTAL_DB = join(dir, 'load.db');
  }
  try {
    const seeded = JSON.parse(await run([cli, 'seed', '--demo', '--json'], env)) as { api_keys: { test: string }; demo_customer_id: string; invoice_count: number };
    const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
    const server = await start([...profile, cli, 'serve'], env);
    const hello = await start(['--import', 'tsx', join(here, 'hello.ts')], process.env);

    const response = await fetch(`${server.url}/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seeded.api_keys.test}` },
    });
    if (!response.ok) throw new Error(`portal session: HTTP ${response.status} ${await response.text()}`);
    const session = (await response.json()) as PortalSession;
    const auth = { authorization: `Bearer ${session.session_token}` };
    let path = pathTemplate;
    if (path.includes('{invoice_id}')) {
      const invoices = (await (await fetch(`${server.url}/portal/v1/invoices?limit=1`, { headers: auth })).json()) as { items: { invoice_id: string }[] };
      path = path.replace('{invoice_id}', invoices.items[0]!.invoice_id);
    }
    const check = await fetch(`${server.url}${path}`, { headers: auth });
    if (!check.ok) throw new Error(`${path}: HTTP ${check.status} ${await check.text()}`);
    const bytes = (await check.arrayBuffer()).byteLength;

    console.log(`dodo-portal load: ${base ? 'postgres' : 'sqlite'}, ${seeded.invoice_count} seeded invoices, ${connections} connections, ${duration} s each, ${path} answers ${bytes} bytes`);
    const baseline = await load('hono hello', hello.url);
    const cpuBefore = cpuSeconds(server.child.pid);
    const portal = await load(`GET ${path}`, `${server.url}${path}`, auth);
    const cpuAfter = cpuSeconds(server.child.pid);
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      console.log(`server CPU per portal request: ${(((cpuAfter - cpuBefore) / portal.requests.total) * 1000).toFixed(2)} ms`);
    }
    console.log(`ratio portal / hello: ${(portal.requests.average / baseline.requests.average).toFixed(3)}`);
  } finally {
    for (const child of [...children]) await stop(child);
    await dropDatabase?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
