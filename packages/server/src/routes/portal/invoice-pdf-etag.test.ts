/**
 * `GET /portal/v1/invoices/{id}/pdf` through the real server over TCP: the PDF's ETag and
 * `If-None-Match` → 304, a kept PDF never outliving what it shows (a refund, a renamed
 * customer, another language each give a new PDF and a new ETag), and no render for a client
 * that closed its connection before it began.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Payment, PortalSession, Product } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { eventually, expectJson as json, sandboxCardToken, startServed, type Served } from '../../testing/served.ts';

let served: Served;
let key: string;
let dir: string;
beforeAll(async () => {
  served = await startServed({ trustProxy: true, businessInput: { name: 'Etag Prints AB' } });
  key = served.business.keys.test;
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-pdf-etag-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await served?.close();
});

/** A customer's paid one-time purchase of 100 USD, and a portal session of theirs. */
async function purchase(name: string): Promise<{ payment: Payment; customerId: string; token: string }> {
  const product = await json<Product>(await served.merchant(key, 'POST', '/v1/products', { name: 'Annual licence', billing_type: 'one_time', price: 10_000, currency: 'USD' }), 201);
  const customer = await json<{ customer_id: string }>(await served.merchant(key, 'POST', '/v1/customers', { name, email: `${name.toLowerCase()}@example.com`, locale: 'en-US' }), 201);
  const cardToken = await sandboxCardToken(served, SandboxCards.succeeds);
  const payment = await json<Payment>(
    await served.merchant(key, 'POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product.product_id }], card_token: cardToken }),
    201,
  );
  const session = await json<PortalSession>(await served.merchant(key, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`), 201);
  return { payment, customerId: customer.customer_id, token: session.session_token };
}

const pdf = (token: string, invoiceId: string, headers: Record<string, string> = {}) => served.call(token, 'GET', `/portal/v1/invoices/${invoiceId}/pdf`, undefined, headers);

let files = 0;
async function textOf(response: Response): Promise<string> {
  const file = join(dir, `${(files += 1)}.pdf`);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('invoice PDF ETag over TCP', () => {
  it('answers 304 to If-None-Match with the current ETag, and 200 with the PDF otherwise', async () => {
    const { payment, token } = await purchase('Astrid');
    const invoiceId = payment.invoice_id!;
    const first = await pdf(token, invoiceId);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-store');
    expect(first.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(first.headers.get('content-length')).toBe(String(bytes.length));
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const again = await pdf(token, invoiceId);
    expect(again.headers.get('etag')).toBe(etag);
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);

    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const notModified = await pdf(token, invoiceId, { 'if-none-match': header });
      expect(notModified.status, header).toBe(304);
      expect(notModified.headers.get('etag')).toBe(etag);
      expect(notModified.headers.get('cache-control')).toBe('private, no-store');
      expect(await notModified.text()).toBe('');
    }
    const other = await pdf(token, invoiceId, { 'if-none-match': '"not-this-one"' });
    expect(other.status).toBe(200);
    expect(Buffer.from(await other.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('gives a new PDF and ETag once the invoice is refunded, the customer renamed or another language read', async () => {
    const { payment, customerId, token } = await purchase('Bertil');
    const invoiceId = payment.invoice_id!;
    const etag = (await pdf(token, invoiceId)).headers.get('etag')!;

    await json(await served.merchant(key, 'POST', '/v1/refunds', { payment_id: payment.payment_id, amount: 3_000 }), 201);
    const refunded = await pdf(token, invoiceId, { 'if-none-match': etag });
    expect(refunded.status).toBe(200);
    const refundedTag = refunded.headers.get('etag')!;
    expect(refundedTag).not.toBe(etag);
    expect(await textOf(refunded)).toMatch(/Net paid +\$70\.00/);

    await json(await served.merchant(key, 'PATCH', `/v1/customers/${customerId}`, { name: 'Bertil Renamed' }), 200);
    const renamed = await pdf(token, invoiceId, { 'if-none-match': refundedTag });
    expect(renamed.status).toBe(200);
    const renamedTag = renamed.headers.get('etag')!;
    expect(renamedTag).not.toBe(refundedTag);
    expect(await textOf(renamed)).toContain('Bertil Renamed');

    const german = await pdf(token, invoiceId, { 'if-none-match': renamedTag, 'accept-language': 'de-DE' });
    expect(german.status).toBe(200);
    expect(german.headers.get('etag')).not.toBe(renamedTag);
    expect(await textOf(german)).toContain('Rechnung');
  });

  it("answers 404, not 304, for another customer's invoice whatever If-None-Match says", async () => {
    const owner = await purchase('Cecilia');
    const stranger = await purchase('David');
    const etag = (await pdf(owner.token, owner.payment.invoice_id!)).headers.get('etag')!;
    const response = await pdf(stranger.token, owner.payment.invoice_id!, { 'if-none-match': etag });
    expect(response.status).toBe(404);
    await response.arrayBuffer();
  });
});

describe('invoice PDF for a client that has gone', () => {
  /** A raw HTTP/1.1 connection to the server, open. */
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(served.server.port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  const request = (token: string, invoiceId: string) => `GET /portal/v1/invoices/${invoiceId}/pdf HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\nconnection: close\r\n\r\n`;
  const skipped = () => served.logger.entries.filter((entry) => entry.message === 'invoice PDF not rendered: the client closed the connection');

  it('skips the render of a request whose client closed the connection, and renders the others', async () => {
    const staying = await purchase('Erik');
    const leaving = await purchase('Frida');
    const [kept, closed] = [await open(), await open()];
    const answer = new Promise<string>((resolve) => {
      let text = '';
      kept.setEncoding('latin1');
      kept.on('data', (chunk: string) => (text += chunk));
      kept.on('end', () => resolve(text));
    });
    // Both requests arrive together, as under load; one client gives up at once.
    kept.write(request(staying.token, staying.payment.invoice_id!));
    closed.write(request(leaving.token, leaving.payment.invoice_id!));
    closed.destroy();

    expect(await answer).toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\n%PDF-/);
    const [entry] = await eventually(() => (skipped().length > 0 ? skipped() : undefined), 5_000, 'the skipped render in the log');
    expect(entry!.details).toMatchObject({ invoice_id: leaving.payment.invoice_id });
    expect(skipped()).toHaveLength(1);

    // Nothing half-kept: asked again, the PDF is rendered.
    const again = await pdf(leaving.token, leaving.payment.invoice_id!);
    expect(again.status).toBe(200);
    expect(await textOf(again)).toContain('Frida');
    expect(skipped()).toHaveLength(1);
  });
});
