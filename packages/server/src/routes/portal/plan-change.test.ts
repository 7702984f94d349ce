/**
 * Plan changes over real HTTP on a real SQLite file: the preview is what is charged and what the
 * invoice says; one charge per change however often or concurrently it is submitted; a decline
 * changes nothing; a downgrade's credit shows in the profile and pays the next renewal; every
 * refusal has its code; nobody reaches another customer's subscription.
 */
import type {
  ChangePlanPreview,
  ChangePlanResult,
  ErrorBody,
  Invoice,
  LicenseKey,
  Payment,
  PaymentPage,
  PlanOptions,
  PortalSubscription,
  Product,
  Profile,
  Subscription,
} from '@dodo-portal/wire/schemas';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCards } from '../../payments/sandbox.ts';
import { createBusiness } from '../../services/businesses.ts';
import { serviceContext } from '../../runtime.ts';
import { createCustomer } from '../../services/customers.ts';
import { createProduct } from '../../services/products.ts';
import { addCredit, creditBalance, spendCredit } from '../../store/credits.ts';
import { claimBillingLock, settleBillingLock } from '../../store/billing-lock.ts';
import { insertSubscription } from '../../store/subscriptions.ts';
import { createHarness, TestClock, type Harness } from '../../testing/harness.ts';
import { sharedDatabaseBackends } from '../../testing/shared-db.ts';

const DAY = 86_400_000;
let h: Harness;
let key: string;
let basic: Product;
let pro: Product;
let business: Product;
let proYearly: Product;
let seat: Product;
let oneTime: Product;
let outsider: Product;

async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;
const product = async (body: Record<string, unknown>) =>
  json<Product>(await h.merchant(key, 'POST', '/v1/products', { billing_type: 'subscription', currency: 'SEK', interval: 'month', tax_rate_bps: 2500, ...body }), 201);
const cardToken = async (number: string) =>
  (
    await json<{ card_token: string }>(
      await h.app.request('/sandbox/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }),
      }),
      201,
    )
  ).card_token;

/**
 * A portal call as the customer, with a JSON body and optional headers (Idempotency-Key). Each call
 * opens a fresh session: sessions live on the business's clock, which these tests move by weeks.
 */
const portal = async (customerId: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const token = (await h.createSession(key, customerId)).session_token;
  return h.app.request(`/portal/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
};

/** A customer subscribed to `plan` with a card, and their portal session. */
async function subscriber(plan: Product, options: { card?: string; quantity?: number; addons?: { product_id: string; quantity: number }[]; locale?: string } = {}) {
  const customer = await h.createCustomer(key, options.locale ? { locale: options.locale } : {});
  const subscription = await json<Subscription>(
    await h.merchant(key, 'POST', '/v1/subscriptions', {
      customer_id: customer.customer_id,
      product_id: plan.product_id,
      quantity: options.quantity ?? 1,
      addons: options.addons ?? [],
      card_token: await cardToken(SandboxCards.succeeds),
    }),
    201,
  );
  // A card that attaches but declines every later charge is switched to after the first period was paid.
  if (options.card) await json(await h.merchant(key, 'PATCH', `/v1/subscriptions/${subscription.subscription_id}`, { card_token: await cardToken(options.card) }), 200);
  return { customer, subscription, token: customer.customer_id };
}

const clockNow = async () => new Date((await json<{ now: string }>(await h.merchant(key, 'GET', '/v1/test-clock'), 200)).now);

/** round half away from zero of n/d for integers (the oracle's own, not the implementation's). */
const roundDiv = (n: number, d: number) => Math.sign(n) * Math.floor((2 * Math.abs(n) + d) / (2 * d));

beforeAll(async () => {
  h = await createHarness({ businessInput: { name: 'Tier Co' } });
  key = h.business.keys.test;
  await json(await h.merchant(key, 'PATCH', '/v1/business', { allow_subscription_updates: true, allow_cancellation: true }), 200);
  basic = await product({ name: 'Basic', price: 10_000 });
  pro = await product({ name: 'Pro', price: 30_000 });
  business = await product({ name: 'Business', price: 60_000 });
  proYearly = await product({ name: 'Pro yearly', price: 300_000, interval: 'year' });
  seat = await product({ name: 'Seat', price: 5_000, is_addon: true });
  oneTime = await product({ name: 'Setup', billing_type: 'one_time', interval: undefined, price: 99_00 });
  outsider = await product({ name: 'Other ladder', price: 20_000 });
  await json(await h.merchant(key, 'POST', '/v1/product-collections', { name: 'Plans', product_ids: [basic.product_id, pro.product_id, business.product_id, proYearly.product_id] }), 201);
});
afterAll(async () => h.close());

describe('plan options', () => {
  it('lists the other tiers in order with upgrade/downgrade and the add-ons that fit', async () => {
    const { subscription, token } = await subscriber(pro);
    const options = await json<PlanOptions>(await portal(token, 'GET', `/subscriptions/${subscription.subscription_id}/plan-options`), 200);
    expect(options.current).toMatchObject({ product_id: pro.product_id, tier: 1 });
    expect(options.items.map((item) => [item.name, item.direction, item.tier])).toEqual([
      ['Basic', 'downgrade', 0],
      ['Business', 'upgrade', 2],
      ['Pro yearly', 'upgrade', 3],
    ]);
    expect(options.addons.map((addon) => addon.product_id)).toEqual([seat.product_id]);
  });
});

describe('upgrade mid-period (prorated_immediately)', () => {
  it('charges exactly the preview: the payment, the invoice and the preview agree; billing date kept', async () => {
    const endpoint = await json<{ webhook_endpoint_id: string }>(
      await h.merchant(key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['subscription.plan_changed'] }),
      201,
    );
    const { subscription, token, customer } = await subscriber(basic);
    const start = Date.parse(subscription.current_period_start);
    const end = Date.parse(subscription.current_period_end);
    await h.advanceTestClock(key, 10 * DAY);
    const at = (await clockNow()).getTime();
    const body = { product_id: pro.product_id };
    const preview = await json<ChangePlanPreview>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan/preview`, body), 200);

    const total = Math.floor(end / 1000) - Math.floor(start / 1000);
    const left = Math.floor(end / 1000) - Math.floor(at / 1000);
    const remaining = roundDiv(30_000 * left, total);
    const unused = roundDiv(10_000 * left, total);
    const tax = roundDiv((remaining - unused) * 2500, 10_000);
    expect(preview.immediate_charge).toEqual({
      line_items: [
        { description: 'Unused time on Basic', description_key: 'proration.unused', description_params: { item: 'Basic' }, amount: -unused, product_id: basic.product_id },
        { description: 'Remaining time on Pro', description_key: 'proration.remaining', description_params: { item: 'Pro' }, amount: remaining, product_id: pro.product_id },
      ],
      subtotal: remaining - unused,
      tax,
      credit_applied: 0,
      total: remaining - unused + tax,
      currency: 'SEK',
    });
    expect(preview).toMatchObject({ credit_to_balance: 0, next_billing_date: subscription.current_period_end, product_id: pro.product_id, quantity: 1, addons: [] });

    const result = await json<ChangePlanResult>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, body, { 'idempotency-key': 'up-1' }), 200);
    expect(result.subscription).toMatchObject({ product_id: pro.product_id, current_period_end: subscription.current_period_end, next_billing_date: subscription.current_period_end });
    expect(result.payment).toMatchObject({ amount: preview.immediate_charge.total, status: 'succeeded', subscription_id: subscription.subscription_id });
    expect(result.invoice).toMatchObject({ total: preview.immediate_charge.total, tax, status: 'paid', subscription_id: subscription.subscription_id });
    expect(result.invoice!.line_items.map((line) => [line.description, line.amount])).toEqual(preview.immediate_charge.line_items.map((line) => [line.description, line.amount]));
    const stored = await json<Invoice>(await portal(token, 'GET', `/invoices/${result.invoice!.invoice_id}`), 200);
    expect(stored.total).toBe(preview.immediate_charge.total);

    const pdf = await portal(token, 'GET', `/invoices/${result.invoice!.invoice_id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'plan-change-pdf-'));
    try {
      writeFileSync(join(dir, 'invoice.pdf'), Buffer.from(await pdf.arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'invoice.pdf'), '-'], { encoding: 'utf8' }).replace(/[\u00a0\u202f]/g, ' ');
      expect(text).toContain('Unused time on Basic');
      expect(text).toContain('Remaining time on Pro');
      const sek = (minor: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'SEK' }).format(minor / 100).replace(/[\u00a0\u202f]/g, ' ');
      expect(text).toContain(sek(preview.immediate_charge.total));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // The customer is told, and the merchant's webhook queue has the event.
    const deliveries = await json<{ items: { event_type: string; payload: { data: Record<string, unknown> } }[] }>(
      await h.merchant(key, 'GET', `/v1/webhook-endpoints/${endpoint.webhook_endpoint_id}/deliveries`),
      200,
    );
    expect(deliveries.items).toHaveLength(1);
    expect(deliveries.items[0]!.payload.data).toMatchObject({
      subscription_id: subscription.subscription_id,
      product_id: pro.product_id,
      previous: { product_id: basic.product_id, quantity: 1, addons: [] },
      invoice_id: result.invoice!.invoice_id,
      payment_id: result.payment!.payment_id,
    });
    const mail = await h.outbox(customer.email);
    expect(mail.some((message) => message.subject.includes('changed to Pro'))).toBe(true);

    // The next renewal bills Pro on the kept date.
    await h.advanceTestClock(key, subscription.current_period_end);
    const after = await json<PortalSubscription>(await portal(token, 'GET', `/subscriptions/${subscription.subscription_id}`), 200);
    expect(after.current_period_start).toBe(subscription.current_period_end);
    const payments = await json<PaymentPage>(await portal(token, 'GET', '/payments'), 200);
    expect(payments.items[0]!.amount).toBe(30_000 + 7_500);
  });

  it('to another interval starts a new period now and charges b − round(a·f)', async () => {
    const { subscription, token } = await subscriber(basic);
    await h.advanceTestClock(key, 3 * DAY);
    const at = await clockNow();
    const preview = await json<ChangePlanPreview>(
      await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan/preview`, { product_id: proYearly.product_id }),
      200,
    );
    const start = Date.parse(subscription.current_period_start) / 1000;
    const end = Date.parse(subscription.current_period_end) / 1000;
    const unused = roundDiv(10_000 * (end - at.getTime() / 1000), end - start);
    expect(preview.immediate_charge.line_items.map((line) => line.amount)).toEqual([-unused, 300_000]);
    const result = await json<ChangePlanResult>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: proYearly.product_id }), 200);
    expect(result.subscription).toMatchObject({ interval: 'year', current_period_start: at.toISOString() });
    expect(result.subscription.current_period_end).toBe(new Date(Date.UTC(at.getUTCFullYear() + 1, at.getUTCMonth(), at.getUTCDate(), at.getUTCHours())).toISOString());
    expect(result.payment!.amount).toBe(preview.immediate_charge.total);
  });
});

describe('a German customer', () => {
  it('reads the proration lines in German in the preview, the invoice and its PDF; the merchant API keeps English and the message id', async () => {
    const { subscription, token } = await subscriber(basic, { locale: 'de-DE' });
    await h.advanceTestClock(key, 10 * DAY);
    const body = { product_id: pro.product_id };
    const german = ['Nicht genutzte Zeit für Basic', 'Verbleibende Zeit für Pro'];
    const preview = await json<ChangePlanPreview>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan/preview`, body), 200);
    expect(preview.immediate_charge.line_items.map((line) => line.description)).toEqual(german);
    const result = await json<ChangePlanResult>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, body, { 'idempotency-key': 'de-1' }), 200);
    expect(result.invoice!.line_items.map((line) => line.description)).toEqual(german);
    const invoiceId = result.invoice!.invoice_id;

    const stored = await json<Invoice>(await portal(token, 'GET', `/invoices/${invoiceId}`), 200);
    expect(stored.line_items.map((line) => line.description)).toEqual(german);
    const listed = await json<{ items: Invoice[] }>(await portal(token, 'GET', '/invoices'), 200);
    expect(listed.items.find((invoice) => invoice.invoice_id === invoiceId)!.line_items.map((line) => line.description)).toEqual(german);
    // The element names the language it shows (Accept-Language): a page in English gets English lines.
    const english = await json<Invoice>(await portal(token, 'GET', `/invoices/${invoiceId}`, undefined, { 'accept-language': 'en-US,en;q=0.9' }), 200);
    expect(english.line_items.map((line) => line.description)).toEqual(['Unused time on Basic', 'Remaining time on Pro']);
    // A language the server has no words for keeps the customer's.
    const japanese = await json<Invoice>(await portal(token, 'GET', `/invoices/${invoiceId}`, undefined, { 'accept-language': 'ja-JP' }), 200);
    expect(japanese.line_items.map((line) => line.description)).toEqual(german);

    const merchant = await json<Invoice>(await h.merchant(key, 'GET', `/v1/invoices/${invoiceId}`), 200);
    expect(merchant.line_items.map((line) => [line.description, line.description_key, line.description_params])).toEqual([
      ['Unused time on Basic', 'proration.unused', { item: 'Basic' }],
      ['Remaining time on Pro', 'proration.remaining', { item: 'Pro' }],
    ]);

    const pdf = await portal(token, 'GET', `/invoices/${invoiceId}/pdf`);
    expect(pdf.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'plan-change-pdf-de-'));
    try {
      writeFileSync(join(dir, 'invoice.pdf'), Buffer.from(await pdf.arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'invoice.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('Rechnung');
      for (const line of german) expect(text).toContain(line);
      expect(text).not.toContain('Unused time');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('do_not_bill', () => {
  it('switches at once for nothing; a new interval counts from the next billing date, where the renewal bills it', async () => {
    await json(await h.merchant(key, 'PATCH', '/v1/business', { proration_billing_mode: 'do_not_bill' }), 200);
    try {
      const { subscription, token } = await subscriber(basic);
      await h.advanceTestClock(key, 9 * DAY);
      const path = `/subscriptions/${subscription.subscription_id}/change-plan`;
      const preview = await json<ChangePlanPreview>(await portal(token, 'POST', `${path}/preview`, { product_id: proYearly.product_id }), 200);
      expect(preview.immediate_charge).toMatchObject({ line_items: [], subtotal: 0, tax: 0, total: 0 });
      expect(preview.next_billing_date).toBe(subscription.current_period_end);
      const result = await json<ChangePlanResult>(await portal(token, 'POST', path, { product_id: proYearly.product_id }), 200);
      expect(result).toMatchObject({ invoice: null, payment: null, credit_to_balance: 0 });
      expect(result.subscription).toMatchObject({ product_id: proYearly.product_id, interval: 'year', current_period_end: subscription.current_period_end });

      await h.advanceTestClock(key, subscription.current_period_end);
      const renewed = await json<PortalSubscription>(await portal(token, 'GET', `/subscriptions/${subscription.subscription_id}`), 200);
      const e = new Date(subscription.current_period_end);
      const nextYear = new Date(Date.UTC(e.getUTCFullYear() + 1, e.getUTCMonth(), e.getUTCDate(), e.getUTCHours())).toISOString();
      expect(renewed).toMatchObject({ current_period_start: subscription.current_period_end, current_period_end: nextYear, status: 'active' });
      const invoices = await json<{ items: Invoice[] }>(await portal(token, 'GET', '/invoices'), 200);
      expect(invoices.items[0]).toMatchObject({ total: 300_000 + 75_000, status: 'paid' });
      expect(invoices.items[0]!.line_items[0]!.period).toEqual({ start: subscription.current_period_end, end: nextYear });
    } finally {
      await json(await h.merchant(key, 'PATCH', '/v1/business', { proration_billing_mode: 'prorated_immediately' }), 200);
    }
  });
});

describe('prorated_at', () => {
  it('charges exactly the preview when the clock moved since, within the hour; refuses an older one', async () => {
    const { subscription, token } = await subscriber(basic);
    await h.advanceTestClock(key, 4 * DAY);
    const path = `/subscriptions/${subscription.subscription_id}/change-plan`;
    const preview = await json<ChangePlanPreview>(await portal(token, 'POST', `${path}/preview`, { product_id: business.product_id }), 200);
    expect(preview.prorated_at).toBe((await clockNow()).toISOString());
    await h.advanceTestClock(key, 40 * 60_000);
    const later = await json<ChangePlanPreview>(await portal(token, 'POST', `${path}/preview`, { product_id: business.product_id }), 200);
    expect(later.immediate_charge.total).toBeLessThan(preview.immediate_charge.total); // 40 minutes less of Business
    const result = await json<ChangePlanResult>(await portal(token, 'POST', path, { product_id: business.product_id, prorated_at: preview.prorated_at }), 200);
    expect(result.payment!.amount).toBe(preview.immediate_charge.total);
    expect(result.invoice!.total).toBe(preview.immediate_charge.total);

    const stale = await portal(token, 'POST', path, { product_id: basic.product_id, prorated_at: new Date(Date.parse(preview.prorated_at!) - 2 * 3_600_000).toISOString() });
    expect(stale.status).toBe(400);
    expect((await errorOf(stale)).issues?.[0]?.path).toBe('prorated_at');
    const future = await portal(token, 'POST', path, { product_id: basic.product_id, prorated_at: '2099-01-01T00:00:00Z' });
    expect((await errorOf(future)).issues?.[0]).toEqual({ path: 'prorated_at', message: 'is in the future' });
  });
});

describe('downgrade', () => {
  it('turns unused time into credit shown in the profile, spent first on the next renewal', async () => {
    const { subscription, token } = await subscriber(business);
    await h.advanceTestClock(key, 15 * DAY);
    const preview = await json<ChangePlanPreview>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan/preview`, { product_id: basic.product_id }), 200);
    expect(preview.immediate_charge.total).toBe(0);
    expect(preview.immediate_charge.tax).toBe(0);
    expect(preview.credit_to_balance).toBe(-preview.immediate_charge.subtotal);
    const credit = preview.credit_to_balance;
    expect(credit).toBeGreaterThan(12_500); // more than one Basic renewal (10 000 + 25 % tax)

    const result = await json<ChangePlanResult>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: basic.product_id }), 200);
    expect(result).toMatchObject({ invoice: null, payment: null, credit_to_balance: credit });
    expect((await json<Profile>(await portal(token, 'GET', '/profile'), 200)).credit_balances).toEqual([{ currency: 'SEK', amount: credit }]);

    // The renewal costs 12 500 and credit covers it entirely: no card charge, the invoice shows the credit.
    await h.advanceTestClock(key, subscription.current_period_end);
    const invoices = await json<{ items: Invoice[] }>(await portal(token, 'GET', '/invoices'), 200);
    const renewal = invoices.items[0]!;
    expect(renewal.line_items.map((line) => [line.description, line.amount])).toEqual([
      ['Basic (every month)', 10_000],
      ['Credit applied', -12_500],
    ]);
    expect(renewal).toMatchObject({ status: 'paid', tax: 2_500, total: 0 });
    expect((await json<Profile>(await portal(token, 'GET', '/profile'), 200)).credit_balances).toEqual([{ currency: 'SEK', amount: credit - 12_500 }]);
    const payments = await json<PaymentPage>(await portal(token, 'GET', '/payments'), 200);
    expect(payments.items).toHaveLength(1); // only the first period's charge

    // The next preview spends the rest of the credit after tax.
    const upgrade = await json<ChangePlanPreview>(
      await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan/preview`, { product_id: business.product_id }),
      200,
    );
    const gross = upgrade.immediate_charge.subtotal + upgrade.immediate_charge.tax;
    expect(upgrade.immediate_charge.credit_applied).toBe(Math.min(credit - 12_500, gross));
    expect(upgrade.immediate_charge.total).toBe(gross - upgrade.immediate_charge.credit_applied);
    const upgraded = await json<ChangePlanResult>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: business.product_id }), 200);
    expect(upgraded.payment!.amount).toBe(upgrade.immediate_charge.total);
    expect(upgraded.invoice!.total).toBe(upgrade.immediate_charge.total);
    expect(upgraded.invoice!.line_items.at(-1)).toMatchObject({ description: 'Credit applied', amount: -upgrade.immediate_charge.credit_applied });
    expect((await json<Profile>(await portal(token, 'GET', '/profile'), 200)).credit_balances).toEqual([]);
  });
});

describe('add-ons', () => {
  it('changes only the add-ons on the same plan, each line prorated on its own', async () => {
    const { subscription, token } = await subscriber(pro, { addons: [{ product_id: seat.product_id, quantity: 1 }] });
    await h.advanceTestClock(key, 7 * DAY);
    const body = { product_id: pro.product_id, addons: [{ product_id: seat.product_id, quantity: 3 }] };
    const preview = await json<ChangePlanPreview>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan/preview`, body), 200);
    expect(preview.immediate_charge.line_items.map((line) => line.description)).toEqual(['Unused time on Seat', 'Remaining time on Seat × 3']);
    const result = await json<ChangePlanResult>(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, body), 200);
    expect(result.subscription.addons).toEqual([{ product_id: seat.product_id, quantity: 3 }]);
    expect(result.subscription.recurring_amount).toBe(30_000 + 3 * 5_000);
    expect(result.payment!.amount).toBe(preview.immediate_charge.total);
  });
});

describe('license keys', () => {
  it('issues the key of a licensed plan switched to, once, with the change (downgrade into credit too)', async () => {
    const lite = await product({ name: 'Studio Lite', price: 10_000 });
    const studio = await product({ name: 'Studio', price: 30_000, license_key: { activations_limit: 2, duration_days: null } });
    const studioMax = await product({ name: 'Studio Max', price: 60_000, license_key: { activations_limit: 5, duration_days: null } });
    await json(await h.merchant(key, 'POST', '/v1/product-collections', { name: 'Studio plans', product_ids: [lite.product_id, studio.product_id, studioMax.product_id] }), 201);
    const { subscription, token, customer } = await subscriber(lite, { quantity: 2 });
    const id = subscription.subscription_id;
    const keysOf = async () => (await json<{ items: LicenseKey[] }>(await h.merchant(key, 'GET', `/v1/license-keys?customer_id=${customer.customer_id}`), 200)).items;
    expect(await keysOf(), 'an unlicensed plan has no key').toEqual([]);

    // Upgrade onto the licensed tier: its key comes with the change, tied to the change's invoice.
    await h.advanceTestClock(key, 2 * DAY);
    const up = await json<ChangePlanResult>(await portal(token, 'POST', `/subscriptions/${id}/change-plan`, { product_id: studio.product_id }), 200);
    expect(up.invoice).not.toBeNull();
    const [issued, ...more] = await keysOf();
    expect(more).toEqual([]);
    expect(issued).toMatchObject({
      product_id: studio.product_id,
      subscription_id: id,
      invoice_id: up.invoice!.invoice_id,
      payment_id: up.payment!.payment_id,
      status: 'active',
      activations_limit: 4,
      expires_at: null,
    });
    // The customer sees it in the portal's key vault.
    const portalKeys = await json<{ items: { license_key_id: string; product: { name: string } }[] }>(await portal(token, 'GET', '/license-keys'), 200);
    expect(portalKeys.items.map((item) => [item.license_key_id, item.product.name])).toEqual([[issued!.license_key_id, 'Studio']]);

    // Changing only the quantity keeps the key: no second key for the same product.
    await json(await portal(token, 'POST', `/subscriptions/${id}/change-plan`, { product_id: studio.product_id, quantity: 3 }), 200);
    expect((await keysOf()).map((item) => item.license_key_id)).toEqual([issued!.license_key_id]);

    // Down to the unlicensed tier: the Studio key stops working (a short upgrade leaves no key behind) ...
    await json(await portal(token, 'POST', `/subscriptions/${id}/change-plan`, { product_id: lite.product_id }), 200);
    expect(await keysOf()).toMatchObject([{ license_key_id: issued!.license_key_id, status: 'disabled' }]);
    const validated = await h.app.request('/v1/licenses/validate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ license_key: (await json<LicenseKey>(await h.merchant(key, 'GET', `/v1/license-keys/${issued!.license_key_id}`), 200)).key }),
    });
    expect(await json(validated, 200)).toMatchObject({ valid: false, status: 'disabled' });
    // ... and coming back to Studio issues a fresh key (for the 3 seats now held); the disabled one stays disabled.
    await json(await portal(token, 'POST', `/subscriptions/${id}/change-plan`, { product_id: studio.product_id }), 200);
    const after = await keysOf();
    expect(after).toHaveLength(2);
    expect(after.find((item) => item.license_key_id === issued!.license_key_id)).toMatchObject({ status: 'disabled' });
    expect(after.find((item) => item.license_key_id !== issued!.license_key_id)).toMatchObject({ product_id: studio.product_id, status: 'active', activations_limit: 6 });

    // A downgrade that charges nothing (into credit, no invoice) still issues the lower licensed tier's key.
    const big = await subscriber(studioMax);
    const bigKeys = async () => (await json<{ items: LicenseKey[] }>(await h.merchant(key, 'GET', `/v1/license-keys?customer_id=${big.customer.customer_id}`), 200)).items;
    expect((await bigKeys()).map((item) => item.product_id)).toEqual([studioMax.product_id]);
    const down = await json<ChangePlanResult>(await portal(big.token, 'POST', `/subscriptions/${big.subscription.subscription_id}/change-plan`, { product_id: studio.product_id }), 200);
    expect(down.invoice).toBeNull();
    expect(down.credit_to_balance).toBeGreaterThan(0);
    const studioKey = (await bigKeys()).find((item) => item.product_id === studio.product_id);
    expect(studioKey).toMatchObject({ subscription_id: big.subscription.subscription_id, invoice_id: null, payment_id: null, status: 'active', activations_limit: 2 });
    expect((await bigKeys()).find((item) => item.product_id === studioMax.product_id)).toMatchObject({ status: 'disabled' });
  });

  it('issues no key for an unlicensed plan', async () => {
    const { subscription, token, customer } = await subscriber(basic);
    await json(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: pro.product_id }), 200);
    expect((await json<{ items: LicenseKey[] }>(await h.merchant(key, 'GET', `/v1/license-keys?customer_id=${customer.customer_id}`), 200)).items).toEqual([]);
  });
});

describe('double submits and races', () => {
  it('one Idempotency-Key sent twice at once charges once', async () => {
    const { subscription, token } = await subscriber(basic);
    const send = () => portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: pro.product_id }, { 'idempotency-key': 'same-key' });
    const answers = await Promise.all([send(), send()]);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    const replay = await send();
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const changed = (await replay.json()) as ChangePlanResult;
    const payments = await json<PaymentPage>(await portal(token, 'GET', '/payments'), 200);
    expect(payments.items).toHaveLength(2); // the first period and one plan change
    expect(payments.items[0]).toMatchObject({ payment_id: changed.payment!.payment_id, status: 'succeeded' });
    const sandboxCharges = await h.store.db.selectFrom('payments').select('id').where('subscription_id', '=', subscription.subscription_id).execute();
    expect(sandboxCharges).toHaveLength(2);
  });

  it('two different keys racing on one subscription: one change, the other 409 no_change', async () => {
    const { subscription, token } = await subscriber(basic);
    await h.advanceTestClock(key, 2 * DAY);
    const send = (k: string) => portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: business.product_id }, { 'idempotency-key': k });
    const answers = await Promise.all([send('race-a'), send('race-b'), send('race-c')]);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const answer of answers.filter((a) => a.status === 409)) expect((await errorOf(answer)).code).toBe('no_change');
    const payments = await json<PaymentPage>(await portal(token, 'GET', '/payments'), 200);
    expect(payments.items).toHaveLength(2);
  });
});

describe('a declined card', () => {
  it('answers 402 with the decline code, records the failed payment and leaves the plan as it was', async () => {
    const { subscription, token } = await subscriber(basic, { card: SandboxCards.attachesThenDeclines });
    await h.advanceTestClock(key, DAY);
    const answer = await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: pro.product_id }, { 'idempotency-key': 'declined' });
    expect(answer.status).toBe(402);
    const error = await errorOf(answer);
    expect(error.code).toBe('payment_failed');
    expect(error.decline_code).toBeTruthy();
    const now = await json<PortalSubscription>(await portal(token, 'GET', `/subscriptions/${subscription.subscription_id}`), 200);
    expect(now).toMatchObject({ product_id: basic.product_id, current_period_end: subscription.current_period_end });
    const payments = await json<PaymentPage>(await portal(token, 'GET', '/payments'), 200);
    const failed = payments.items.find((payment: Payment) => payment.status === 'failed');
    expect(failed).toMatchObject({ subscription_id: subscription.subscription_id, invoice_id: null, decline_code: error.decline_code });
    // The claim was let go: a new attempt runs (and declines again) rather than waiting.
    expect((await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: pro.product_id })).status).toBe(402);
  });
});

describe('refusals', () => {
  it('has its own code for each', async () => {
    const { subscription, token } = await subscriber(pro);
    const change = (body: unknown) => portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, body);
    const expectCode = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect((await errorOf(response)).code).toBe(code);
    };
    await expectCode(await change({ product_id: pro.product_id }), 409, 'no_change');
    await expectCode(await change({ product_id: pro.product_id, quantity: 1, addons: [] }), 409, 'no_change');
    await expectCode(await change({ product_id: outsider.product_id }), 422, 'product_not_in_collection');
    await expectCode(await change({ product_id: 'prd_nonexistent' }), 422, 'product_not_in_collection');
    await expectCode(await change({ product_id: oneTime.product_id }), 422, 'product_not_recurring');
    await expectCode(await change({ product_id: seat.product_id }), 422, 'product_not_recurring');
    await expectCode(await change({ product_id: basic.product_id, addons: [{ product_id: basic.product_id, quantity: 1 }] }), 400, 'invalid_request');
    await expectCode(await change({ product_id: basic.product_id, surprise: 1 }), 400, 'invalid_request');
    await expectCode(await change({ quantity: 2 }), 400, 'invalid_request');

    await json(await h.merchant(key, 'PATCH', '/v1/business', { allow_subscription_updates: false }), 200);
    try {
      await expectCode(await change({ product_id: basic.product_id }), 403, 'subscription_updates_disabled');
      await expectCode(
        await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan/preview`, { product_id: basic.product_id }),
        403,
        'subscription_updates_disabled',
      );
      const shown = await json<PortalSubscription>(await portal(token, 'GET', `/subscriptions/${subscription.subscription_id}`), 200);
      expect(shown.actions).not.toContain('change_plan');
    } finally {
      await json(await h.merchant(key, 'PATCH', '/v1/business', { allow_subscription_updates: true }), 200);
    }

    await json(await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/cancel`, { when: 'immediately' }), 200);
    await expectCode(await change({ product_id: basic.product_id }), 409, 'subscription_ended');
  });

  it('refuses an on-hold subscription with subscription_on_hold', async () => {
    const { subscription, token } = await subscriber(basic, { card: SandboxCards.attachesThenDeclines });
    await h.advanceTestClock(key, subscription.current_period_end);
    const held = await json<PortalSubscription>(await portal(token, 'GET', `/subscriptions/${subscription.subscription_id}`), 200);
    expect(held.status).toBe('on_hold');
    expect(held.actions).toEqual(['update_payment_method', 'pay_dues']);
    const answer = await portal(token, 'POST', `/subscriptions/${subscription.subscription_id}/change-plan`, { product_id: pro.product_id });
    expect(answer.status).toBe(409);
    expect((await errorOf(answer)).code).toBe('subscription_on_hold');
  });
});

describe('isolation', () => {
  it("customer A cannot read, cancel, resume or change customer B's subscription (404)", async () => {
    const a = await subscriber(basic);
    const b = await subscriber(basic);
    const id = b.subscription.subscription_id;
    const attempts: [string, string, unknown?][] = [
      ['GET', `/subscriptions/${id}`],
      ['GET', `/subscriptions/${id}/plan-options`],
      ['POST', `/subscriptions/${id}/cancel`, { when: 'immediately' }],
      ['POST', `/subscriptions/${id}/resume`],
      ['POST', `/subscriptions/${id}/change-plan/preview`, { product_id: pro.product_id }],
      ['POST', `/subscriptions/${id}/change-plan`, { product_id: pro.product_id }],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await portal(a.token, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect((await errorOf(answer)).code).toBe('not_found');
    }
    const list = await json<{ items: PortalSubscription[] }>(await portal(a.token, 'GET', '/subscriptions'), 200);
    expect(list.items.map((item) => item.subscription_id)).toEqual([a.subscription.subscription_id]);
    expect((await json<PortalSubscription>(await portal(b.token, 'GET', `/subscriptions/${id}`), 200)).status).toBe('active');
  });
});

// The guards under the HTTP layer, on SQLite and — with DATABASE_URL — on PostgreSQL with two
// connection pools (two server processes): credit never goes below zero and is spent once, and of
// two plan changes claimed on one version exactly one wins.
describe.each(sharedDatabaseBackends())('plan-change guards (%s)', (_name, open) => {
  it('spend credit at most once per unit and let one claim of a version win', async () => {
    const shared = await open();
    try {
      const [one, two] = shared.stores;
      const ctx = serviceContext(one, { clock: new TestClock() });
      const { business: biz } = await createBusiness(ctx, { name: 'Guard Co' });
      const scope = { businessId: biz.id, mode: 'test' as const };
      const customer = await createCustomer(ctx, scope, { email: 'guard@example.com', name: 'Guard' });
      const at = new Date().toISOString();
      const entry = (amount: number, i: number) => ({
        id: `cre_guard${i}`,
        customerId: customer.customer_id,
        currency: 'SEK',
        amount,
        reason: 'plan_change_spent' as const,
        subscriptionId: null,
        invoiceId: null,
        at,
      });
      await addCredit(one.db, scope, { ...entry(1000, 0), reason: 'plan_change_credit' });
      const spent = await Promise.all([1, 2, 3, 4, 5].map((i) => spendCredit((i % 2 ? one : two).db, scope, entry(-300, i))));
      expect(spent.filter(Boolean)).toHaveLength(3);
      expect(await creditBalance(one.db, scope, customer.customer_id, 'SEK')).toBe(100);

      const plan = await createProduct(ctx, scope, { name: 'Plan', billing_type: 'subscription', price: 100, currency: 'SEK', interval: 'month', tax_rate_bps: 0, is_addon: false });
      const id = 'sub_guard';
      await insertSubscription(one.db, scope, {
        id,
        customer_id: customer.customer_id,
        product_id: plan.product_id,
        quantity: 1,
        status: 'active',
        currency: 'SEK',
        interval: 'month',
        interval_count: 1,
        billing_anchor: at,
        period_index: 0,
        current_period_start: at,
        current_period_end: at,
        payment_method_id: null,
        created_at: at,
        addons: [],
      });
      const base = Date.now() + 60_000;
      const lease = (n: number) => new Date(base + n).toISOString();
      const claim = (db: typeof one.db, version: number, until: string) =>
        claimBillingLock(db, 'subscriptions', id, { business_id: scope.businessId, mode: scope.mode, status: 'active', plan_version: version }, { realNow: at, until });
      const claims = await Promise.all([0, 1, 2, 3].map((n) => claim((n % 2 ? one : two).db, 0, lease(n))));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = lease(claims.indexOf(true));
      expect(await settleBillingLock(one.db, 'subscriptions', id, lease(9), { status: 'active' }, { quantity: 2, plan_version: 1 })).toBe(false); // not the holder
      expect(await settleBillingLock(two.db, 'subscriptions', id, winner, { status: 'active' }, { quantity: 2, plan_version: 1 })).toBe(true);
      expect(await claim(one.db, 0, lease(5))).toBe(false); // the version moved on
      expect(await claim(one.db, 1, lease(6))).toBe(true);
    } finally {
      await shared.cleanup();
    }
  });
});
