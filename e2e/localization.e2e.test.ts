/**
 * A German customer, on real parts: `dodo-portal serve` emails the portal link in German (real
 * SMTP on loopback), and the hosted portal, under its strict CSP, loads the German catalogue
 * lazily from the server (/dodo-portal/locales/de.js) and formats the invoice for de-DE. An
 * English visitor loads no catalogue at all.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../packages/server/src/testing/smtp.ts';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

let smtp: TestSmtp;
let portal: PortalServer & { dir: string };
let browser: Browser;
let testKey: string;
let customerId: string;
let invoiceNumber: string;

beforeAll(async () => {
  smtp = await startTestSmtp();
  portal = await startPortalServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Nordlicht <billing@nordlicht.test>' });
  const created = JSON.parse(await cli(['business', 'create', '--name', 'Nordlicht GmbH', '--db', portal.dbFile, '--json'])) as { api_keys: { test: string } };
  testKey = created.api_keys.test;
  customerId = (await api<{ customer_id: string }>(portal.url, testKey, 'POST', '/v1/customers', { email: 'lena@example.de', name: 'Lena Krüger', locale: 'de-DE' })).customer_id;
  invoiceNumber = (
    await api<{ number: string }>(portal.url, testKey, 'POST', '/v1/invoices', {
      customer_id: customerId,
      currency: 'EUR',
      line_items: [{ description: 'Werkzeugkiste', unit_amount: 123_456, quantity: 1 }],
    })
  ).number;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
});

/** A browser context in `locale` that records catalogue requests and CSP violations. */
async function visitor(locale: string): Promise<{ context: BrowserContext; catalogues: string[]; violations: () => Promise<string[]> }> {
  const context = await browser.newContext({ locale });
  const catalogues: string[] = [];
  context.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/dodo-portal/locales/')) catalogues.push(path);
  });
  await context.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (event) => (window as unknown as { violations: string[] }).violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return { context, catalogues, violations: async () => await context.pages()[0]!.evaluate(() => (window as unknown as { violations: string[] }).violations) };
}

describe('a German customer', () => {
  it('gets the portal link in German and a German portal, its catalogue loaded lazily under the strict CSP', async () => {
    const before = smtp.received.length;
    await api(portal.url, testKey, 'POST', `/v1/customers/${customerId}/customer-portal/session`, { send_email: true });
    const [mail] = (await smtp.waitFor(before + 1, 10_000)).slice(before);
    expect(mail!.subject).toBe('Ihr Link zum Kundenportal von Nordlicht GmbH');
    expect(mail!.text).toContain('Hallo Lena Krüger,');
    const link = /Kundenportal öffnen: (\S+)/.exec(mail!.text)?.[1];
    expect(link, mail!.text).toBeTruthy();

    const german = await visitor('de-DE');
    const page = await german.context.newPage();
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Abrechnung' }).waitFor({ timeout: 10_000 });
    const row = page.getByRole('row', { name: new RegExp(invoiceNumber) });
    await row.waitFor({ timeout: 10_000 });
    const cells = (await row.locator('th, td').allTextContents()).map((cell) => cell.replace(/\s+/g, ' ').trim());
    expect(cells.slice(2, 4)).toEqual(['Bezahlt', '1.234,56 €']);
    expect(cells[1]).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
    expect(await page.getByRole('columnheader', { name: 'Betrag' }).count()).toBe(1);
    expect(german.catalogues).toEqual(['/dodo-portal/locales/de.js']);
    expect(await german.violations()).toEqual([]);
    await german.context.close();
  });

  it('in an en-US browser still reads the portal, and the proration lines, in German', async () => {
    // A plan change writes "Unused time on …" lines: stored with their message id, shown in German.
    const basic = await api<{ product_id: string }>(portal.url, testKey, 'POST', '/v1/products', {
      name: 'Basis',
      billing_type: 'subscription',
      currency: 'EUR',
      interval: 'month',
      price: 1_000,
    });
    const pro = await api<{ product_id: string }>(portal.url, testKey, 'POST', '/v1/products', {
      name: 'Profi',
      billing_type: 'subscription',
      currency: 'EUR',
      interval: 'month',
      price: 3_000,
    });
    await api(portal.url, testKey, 'POST', '/v1/product-collections', { name: 'Pläne', product_ids: [basic.product_id, pro.product_id] });
    await api(portal.url, testKey, 'PATCH', '/v1/business', { allow_subscription_updates: true });
    const card = await fetch(`${portal.url}/sandbox/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
    });
    const { card_token } = (await card.json()) as { card_token: string };
    const subscription = await api<{ subscription_id: string }>(portal.url, testKey, 'POST', '/v1/subscriptions', {
      customer_id: customerId,
      product_id: basic.product_id,
      quantity: 1,
      card_token,
    });
    const session = await api<{ link: string; session_token: string }>(portal.url, testKey, 'POST', `/v1/customers/${customerId}/customer-portal/session`, {});
    const change = await fetch(`${portal.url}/portal/v1/subscriptions/${subscription.subscription_id}/change-plan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.session_token}`, 'content-type': 'application/json', 'idempotency-key': 'e2e-de' },
      body: JSON.stringify({ product_id: pro.product_id }),
    });
    expect(change.status, await change.clone().text()).toBe(200);

    const english = await visitor('en-US');
    const page = await english.context.newPage();
    const invoices: string[] = [];
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname === '/portal/v1/invoices') invoices.push(await response.text());
    });
    await page.goto(session.link);
    await page.getByRole('heading', { name: 'Abrechnung' }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => document.querySelector('dodo-portal')!.getAttribute('locale'))).toBe('de-DE');
    await page.getByRole('rowheader', { name: invoiceNumber }).waitFor({ timeout: 10_000 });
    expect(english.catalogues).toEqual(['/dodo-portal/locales/de.js']);
    expect(invoices.join('\n')).toContain('Nicht genutzte Zeit für Basis');
    expect(invoices.join('\n')).not.toContain('Unused time on');
    expect(await english.violations()).toEqual([]);
    await english.context.close();
  });

  it('an English customer in an English browser loads no catalogue', async () => {
    const ada = await api<{ customer_id: string }>(portal.url, testKey, 'POST', '/v1/customers', { email: 'ada@example.com', name: 'Ada', locale: 'en-GB' });
    await api(portal.url, testKey, 'POST', '/v1/invoices', { customer_id: ada.customer_id, currency: 'EUR', line_items: [{ description: 'Toolbox', unit_amount: 1_000, quantity: 1 }] });
    const session = await api<{ link: string }>(portal.url, testKey, 'POST', `/v1/customers/${ada.customer_id}/customer-portal/session`, {});
    const english = await visitor('en-US');
    const page = await english.context.newPage();
    await page.goto(session.link);
    await page.getByRole('heading', { name: 'Billing' }).waitFor({ timeout: 10_000 });
    await page.getByRole('rowheader', { name: /INV-/ }).first().waitFor({ timeout: 10_000 });
    expect(english.catalogues).toEqual([]);
    await english.context.close();
  });
});
