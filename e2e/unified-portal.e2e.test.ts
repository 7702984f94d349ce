/**
 * The unified portal as a customer of two businesses lives it, on real parts: `dodo-portal serve`
 * with SMTP_URL pointing at a real SMTP server on loopback, the unified login page (/test/login)
 * in Chromium, the emailed one-time link followed in the browser, the overview of both
 * businesses, and one business's portal opened in place without another login.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../packages/server/src/testing/smtp.ts';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

let smtp: TestSmtp;
let portal: PortalServer & { dir: string };
let browser: Browser;
const email = 'ingrid@example.se';
let fjordInvoices: string[];
let birchInvoices: string[];

/** A test-mode business where `email` is a customer with one invoice per amount; the invoice numbers. */
async function businessWithInvoices(name: string, amounts: number[]): Promise<string[]> {
  const created = JSON.parse(await cli(['business', 'create', '--name', name, '--db', portal.dbFile, '--json'])) as { api_keys: { test: string } };
  const key = created.api_keys.test;
  const customer = await api<{ customer_id: string }>(portal.url, key, 'POST', '/v1/customers', { email, name: 'Ingrid Berg', locale: 'en-GB' });
  const numbers: string[] = [];
  for (const amount of amounts) {
    const invoice = await api<{ number: string }>(portal.url, key, 'POST', '/v1/invoices', {
      customer_id: customer.customer_id,
      currency: 'SEK',
      line_items: [{ description: `${name} order`, unit_amount: amount, quantity: 1 }],
    });
    numbers.push(invoice.number);
  }
  return numbers;
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  portal = await startPortalServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Billing <billing@portal.test>' });
  fjordInvoices = await businessWithInvoices('Fjord Tools AB', [49_900]);
  birchInvoices = await businessWithInvoices('Birch Outdoor AB', [10_000, 25_000]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
});

describe('the unified portal', () => {
  it('signs in once on /test/login, lists both businesses, and opens one with its invoices only', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(error.message));
    const login = await page.goto(`${portal.url}/test/login`);
    expect(login!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByText('Check your email').waitFor();

    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail!.to).toEqual([email]);
    expect(mail!.text).toContain('Fjord Tools AB');
    expect(mail!.text).toContain('Birch Outdoor AB');
    const link = /http:\/\/127\.0\.0\.1:\d+\/magic#code=dpx_[A-Za-z0-9_-]{43}/.exec(mail!.text)?.[0];
    expect(link, mail!.text).toBeTruthy();

    // Follow the emailed link: it lands on the overview with no code or token in the URL or history.
    await page.goto(link!);
    await page.waitForURL(`${portal.url}/portal/unified`);
    await page.getByRole('heading', { name: 'Your billing' }).waitFor();
    await page.getByRole('heading', { name: 'Fjord Tools AB' }).waitFor();
    await page.getByRole('heading', { name: 'Birch Outdoor AB' }).waitFor();
    await page.getByText(`Signed in as ${email}`).waitFor();
    const storage = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: localStorage.length }));
    expect(storage.session).toEqual(['dodo-portal:unified-token']);
    expect(storage.local).toBe(0);
    const token = await page.evaluate(() => sessionStorage.getItem('dodo-portal:unified-token'));
    expect(token).toMatch(/^dpu_/);
    expect(page.url()).toBe(`${portal.url}/portal/unified`);

    // History holds no /magic entry (the landing replaced itself): Back returns to the login page.
    await page.goBack();
    expect(page.url()).toBe(`${portal.url}/test/login`);
    await page.goForward();
    expect(page.url()).toBe(`${portal.url}/portal/unified`);

    // A reload keeps the session.
    await page.reload();
    await page.getByRole('heading', { name: 'Birch Outdoor AB' }).waitFor();

    // Open Fjord's portal in place: its invoice, not Birch's.
    await page.getByRole('button', { name: 'Open billing Fjord Tools AB' }).click();
    await page.getByRole('rowheader', { name: fjordInvoices[0] }).waitFor();
    expect(await page.locator('tr[part="row"]').count()).toBe(1);
    expect(page.url()).toBe(`${portal.url}/portal/unified`);

    // Back to every business, then Birch: its two invoices.
    await page.getByRole('button', { name: 'All businesses' }).click();
    await page.getByRole('button', { name: 'Open billing Birch Outdoor AB' }).click();
    await page.getByRole('rowheader', { name: birchInvoices[1] }).waitFor();
    expect(await page.locator('tr[part="row"]').count()).toBe(birchInvoices.length);
    expect(violations, 'no CSP violation or page error on the hosted pages').toEqual([]);

    // "Sign out" revokes the unified session and forgets the token in this tab: a reload is signed out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('dodo-portal:unified-token'))).toBe(null);
    expect((await fetch(`${portal.url}/portal/v1/unified/businesses`, { headers: { authorization: `Bearer ${token!}` } })).status).toBe(401);
    await page.reload();
    await page.getByRole('heading', { name: 'You are not signed in' }).waitFor();

    // A tab still holding the ended session: the overview says so and links to /test/login; there
    // is nothing left to sign out of.
    await page.evaluate((unified) => sessionStorage.setItem('dodo-portal:unified-token', unified), token!);
    await page.reload();
    await page.getByText('Your session has expired').waitFor();
    expect(await page.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe(`${portal.url}/test/login`);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    await context.close();

    // Another tab has no session: the page says to open the emailed link again.
    const fresh = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await fresh.goto(`${portal.url}/portal/unified`);
    await fresh.getByRole('heading', { name: 'You are not signed in' }).waitFor();

    // The same link a second time: "already used", with the unified login page to get a new one.
    const second = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await second.goto(link!);
    await second.getByRole('heading', { name: 'This link was already used' }).waitFor();
    const newLink = second.getByRole('link', { name: 'Email me a new link' });
    expect(await newLink.getAttribute('href')).toBe(`${portal.url}/test/login`);
    await newLink.click();
    await second.getByText('every business you buy from').waitFor();
  });
});
