// Loads the built CDN script as a classic <script src> on a page with a strict Content Security
// Policy (no inline script or style, no eval) in real Chromium, against a tiny local portal API,
// and checks the portal renders styled invoice rows without a single CSP violation.
// Usage: node scripts/cdn-check.mjs   (after `pnpm --filter @dodo-portal/elements build`)
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../scripts/lib/chromium.mjs';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = readFileSync(join(packageDir, 'dist/cdn/dodo-portal.js'));
const localesDir = join(packageDir, 'dist/cdn/dodo-portal/locales');
/** Catalogues the page fetched, in order. */
const localeRequests = [];
const TOKEN = 'pst_cdn_check';

const csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";
const page = (origin, lang = 'en') => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>CDN check</title>
<script src="/dodo-portal.js"></script></head>
<body><main><dodo-portal api-base="${origin}" session-token="${TOKEN}"></dodo-portal></main></body></html>`;

const invoices = Array.from({ length: 3 }, (_, index) => ({
  invoice_id: `inv_${index + 1}`,
  number: `INV-00000${index + 1}`,
  status: 'paid',
  currency: 'USD',
  subtotal: 100_000,
  tax: 23_456,
  total: 123_456,
  issued_at: '2025-03-14T12:00:00.000Z',
  paid_at: '2025-03-14T12:00:00.000Z',
  customer_id: 'cus_1',
  subscription_id: null,
  line_items: [],
  billing_address: null,
}));
const session = {
  mode: 'test',
  expires_at: '2030-01-01T00:00:00.000Z',
  return_url: null,
  business: { business_id: 'bus_1', name: 'CSP Test Shop Ltd', display_name: 'CSP Test Shop', brand: { display_name: 'CSP Test Shop', primary_color: null, logo_url: null } },
  customer: { customer_id: 'cus_1', name: 'Ada', email: 'ada@example.com', locale: 'en' },
};

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://x');
  const json = (status, body) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (url.pathname === '/') {
    return void response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp })
      .end(page(`http://${request.headers.host}`, url.searchParams.get('lang') ?? undefined));
  }
  // The lazily loaded catalogues, beside the script as the server serves them.
  const locale = /^\/dodo-portal\/locales\/([a-z]{2})\.js$/.exec(url.pathname)?.[1];
  if (locale && existsSync(join(localesDir, `${locale}.js`))) {
    localeRequests.push(locale);
    return void response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(readFileSync(join(localesDir, `${locale}.js`)));
  }
  if (url.pathname === '/dodo-portal.js') {
    return void response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
  }
  if (url.pathname === '/favicon.ico') return void response.writeHead(204).end();
  if (url.pathname.startsWith('/portal/v1/')) {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: { code: 'session_expired', message: 'expired' } });
    if (url.pathname === '/portal/v1/session') return json(200, session);
    if (url.pathname === '/portal/v1/invoices') return json(200, { items: invoices, next_cursor: null });
    // The full layout's other sections: an empty customer (this check is about CSP, not data).
    if (/^\/portal\/v1\/(subscriptions|payments|payment-methods|license-keys)$/.test(url.pathname)) return json(200, { items: [], next_cursor: null });
    if (url.pathname === '/portal/v1/profile') {
      return json(200, { customer_id: 'cus_1', name: 'Ada', email: 'ada@example.com', phone_number: null, billing_address: null, credit_balances: [] });
    }
  }
  response.writeHead(404).end();
});
await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch(chromiumLaunchOptions());
let failed = false;
try {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const problems = [];
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  tab.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  // Registered before any page script (CDP-injected, so not itself subject to the CSP).
  await tab.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await tab.goto(`${origin}/`, { waitUntil: 'load' });
  await tab.getByText('CSP Test Shop', { exact: true }).waitFor({ timeout: 10_000 });
  await tab.getByRole('rowheader', { name: 'INV-000003' }).waitFor({ timeout: 10_000 });
  const rows = await tab.locator('tr[part="row"]').count();
  const total = await tab.locator('tr[part="row"] td.amount').first().textContent();
  const buttonRadius = await tab
    .locator('tr[part="row"] button')
    .first()
    .evaluate((el) => getComputedStyle(el).borderTopLeftRadius);
  const violations = await tab.evaluate(() => window.__cspViolations);
  if (rows !== 3) problems.push(`expected 3 rows, saw ${rows}`);
  if (total?.trim() !== '$1,234.56') problems.push(`total rendered as ${JSON.stringify(total)}`);
  if (buttonRadius === '0px') problems.push('component styles were not applied');
  for (const violation of violations) problems.push(`CSP violation: ${violation}`);
  await context.close();

  // A German page: the catalogue loads lazily from beside the script, under the same policy,
  // and dates and money follow de-DE. The English page above fetched no catalogue at all.
  if (localeRequests.length > 0) problems.push(`the English page fetched catalogues: ${localeRequests.join(', ')}`);
  const german = await browser.newContext();
  const germanTab = await german.newPage();
  germanTab.on('pageerror', (error) => problems.push(`page error (de): ${error.message}`));
  await germanTab.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await germanTab.goto(`${origin}/?lang=de-DE`, { waitUntil: 'load' });
  await germanTab.getByRole('heading', { name: 'Abrechnung' }).waitFor({ timeout: 10_000 });
  await germanTab.getByRole('columnheader', { name: 'Betrag' }).waitFor({ timeout: 10_000 });
  const germanTotal = (await germanTab.locator('tr[part="row"] td.amount').first().textContent())?.replace(/\s+/g, ' ').trim();
  if (germanTotal !== '1.234,56 $') problems.push(`German total rendered as ${JSON.stringify(germanTotal)}`);
  if (localeRequests.join() !== 'de') problems.push(`expected one request for de.js, saw ${JSON.stringify(localeRequests)}`);
  for (const violation of await germanTab.evaluate(() => window.__cspViolations)) problems.push(`CSP violation (de): ${violation}`);
  await german.close();

  if (problems.length > 0) {
    failed = true;
    console.error(`cdn check failed:\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`cdn check: dist/cdn/dodo-portal.js rendered ${rows} rows under "${csp}" with no violations; a de-DE page loaded dodo-portal/locales/de.js lazily`);
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
