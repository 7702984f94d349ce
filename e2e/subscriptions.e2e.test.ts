/**
 * Plan changes as a customer lives them, on real parts: `dodo-portal serve` with a real SMTP
 * server on loopback, the business's test clock, and the hosted portal page (`session.link`, the
 * CDN script: every element) in Chromium. The customer upgrades Basic → Pro mid-period (the
 * preview, then the confirm; the invoice and its PDF say what was charged; Pro's license key
 * arrives), downgrades Pro → Basic later in the period (the credit shows in the profile), and the
 * next renewal spends the credit. Every amount is computed here from the table in
 * docs/proration.md, not by the server's code.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../packages/server/src/testing/smtp.ts';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

interface Product {
  product_id: string;
  name: string;
}
interface Subscription {
  subscription_id: string;
  product_id: string;
  status: string;
  cancel_at_period_end: boolean;
  current_period_start: string;
  current_period_end: string;
  next_billing_date: string | null;
}
interface LineItem {
  description: string;
  amount: number;
}
interface Invoice {
  invoice_id: string;
  number: string;
  status: string;
  subtotal: number;
  tax: number;
  total: number;
  currency: string;
  subscription_id: string | null;
  line_items: LineItem[];
  created_at: string;
}
interface Payment {
  payment_id: string;
  status: string;
  amount: number;
  invoice_id: string | null;
  subscription_id: string | null;
}
interface LicenseKey {
  license_key_id: string;
  product_id: string;
  status: string;
  subscription_id: string | null;
  key_masked: string;
  activations_limit: number | null;
}
interface PortalSession {
  link: string;
  session_token: string;
}

const BUSINESS = 'Tiervik AB';
const EMAIL = 'nora@example.com';
/** Basic, Pro and Business, monthly in SEK at 25 % VAT (minor units). */
const PRICE = { basic: 10_000, pro: 30_000, business: 60_000 };
const TAX_BPS = 2_500;
/** The subscription starts here: a 31-day period, Mar 1 12:00 → Apr 1 12:00. */
const START = '2027-03-01T12:00:00.000Z';
const UPGRADE_AT = '2027-03-11T12:00:00.000Z';
const DOWNGRADE_AT = '2027-03-21T12:00:00.000Z';

// ── The oracle: docs/proration.md, written out again here (never the server's code). ──

/** round(n / d), halves away from zero, in exact integer arithmetic. */
function roundDiv(n: bigint, d: bigint): number {
  const negative = n < 0n !== d < 0n;
  const [a, b] = [n < 0n ? -n : n, d < 0n ? -d : d];
  const q = (2n * a + b) / (2n * b);
  return Number(negative ? -q : q);
}

/**
 * `prorated_immediately`, same interval, one plan line: round(b·f) − round(a·f) with
 * f = (e − t) / (e − s) in whole seconds; tax on a positive subtotal; a negative one is credit.
 */
function prorate(a: number, b: number, period: { start: string; end: string }, at: string) {
  const seconds = (iso: string) => BigInt(Math.floor(Date.parse(iso) / 1000));
  const [s, e, t] = [seconds(period.start), seconds(period.end), seconds(at)];
  const remaining = roundDiv(BigInt(b) * (e - t), e - s);
  const unused = roundDiv(BigInt(a) * (e - t), e - s);
  const subtotal = remaining - unused;
  const tax = subtotal > 0 ? roundDiv(BigInt(subtotal) * BigInt(TAX_BPS), 10_000n) : 0;
  return { remaining, unused, subtotal, tax, total: subtotal > 0 ? subtotal + tax : 0, credit: subtotal < 0 ? -subtotal : 0 };
}

/** How the portal (English) and the invoice PDF write money. */
const sek = (minor: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'SEK' }).format(minor / 100);
/** Spaces as a reader sees them (Intl writes no-break spaces). */
const plain = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

let smtp: TestSmtp;
let portal: PortalServer & { dir: string };
let browser: Browser;
let key: string;
let customerId: string;
let basic: Product;
let pro: Product;
let subscription: Subscription;

const merchant = <T>(method: string, path: string, body?: unknown) => api<T>(portal.url, key, method, path, body);
const subscriptionNow = () => merchant<Subscription>('GET', `/v1/subscriptions/${subscription.subscription_id}`);
const invoices = async () => (await merchant<{ items: Invoice[] }>('GET', `/v1/invoices?customer_id=${customerId}`)).items;
const payments = async () => (await merchant<{ items: Payment[] }>('GET', `/v1/payments?customer_id=${customerId}`)).items;
const licenseKeys = async () => (await merchant<{ items: LicenseKey[] }>('GET', `/v1/license-keys?customer_id=${customerId}`)).items;

/** The emails to the customer after the first `since`, once `count` arrived (or 10 s passed). */
async function mailsSince(since: number, count: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mine = smtp.received.slice(since).filter((mail) => mail.to.includes(EMAIL));
    if (mine.length >= count || Date.now() > deadline) return mine;
    await smtp.waitFor(smtp.received.length + 1, 250).catch(() => undefined);
  }
}

/** A fresh session (sessions live on the test clock) opened on the hosted portal page. */
async function openPortal(): Promise<{ context: BrowserContext; tab: Page; errors: string[] }> {
  const session = await merchant<PortalSession>('POST', `/v1/customers/${customerId}/customer-portal/session`);
  expect(session.link.startsWith(`${portal.url}/portal#`)).toBe(true);
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const tab = await context.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  await tab.goto(session.link);
  await tab.getByRole('heading', { name: 'Billing', level: 2 }).waitFor({ timeout: 15_000 });
  return { context, tab, errors };
}

/** A section of the complete portal, by its heading. */
const section = (tab: Page, heading: string): Locator => tab.locator('section[part~="section"]').filter({ has: tab.getByRole('heading', { name: heading, exact: true }) });

/** Opens "Change plan", picks `plan` and waits for the priced preview; answers the dialog. */
async function previewChange(tab: Page, from: string, plan: string): Promise<Locator> {
  await section(tab, 'Subscriptions')
    .getByRole('button', { name: `Change plan ${from}` })
    .click();
  const dialog = tab.getByRole('dialog', { name: `Change plan: ${from}` });
  await dialog.getByRole('radio', { name: new RegExp(`^${plan} `) }).check();
  await dialog.getByRole('heading', { name: 'Price of the change' }).waitFor();
  return dialog;
}

/** All text inside `locator`, shadow roots included (innerText stops at a shadow host), spaces made plain. */
function deepText(locator: Locator): Promise<string> {
  return locator.evaluate((root) => {
    const collect = (node: Node): string => {
      if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
      if (node instanceof HTMLStyleElement || node instanceof HTMLScriptElement) return '';
      const children = [...(node instanceof Element && node.shadowRoot ? node.shadowRoot.childNodes : []), ...node.childNodes];
      return children.map(collect).join(' ');
    };
    return collect(root)
      .replace(/[\s\u00a0\u202f]+/g, ' ')
      .trim();
  });
}

/** The preview's rows as [label, amount] pairs, as shown. */
async function quoteRows(dialog: Locator): Promise<string[][]> {
  return dialog
    .locator('[part="preview"] tr')
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').replace(/[\s\u00a0\u202f]+/g, ' ').trim())));
}

async function pdfText(tab: Page, invoice: Invoice): Promise<string> {
  const downloading = tab.waitForEvent('download');
  await section(tab, 'Invoices')
    .getByRole('button', { name: `Download PDF ${invoice.number}` })
    .click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${invoice.number}.pdf`);
  const file = join(portal.dir, `${invoice.number}.pdf`);
  await download.saveAs(file);
  return plain(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  portal = await startPortalServer({
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MAIL_FROM: `${BUSINESS} <billing@tiervik.test>`,
    DODO_PORTAL_SECRET: 'e2e-secret-0123456789abcdef0123456789abcdef',
  });
  const created = JSON.parse(await cli(['business', 'create', '--name', BUSINESS, '--db', portal.dbFile, '--json'])) as { api_keys: { test: string } };
  key = created.api_keys.test;
  await merchant('PATCH', '/v1/business', { allow_subscription_updates: true, allow_cancellation: true });

  const plan = (name: string, price: number, extra: Record<string, unknown> = {}) =>
    merchant<Product>('POST', '/v1/products', { name, billing_type: 'subscription', price, currency: 'SEK', interval: 'month', tax_rate_bps: TAX_BPS, ...extra });
  basic = await plan('Basic', PRICE.basic);
  pro = await plan('Pro', PRICE.pro, { license_key: { activations_limit: 3, duration_days: null } });
  const business = await plan('Business', PRICE.business);
  await merchant('POST', '/v1/product-collections', { name: 'Plans', product_ids: [basic.product_id, pro.product_id, business.product_id] });

  customerId = (await merchant<{ customer_id: string }>('POST', '/v1/customers', { email: EMAIL, name: 'Nora Berg', locale: 'en' })).customer_id;
  const tokenResponse = await fetch(`${portal.url}/sandbox/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
  });
  const { card_token } = (await tokenResponse.json()) as { card_token: string };

  await merchant('POST', '/v1/test-clock/advance', { to: START });
  subscription = await merchant<Subscription>('POST', '/v1/subscriptions', { customer_id: customerId, product_id: basic.product_id, card_token });
  expect(subscription).toMatchObject({ status: 'active', current_period_start: START, current_period_end: '2027-04-01T12:00:00.000Z' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
});

describe('the oracle', () => {
  it('reproduces the worked examples of docs/proration.md', () => {
    const period = { start: '2025-03-01T12:00:00.000Z', end: '2025-04-01T12:00:00.000Z' };
    expect(prorate(10_000, 30_000, period, '2025-03-11T12:00:00.000Z')).toMatchObject({ remaining: 20_323, unused: 6_774, subtotal: 13_549, tax: 3_387, total: 16_936 });
    expect(prorate(30_000, 10_000, period, '2025-03-11T12:00:00.000Z')).toMatchObject({ credit: 13_549, total: 0 });
  });
});

describe('plan changes in the hosted portal', () => {
  const period = () => ({ start: subscription.current_period_start, end: subscription.current_period_end });

  it('shows every section, previews and confirms an upgrade Basic → Pro; the invoice, its PDF and the email say what was charged', async () => {
    await merchant('POST', '/v1/test-clock/advance', { to: UPGRADE_AT });
    const expected = prorate(PRICE.basic, PRICE.pro, period(), UPGRADE_AT);
    const mailsBefore = smtp.received.length;
    const paidBefore = new Set((await payments()).map((payment) => payment.payment_id));

    const { context, tab, errors } = await openPortal();
    // The CDN script registers every element: the complete portal shows all of them.
    for (const heading of ['Subscriptions', 'Payment methods', 'Invoices', 'License keys', 'Account']) {
      await section(tab, heading).waitFor();
    }
    await section(tab, 'Account').getByText('Nora Berg').waitFor();
    await section(tab, 'Payment methods').getByText('4242').first().waitFor();
    await section(tab, 'Subscriptions').getByText('Basic').first().waitFor();

    // The preview, exactly as the table prices it.
    const dialog = await previewChange(tab, 'Basic', 'Pro');
    expect(await quoteRows(dialog)).toEqual([
      ['Unused time on Basic', plain(sek(-expected.unused))],
      ['Remaining time on Pro', plain(sek(expected.remaining))],
      ['Subtotal', plain(sek(expected.subtotal))],
      ['Tax', plain(sek(expected.tax))],
      ['Charged now', plain(sek(expected.total))],
    ]);
    expect(await deepText(dialog)).toContain('Next billing date: Apr 1, 2027');
    // Nothing is charged by looking.
    expect((await payments()).length).toBe(paidBefore.size);

    await dialog.getByRole('button', { name: plain(`Confirm and pay ${sek(expected.total)}`) }).click();
    // The flow has ended: the dialog closes and the manager's confirmation line says what was charged.
    await section(tab, 'Subscriptions').getByText("You're now on Pro.", { exact: false }).waitFor();
    expect(await deepText(section(tab, 'Subscriptions'))).toContain(plain(`Charged now: ${sek(expected.total)}`));
    expect(await dialog.isVisible()).toBe(false);
    await section(tab, 'Subscriptions').getByRole('button', { name: 'Change plan Pro' }).waitFor();

    // One payment of exactly that amount, and a paid invoice saying so; the billing date is kept.
    const charged = (await payments()).filter((payment) => !paidBefore.has(payment.payment_id));
    expect(charged).toHaveLength(1);
    expect(charged[0]).toMatchObject({ status: 'succeeded', amount: expected.total, subscription_id: subscription.subscription_id });
    const invoice = await merchant<Invoice>('GET', `/v1/invoices/${charged[0]!.invoice_id}`);
    expect(invoice).toMatchObject({ status: 'paid', subtotal: expected.subtotal, tax: expected.tax, total: expected.total, currency: 'SEK' });
    expect(invoice.line_items.map((line) => [line.description, line.amount])).toEqual([
      ['Unused time on Basic', -expected.unused],
      ['Remaining time on Pro', expected.remaining],
    ]);
    expect(await subscriptionNow()).toMatchObject({ product_id: pro.product_id, current_period_end: subscription.current_period_end, next_billing_date: subscription.current_period_end });

    // The new invoice in the portal's list, and its PDF (read back with pdftotext).
    await tab.reload();
    const invoices = section(tab, 'Invoices');
    const row = invoices.getByRole('row').filter({ hasText: invoice.number });
    await row.waitFor({ timeout: 15_000 });
    expect(plain(await row.innerText())).toContain(plain(sek(expected.total)));
    const pdf = await pdfText(tab, invoice);
    expect(pdf).toContain(invoice.number);
    expect(pdf).toContain('Unused time on Basic');
    expect(pdf).toContain('Remaining time on Pro');
    expect(pdf).toContain(plain(sek(expected.total)));

    // Pro is licensed: its key came with the change and is in the portal's key vault.
    const keys = await licenseKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ product_id: pro.product_id, subscription_id: subscription.subscription_id, activations_limit: 3 });
    await section(tab, 'License keys').locator(`[data-key-id="${keys[0]!.license_key_id}"]`).waitFor();
    expect(await deepText(section(tab, 'License keys'))).toContain(keys[0]!.key_masked);

    const [mail] = await mailsSince(mailsBefore, 1);
    expect(plain(mail!.subject)).toBe(`Your plan with ${BUSINESS} changed to Pro`);
    expect(plain(mail!.text)).toContain(plain(sek(expected.total)));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('downgrades Pro → Basic into credit shown in the profile, which the next renewal spends', async () => {
    await merchant('POST', '/v1/test-clock/advance', { to: DOWNGRADE_AT });
    const expected = prorate(PRICE.pro, PRICE.basic, period(), DOWNGRADE_AT);
    expect(expected.credit).toBeGreaterThan(0);
    const mailsBefore = smtp.received.length;
    const paidBefore = new Set((await payments()).map((payment) => payment.payment_id));
    const invoicesBefore = new Set((await invoices()).map((invoice) => invoice.invoice_id));

    let { context, tab, errors } = await openPortal();
    const dialog = await previewChange(tab, 'Pro', 'Basic');
    expect(await quoteRows(dialog)).toEqual([
      ['Unused time on Pro', plain(sek(-expected.unused))],
      ['Remaining time on Basic', plain(sek(expected.remaining))],
      ['Subtotal', plain(sek(-expected.credit))],
      ['Tax', plain(sek(0))],
      ['Charged now', plain(sek(0))],
    ]);
    expect(await deepText(dialog)).toContain(plain(`${sek(expected.credit)} will be added to your credit balance and used for your next charges.`));
    await dialog.getByRole('button', { name: 'Confirm change' }).click();
    await section(tab, 'Subscriptions').getByText("You're now on Basic.", { exact: false }).waitFor();
    expect(await dialog.isVisible()).toBe(false);

    // Nothing charged, no invoice; the credit is in the profile.
    expect((await payments()).length).toBe(paidBefore.size);
    expect((await invoices()).length).toBe(invoicesBefore.size);
    await tab.reload();
    const account = section(tab, 'Account');
    await account.getByText('Credit balance').waitFor({ timeout: 15_000 });
    expect(await deepText(account.locator('[part="credit"]'))).toBe(plain(`Credit balance ${sek(expected.credit)}`));
    // Basic is not licensed: Pro's key stops working with the downgrade.
    const [proKey] = await licenseKeys();
    expect(proKey).toMatchObject({ product_id: pro.product_id, status: 'disabled' });
    const keyCard = section(tab, 'License keys').locator(`[data-key-id="${proKey!.license_key_id}"]`);
    await keyCard.waitFor();
    expect(await deepText(keyCard)).toContain('Disabled');
    const [mail] = await mailsSince(mailsBefore, 1);
    expect(plain(mail!.subject)).toBe(`Your plan with ${BUSINESS} changed to Basic`);
    expect(errors).toEqual([]);
    await context.close();

    // The renewal on Apr 1: Basic with tax, the credit spent first, the card charged the rest.
    const renewalTotal = PRICE.basic + roundDiv(BigInt(PRICE.basic) * BigInt(TAX_BPS), 10_000n);
    const creditSpent = Math.min(expected.credit, renewalTotal);
    await merchant('POST', '/v1/test-clock/advance', { to: subscription.current_period_end });
    const renewed = await subscriptionNow();
    expect(renewed).toMatchObject({ status: 'active', product_id: basic.product_id, current_period_start: subscription.current_period_end });
    const [renewal, ...others] = (await invoices()).filter((invoice) => !invoicesBefore.has(invoice.invoice_id));
    expect(others).toEqual([]);
    expect(renewal).toMatchObject({ status: 'paid', tax: renewalTotal - PRICE.basic, total: renewalTotal - creditSpent });
    expect(renewal!.line_items.map((line) => line.amount)).toEqual([PRICE.basic, -creditSpent]);
    expect(renewal!.line_items[1]!.description).toBe('Credit applied');
    const renewalPayments = (await payments()).filter((payment) => !paidBefore.has(payment.payment_id));
    expect(renewalPayments.map((payment) => [payment.status, payment.amount])).toEqual(renewalTotal > creditSpent ? [['succeeded', renewalTotal - creditSpent]] : []);

    // In the portal: the renewal invoice for what the card paid, its PDF with the credit line, and the credit used up.
    ({ context, tab, errors } = await openPortal());
    const row = section(tab, 'Invoices').getByRole('row').filter({ hasText: renewal!.number });
    await row.waitFor({ timeout: 15_000 });
    expect(plain(await row.innerText())).toContain(plain(sek(renewalTotal - creditSpent)));
    const pdf = await pdfText(tab, renewal!);
    expect(pdf).toContain('Credit applied');
    expect(pdf).toContain(plain(sek(-creditSpent)));
    expect(pdf).toContain(plain(sek(renewalTotal - creditSpent)));
    const accountAfter = section(tab, 'Account');
    await accountAfter.getByText('Nora Berg').waitFor();
    const left = expected.credit - creditSpent;
    if (left > 0) expect(await deepText(accountAfter.locator('[part="credit"]'))).toBe(plain(`Credit balance ${sek(left)}`));
    else expect(await accountAfter.getByText('Credit balance').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('cancels at the period end and takes it back in the portal, with an email for each', async () => {
    const mailsBefore = smtp.received.length;
    const current = await subscriptionNow();
    const { context, tab, errors } = await openPortal();
    const subscriptions = section(tab, 'Subscriptions');
    await subscriptions.getByRole('button', { name: 'Cancel subscription Basic' }).click();
    const dialog = tab.getByRole('dialog', { name: 'Cancel Basic?' });
    await dialog.getByLabel('Reason (optional)').selectOption('unused');
    await dialog.getByRole('button', { name: 'Cancel subscription', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await subscriptions.getByText('Cancels on May 1, 2027').waitFor();
    expect(await subscriptionNow()).toMatchObject({ status: 'active', cancel_at_period_end: true, current_period_end: current.current_period_end });

    await subscriptions.getByRole('button', { name: "Don't cancel Basic" }).click();
    await subscriptions.getByRole('button', { name: 'Cancel subscription Basic' }).waitFor();
    expect(await subscriptionNow()).toMatchObject({ status: 'active', cancel_at_period_end: false });

    const mails = await mailsSince(mailsBefore, 2);
    expect(mails.map((mail) => plain(mail.subject))).toEqual([`Your Basic subscription with ${BUSINESS} is cancelled`, `Your Basic subscription with ${BUSINESS} is active again`]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
