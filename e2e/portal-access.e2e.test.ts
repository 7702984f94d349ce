/**
 * Email sign-in as a customer lives it, on real parts: `dodo-portal serve` with SMTP_URL pointing
 * at a real SMTP server on loopback, the static login page in Chromium, the email as received,
 * its one-time link followed in the browser, and the same link opened a second time.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../packages/server/src/testing/smtp.ts';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

let smtp: TestSmtp;
let portal: PortalServer & { dir: string };
let browser: Browser;
let businessId: string;
let invoiceNumber: string;
let testKey: string;
let customerId: string;
const email = 'sigrid@example.se';

beforeAll(async () => {
  smtp = await startTestSmtp();
  portal = await startPortalServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Fjord Billing <billing@fjord.test>' });
  const created = JSON.parse(await cli(['business', 'create', '--name', 'Fjord Tools AB', '--db', portal.dbFile, '--json'])) as {
    business_id: string;
    api_keys: { test: string };
  };
  businessId = created.business_id;
  testKey = created.api_keys.test;
  // The brand's name differs from the legal one: the customer reads the brand's everywhere.
  await api(portal.url, created.api_keys.test, 'PATCH', '/v1/business', { brand: { display_name: 'Fjord Verktyg' } });
  const customer = await api<{ customer_id: string }>(portal.url, created.api_keys.test, 'POST', '/v1/customers', { email, name: 'Sigrid Sund', locale: 'sv-SE' });
  customerId = customer.customer_id;
  invoiceNumber = (
    await api<{ number: string }>(portal.url, created.api_keys.test, 'POST', '/v1/invoices', {
      customer_id: customer.customer_id,
      currency: 'SEK',
      line_items: [{ description: 'Verktygslåda', unit_amount: 49_900, quantity: 1 }],
    })
  ).number;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
});

describe('email sign-in from the static login page', () => {
  it('emails a one-time link that opens the portal, leaves nothing in the URL, and cannot be reused', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${portal.url}/test/login/${businessId}`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByText('Check your email').waitFor();

    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail!.to).toEqual([email]);
    expect(mail!.subject).toBe('Logga in på din fakturering hos Fjord Verktyg'); // the customer's language, the brand's name
    const link = /http:\/\/127\.0\.0\.1:\d+\/magic#code=dpm_[A-Za-z0-9_-]{43}/.exec(mail!.text)?.[0];
    expect(link, mail!.text).toBeTruthy();

    // Follow the link as the customer would: it lands on the portal with no code or token in the URL.
    await page.goto(link!);
    await page.waitForURL(`${portal.url}/portal`);
    await page.getByRole('rowheader', { name: invoiceNumber }).waitFor();
    expect(page.url()).toBe(`${portal.url}/portal`);
    // The hosted portal's header names the brand like the email did, not the legal entity.
    expect(await page.locator('dodo-portal [part="business"]').textContent()).toBe('Fjord Verktyg');
    expect(await page.locator('dodo-portal [part="header"]').innerText()).not.toContain('Fjord Tools AB');
    const storage = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: localStorage.length }));
    expect(storage).toEqual({ session: ['dodo-portal:session-token'], local: 0 });
    const token = await page.evaluate(() => sessionStorage.getItem('dodo-portal:session-token'));
    expect(page.url()).not.toContain(token!);

    // A reload keeps the session.
    await page.reload();
    await page.getByRole('rowheader', { name: invoiceNumber }).waitFor();

    // The same link a second time (another browser): "already used", with a way to get a new one.
    const second = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await second.goto(link!);
    await second.getByRole('heading', { name: 'This link was already used' }).waitFor();
    expect(second.url()).toBe(`${portal.url}/magic`);
    const newLink = second.getByRole('link', { name: 'Email me a new link' });
    expect(await newLink.getAttribute('href')).toBe(`${portal.url}/test/login/${businessId}`);
    await newLink.click();
    await second.getByLabel('Email address').waitFor();
    await context.close();
  });

  it('answers an unknown email exactly like a known one, and sends nothing', async () => {
    const before = smtp.received.length;
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${portal.url}/test/login/${businessId}`);
    await page.getByLabel('Email address').fill('stranger@example.com');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByText('If stranger@example.com belongs to an account, a sign-in link is on its way.').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.received.length).toBe(before);
  });
});

describe('the hosted portal when the session ends', () => {
  it('offers "Email me a new link", which emails the session’s customer a sign-in link; a bogus or missing token shows the way to one', async () => {
    const { session_token: token } = await api<{ session_token: string }>(portal.url, testKey, 'POST', `/v1/customers/${customerId}/customer-portal/session`);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${portal.url}/portal#token=${token}`);
    await page.getByRole('rowheader', { name: invoiceNumber }).waitFor();

    // The session is revoked; the next request the customer makes answers 401. The hosted page
    // speaks the customer's language (Sigrid is sv-SE), whatever the browser's.
    await fetch(`${portal.url}/portal/v1/session`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    const before = smtp.received.length;
    await page.getByRole('button', { name: new RegExp(`Ladda ned PDF.*${invoiceNumber}`) }).click();
    await page.getByText('Din session har gått ut').waitFor();
    expect(await page.getByText('site you came from').count()).toBe(0);
    // Nothing is left to sign out of: the expired face is the only way on.
    expect(await page.getByRole('button', { name: 'Logga ut' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Mejla mig en ny länk' }).click();
    await page.getByText(`Vi har skickat en ny länk till ${email}.`).waitFor();
    const mails = await smtp.waitFor(before + 1, 10_000);
    expect(mails.at(-1)!.to).toEqual([email]);
    expect(mails.at(-1)!.text).toMatch(/\/magic#code=dpm_/);

    // A bogus token, and none at all: the same face, with a link to get a new one.
    const bogus = await context.newPage();
    await bogus.goto(`${portal.url}/portal#token=pst_test_bogus`);
    await bogus.getByText('Your session has expired').waitFor();
    expect(await bogus.getByRole('link', { name: 'Request a new link by email' }).getAttribute('href')).toBe(`${portal.url}/login`);
    expect(await bogus.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    const none = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await none.goto(`${portal.url}/portal`);
    await none.getByText('Your session has expired').waitFor();
    expect(await none.getByRole('link', { name: 'Request a new link by email' }).getAttribute('href')).toBe(`${portal.url}/login`);
    await context.close();
  });
});
