/**
 * The elements on a strict merchant page, on real parts: the page is served with
 *
 *   Content-Security-Policy: script-src 'self' <portal>; connect-src <portal>;
 *                            require-trusted-types-for 'script'; trusted-types lit-html
 *
 * (no 'unsafe-inline', no 'unsafe-eval', no inline script: the page's own script is a same-origin
 * file), and loads the CDN script from the real `dodo-portal serve` on another origin. Every
 * element renders with the customer's data, the customer cancels a subscription, reveals a
 * license key and saves a card, and a German page loads its catalogue lazily from the server —
 * with not one CSP or Trusted Types violation, seen both by the page's own listener and in the
 * console.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/lib/run.ts';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

interface Subscription {
  subscription_id: string;
  status: string;
  cancel_at_period_end: boolean;
}
interface LicenseKey {
  license_key_id: string;
  key?: string;
}

const merchantScript = readFileSync(join(repoRoot, 'e2e/fixtures/strict-csp/merchant.js'), 'utf8');

let portal: PortalServer & { dir: string };
let browser: Browser;
let shop: Server;
let shopUrl: string;
let key: string;
let customerId: string;
let basic: Subscription;
let rawKey: string;
let sessionToken: string;
let businessId: string;

const merchant = <T>(method: string, path: string, body?: unknown) => api<T>(portal.url, key, method, path, body);

/** Exactly the policy a merchant adds (docs/csp.md), with the portal's origin. */
const policy = () => `script-src 'self' ${portal.url}; connect-src ${portal.url}; require-trusted-types-for 'script'; trusted-types lit-html`;

/**
 * Every element composed inside a portal (`slotted`), the complete portal (no children), or the
 * sign-in form a merchant's "log in to billing" page shows (`login`).
 */
function page(layout: 'slotted' | 'complete' | 'login', lang: string): string {
  const body =
    layout === 'login'
      ? `<dodo-portal-login api-base="${portal.url}" business-id="${businessId}" mode="test" locale="${lang}"></dodo-portal-login>`
      : `<dodo-portal api-base="${portal.url}" session-token="${sessionToken}" locale="${lang}">${children(layout)}</dodo-portal>`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>Billing</title>
<script src="/merchant.js"></script>
<script src="${portal.url}/dodo-portal.js"></script></head>
<body><main><h1>Billing</h1>
${body}
<ul id="csp-violations"></ul>
</main></body></html>`;
}

function children(layout: 'slotted' | 'complete'): string {
  return layout === 'slotted'
    ? `
  <dodo-subscription-manager></dodo-subscription-manager>
  <dodo-plan-switcher subscription-id="${basic.subscription_id}"></dodo-plan-switcher>
  <dodo-payment-method-editor></dodo-payment-method-editor>
  <dodo-invoice-list></dodo-invoice-list>
  <dodo-key-vault></dodo-key-vault>
  <dodo-profile></dodo-profile>
`
    : '';
}

beforeAll(async () => {
  portal = await startPortalServer({ DODO_PORTAL_SECRET: 'e2e-secret-0123456789abcdef0123456789abcdef' });
  shop = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://shop');
    if (url.pathname === '/merchant.js') {
      return void response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(merchantScript);
    }
    if (url.pathname === '/favicon.ico') return void response.writeHead(204).end();
    const requested = url.searchParams.get('layout');
    const layout = requested === 'complete' || requested === 'login' ? requested : 'slotted';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy() }).end(page(layout, url.searchParams.get('lang') ?? 'en-US'));
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;

  const created = JSON.parse(await cli(['business', 'create', '--name', 'Strict Shop', '--allowed-origin', shopUrl, '--db', portal.dbFile, '--json'])) as {
    business_id: string;
    api_keys: { test: string };
  };
  key = created.api_keys.test;
  businessId = created.business_id;
  await merchant('PATCH', '/v1/business', { allow_subscription_updates: true, allow_cancellation: true });

  const product = (body: Record<string, unknown>) => merchant<{ product_id: string }>('POST', '/v1/products', { currency: 'USD', ...body });
  const plans = [
    await product({ name: 'Basic', price: 1_000, billing_type: 'subscription', interval: 'month' }),
    await product({ name: 'Pro', price: 3_000, billing_type: 'subscription', interval: 'month' }),
  ];
  await merchant('POST', '/v1/product-collections', { name: 'Plans', product_ids: plans.map((plan) => plan.product_id) });
  const studio = await product({ name: 'Acme Studio', price: 4_900, billing_type: 'one_time', license_key: { activations_limit: 3, duration_days: 365 } });

  customerId = (await merchant<{ customer_id: string }>('POST', '/v1/customers', { email: 'ada@example.com', name: 'Ada Lovelace', locale: 'en-US' })).customer_id;
  const cardToken = async () =>
    (
      (await (
        await fetch(`${portal.url}/sandbox/v1/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
        })
      ).json()) as { card_token: string }
    ).card_token;
  basic = await merchant<Subscription>('POST', '/v1/subscriptions', { customer_id: customerId, product_id: plans[0]!.product_id, card_token: await cardToken() });
  const payment = await merchant<{ status: string }>('POST', '/v1/payments', {
    customer_id: customerId,
    items: [{ product_id: studio.product_id }],
    card_token: await cardToken(),
  });
  expect(payment.status).toBe('succeeded');
  const keys = await merchant<{ items: LicenseKey[] }>('GET', `/v1/license-keys?customer_id=${customerId}`);
  rawKey = (await merchant<LicenseKey>('GET', `/v1/license-keys/${keys.items[0]!.license_key_id}`)).key!;
  sessionToken = (await merchant<{ session_token: string }>('POST', `/v1/customers/${customerId}/customer-portal/session`)).session_token;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (shop) await new Promise((resolve) => shop.close(resolve));
  await portal?.stop();
});

/** A fresh tab whose console errors, page errors and requests are kept. */
async function strictTab(locale: string) {
  const context = await browser.newContext({ locale });
  const tab = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy|Trusted ?Type/i.test(message.text())) consoleErrors.push(message.text());
  });
  tab.on('pageerror', (error) => pageErrors.push(error.message));
  tab.on('request', (request) => requests.push(request.url()));
  return { context, tab, consoleErrors, pageErrors, requests };
}

const violations = (tab: Page) => tab.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

/**
 * The control: the page really enforces the policy, and the page's listener really hears it. A
 * request to an origin outside `connect-src` and a string written to `innerHTML` are refused, and
 * both are reported.
 */
async function expectPolicyEnforced(tab: Page): Promise<void> {
  const refused = await tab.evaluate(async () => {
    const errors: string[] = [];
    await fetch('http://127.0.0.1:9/elsewhere').catch((error: Error) => errors.push(error.name));
    try {
      document.createElement('div').innerHTML = '<b>untrusted</b>';
    } catch (error) {
      errors.push((error as Error).name);
    }
    return errors;
  });
  expect(refused).toEqual(['TypeError', 'TypeError']);
  await expect
    .poll(() => violations(tab))
    .toEqual([expect.stringMatching(/^connect-src blocked http:\/\/127\.0\.0\.1:9\/elsewhere/), expect.stringMatching(/^require-trusted-types-for blocked trusted-types-sink/)]);
}

describe('the elements on a page with a strict Content Security Policy and Trusted Types', () => {
  it('serves the page with exactly the documented policy and no inline script', async () => {
    const response = await fetch(shopUrl);
    expect(response.headers.get('content-security-policy')).toBe(`script-src 'self' ${portal.url}; connect-src ${portal.url}; require-trusted-types-for 'script'; trusted-types lit-html`);
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('renders every element and takes writes — cancel, reveal, add a card — without a violation', async () => {
    const { context, tab, consoleErrors, pageErrors, requests } = await strictTab('en-US');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: shopUrl });
    await tab.goto(shopUrl);
    // The page's own script ran (the listener is in place) and the policy is the one enforced.
    expect(await violations(tab)).toEqual([]);

    // Every element, with the customer's data.
    await tab.getByRole('button', { name: 'Cancel subscription Basic' }).waitFor({ timeout: 15_000 });
    await tab.getByRole('radio', { name: /^Pro / }).waitFor();
    await tab.getByRole('button', { name: 'Add a new card' }).waitFor();
    await tab.getByRole('button', { name: 'Reveal Acme Studio' }).waitFor();
    await tab.locator('dodo-invoice-list tr[part="row"]').first().waitFor();
    expect(await tab.locator('dodo-invoice-list tr[part="row"]').count()).toBe(2);
    await tab.locator('dodo-profile').getByText('ada@example.com').waitFor();
    // Lit's styles applied (adopted style sheets need no style-src exception).
    const radius = await tab.getByRole('button', { name: 'Add a new card' }).evaluate((button) => getComputedStyle(button).borderTopLeftRadius);
    expect(radius).not.toBe('0px');

    // 1. Cancel the subscription at the end of its period, in the manager's dialog.
    await tab.getByRole('button', { name: 'Cancel subscription Basic' }).click();
    const dialog = tab.getByRole('dialog', { name: 'Cancel Basic?' });
    await dialog.getByRole('combobox', { name: 'Reason (optional)' }).selectOption('unused');
    await dialog.getByRole('button', { name: 'Cancel subscription' }).click();
    await dialog.waitFor({ state: 'detached' });
    await tab.getByRole('button', { name: "Don't cancel Basic" }).waitFor();
    const cancelled = await merchant<Subscription>('GET', `/v1/subscriptions/${basic.subscription_id}`);
    expect(cancelled).toMatchObject({ status: 'active', cancel_at_period_end: true });

    // 2. Reveal the license key: exactly the merchant API's key.
    await tab.getByRole('button', { name: 'Reveal Acme Studio' }).click();
    const field = tab.getByRole('textbox', { name: 'License key for Acme Studio' });
    await expect.poll(() => field.inputValue(), { timeout: 10_000 }).toBe(rawKey);

    // 3. Save a card: the number goes to the sandbox's tokenization on the portal's origin.
    await tab.getByRole('button', { name: 'Add a new card' }).click();
    await tab.getByLabel('Card number').fill('5555555555554444');
    await tab.getByLabel('Expiry date (MM / YY)').fill('12 / 34');
    await tab.getByLabel('Security code (CVC)').fill('123');
    await tab.getByLabel('Name on card').fill('Ada Lovelace');
    await tab.getByRole('button', { name: 'Save card' }).click();
    await tab.getByRole('status').filter({ hasText: 'Card ending in 4444 saved.' }).waitFor({ timeout: 10_000 });
    expect(requests.some((url) => url === `${portal.url}/sandbox/v1/tokens`)).toBe(true);

    // Everything the page fetched came from the page itself or the portal's origin.
    expect(requests.filter((url) => !url.startsWith(shopUrl) && !url.startsWith(portal.url))).toEqual([]);
    expect(await violations(tab)).toEqual([]);
    expect(await tab.locator('#csp-violations li').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await expectPolicyEnforced(tab);
    await context.close();
  });

  it('the complete portal in German loads its catalogue lazily under the same policy', async () => {
    const { context, tab, consoleErrors, pageErrors, requests } = await strictTab('de-DE');
    await tab.goto(`${shopUrl}/?layout=complete&lang=de-DE`);
    await tab.getByRole('heading', { name: 'Abrechnung' }).waitFor({ timeout: 15_000 });
    await tab
      .getByRole('button', { name: 'Abonnement kündigen Basic' })
      .or(tab.getByRole('button', { name: 'Nicht kündigen Basic' }))
      .first()
      .waitFor();
    await tab.locator('dodo-invoice-list').getByRole('columnheader', { name: 'Betrag' }).waitFor();
    expect(requests).toContain(`${portal.url}/dodo-portal/locales/de.js`);
    expect(await violations(tab)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await expectPolicyEnforced(tab);
    await context.close();
  });

  it('the sign-in form sends a sign-in link under the same policy', async () => {
    const { context, tab, consoleErrors, pageErrors } = await strictTab('en-US');
    await tab.goto(`${shopUrl}/?layout=login`);
    await tab.getByLabel('Email address').fill('ada@example.com');
    await tab.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await tab.getByRole('heading', { name: 'Check your email' }).waitFor({ timeout: 10_000 });
    expect(await violations(tab)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await expectPolicyEnforced(tab);
    await context.close();
  });
});
