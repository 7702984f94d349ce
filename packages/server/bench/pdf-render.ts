/**
 * CPU time of one invoice PDF, rendered in-process (no HTTP, no store): the demo's invoices as the
 * portal returns them (each render with its own number, dates, total and email), drawn in the standard font (en-US, de-DE) and with embedded Noto fonts
 * (a ja-JP customer), to see what the renderer itself costs per request apart from the server.
 *
 *   npx tsx packages/server/bench/pdf-render.ts [renders per case, default 300]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Invoice, InvoicePage, PortalSession } from '@dodo-portal/wire/schemas';
import { openStore, renderInvoicePdf, seedDemo, startServer, type InvoicePdfInput } from '../src/index.ts';

const renders = Number(process.argv[2] ?? 300);

async function demoInvoices(): Promise<Invoice[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dodo-portal-pdf-render-'));
  const store = await openStore({ file: join(dir, 'bench.db') });
  const server = await startServer({ port: 0, host: '127.0.0.1', store, logger: { error: () => undefined, info: () => undefined } });
  try {
    const seeded = await seedDemo(store);
    const response = await fetch(`${server.url}/v1/customers/${seeded.demo_customer_id}/customer-portal/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seeded.api_keys.test}` },
    });
    const session = (await response.json()) as PortalSession;
    const page = (await (await fetch(`${server.url}/portal/v1/invoices?limit=10`, { headers: { authorization: `Bearer ${session.session_token}` } })).json()) as InvoicePage;
    return page.items;
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const invoices = await demoInvoices();
const business = { name: 'Acme Cloud', brand: { display_name: 'Acme Cloud', primary_color: '#4f46e5' } };
const cases: [string, InvoicePdfInput['customer']][] = [
  ['standard font (en-US)', { name: 'Ada Lovelace', email: 'ada@example.com', locale: 'en-US' }],
  ['standard font (de-DE)', { name: 'Jörg Müller', email: 'joerg@example.de', locale: 'de-DE' }],
  ['embedded fonts (ja-JP)', { name: '山田 太郎', email: 'taro@example.jp', locale: 'ja-JP' }],
];
for (const [label, customer] of cases) {
  // Each render another invoice, as for the bench's random customers: its own number, issue and
  // paid dates (a day apart), and amounts, so nothing is the same as the render before.
  const input = (i: number): InvoicePdfInput => {
    const invoice = invoices[i % invoices.length]!;
    const day = (iso: string | null) => (iso ? new Date(Date.parse(iso) + i * 86_400_000).toISOString() : null);
    return {
      invoice: { ...invoice, number: `INV-${String(100_000 + i)}`, issued_at: day(invoice.issued_at)!, paid_at: day(invoice.paid_at), total: invoice.total + i },
      business,
      customer: { ...customer, email: `${i}.${customer.email}` },
    };
  };
  for (let i = 0; i < 30; i += 1) await renderInvoicePdf(input(i)); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  let bytes = 0;
  for (let i = 0; i < renders; i += 1) bytes += (await renderInvoicePdf(input(i))).length;
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - started) / renders;
  console.log(
    `${label.padEnd(24)} ${((used.user + used.system) / 1000 / renders).toFixed(2).padStart(6)} ms CPU  ${wall.toFixed(2).padStart(6)} ms wall per PDF  (${renders} renders, ${Math.round(bytes / renders)} bytes avg)`,
  );
}
