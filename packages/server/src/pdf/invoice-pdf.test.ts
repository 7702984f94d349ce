/**
 * The invoice PDF's refund lines, read back with pdftotext: refunds made through `POST /v1/refunds`
 * print after the totals (one line each, then the sum and what was paid in the end), in every
 * language the PDF speaks; an open invoice prints its amount due and due date.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Payment, Product, Refund } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money.ts';
import { SandboxCards } from '../payments/sandbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let key: string;
let dir: string;
beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'Refund Prints AB' } });
  key = h.business.keys.test;
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-refund-pdf-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h.close();
});

async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}

/** A one-time purchase of `amount` USD (no tax) by a new customer speaking `locale`, through the API. */
async function purchase(amount: number, locale: string): Promise<{ payment: Payment; customerId: string }> {
  const product = await json<Product>(await h.merchant(key, 'POST', '/v1/products', { name: 'Annual licence', billing_type: 'one_time', price: amount, currency: 'USD' }), 201);
  const customer = await h.createCustomer(key, { name: 'Refund Reader', locale });
  const token = await json<{ card_token: string }>(
    await h.app.request('/sandbox/v1/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
    }),
    201,
  );
  const payment = await json<Payment>(
    await h.merchant(key, 'POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product.product_id }], card_token: token.card_token }),
    201,
  );
  expect(payment.status).toBe('succeeded');
  return { payment, customerId: customer.customer_id };
}

/** The invoice PDF as the customer downloads it from the portal, as text. */
async function pdfText(customerId: string, invoiceId: string, name: string): Promise<string> {
  const session = await h.createSession(key, customerId);
  const response = await h.portal(session.session_token, 'GET', `/portal/v1/invoices/${invoiceId}/pdf`);
  expect(response.status).toBe(200);
  const file = join(dir, name);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  return plain(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
}

/** No-break spaces as spaces, and U+2212 as the hyphen-minus the standard PDF font prints. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-');
const longDate = (iso: string, locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
const money = (amount: number, locale: string) => plain(formatMoney(amount, 'USD', locale));
const refund = async (body: { payment_id: string; amount?: number }) => json<Refund>(await h.merchant(key, 'POST', '/v1/refunds', body), 201);

describe('invoice PDF refunds', () => {
  it('prints each refund made through POST /v1/refunds, the amount refunded and the net paid', async () => {
    const { payment, customerId } = await purchase(10_000, 'en-US');
    const invoiceId = payment.invoice_id!;

    const before = await pdfText(customerId, invoiceId, 'unrefunded.pdf');
    expect(before).toContain('$100.00');
    expect(before).not.toContain('Refunded');
    expect(before).not.toContain('Amount refunded');
    expect(before).not.toContain('Net paid');

    const first = await refund({ payment_id: payment.payment_id, amount: 3_000 });
    const partial = await pdfText(customerId, invoiceId, 'partial.pdf');
    expect(partial).toMatch(new RegExp(`Refunded on ${longDate(first.created_at, 'en-US')} +-\\$30\\.00`));
    expect(partial).toMatch(/Amount refunded +-\$30\.00/);
    expect(partial).toMatch(/Net paid +\$70\.00/);
    // After the totals: the invoice still says what was charged.
    expect(partial.indexOf('Total')).toBeLessThan(partial.indexOf('Refunded on'));
    expect(partial).toMatch(/Total +\$100\.00/);

    await h.advanceTestClock(key, 3 * 86_400_000);
    const rest = await refund({ payment_id: payment.payment_id });
    expect(rest.amount).toBe(7_000);
    const full = await pdfText(customerId, invoiceId, 'full.pdf');
    const lines = full.split('\n').filter((line) => line.includes('Refunded on'));
    expect(lines.map((line) => line.trim().replace(/ {2,}/g, ' | '))).toEqual([
      `Refunded on ${longDate(first.created_at, 'en-US')} | -$30.00`,
      `Refunded on ${longDate(rest.created_at, 'en-US')} | -$70.00`,
    ]);
    expect(longDate(rest.created_at, 'en-US')).not.toBe(longDate(first.created_at, 'en-US'));
    expect(full).toMatch(/Amount refunded +-\$100\.00/);
    expect(full).toMatch(/Net paid +\$0\.00/);
  });

  it('continues the refund lines on a new page when they do not fit', async () => {
    const { payment, customerId } = await purchase(10_000, 'en-US');
    for (let i = 0; i < 45; i += 1) await refund({ payment_id: payment.payment_id, amount: 100 });
    const text = await pdfText(customerId, payment.invoice_id!, 'many-refunds.pdf');
    expect(text.match(/Refunded on .+ +-\$1\.00/g)).toHaveLength(45);
    expect(text).toContain('Page 2 of 2');
    // The sum and the net paid come after the last refund, on the second page.
    const [, second = ''] = text.split('\f');
    expect(second).toMatch(/Amount refunded +-\$45\.00/);
    expect(second).toMatch(/Net paid +\$55\.00/);
  });

  const languages: [locale: string, refundedOn: string, amountRefunded: string, netPaid: string][] = [
    ['en-GB', 'Refunded on', 'Amount refunded', 'Net paid'],
    ['sv-SE', 'Återbetalt den', 'Återbetalt belopp', 'Betalt efter återbetalning'],
    ['de-DE', 'Erstattet am', 'Erstatteter Betrag', 'Bezahlt abzüglich Erstattungen'],
    ['fr-FR', 'Remboursé le', 'Montant remboursé', 'Net payé'],
    ['es-ES', 'Reembolsado el', 'Importe reembolsado', 'Importe neto pagado'],
  ];
  it.each(languages)('speaks %s on the refund lines', async (locale, refundedOn, amountRefunded, netPaid) => {
    const { payment, customerId } = await purchase(4_900, locale);
    const made = await refund({ payment_id: payment.payment_id, amount: 1_500 });
    const text = await pdfText(customerId, payment.invoice_id!, `${locale}.pdf`);
    const line = (label: string, amount: number) => new RegExp(`${label} +${money(amount, locale).replace(/[$.]/g, '\\$&')}`);
    expect(text).toMatch(line(`${refundedOn} ${longDate(made.created_at, locale)}`, -1_500));
    expect(text).toMatch(line(amountRefunded, -1_500));
    expect(text).toMatch(line(netPaid, 3_400));
  });
});

describe('invoice PDF of an open invoice', () => {
  const languages: [locale: string, amountDue: string, dueDate: string, paidOn: string][] = [
    ['en-US', 'Amount due', 'Due date', 'Paid on'],
    ['sv-SE', 'Att betala', 'Förfallodatum', 'Betald'],
    ['de-DE', 'Fälliger Betrag', 'Fällig am', 'Bezahlt am'],
    ['fr-FR', 'Montant dû', 'Date d’échéance', 'Payée le'],
    ['es-ES', 'Importe pendiente', 'Fecha de vencimiento', 'Pagada el'],
  ];
  it.each(languages)('prints the amount due and the due date in %s; a paid invoice prints neither', async (locale, amountDue, dueDate, paidOn) => {
    const customer = await h.createCustomer(key, { name: 'Open Reader', locale });
    const lines = [{ description: 'Consulting', quantity: 3, unit_amount: 4_150 }];
    const open = await h.createInvoice(key, { customer_id: customer.customer_id, currency: 'USD', tax_rate_bps: 0, status: 'open', line_items: lines });
    const text = await pdfText(customer.customer_id, open.invoice_id, `open-${locale}.pdf`);
    const amount = money(12_450, locale).replace(/[$.]/g, '\\$&');
    expect(text).toMatch(new RegExp(`${amountDue} +${amount}`));
    expect(text).toMatch(new RegExp(`${dueDate} +${longDate(open.issued_at, locale)}`));

    const paid = await h.createInvoice(key, { customer_id: customer.customer_id, currency: 'USD', tax_rate_bps: 0, status: 'paid', line_items: lines });
    const paidText = await pdfText(customer.customer_id, paid.invoice_id, `paid-${locale}.pdf`);
    expect(paidText).toContain(paidOn);
    expect(paidText).not.toContain(amountDue);
    expect(paidText).not.toContain(dueDate);
  });
});
