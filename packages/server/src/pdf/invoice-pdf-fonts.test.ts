/**
 * Invoice PDFs in any script, read back with poppler: `pdffonts` shows the fonts shipped with the
 * server embedded (as subsets), `pdftotext` gives every name back (a missing glyph would come
 * back as the wrong character: one `.notdef` for many), and `pdftotext -bbox` shows every word
 * inside the page margins.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Invoice, Payment, Product } from '@dodo-portal/wire/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../payments/sandbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { expectJson } from '../testing/served.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';

const A4_WIDTH = 595.28;
const MARGIN = 50;

let h: Harness;
let key: string;
let dir: string;
beforeAll(async () => {
  h = await createHarness({ businessInput: { name: '株式会社ノルド' } });
  key = h.business.keys.test;
  dir = mkdtempSync(join(tmpdir(), 'dodo-portal-pdf-fonts-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h.close();
});

let files = 0;
function save(pdf: Buffer | ArrayBuffer): string {
  const file = join(dir, `invoice-${(files += 1)}.pdf`);
  writeFileSync(file, Buffer.from(pdf as ArrayBuffer));
  return file;
}

/** `pdffonts`: name, embedded, subset for each font. */
function fonts(file: string): { name: string; embedded: boolean; subset: boolean }[] {
  return execFileSync('pdffonts', [file], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((line) => {
      const [name = '', ...rest] = line.trim().split(/\s+/);
      const [emb, sub] = rest.slice(-5, -3);
      return { name, embedded: emb === 'yes', subset: sub === 'yes' };
    });
}

/** Every word's box from `pdftotext -bbox`. */
function words(file: string): { text: string; xMin: number; xMax: number }[] {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((match) => ({
    xMin: Number(match[1]),
    xMax: Number(match[2]),
    text: match[3]!,
  }));
}

const text = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });

function expectInsideMargins(file: string): void {
  for (const word of words(file)) {
    expect(word.xMax, `"${word.text}" ends at ${word.xMax}`).toBeLessThanOrEqual(A4_WIDTH - MARGIN + 0.01);
    expect(word.xMin, `"${word.text}" starts at ${word.xMin}`).toBeGreaterThanOrEqual(MARGIN - 0.01);
  }
}

describe('invoice PDF fonts', () => {
  it('a ja-JP customer buying a Japanese product gets an embedded Japanese font, the text back, and dates inside the margin', async () => {
    const product = await expectJson<Product>(await h.merchant(key, 'POST', '/v1/products', { name: '年間プロプラン', billing_type: 'one_time', price: 129_800, currency: 'JPY' }), 201);
    const customer = await h.createCustomer(key, { name: '山田 太郎', locale: 'ja-JP' });
    const card = await expectJson<{ card_token: string }>(
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
      }),
      201,
    );
    const payment = await expectJson<Payment>(
      await h.merchant(key, 'POST', '/v1/payments', { customer_id: customer.customer_id, items: [{ product_id: product.product_id }], card_token: card.card_token }),
      201,
    );
    const session = await h.createSession(key, customer.customer_id);
    const response = await h.portal(session.session_token, 'GET', `/portal/v1/invoices/${payment.invoice_id}/pdf`);
    expect(response.status).toBe(200);
    const file = save(await response.arrayBuffer());

    const japanese = fonts(file).filter((font) => /NotoSansJP/.test(font.name));
    expect(japanese.length, JSON.stringify(fonts(file))).toBeGreaterThan(0);
    for (const font of japanese) expect(font).toMatchObject({ embedded: true, subset: true });
    const printed = text(file);
    for (const expected of ['株式会社ノルド', '山田 太郎', '年間プロプラン', new Intl.DateTimeFormat('ja-JP', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(payment.created_at))]) {
      expect(printed).toContain(expected);
    }
    expectInsideMargins(file);
    // Subsetting keeps a Japanese invoice small, though the font file is megabytes.
    expect(statSync(file).size).toBeLessThan(200_000);
  });

  const scripts: [string, string, string][] = [
    // [customer locale, customer name, product name]
    ['en-US', 'Łukasz Wałęsa', 'Ζεστό τσάι · Чай'],
    ['de-DE', 'Jürgen Groß', 'Tiếng Việt gói'],
    ['fr-FR', 'Zoë Ørsted', 'Œuvre complète'],
    ['sv-SE', 'Åsa Öberg', 'Årsabonnemang'],
    ['es-ES', 'Íñigo Muñoz', 'Suscripción anual'],
    ['ko-KR', '김민준', '프로 요금제'],
    ['zh-CN', '王小明', '专业版套餐'],
    ['zh-TW', '陳大文', '專業版方案'],
    ['he-IL', 'דוד לוי', 'מנוי שנתי'],
    ['ar-EG', 'محمد علي', 'اشتراك سنوي'],
  ];
  /** A paid EUR invoice for `productName`, with a proration line whose description is localized. */
  const invoiceOf = (productName: string): Invoice => ({
    invoice_id: 'inv_fonts',
    number: 'INV-000007',
    status: 'paid',
    currency: 'EUR',
    subtotal: 123_456,
    tax: 0,
    total: 123_456,
    issued_at: '2025-09-30T00:00:00.000Z',
    paid_at: '2025-09-30T00:00:00.000Z',
    customer_id: 'cus_fonts',
    subscription_id: null,
    line_items: [
      { description: productName, quantity: 1, unit_amount: 123_456, amount: 123_456, tax_rate_bps: 0, period: { start: '2025-09-30T00:00:00.000Z', end: '2026-09-30T00:00:00.000Z' } },
      {
        description: `Unused time on ${productName}`,
        description_key: 'proration.unused',
        description_params: { item: productName },
        quantity: 1,
        unit_amount: 0,
        amount: 0,
        tax_rate_bps: 0,
      },
    ],
    billing_address: null,
  });
  it.each(scripts)('prints a %s customer (%s, %s) without missing glyphs, inside the margins', async (locale, name, productName) => {
    const invoice = invoiceOf(productName);
    const pdf = await renderInvoicePdf({
      invoice,
      business: { name: 'Nordlicht GmbH', brand: { display_name: 'Nordlicht', primary_color: null } },
      customer: { name, email: 'a@example.com', locale },
    });
    const file = save(pdf);
    // Text that fits Windows-1252 uses the standard Helvetica (nothing to embed); anything else is embedded.
    for (const font of fonts(file)) expect(font.embedded || /^Helvetica/.test(font.name), font.name).toBe(true);
    const printed = text(file).replace(/[\u200e\u200f\u202a-\u202e]/g, '');
    // Right-to-left words come back in visual order: look for each word.
    for (const word of `${name} ${productName}`.split(/\s+/).filter((part) => part.length > 1)) expect(printed, word).toContain(word);
    expectInsideMargins(file);
  });

  it('renders the same bytes and fonts again: the fonts parsed for the first document serve the next ones', async () => {
    const input = {
      invoice: invoiceOf('Annual plan'),
      business: { name: 'Nordlicht GmbH', brand: { display_name: 'Nordlicht', primary_color: null } },
      customer: { name: 'Jürgen Groß', email: 'j@example.de', locale: 'de-DE' },
    };
    const japanese = { ...input, invoice: invoiceOf('年間プロプラン'), customer: { ...input.customer, name: '山田 太郎', locale: 'ja-JP' } };
    const [standard, embedded] = [await renderInvoicePdf(input), await renderInvoicePdf(japanese)];
    const [standardAgain, embeddedAgain] = [await renderInvoicePdf(input), await renderInvoicePdf(japanese)];
    expect(standardAgain.equals(standard)).toBe(true);
    expect(embeddedAgain.equals(embedded)).toBe(true);
    const standardFile = save(standardAgain);
    expect(fonts(standardFile).map((font) => font.name)).toEqual(['Helvetica-Bold', 'Helvetica']);
    expect(text(standardFile)).toContain('Jürgen Groß');
    const embeddedFile = save(embeddedAgain);
    for (const font of fonts(embeddedFile)) expect(font, font.name).toMatchObject({ embedded: true, subset: true });
    expect(text(embeddedFile)).toContain('山田 太郎');
    expect(text(embeddedFile)).toContain('年間プロプラン');
  });
});
