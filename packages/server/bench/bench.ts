/**
 * Latency of the hot portal paths on a real server over loopback: a fresh temp database, the demo
 * seed, then bounded loops of `GET /portal/v1/invoices` (first page and a cursor page) and of
 * invoice PDF downloads. Prints p50/p95/p99 per path. Then webhook latency: a change through the
 * merchant API (PATCH a subscription) until its `subscription.updated` reaches a receiver on
 * loopback — commit→first attempt, bounded above by the request's own time, with the scheduler at
 * its default 30-s interval (so only the post-commit kick can be that fast). `pnpm bench` from the
 * repository root.
 *
 * Env: BENCH_REQUESTS (default 500), BENCH_CONCURRENCY (default 1), DATABASE_URL to bench on
 * PostgreSQL (a temporary schema, dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InvoicePage, PortalSession, Subscription } from '@dodo-portal/wire/schemas';
import { dropPgSchema, openStore, seedDemo, startServer } from '../src/index.ts';

const requests = Number(process.env.BENCH_REQUESTS ?? 500);
const concurrency = Math.max(1, Number(process.env.BENCH_CONCURRENCY ?? 1));
const pdfRequests = Math.min(requests, 200);
const webhookRequests = Math.min(requests, 200);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(label: string, count: number, call: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < Math.min(20, count); i += 1) await call(i); // warm-up
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await call(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  times.sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(2)} ms`.padStart(10);
  console.log(
    `${label.padEnd(34)} n=${String(count).padEnd(5)} p50 ${ms(percentile(times, 50))}  p95 ${ms(percentile(times, 95))}  p99 ${ms(percentile(times, 99))}  ${(count / (elapsed / 1000)).toFixed(0).padStart(6)} req/s`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-bench-'));
  const databaseUrl = process.env.DATABASE_URL;
  const pgSchema = databaseUrl ? `dodo_bench_${process.pid}` : undefined;
  const store = await openStore(databaseUrl ? { databaseUrl, pgSchema } : { file: join(dir, 'bench.db') });
  const server = await startServer({ port: 0, host: '127.0.0.1', store, logger: { error: (m, d) => console.error(m, d), info: () => undefined } });
  try {
    const seeded = await seedDemo(store);
    const response = await fetch(`${server.url}/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seeded.api_keys.test}` },
    });
    const session = (await response.json()) as PortalSession;
    const auth = { authorization: `Bearer ${session.session_token}` };
    const firstPage = (await (await fetch(`${server.url}/portal/v1/invoices?limit=10`, { headers: auth })).json()) as InvoicePage;
    const cursor = firstPage.next_cursor!;
    const invoiceIds = firstPage.items.map((invoice) => invoice.invoice_id);

    const expectOk = async (res: Response) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };

    console.log(`dodo-portal bench: ${store.dialect}, ${seeded.invoice_count} seeded invoices, concurrency ${concurrency}, ${server.url}`);
    await measure('GET /portal/v1/invoices', requests, async () => expectOk(await fetch(`${server.url}/portal/v1/invoices`, { headers: auth })));
    await measure('GET /portal/v1/invoices?cursor', requests, async () => expectOk(await fetch(`${server.url}/portal/v1/invoices?limit=10&cursor=${cursor}`, { headers: auth })));
    await measure('GET /portal/v1/invoices/{id}/pdf', pdfRequests, async (i) =>
      expectOk(await fetch(`${server.url}/portal/v1/invoices/${invoiceIds[i % invoiceIds.length]}/pdf`, { headers: auth })),
    );

    // Webhooks: one receiver, one endpoint; each call waits for its own event to arrive.
    const waiting: (() => void)[] = [];
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.end('ok');
        waiting.shift()?.();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const merchant = { authorization: `Bearer ${seeded.api_keys.test}`, 'content-type': 'application/json' };
      const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      await expectOk(await fetch(`${server.url}/v1/webhook-endpoints`, { method: 'POST', headers: merchant, body: JSON.stringify({ url: hookUrl, events: ['subscription.updated'] }) }));
      const subscriptions = (await (await fetch(`${server.url}/v1/subscriptions?limit=1`, { headers: merchant })).json()) as { items: Subscription[] };
      const subscriptionId = subscriptions.items[0]!.subscription_id;
      await measure('webhook commit→first attempt', webhookRequests, async (i) => {
        const arrived = new Promise<void>((resolve) => waiting.push(resolve));
        await expectOk(await fetch(`${server.url}/v1/subscriptions/${subscriptionId}`, { method: 'PATCH', headers: merchant, body: JSON.stringify({ cancel_at_period_end: i % 2 === 0 }) }));
        await arrived;
      });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  } finally {
    await server.close();
    await store.close();
    if (databaseUrl && pgSchema) await dropPgSchema(databaseUrl, pgSchema);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
