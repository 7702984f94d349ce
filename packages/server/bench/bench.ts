/**
 * Latency of the hot portal paths on a real server over loopback: a fresh temp database, the demo
 * seed, then bounded loops of `GET /portal/v1/invoices` (first page and a cursor page) and of
 * invoice PDF downloads. Prints p50/p95/p99 per path. `pnpm bench` from the repository root.
 *
 * Env: BENCH_REQUESTS (default 500), BENCH_CONCURRENCY (default 1), DATABASE_URL to bench on
 * PostgreSQL (a temporary schema, dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InvoicePage, PortalSession } from '@dodo-portal/wire/schemas';
import { dropPgSchema, openStore, seedDemo, startServer } from '../src/index.ts';

const requests = Number(process.env.BENCH_REQUESTS ?? 500);
const concurrency = Math.max(1, Number(process.env.BENCH_CONCURRENCY ?? 1));
const pdfRequests = Math.min(requests, 200);

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
    await measure('GET /portal/v1/invoices?cursor', requests, async () =>
      expectOk(await fetch(`${server.url}/portal/v1/invoices?limit=10&cursor=${cursor}`, { headers: auth })),
    );
    await measure('GET /portal/v1/invoices/{id}/pdf', pdfRequests, async (i) =>
      expectOk(await fetch(`${server.url}/portal/v1/invoices/${invoiceIds[i % invoiceIds.length]}/pdf`, { headers: auth })),
    );
  } finally {
    await server.close();
    await store.close();
    if (databaseUrl && pgSchema) await dropPgSchema(databaseUrl, pgSchema);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
