/**
 * The license key vault, as a customer lives it: a merchant sells a product that carries license
 * keys, the customer pays with a sandbox card, the merchant's page embeds <dodo-key-vault> from the
 * server's CDN script, and the customer's key is there — masked, revealed to exactly the key the
 * merchant API shows, copied to the real system clipboard, and one of its activations freed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

interface Customer {
  customer_id: string;
}
interface Product {
  product_id: string;
}
interface Payment {
  payment_id: string;
  status: string;
  invoice_id: string | null;
}
interface Invoice {
  invoice_id: string;
  number: string;
}
interface LicenseKey {
  license_key_id: string;
  key_masked: string;
  key?: string;
  instances_count: number;
  invoice_id: string | null;
}

let portal: PortalServer & { dir: string };
let browser: Browser;
let shop: Server;
let shopUrl: string;
let testKey: string;
let customer: Customer;
let invoice: Invoice;
let licenseKey: LicenseKey;
let rawKey: string;

/** The merchant's page: the CDN script and the vault inside a portal, nothing else. */
const page = (portalUrl: string, token: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Your licenses</title><script src="${portalUrl}/dodo-portal.js"></script></head>
<body><main><h1>Your licenses</h1>
<dodo-portal api-base="${portalUrl}" session-token="${token}"><dodo-key-vault></dodo-key-vault></dodo-portal>
</main></body></html>`;

beforeAll(async () => {
  portal = await startPortalServer({ DODO_PORTAL_SECRET: 'e2e-secret-0123456789abcdef0123456789abcdef' });
  // 127.0.0.1 is a secure context: the page may use the clipboard.
  let html = '';
  shop = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;

  const created = JSON.parse(await cli(['business', 'create', '--name', 'E2E Software AB', '--allowed-origin', shopUrl, '--db', portal.dbFile, '--json'])) as { api_keys: { test: string } };
  testKey = created.api_keys.test;

  const product = await api<Product>(portal.url, testKey, 'POST', '/v1/products', {
    name: 'Acme Studio',
    billing_type: 'one_time',
    price: 4900,
    currency: 'USD',
    license_key: { activations_limit: 3, duration_days: 365 },
  });
  customer = await api<Customer>(portal.url, testKey, 'POST', '/v1/customers', { email: 'ada@example.com', name: 'Ada Lovelace' });
  const card = (await (
    await fetch(`${portal.url}/sandbox/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
    })
  ).json()) as { card_token: string };
  const payment = await api<Payment>(portal.url, testKey, 'POST', '/v1/payments', {
    customer_id: customer.customer_id,
    items: [{ product_id: product.product_id }],
    card_token: card.card_token,
  });
  expect(payment.status).toBe('succeeded');
  expect(payment.invoice_id).toBeTruthy();
  invoice = await api<Invoice>(portal.url, testKey, 'GET', `/v1/invoices/${payment.invoice_id}`);

  // What the merchant API says the customer owns.
  const keys = await api<{ items: LicenseKey[] }>(portal.url, testKey, 'GET', `/v1/license-keys?customer_id=${customer.customer_id}`);
  expect(keys.items).toHaveLength(1);
  licenseKey = await api<LicenseKey>(portal.url, testKey, 'GET', `/v1/license-keys/${keys.items[0]!.license_key_id}`);
  rawKey = licenseKey.key!;
  expect(rawKey).toMatch(/^[A-Z0-9]{5}(-[A-Z0-9]{5})+$/);

  // The customer's software activates the key on a machine (the public license API).
  const activated = await fetch(`${portal.url}/v1/licenses/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ license_key: rawKey, name: 'Build server' }),
  });
  expect(activated.status).toBeLessThan(300);

  const session = await api<{ session_token: string }>(portal.url, testKey, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`);
  html = page(portal.url, session.session_token);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (shop) await new Promise((resolve) => shop!.close(resolve));
  await portal?.stop();
});

describe('<dodo-key-vault> against the real server', () => {
  it('shows the purchased key, reveals the merchant’s key, copies it and frees an activation', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shopUrl });
    const tab = await context.newPage();
    const requests: Request[] = [];
    tab.on('request', (request) => requests.push(request));
    const pageErrors: Error[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error));
    await tab.goto(shopUrl);
    await tab.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { vaultEvents: unknown[] }).vaultEvents = seen;
      for (const type of ['dodo-key-copied', 'dodo-key-instance-deactivated']) {
        document.addEventListener(type, (event) => seen.push({ type, detail: (event as CustomEvent).detail }));
      }
    });

    // The key appears under its purchase, masked; the raw key is nowhere on the page.
    const keyCard = tab.locator(`[data-key-id="${licenseKey.license_key_id}"]`);
    await keyCard.waitFor({ timeout: 15_000 });
    await expect.poll(() => tab.locator('[part="group-title"]').innerText()).toBe(`Acme Studio · Invoice ${invoice.number}`);
    const cardText = await keyCard.innerText();
    expect(cardText).toContain(licenseKey.key_masked);
    expect(cardText).toContain('1 of 3 activations');
    expect(cardText).toContain('Active');
    expect(cardText).toMatch(/Expires /);
    expect(await tab.content()).not.toContain(rawKey);

    // Reveal shows exactly the key the merchant API shows.
    await keyCard.getByRole('button', { name: 'Reveal Acme Studio' }).click();
    const field = keyCard.getByRole('textbox', { name: 'License key for Acme Studio' });
    await expect.poll(() => field.inputValue(), { timeout: 10_000 }).toBe(rawKey);
    await keyCard.getByRole('button', { name: 'Hide Acme Studio' }).click();
    await field.waitFor({ state: 'detached' });

    // Copy puts it on the system clipboard, and says so.
    await keyCard.getByRole('button', { name: 'Copy Acme Studio' }).click();
    await keyCard.getByRole('status').filter({ hasText: 'Copied' }).waitFor({ timeout: 10_000 });
    expect(await tab.evaluate(() => navigator.clipboard.readText())).toBe(rawKey);

    // The activation made by the software is listed, and the customer frees it after confirming.
    await keyCard.getByRole('button', { name: 'Activations Acme Studio' }).click();
    await keyCard.locator('[part="instance"]').filter({ hasText: 'Build server' }).waitFor();
    await keyCard.getByRole('button', { name: 'Deactivate Build server' }).click();
    const dialog = tab.getByRole('dialog', { name: 'Deactivate Build server?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await keyCard.getByText('Not activated on any device yet.').waitFor();
    expect(await keyCard.innerText()).toContain('0 of 3 activations');
    const after = await api<LicenseKey>(portal.url, testKey, 'GET', `/v1/license-keys/${licenseKey.license_key_id}`);
    expect(after.instances_count).toBe(0);

    // Events name the key, never carry it.
    const events = await tab.evaluate(() => (window as unknown as { vaultEvents: { type: string; detail: Record<string, string> }[] }).vaultEvents);
    expect(events.map((event) => event.type)).toEqual(['dodo-key-copied', 'dodo-key-instance-deactivated']);
    expect(events[0]!.detail).toEqual({ licenseKeyId: licenseKey.license_key_id });
    expect(events[1]!.detail.licenseKeyId).toBe(licenseKey.license_key_id);
    expect(JSON.stringify(events)).not.toContain(rawKey);
    // Nor does any URL the page requested.
    expect(requests.filter((request) => request.url().includes(rawKey))).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
