/**
 * Each invoice line is taxed at its own product's rate (issue 12): a plan at 25 % with an add-on
 * at 6 % is one subscription and one invoice per period, whose lines say their rates and whose tax
 * is the sum over the rates. Over real HTTP, on SQLite and (with DATABASE_URL) on PostgreSQL.
 */
import type { ChangePlanPreview, ChangePlanResult, Invoice, InvoicePage, Payment, Product, Subscription } from '@dodo-portal/wire/schemas';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../payments/sandbox.ts';
import { createHarness, type Harness } from '../testing/harness.ts';

const DAY = 86_400_000;
/** round half away from zero of n/d (the test's own oracle). */
const roundDiv = (n: number, d: number) => Math.sign(n) * Math.floor((2 * Math.abs(n) + d) / (2 * d));

const backends: [string, string | undefined][] = [['sqlite', undefined]];
if (process.env.DATABASE_URL) backends.push(['postgres', process.env.DATABASE_URL]);

describe.each(backends)('line tax rates on %s', (_name, databaseUrl) => {
  let h: Harness;
  let key: string;
  let basic: Product;
  let pro: Product;
  let support: Product;

  const json = async <T>(response: Response, status: number): Promise<T> => {
    const body = (await response.json()) as T;
    expect(response.status, JSON.stringify(body)).toBe(status);
    return body;
  };
  const product = async (body: Record<string, unknown>) =>
    json<Product>(await h.merchant(key, 'POST', '/v1/products', { billing_type: 'subscription', currency: 'SEK', interval: 'month', ...body }), 201);
  const cardToken = async () =>
    (
      await json<{ card_token: string }>(
        await h.app.request('/sandbox/v1/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ number: SandboxCards.succeeds, exp_month: 12, exp_year: 2040, cvc: '123' }),
        }),
        201,
      )
    ).card_token;
  const portal = async (customerId: string, method: string, path: string, body?: unknown) => {
    const token = (await h.createSession(key, customerId)).session_token;
    return h.app.request(`/portal/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  };
  const pdfText = async (customerId: string, invoiceId: string) => {
    const pdf = await portal(customerId, 'GET', `/invoices/${invoiceId}/pdf`);
    expect(pdf.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'line-tax-pdf-'));
    try {
      writeFileSync(join(dir, 'invoice.pdf'), Buffer.from(await pdf.arrayBuffer()));
      return execFileSync('pdftotext', ['-layout', join(dir, 'invoice.pdf'), '-'], { encoding: 'utf8' }).replace(/[\u00a0\u202f]/g, ' ');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const sek = (minor: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'SEK' }).format(minor / 100).replace(/[\u00a0\u202f]/g, ' ');

  beforeAll(async () => {
    h = await createHarness({ businessInput: { name: 'Rates AB' }, ...(databaseUrl ? { databaseUrl } : {}) });
    key = h.business.keys.test;
    await json(await h.merchant(key, 'PATCH', '/v1/business', { allow_subscription_updates: true }), 200);
    basic = await product({ name: 'Basic', price: 5_000, tax_rate_bps: 2500 });
    pro = await product({ name: 'Pro', price: 10_000, tax_rate_bps: 2500 });
    support = await product({ name: 'Support', price: 1_999, tax_rate_bps: 600, is_addon: true });
    await json(await h.merchant(key, 'POST', '/v1/product-collections', { name: 'Plans', product_ids: [basic.product_id, pro.product_id] }), 201);
  });
  afterAll(async () => h?.close());

  it('bills a 2500 bps plan with a 600 bps add-on: each line at its rate, tax summed over the rates, on the PDF too', async () => {
    const customer = await h.createCustomer(key);
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', {
        customer_id: customer.customer_id,
        product_id: basic.product_id,
        addons: [{ product_id: support.product_id, quantity: 3 }],
        card_token: await cardToken(),
      }),
      201,
    );
    const [invoice] = (await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200)).items;
    const period = { start: subscription.current_period_start, end: subscription.current_period_end };
    // 5000 × 25 % = 1250; 5997 × 6 % = 359.82 → 360.
    expect(invoice).toMatchObject({
      subtotal: 10_997,
      tax: 1_610,
      total: 12_607,
      line_items: [
        { description: 'Basic (every month)', quantity: 1, unit_amount: 5_000, amount: 5_000, tax_rate_bps: 2500, period },
        { description: 'Support (every month)', quantity: 3, unit_amount: 1_999, amount: 5_997, tax_rate_bps: 600, period },
      ],
    });
    const payments = await json<{ items: Payment[] }>(await h.merchant(key, 'GET', `/v1/payments?customer_id=${customer.customer_id}`), 200);
    expect(payments.items.map((payment) => payment.amount)).toEqual([12_607]);

    const text = await pdfText(customer.customer_id, invoice!.invoice_id);
    const percent = (bps: number) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 2 }).format(bps / 10_000);
    expect(text).toContain(`Tax ${percent(2500)}`);
    expect(text).toContain(`Tax ${percent(600)}`);
    expect(text).toContain(sek(1_610));
    expect(text).toContain(sek(12_607));
  });

  it('prorates a plan change with mixed rates (each line taxed at its product rate) and renews at both rates', async () => {
    const customer = await h.createCustomer(key);
    const subscription = await json<Subscription>(
      await h.merchant(key, 'POST', '/v1/subscriptions', {
        customer_id: customer.customer_id,
        product_id: basic.product_id,
        addons: [{ product_id: support.product_id, quantity: 3 }],
        card_token: await cardToken(),
      }),
      201,
    );
    await h.advanceTestClock(key, 10 * DAY);
    const at = Date.parse((await json<{ now: string }>(await h.merchant(key, 'GET', '/v1/test-clock'), 200)).now);
    const start = Date.parse(subscription.current_period_start);
    const end = Date.parse(subscription.current_period_end);
    const total = Math.floor(end / 1000) - Math.floor(start / 1000);
    const left = Math.floor(end / 1000) - Math.floor(at / 1000);
    const prorate = (amount: number) => roundDiv(amount * left, total);

    const body = { product_id: pro.product_id, addons: [{ product_id: support.product_id, quantity: 1 }] };
    const preview = await json<ChangePlanPreview>(await portal(customer.customer_id, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan/preview`, body), 200);
    const planNet = prorate(10_000) - prorate(5_000);
    const supportNet = prorate(1_999) - prorate(5_997); // fewer seats: negative, lowering the 6 % base
    const tax = roundDiv(planNet * 2500, 10_000) + roundDiv(supportNet * 600, 10_000);
    expect(preview.immediate_charge).toMatchObject({ subtotal: planNet + supportNet, tax, total: planNet + supportNet + tax });

    const result = await json<ChangePlanResult>(await portal(customer.customer_id, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, body), 200);
    expect(result.payment!.amount).toBe(preview.immediate_charge.total);
    const stored = await json<Invoice>(await h.merchant(key, 'GET', `/v1/invoices/${result.invoice!.invoice_id}`), 200);
    expect(stored).toMatchObject({ subtotal: planNet + supportNet, tax, total: preview.immediate_charge.total });
    expect(stored.line_items.map((line) => [line.description, line.amount, line.tax_rate_bps])).toEqual([
      ['Unused time on Basic', -prorate(5_000), 2500],
      ['Remaining time on Pro', prorate(10_000), 2500],
      ['Unused time on Support × 3', -prorate(5_997), 600],
      ['Remaining time on Support', prorate(1_999), 600],
    ]);

    // The renewal bills Pro at 25 % and one Support seat at 6 %: 2500 + 119.94 → 120.
    await h.advanceTestClock(key, subscription.current_period_end);
    const [renewal] = (await json<InvoicePage>(await h.merchant(key, 'GET', `/v1/invoices?customer_id=${customer.customer_id}`), 200)).items;
    expect(renewal).toMatchObject({ status: 'paid', subtotal: 11_999, tax: 2_620, total: 14_619 });
    expect(renewal!.line_items.map((line) => [line.description, line.amount, line.tax_rate_bps])).toEqual([
      ['Pro (every month)', 10_000, 2500],
      ['Support (every month)', 1_999, 600],
    ]);
  });

  it('sells one-time products of different rates together; a manual invoice puts its rate on every line', async () => {
    const customer = await h.createCustomer(key);
    const book = await product({ name: 'Book', billing_type: 'one_time', interval: undefined, price: 1_999, tax_rate_bps: 2500 });
    const course = await product({ name: 'Course', billing_type: 'one_time', interval: undefined, price: 4_999, tax_rate_bps: 0 });
    const payment = await json<Payment>(
      await h.merchant(key, 'POST', '/v1/payments', {
        customer_id: customer.customer_id,
        items: [{ product_id: book.product_id, quantity: 2 }, { product_id: course.product_id }],
        card_token: await cardToken(),
      }),
      201,
    );
    // 3998 × 25 % = 999.5 → 1000; the course is zero-rated.
    const invoice = await json<Invoice>(await h.merchant(key, 'GET', `/v1/invoices/${payment.invoice_id}`), 200);
    expect(invoice).toMatchObject({ subtotal: 8_997, tax: 1_000, total: 9_997 });
    expect(invoice.line_items.map((line) => line.tax_rate_bps)).toEqual([2500, 0]);

    const manual = await h.createInvoice(key, {
      customer_id: customer.customer_id,
      currency: 'SEK',
      tax_rate_bps: 1200,
      line_items: [
        { description: 'Workshop', quantity: 1, unit_amount: 1_005 },
        { description: 'Materials', quantity: 1, unit_amount: 1_005 },
      ],
    });
    // One rate: rounded once on the subtotal (2010 × 12 % = 241.2 → 241), as before.
    expect(manual).toMatchObject({ subtotal: 2_010, tax: 241 });
    expect(manual.line_items.map((line) => line.tax_rate_bps)).toEqual([1200, 1200]);
  });
});
