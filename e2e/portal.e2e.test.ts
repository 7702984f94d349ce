/**
 * The vertical slice, as a customer lives it: a merchant creates customers and invoices through the
 * merchant API, its backend (examples/merchant-node) creates a portal session for the logged-in
 * customer, the page embeds <dodo-portal> from the server's CDN script, the customer sees exactly
 * their invoices and downloads one as a PDF whose text we read back with pdftotext.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot, startService } from '../scripts/lib/run.ts';
import { api, cli, launchBrowser, serveStatic, startPortalServer, stop, type PortalServer } from './harness.ts';

interface Customer {
  customer_id: string;
  name: string;
  email: string;
}
interface Invoice {
  invoice_id: string;
  number: string;
  total: number;
  currency: string;
}

let portal: PortalServer & { dir: string };
let browser: Browser;
let merchant: ChildProcess;
let merchantUrl: string;
let staticServer: Server;
let staticUrl: string;
let testKey: string;
let liveKey: string;
let alice: Customer;
let bob: Customer;
const aliceInvoices: Invoice[] = [];
let bobInvoice: Invoice;

const usd = (minor: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(minor / 100);

beforeAll(async () => {
  portal = await startPortalServer();
  const merchantPort = await freePort();
  const staticPort = await freePort();
  merchantUrl = `http://127.0.0.1:${merchantPort}`;
  staticUrl = `http://127.0.0.1:${staticPort}`;

  const created = JSON.parse(
    await cli(['business', 'create', '--name', 'E2E Outfitters', '--allowed-origin', merchantUrl, '--allowed-origin', staticUrl, '--db', portal.dbFile, '--json']),
  ) as { business_id: string; api_keys: { test: string; live: string } };
  expect(created.business_id).toMatch(/^\S+$/);
  testKey = created.api_keys.test;
  liveKey = created.api_keys.live;
  expect(testKey).toMatch(/^sk_test_/);
  expect(liveKey).toMatch(/^sk_live_/);

  alice = await api<Customer>(portal.url, testKey, 'POST', '/v1/customers', {
    email: 'alice@example.com',
    name: 'Alice Andersson',
    billing_address: { street: '1 Main St', city: 'Springfield', state: 'IL', zipcode: '62701', country: 'US' },
  });
  bob = await api<Customer>(portal.url, testKey, 'POST', '/v1/customers', { email: 'bob@example.com', name: 'Bob Berg' });
  for (const [description, unit_amount, quantity] of [
    ['Pro plan, November', 4900, 1],
    ['Extra seats', 1250, 3],
    ['Onboarding workshop', 120000, 1],
  ] as const) {
    aliceInvoices.push(
      await api<Invoice>(portal.url, testKey, 'POST', '/v1/invoices', {
        customer_id: alice.customer_id,
        currency: 'USD',
        tax_rate_bps: 2000,
        line_items: [{ description, unit_amount, quantity }],
      }),
    );
  }
  bobInvoice = await api<Invoice>(portal.url, testKey, 'POST', '/v1/invoices', {
    customer_id: bob.customer_id,
    currency: 'USD',
    line_items: [{ description: 'Bob only', unit_amount: 777, quantity: 1 }],
  });

  merchant = await startService('merchant', ['node', '--import', 'tsx', join(repoRoot, 'examples/merchant-node/server.ts')], /listening/, {
    env: { ...process.env, DODO_PORTAL_URL: portal.url, DODO_API_KEY: testKey, PORT: String(merchantPort), HOST: '127.0.0.1' },
    quiet: !process.env.E2E_VERBOSE,
  });
  staticServer = await serveStatic(join(repoRoot, 'examples/script-tag'), portal.url, staticPort);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (merchant) await stop(merchant);
  if (staticServer) await new Promise((resolve) => staticServer!.close(resolve));
  await portal?.stop();
});

describe('merchant-node example: embedded portal', () => {
  it('shows exactly the logged-in customer’s invoices and downloads a PDF of one', async () => {
    const context = await browser.newContext({ acceptDownloads: true, locale: 'en-US' });
    const page = await context.newPage();
    const requests: Request[] = [];
    page.on('request', (request) => requests.push(request));
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));

    await page.goto(`${merchantUrl}/login`);
    await page.getByLabel('Email').fill(alice.email);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${merchantUrl}/account`);

    // Every invoice of Alice's appears, newest first, with its Intl-formatted total; Bob's never.
    for (const invoice of aliceInvoices) {
      const row = page.getByRole('row').filter({ hasText: invoice.number });
      await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
      expect(await row.innerText()).toContain(usd(invoice.total));
    }
    expect(await page.getByRole('row').filter({ hasText: bobInvoice.number }).count()).toBe(0);
    const numbers = await page.getByRole('row').allInnerTexts();
    const order = aliceInvoices.map((invoice) => numbers.findIndex((text) => text.includes(invoice.number)));
    expect(order).toEqual([...order].sort((a, b) => b - a));

    // The workshop invoice: 1,200.00 + 20 % tax = 1,440.00.
    const workshop = aliceInvoices[2]!;
    expect(workshop.total).toBe(144000);
    const downloadPromise = page.waitForEvent('download');
    await page
      .getByRole('row')
      .filter({ hasText: workshop.number })
      .getByRole('button', { name: /download|pdf/i })
      .click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe(`${workshop.number}.pdf`);
    const pdfFile = join(portal.dir, 'download.pdf');
    await download.saveAs(pdfFile);
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(text).toContain(workshop.number);
    expect(text).toContain(usd(workshop.total));
    expect(text).toContain('Alice Andersson');
    expect(text).toContain('Onboarding workshop');
    expect(text).not.toContain('Bob only');

    // The session token travels in a header only: never in any URL the page requested.
    const token = await page.locator('dodo-portal').getAttribute('session-token');
    expect(token).toBeTruthy();
    expect(requests.filter((request) => request.url().includes(token!))).toEqual([]);
    const apiRequests = requests.filter((request) => request.url().startsWith(`${portal.url}/portal/v1/`));
    expect(apiRequests.length).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('redirects to the hosted portal, which drops the token from the address bar and survives a reload', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${merchantUrl}/login`);
    await page.getByLabel('Email').fill(alice.email);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${merchantUrl}/account`);
    const response = await page.goto(`${merchantUrl}/billing`);
    expect(new URL(page.url()).origin).toBe(portal.url);
    expect(page.url()).not.toContain('#');
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => page.getByRole('row').filter({ hasText: aliceInvoices[0]!.number }).count(), { timeout: 15_000 }).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByRole('row').filter({ hasText: aliceInvoices[0]!.number }).count(), { timeout: 15_000 }).toBe(1);
    await context.close();
  });
});

describe('script-tag example', () => {
  it('renders the portal on a plain HTML page from the CDN script', async () => {
    const session = await api<{ session_token: string }>(portal.url, testKey, 'POST', `/v1/customers/${bob.customer_id}/customer-portal/session`);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${staticUrl}/#session_token=${session.session_token}`);
    await expect.poll(() => page.getByRole('row').filter({ hasText: bobInvoice.number }).count(), { timeout: 15_000 }).toBe(1);
    expect(page.url()).toBe(`${staticUrl}/`);
    for (const invoice of aliceInvoices) {
      expect(await page.getByRole('row').filter({ hasText: invoice.number }).count()).toBe(0);
    }
    await context.close();
  });
});

describe('isolation across the real server', () => {
  it('keeps customers, modes and origins apart', async () => {
    const bobSession = await api<{ session_token: string }>(portal.url, testKey, 'POST', `/v1/customers/${bob.customer_id}/customer-portal/session`);
    const asBob = (path: string, origin?: string) =>
      fetch(`${portal.url}${path}`, {
        headers: { authorization: `Bearer ${bobSession.session_token}`, ...(origin ? { origin } : {}) },
      });
    const aliceInvoice = aliceInvoices[0]!;
    for (const path of [`/portal/v1/invoices/${aliceInvoice.invoice_id}`, `/portal/v1/invoices/${aliceInvoice.invoice_id}/pdf`]) {
      const response = await asBob(path);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    // A live-mode key sees none of the test-mode customers.
    const live = await api<{ items: unknown[] }>(portal.url, liveKey, 'GET', `/v1/customers?email=${encodeURIComponent(alice.email)}`);
    expect(live.items).toEqual([]);
    // CORS: the merchant's origin is granted, a stranger's is not.
    expect((await asBob('/portal/v1/invoices', merchantUrl)).headers.get('access-control-allow-origin')).toBe(merchantUrl);
    expect((await asBob('/portal/v1/invoices', 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the CDN script that registers the elements', async () => {
    const response = await fetch(`${portal.url}/dodo-portal.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    const script = await response.text();
    expect(script).toContain('dodo-invoice-list');
    expect(script).not.toMatch(/\bzod\b/);
  });
});
