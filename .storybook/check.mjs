// Checks the built Storybook really renders: serves storybook-static on a random port, opens
// every story's iframe in a fresh Chromium context, and asserts the story's expected text with
// no page errors. Exits non-zero on any failure. Usage: node .storybook/check.mjs [dir]
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../scripts/lib/chromium.mjs';

const catalogue = JSON.parse(readFileSync(new URL('../packages/elements/src/catalogue.json', import.meta.url), 'utf8'));

const root = resolve(process.argv[2] ?? 'storybook-static');
if (!existsSync(join(root, 'index.json'))) {
  console.error(`storybook check: ${root}/index.json not found — run \`pnpm build-storybook\` first`);
  process.exit(1);
}

/** What a customer must see in each story (text is matched inside shadow roots). */
const expectations = {
  'elements-invoice-list--many-pages': { text: ['INV-000023', 'Page 1', 'Next'], rows: 10 },
  'elements-invoice-list--loading': { selector: 'table[aria-busy="true"]' },
  'elements-invoice-list--empty': { text: ['No invoices yet'] },
  'elements-invoice-list--refunded': { text: ['INV-000041', '$15.00 refunded', 'Refunded'], rows: 4 },
  'elements-invoice-list--error': { text: ["We couldn't load your invoices.", 'Retry'] },
  'elements-invoice-list--expired': { text: ['Your session has expired'] },
  'elements-invoice-list--swedish': { text: ['Fakturor', 'INV-000023', 'Nästa'], rows: 10 },
  'elements-invoice-list--swedish-expired': { text: ['Din session har gått ut'] },
  'elements-invoice-list--payable': { text: ['INV-000002', 'Download PDF'], selector: '[part="actions"] .button--primary', rows: 3 },
  'elements-invoice-list--pay-chooser': { text: ['Pay invoice INV-000002', 'Pay with', '4242', 'Pay $'] },
  'elements-invoice-list--pay-paid': { text: ['was charged to Visa'] },
  'elements-invoice-list--pay-declined': { text: ['The card was declined.'] },
  'elements-invoice-list--paying': { text: ['Paying…'] },
  'elements-invoice-list--pay-no-cards': { text: ['You have no saved card'] },
  'elements-invoice-list--pay-loading-cards': { text: ['Loading your cards…'] },
  'elements-invoice-list--pay-cards-error': { text: ["We couldn't load your cards."] },
  'elements-invoice-list--narrow': { text: ['INV-000002', 'Download PDF'], rows: 3 },
  'elements-invoice-list--narrow-pay-chooser': { text: ['Pay invoice INV-000002', 'Pay with'] },
  'elements-invoice-list--narrow-german': { text: ['Rechnungen', 'Bezahlen'], rows: 3 },
  'elements-invoice-list--narrow-loading': { selector: 'table[aria-busy="true"]' },
  'elements-portal--complete': { text: ['Acme', 'Billing', 'INV-000023', 'Payment history', 'Partially refunded'], rows: 10, rowsIn: 'dodo-invoice-list' },
  'elements-portal--expired': { text: ['Your session has expired', 'Reload the page to continue.', 'Reload page'] },
  'elements-portal--expired-merchant-text': { text: ['Log in to your account again to see your billing.', 'Your billing session ended.'] },
  'elements-portal--expired-hosted': { text: ['Your session has expired', 'Get a new one by email.', 'Request a new link by email'] },
  'elements-portal--hosted-without-token': { text: ['Your session has expired', 'Request a new link by email'] },
  'elements-portal--swedish': { text: ['Acme', 'Fakturering', 'INV-000023', 'Delvis återbetald'], rows: 10, rowsIn: 'dodo-invoice-list' },
  // Every section answered (`absent`: no section shows its load-error face).
  'guides-theming--default': {
    text: ['Acme', 'Billing', 'INV-000023', 'Payment history', 'Current subscriptions', 'Visa'],
    rows: 10,
    rowsIn: 'dodo-invoice-list',
    absent: ["We couldn't load"],
  },
  'guides-theming--midnight-dashboard': { text: ['Acme', 'Billing', 'INV-000023', 'Payment history', 'Current subscriptions'], absent: ["We couldn't load"] },
  'guides-theming--nordic-boutique': { text: ['Acme', 'Fakturering', 'INV-000023', 'Aktuella prenumerationer'], absent: ['Vi kunde inte', "We couldn't load"] },
  'elements-portal-login--form': { text: ['Sign in to billing', 'Email address', 'Email me a sign-in link'] },
  'elements-portal-login--swedish': { text: ['Logga in för att se din fakturering', 'E-postadress', 'Mejla mig en inloggningslänk'] },
  'elements-portal-login--rate-limited': { text: ['Sign in to billing', 'Email me a sign-in link'] },
  'elements-portal-login--failing': { text: ['Sign in to billing', 'Email me a sign-in link'] },
  'elements-portal-login--unified': { text: ['Sign in to billing', 'every business you buy from', 'Email me a sign-in link'] },
  'elements-unified-portal--overview': { text: ['Your billing', 'Signed in as ada@example.com', 'Acme Fjällräven AB', 'Nordic Tools', 'INV-000042', 'Open billing'] },
  'elements-unified-portal--swedish': { text: ['Din fakturering', 'Aktiva prenumerationer', 'Obetald', 'Öppna fakturering'] },
  'elements-unified-portal--loading': { selector: '[part="list"][aria-busy="true"]' },
  'elements-unified-portal--empty': { text: ['No purchases found for this email', 'Sign in with another email'] },
  'elements-unified-portal--error': { text: ["We couldn't load your billing.", 'Retry'] },
  'elements-unified-portal--expired': { text: ['Your session has expired', 'Sign in again'] },
  'elements-unified-portal--open-fails': { text: ['Acme Fjällräven AB', 'Open billing'] },
  'elements-subscription-manager--list': { text: ['Current subscriptions', 'Cancels on', 'is due', 'Past subscriptions', 'Visa •••• 4242'] },
  'elements-subscription-manager--loading': { selector: 'dodo-subscription-manager' },
  'elements-subscription-manager--empty': { text: ['No subscriptions yet'] },
  'elements-subscription-manager--error': { text: ["We couldn't load your subscriptions.", 'Retry'] },
  'elements-subscription-manager--expired': { text: ['Your session has expired'] },
  'elements-subscription-manager--updates-disabled': { text: ['Current subscriptions', 'Cancel subscription'] },
  'elements-subscription-manager--cancel-dialog-open': {
    text: ['Cancel Pro?', 'When should it end?', 'You keep access until', 'You lose access now', 'is not refunded', 'Keep subscription'],
  },
  'elements-subscription-manager--cancelled': { text: ['Pro will end on'] },
  'elements-subscription-manager--plan-changed': { text: ["You're now on Enterprise. Charged now: $37.50."] },
  'elements-subscription-manager--swedish': { text: ['Aktuella prenumerationer', 'Byt plan', 'Tidigare prenumerationer'] },
  'elements-plan-switcher--tiers': { text: ['Current plan', 'Upgrade', 'Downgrade', 'Choose another plan'] },
  'elements-plan-switcher--loading': { selector: 'dodo-plan-switcher' },
  'elements-plan-switcher--preview-upgrade': { text: ['Remaining time on Enterprise', 'Charged now', 'Confirm and pay $37.50'] },
  'elements-plan-switcher--preview-downgrade-with-credit': { text: ['Unused time on Pro', 'will be added to your credit balance', 'Confirm change'] },
  'elements-plan-switcher--payment-failed': { text: ['Payment failed', 'Your plan has not changed.', 'Update payment method'] },
  'elements-plan-switcher--success': { text: ["You're now on Enterprise."] },
  'elements-plan-switcher--updates-disabled': { text: ['Plan changes are not available for this subscription.'] },
  'elements-plan-switcher--on-hold': { text: ['Pay the overdue amount before you change plans.'] },
  'elements-plan-switcher--swedish': { text: ['Nuvarande plan', 'Debiteras nu'] },
  'elements-profile--view': { text: ['Your details', 'ada@example.com', 'Credit balance', '$12.50'] },
  'elements-profile--saved': { text: ['Your details have been saved.'] },
  'elements-profile--loading': { selector: 'dodo-profile' },
  'elements-profile--error': { text: ["We couldn't load your details.", 'Retry'] },
  'elements-profile--validation-errors': { text: ['Fill in this field.', 'Save'] },
  'elements-profile--server-rejects': { text: ['Check this field: the value was not accepted.'] },
  'elements-profile--swedish': { text: ['Dina uppgifter', 'Faktureringsadress', 'Sverige'] },
  'elements-profile--narrow-long-values': { text: ['Your details', 'Donaudampfschifffahrts'] },
  'elements-payment-method-editor--current-card': { text: ['Payment method', 'Mastercard', 'ending in 4444', 'Edit'] },
  'elements-payment-method-editor--choose-saved': { text: ['Choose a card', 'ending in 4242', 'Confirm changes'] },
  'elements-payment-method-editor--add-new': { text: ['Card number', 'This card number is not valid.', 'The card has expired.', 'Save card'] },
  'elements-payment-method-editor--on-hold-with-dues': { text: ['Välj ett kort', 'Du debiteras 249,00', 'Betala 249,00'] },
  'elements-payment-method-editor--pay-with-new-card': { text: ['Card number', 'You will be charged', 'Pay SEK'] },
  'elements-payment-method-editor--add-declined': { text: ['Your bank declined this card. Use another card.', 'Save card'] },
  'elements-payment-method-editor--remove-in-use': { text: ['Choose the card that pays each from now on.', 'Remove card and switch'] },
  'elements-payment-method-editor--declined': { text: ['The payment did not go through', 'Your bank declined the payment.', 'Add a new card'] },
  'elements-payment-method-editor--success': { text: ['Payment received. Your subscription is active again.', 'Download invoice (PDF)'] },
  'elements-payment-method-editor--saved-cards': { text: ['Saved cards', 'ending in 4242', 'Make default', 'Add a new card'] },
  'elements-payment-method-editor--loading': { selector: '[part="base"][aria-busy="true"]' },
  'elements-payment-method-editor--error': { text: ['We could not load your payment methods.', 'Retry'] },
  'elements-key-vault--keys': { text: ['Acme Studio Pro · Subscription', 'Invoice INV-000042', '2 of 3 activations', 'Unlimited activations', 'Never expires', 'Disabled'] },
  'elements-key-vault--loading': { selector: '[aria-busy="true"]' },
  'elements-key-vault--empty': { text: ['No license keys yet', 'License keys for the software you buy appear here'] },
  'elements-key-vault--error': { text: ["We couldn't load your license keys.", 'Retry'] },
  'elements-key-vault--expired': { text: ['Your session has expired'] },
  'elements-key-vault--revealed': { text: ['Hide'], selector: '[data-key-id="lk_studio"] input[part="key-value"]' },
  // The clipboard needs the permission a real, focused tab has.
  'elements-key-vault--copied': { text: ['Copied'], context: { permissions: ['clipboard-read', 'clipboard-write'] } },
  'elements-key-vault--deactivate-confirm': { text: ['Deactivate Ada’s MacBook Pro?', 'frees one activation'], selector: 'dialog[open]' },
  'elements-key-vault--deactivated': { text: ['Ada’s MacBook Pro was deactivated.'] },
  'elements-key-vault--deactivation-disabled': { text: ['Studio workstation', 'To free an activation'] },
  'elements-key-vault--swedish': { text: ['Prenumeration', '2 av 3 aktiveringar', 'Går aldrig ut'] },
  'elements-transaction-list--list': { text: ['Transactions', 'Partially refunded', '$15.00 refunded', 'The card has insufficient funds.', 'American Express'], rows: 5 },
  'elements-transaction-list--many-pages': { text: ['Transactions', 'Page 1', 'Next'], rows: 10 },
  'elements-transaction-list--loading': { selector: 'table[aria-busy="true"]' },
  'elements-transaction-list--empty': { text: ['No transactions yet'] },
  'elements-transaction-list--error': { text: ["We couldn't load your transactions.", 'Retry'] },
  'elements-transaction-list--expired': { text: ['Your session has expired'] },
  'elements-transaction-list--swedish': { text: ['Transaktioner', 'Delvis återbetald', 'Kortet nekades.'], rows: 5 },
  'elements-transaction-list--narrow': { text: ['Transactions', 'American Express'], rows: 5 },
  'elements-transaction-list--narrow-french': { text: ['Transactions', 'Partiellement remboursé'], rows: 5 },
};

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
  let file = join(root, path);
  if (!file.startsWith(root)) return void response.writeHead(403).end();
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
});
await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
const base = `http://127.0.0.1:${server.address().port}`;

const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8'));
const storyIds = Object.values(index.entries)
  .filter((entry) => entry.type === 'story')
  .map((entry) => entry.id);

const browser = await chromium.launch(chromiumLaunchOptions());

const failures = [];
try {
  for (const id of Object.keys(expectations)) {
    if (!storyIds.includes(id)) failures.push(`${id}: story missing from the build`);
  }
  // Every element of the catalogue has stories (a designer previews every element).
  for (const { name } of catalogue.elements) {
    if (!storyIds.some((id) => id.startsWith(`elements-${name}--`))) failures.push(`<dodo-${name}>: no story (elements-${name}--…) in the build`);
  }
  for (const id of storyIds) {
    const expected = expectations[id];
    if (!expected) {
      failures.push(`${id}: no expectation in .storybook/check.mjs — add one`);
      continue;
    }
    // A fresh context per story: no service-worker or cache state carried over.
    const context = await browser.newContext(expected.context ?? {});
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // HTTP failures are judged below by URL: the mocked API's 401/500 are the story's point.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        errors.push(`console error: ${message.text()}`);
      }
    });
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (response.status() >= 400 && !url.pathname.startsWith('/portal/v1/') && url.pathname !== '/favicon.ico') {
        errors.push(`HTTP ${response.status()} for ${url.pathname}`);
      }
    });
    try {
      await page.goto(`${base}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`, { waitUntil: 'load' });
      for (const text of expected.text ?? []) {
        await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 15_000 });
      }
      if (expected.selector) await page.locator(expected.selector).first().waitFor({ timeout: 15_000 });
      if (expected.rows) {
        // `rowsIn`: count only inside that element (the complete portal also has a transaction table).
        const rows = await page.locator(`${expected.rowsIn ? `${expected.rowsIn} ` : ''}tr[part="row"]`).count();
        if (rows !== expected.rows) throw new Error(`expected ${expected.rows} invoice rows, saw ${rows}`);
      }
      for (const text of expected.absent ?? []) {
        const seen = await page.getByText(text, { exact: false }).count();
        if (seen > 0) throw new Error(`shows "${text}" ${seen} time(s)`);
      }
      if (errors.length > 0) throw new Error(errors.join('; '));
      console.log(`ok   ${id}`);
    } catch (error) {
      failures.push(`${id}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
      console.log(`FAIL ${id}`);
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}

if (failures.length > 0) {
  console.error(`\nstorybook check: ${failures.length} failure(s)\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exit(1);
}
console.log(`\nstorybook check: ${storyIds.length} stories rendered`);
