/**
 * On-hold recovery as a customer lives it, on real parts: `dodo-portal serve` with a real SMTP
 * server on loopback, the test clock renewing a subscription onto a failing card, and the
 * merchant's page embedding `<dodo-payment-method-editor>` from the server's CDN script in
 * Chromium. The customer tries a declined card, then a good one: one charge, active again, the
 * invoice downloadable, both emails received, and no card number stored anywhere.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../packages/server/src/testing/smtp.ts';
import { freePort } from '../scripts/lib/run.ts';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

interface Subscription {
  subscription_id: string;
  status: string;
  current_period_end: string;
  next_billing_date: string | null;
}
interface Payment {
  payment_id: string;
  status: string;
  amount: number;
  decline_code: string | null;
  card: { last4: string } | null;
  invoice_id: string | null;
  subscription_id: string | null;
}
interface Invoice {
  invoice_id: string;
  number: string;
  status: string;
  total: number;
}

const CARDS = { good: '4242424242424242', declines: '4000000000000002', failsOnRenewal: '4000000000000341' };
const email = 'astrid@example.se';
const business = 'Bokhandeln AB';

let smtp: TestSmtp;
let portal: PortalServer & { dir: string };
let browser: Browser;
let page: Server;
let pageUrl: string;
let key: string;
let customerId: string;
let subscription: Subscription;

// Intl writes "249,00 kr" with a no-break space.
const plain = (text: string) => text.replace(/\s+/g, ' ');
const merchant = <T>(method: string, path: string, body?: unknown) => api<T>(portal.url, key, method, path, body);
const payments = async () => (await merchant<{ items: Payment[] }>('GET', `/v1/payments?customer_id=${customerId}`)).items;

async function cardToken(number: string): Promise<string> {
  const response = await fetch(`${portal.url}/sandbox/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, exp_month: 12, exp_year: 2040, cvc: '123' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { card_token: string }).card_token;
}

/** The mails to the customer after the first `since`, once `count` arrived (or 10 s passed). */
async function mailsSince(since: number, count: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mine = smtp.received.slice(since).filter((mail) => mail.to.includes(email));
    if (mine.length >= count || Date.now() > deadline) return mine;
    await smtp.waitFor(smtp.received.length + 1, 250).catch(() => undefined);
  }
}

async function fillCard(tab: Page, number: string): Promise<void> {
  await tab.getByRole('button', { name: 'Lägg till ett nytt kort' }).click();
  await tab.getByLabel('Kortnummer').fill(number);
  await tab.getByLabel('Utgångsdatum (MM / ÅÅ)').fill('12 / 34');
  await tab.getByLabel('Säkerhetskod (CVC)').fill('123');
  await tab.getByLabel('Namn på kortet').fill('Astrid Lind');
}

async function addCard(tab: Page, number: string): Promise<void> {
  await fillCard(tab, number);
  await tab.getByRole('button', { name: 'Spara kort' }).click();
  // Saved and selected: the new card is the checked one.
  await tab.getByRole('radio', { name: new RegExp(number.slice(-4)), checked: true }).waitFor();
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  portal = await startPortalServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Bokhandeln <billing@bokhandeln.test>' });
  const pagePort = await freePort();
  pageUrl = `http://127.0.0.1:${pagePort}`;
  const created = JSON.parse(await cli(['business', 'create', '--name', business, '--allowed-origin', pageUrl, '--db', portal.dbFile, '--json'])) as {
    api_keys: { test: string };
  };
  key = created.api_keys.test;

  // 199,20 kr + 25 % moms = 249,00 kr a month.
  const plan = await merchant<{ product_id: string }>('POST', '/v1/products', {
    name: 'Läsklubb',
    billing_type: 'subscription',
    price: 19_920,
    currency: 'SEK',
    interval: 'month',
    tax_rate_bps: 2500,
  });
  customerId = (await merchant<{ customer_id: string }>('POST', '/v1/customers', { email, name: 'Astrid Lind', locale: 'sv-SE' })).customer_id;
  // The first period is paid; then the card on file becomes one whose every charge is declined.
  const first = await merchant<Subscription>('POST', '/v1/subscriptions', { customer_id: customerId, product_id: plan.product_id, card_token: await cardToken(CARDS.good) });
  await merchant('PATCH', `/v1/subscriptions/${first.subscription_id}`, { card_token: await cardToken(CARDS.failsOnRenewal) });

  // The merchant's page: the CDN script from the portal server, the editor in a <dodo-portal>.
  page = createServer((request, response) => {
    const token = new URL(request.url ?? '/', pageUrl).searchParams.get('token') ?? '';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Konto</title><script src="${portal.url}/dodo-portal.js"></script></head>
<body><main><h1>Ditt konto</h1>
<dodo-portal api-base="${portal.url}" session-token="${token.replace(/[^\w-]/g, '')}" locale="sv-SE">
  <dodo-payment-method-editor subscription-id="${first.subscription_id}"></dodo-payment-method-editor>
</dodo-portal></main></body></html>`);
  });
  await new Promise<void>((resolve) => page.listen(pagePort, '127.0.0.1', resolve));
  browser = await launchBrowser();
  subscription = first;
});

afterAll(async () => {
  await browser?.close();
  if (page) await new Promise((resolve) => page!.close(resolve));
  await portal?.stop();
  await smtp?.close();
});

describe('on-hold recovery in the payment-method editor', () => {
  it('renews onto a failing card, goes on hold, and is reactivated by the customer with exactly one charge', async () => {
    // The renewal on the test clock fails: on hold, and the customer is told by email.
    const before = smtp.received.length;
    await merchant('POST', '/v1/test-clock/advance', { to: subscription.current_period_end });
    const held = await merchant<Subscription>('GET', `/v1/subscriptions/${subscription.subscription_id}`);
    expect(held.status).toBe('on_hold');
    const [holdMail] = await mailsSince(before, 1);
    expect(plain(holdMail!.subject)).toBe(`Ditt abonnemang Läsklubb hos ${business} är pausat`);
    const earlier = await payments();
    expect(earlier.filter((payment) => payment.status === 'failed').map((payment) => payment.card?.last4)).toEqual(['0341']);
    const paidEarlier = new Set(earlier.filter((payment) => payment.status === 'succeeded').map((payment) => payment.payment_id));

    const { session_token } = await merchant<{ session_token: string }>('POST', `/v1/customers/${customerId}/customer-portal/session`);
    const context = await browser.newContext({ acceptDownloads: true, locale: 'sv-SE' });
    const tab = await context.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    // What the page sends, body included (ky posts a Request whose streamed body the protocol hides).
    await tab.addInitScript(() => {
      const sent: string[] = ((window as unknown as { sent: string[] }).sent = []);
      const original = window.fetch;
      window.fetch = async (input, init) => {
        const request = new Request(input, init);
        sent.push(`${request.method} ${new URL(request.url).pathname} ${await request.clone().text()}`);
        return original(request);
      };
    });
    await tab.goto(`${pageUrl}/?token=${session_token}`);
    await tab.getByText('Din prenumeration är pausad').waitFor({ timeout: 15_000 });
    await tab.getByRole('button', { name: 'Ändra' }).click();
    await tab.getByText('Du debiteras 249,00 kr nu.').waitFor();

    // 1. A card the bank refuses is never saved: its verification declines it, said at the number; nothing charged.
    const mailsBeforeRecovery = smtp.received.length;
    await fillCard(tab, CARDS.declines);
    await tab.getByRole('button', { name: 'Spara kort' }).click();
    await tab.getByText('Din bank nekade kortet. Använd ett annat kort.').waitFor();
    expect(await payments()).toEqual(earlier);
    await tab.getByRole('button', { name: 'Avbryt' }).first().click();

    // 2. A card that saves and is declined when charged: said plainly; still on hold, one failed payment more.
    const pay = tab.getByRole('button', { name: /^Betala 249,00\s*kr$/ });
    await addCard(tab, CARDS.failsOnRenewal);
    await pay.click();
    await tab.getByText('Betalningen gick inte igenom').waitFor();
    await tab.getByText('Din bank nekade betalningen.').waitFor();
    expect((await merchant<Subscription>('GET', `/v1/subscriptions/${subscription.subscription_id}`)).status).toBe('on_hold');
    const afterDecline = await payments();
    expect(afterDecline.filter((payment) => payment.status === 'failed').map((payment) => [payment.card?.last4, payment.decline_code])).toEqual([
      ['0341', 'card_declined'],
      ['0341', 'card_declined'],
    ]);

    // 3. A good card typed into the form and paid straight away: that card is saved and charged once.
    await fillCard(tab, CARDS.good);
    await pay.click();
    await tab.getByText('Betalningen är mottagen. Din prenumeration är aktiv igen.').waitFor();
    await tab.getByText('Du betalade 249,00 kr.').waitFor();
    await tab.getByText(/Nästa faktureringsdatum: /).waitFor();

    const active = await merchant<Subscription>('GET', `/v1/subscriptions/${subscription.subscription_id}`);
    expect(active.status).toBe('active');
    expect(Date.parse(active.next_billing_date!)).toBeGreaterThan(Date.parse(subscription.current_period_end));
    const all = await payments();
    const dues = all.filter((payment) => payment.status === 'succeeded' && !paidEarlier.has(payment.payment_id));
    expect(dues, 'exactly one succeeded dues payment').toHaveLength(1);
    expect(dues[0]).toMatchObject({ amount: 24_900, card: { last4: '4242' }, subscription_id: subscription.subscription_id });
    expect(all.filter((payment) => payment.status === 'failed')).toHaveLength(2);

    // The invoice of the dues downloads as a PDF.
    const invoice = await merchant<Invoice>('GET', `/v1/invoices/${dues[0]!.invoice_id}`);
    expect(invoice).toMatchObject({ status: 'paid', total: 24_900 });
    const downloading = tab.waitForEvent('download');
    await tab.getByRole('button', { name: 'Ladda ned fakturan (PDF)' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`${invoice.number}.pdf`);
    const pdfFile = join(portal.dir, 'dues.pdf');
    await download.saveAs(pdfFile);
    expect(execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' })).toContain(invoice.number);

    // Both emails: the receipt and the reactivation notice, in Swedish.
    const mails = await mailsSince(mailsBeforeRecovery, 2);
    expect(mails.map((mail) => plain(mail.subject))).toEqual([`Ditt kvitto från ${business}: 249,00 kr`, `Ditt abonnemang Läsklubb hos ${business} är aktivt igen`]);
    expect(mails[0]!.text).toContain(invoice.number);

    // Card numbers went to the sandbox's tokenization only, and were stored nowhere.
    const sent = await tab.evaluate(() => (window as unknown as { sent: string[] }).sent);
    expect(sent.some((line) => line.startsWith('POST /portal/v1/subscriptions/'))).toBe(true);
    const portalPosts = sent.filter((line) => !line.startsWith('POST /sandbox/v1/tokens '));
    for (const number of [CARDS.declines, CARDS.good]) {
      expect(sent.filter((line) => line.startsWith('POST /sandbox/v1/tokens ') && line.includes(number))).toHaveLength(1);
      expect(portalPosts.filter((body) => body.includes(number))).toEqual([]);
      for (const file of [portal.dbFile, `${portal.dbFile}-wal`]) {
        if (existsSync(file)) expect(readFileSync(file).includes(number), `${number} in ${file}`).toBe(false);
      }
    }
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
