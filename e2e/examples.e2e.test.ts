/**
 * The npm examples as a merchant builds them: `@dodo-portal/elements` is packed (`pnpm pack`) and
 * installed from its tarball (it needs no `@dodo-portal/wire`) into a copy of each example outside the
 * workspace — so a broken `exports`, `files`, `types` or dependency entry fails here before it fails
 * a user — then built with Vite and opened in Chromium against a real `dodo-portal serve`.
 *
 * - examples/vite-npm: per-element imports; its production bundle holds only the elements it uses.
 * - examples/react: React 19 with the typed wrappers (`@dodo-portal/elements/react/*`): `tsc` proves
 *   the props are typed, and the page's `onDodo…` handlers fire on real events.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementEvents } from '../packages/elements/src/react/handlers.ts';
import { capture, freePort, pnpm, repoRoot } from '../scripts/lib/run.ts';
import { api, cli, launchBrowser, serveStatic, startPortalServer, type PortalServer } from './harness.ts';

interface Customer {
  customer_id: string;
}
interface Invoice {
  invoice_id: string;
  number: string;
}
interface Subscription {
  subscription_id: string;
}

const elementsDir = join(repoRoot, 'packages/elements');
const execFileAsync = promisify(execFile);
const pn = pnpm();

let portal: PortalServer & { dir: string };
let browser: Browser;
let work: string;
let testKey: string;
const servers: Server[] = [];
const origins: { viteNpm: string; react: string } = { viteNpm: '', react: '' };
const ports: { viteNpm: number; react: number } = { viteNpm: 0, react: 0 };
/** Installed copies of the examples (outside the workspace), by name. */
const installed = { viteNpm: '', react: '' };
/** `tsc --noEmit` of the installed React example: its output, empty when clean. */
let reactTypecheck: Promise<string>;

const merchant = <T>(method: string, path: string, body?: unknown) => api<T>(portal.url, testKey, method, path, body);
const sessionToken = async (customerId: string) => (await merchant<{ session_token: string }>('POST', `/v1/customers/${customerId}/customer-portal/session`)).session_token;

/** A customer with one invoice and one active subscription ("Studio plan"). */
async function customerWithBilling(email: string): Promise<{ customer: Customer; invoice: Invoice; subscription: Subscription }> {
  const customer = await merchant<Customer>('POST', '/v1/customers', { email, name: 'Ada Example' });
  const created = await merchant<Invoice>('POST', '/v1/invoices', {
    customer_id: customer.customer_id,
    currency: 'USD',
    line_items: [{ description: 'Onboarding workshop', unit_amount: 42_000, quantity: 1 }],
  });
  const plan = await merchant<{ product_id: string }>('POST', '/v1/products', {
    name: 'Studio plan',
    billing_type: 'subscription',
    price: 2_900,
    currency: 'USD',
    interval: 'month',
  });
  const card = await fetch(`${portal.url}/sandbox/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
  });
  expect(card.status).toBe(201);
  const { card_token } = (await card.json()) as { card_token: string };
  const subscription = await merchant<Subscription>('POST', '/v1/subscriptions', { customer_id: customer.customer_id, product_id: plan.product_id, card_token });
  return { customer, invoice: created, subscription };
}

/** A copy of `examples/<name>` with the packed tarballs as its `@dodo-portal/*` dependencies. */
async function install(name: string, tarballs: { elements: string }): Promise<string> {
  const dir = join(work, name);
  cpSync(join(repoRoot, 'examples', name), dir, { recursive: true, filter: (source) => !/[\\/](node_modules|dist)$/.test(source) });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  expect(manifest.dependencies['@dodo-portal/elements'], 'the example uses the package by its name').toBeDefined();
  manifest.dependencies['@dodo-portal/elements'] = `file:${tarballs.elements}`;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  // The workspace's install filled pnpm's store: vite, react and lit are linked from there.
  await capture([...pn, 'install', '--prefer-offline', '--no-frozen-lockfile', '--reporter=silent'], { cwd: dir, env: { ...process.env } });
  return dir;
}

/** `vite build` in an installed example, pointed at the test's portal server. */
const viteBuild = (dir: string, ...args: string[]) =>
  capture([join(dir, 'node_modules/.bin/vite'), 'build', '--logLevel', 'warn', ...args], {
    cwd: dir,
    env: { ...process.env, VITE_DODO_PORTAL_URL: portal.url },
  });

async function serve(dir: string, port: number): Promise<void> {
  servers.push(await serveStatic(join(dir, 'dist'), portal.url, port));
}

/** A fresh context on the example's page with the token in the fragment; page errors collected. */
async function open(origin: string, token: string): Promise<{ page: Page; errors: Error[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${origin}/#session_token=${encodeURIComponent(token)}`);
  return { page, errors, close: () => context.close() };
}

beforeAll(async () => {
  portal = await startPortalServer();
  ports.viteNpm = await freePort();
  ports.react = await freePort();
  origins.viteNpm = `http://127.0.0.1:${ports.viteNpm}`;
  origins.react = `http://127.0.0.1:${ports.react}`;
  const created = JSON.parse(
    await cli(['business', 'create', '--name', 'Example Studio', '--allowed-origin', origins.viteNpm, '--allowed-origin', origins.react, '--db', portal.dbFile, '--json']),
  ) as { api_keys: { test: string } };
  testKey = created.api_keys.test;

  // The test command builds the elements first; a standalone run builds them when absent.
  if (!existsSync(join(elementsDir, 'dist/react/index.js')) || !existsSync(join(elementsDir, 'custom-elements.json'))) {
    await capture([...pn, '--filter', '@dodo-portal/elements', 'run', 'build']);
  }
  work = mkdtempSync(join(tmpdir(), 'dodo-examples-'));
  const packs = join(work, 'packs');
  // The tarball carries exactly what `files`/`exports` publish.
  await capture([...pn, 'pack', '--pack-destination', packs], { cwd: elementsDir });
  const tarball = (prefix: string) =>
    join(
      packs,
      readdirSync(packs).find((file) => file.startsWith(prefix))!,
    );
  const tarballs = { elements: tarball('dodo-portal-elements-') };
  [installed.viteNpm, installed.react] = await Promise.all([install('vite-npm', tarballs), install('react', tarballs)]);
  // The React type check is the slowest step: it runs while the vite-npm example is checked.
  reactTypecheck = execFileAsync(join(installed.react, 'node_modules/.bin/tsc'), ['--noEmit', '-p', installed.react], { cwd: installed.react }).then(
    () => '',
    (error: { stdout?: string; message: string }) => error.stdout || error.message,
  );
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await portal?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('examples/vite-npm: per-element imports from the packed package', () => {
  it('bundles <dodo-portal>, <dodo-invoice-list> and <dodo-subscription-manager>, and no other element', async () => {
    const dir = installed.viteNpm;
    // Source maps name every module that reached the bundle.
    await viteBuild(dir, '--sourcemap');
    const assets = join(dir, 'dist/assets');
    const files = readdirSync(assets);
    const code = files
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(assets, file), 'utf8'))
      .join('\n');
    const modules = files.filter((file) => file.endsWith('.js.map')).flatMap((file) => (JSON.parse(readFileSync(join(assets, file), 'utf8')) as { sources: string[] }).sources);

    for (const tag of ['dodo-portal', 'dodo-invoice-list', 'dodo-subscription-manager']) expect(code).toContain(`"${tag}"`);
    // An element's code is its entry (`dist/components/<name>/`) or, when several entries share
    // it, the chunk named after it (`dist/chunks/<name>-<hash>.js`).
    const components = (name: string) =>
      modules.filter((source) => source.includes(`@dodo-portal/elements/dist/components/${name}/`) || source.includes(`@dodo-portal/elements/dist/chunks/${name}-`));
    for (const used of ['portal', 'invoice-list', 'subscription-manager']) expect(components(used), used).not.toEqual([]);
    // <dodo-subscription-manager> opens <dodo-plan-switcher> for plan changes (its registered
    // dependency); everything else stays out. Its tag may appear as text in the portal's optional
    // sections, but never its code.
    for (const unused of ['key-vault', 'payment-method-editor', 'profile', 'portal-login', 'unified-portal', 'transaction-list']) {
      expect(components(unused), `${unused} must not be bundled`).toEqual([]);
    }
    // The portal names <dodo-unified-portal> (its `unified` mode renders it when registered), so
    // only the login tag is absent as text; the modules check above is what proves the code is out.
    expect(code).not.toContain('dodo-portal-login');
    // Only the package's side-effect entries that the page imports ran through the bundler.
    const defines = modules.filter((source) => source.includes('/dist/define/dodo-')).map((source) => source.replace(/.*\/define\//, ''));
    expect(defines.sort()).toEqual(['dodo-invoice-list.js', 'dodo-subscription-manager.js']);
  }, 120_000);

  it('shows the customer’s invoices and subscriptions in Chromium', async () => {
    const { customer, invoice } = await customerWithBilling('ada@example.com');
    await serve(installed.viteNpm, ports.viteNpm);
    const { page, errors, close } = await open(origins.viteNpm, await sessionToken(customer.customer_id));
    await page.getByRole('row').filter({ hasText: invoice.number }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Cancel subscription Studio plan' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Current subscriptions' }).count()).toBe(1);
    // The token left the address bar.
    expect(new URL(page.url()).hash).toBe('');
    expect(errors).toEqual([]);
    await close();
  });
});

describe('examples/react: typed React wrappers from the packed package', () => {
  it('type-checks with the package’s own .d.ts, and the typed props reject wrong values', async () => {
    const dir = installed.react;
    // Each `@ts-expect-error` in the example must meet a real error (a wrong prop type, an unknown
    // event, a missing detail field), or tsc fails with TS2578: untyped props cannot pass.
    const checks = readFileSync(join(dir, 'src/typed-props.check.tsx'), 'utf8');
    expect(checks.match(/@ts-expect-error/g)?.length).toBeGreaterThanOrEqual(4);
    // skipLibCheck is off in the example: the packed .d.ts files (and what they import) are checked too.
    expect(await reactTypecheck).toBe('');
  }, 240_000);

  it('renders the portal and fires onDodoSubscriptionCancelled and onDodoSessionExpired', async () => {
    const dir = installed.react;
    await viteBuild(dir);
    await serve(dir, ports.react);
    const { customer, invoice: paid } = await customerWithBilling('grace@example.com');
    const token = await sessionToken(customer.customer_id);

    const first = await open(origins.react, token);
    const { page } = first;
    await page.getByRole('row').filter({ hasText: paid.number }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Cancel subscription Studio plan' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel subscription' }).click();
    // The page's own handler, from `event.detail.subscription` (cancel at the period's end: the default).
    await page.getByRole('status').filter({ hasText: 'Studio plan ends at the end of this billing period.' }).waitFor({ timeout: 10_000 });
    expect(first.errors).toEqual([]);
    await first.close();

    // The session is revoked: the portal's 401 reaches the page's onDodoSessionExpired handler.
    const revoked = await fetch(`${portal.url}/portal/v1/session`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(revoked.status).toBe(204);
    const second = await open(origins.react, token);
    await second.page
      .getByRole('status')
      .filter({ hasText: /Your billing session has ended \(\w+\)/ })
      .waitFor({ timeout: 10_000 });
    expect(second.errors).toEqual([]);
    await second.close();
  }, 120_000);

  it('wraps every element, with an onDodo… prop for each event the element documents', () => {
    const manifest = JSON.parse(readFileSync(join(elementsDir, 'custom-elements.json'), 'utf8')) as {
      modules: { declarations?: { tagName?: string; events?: { name: string }[] }[] }[];
    };
    const documented = Object.fromEntries(
      manifest.modules
        .flatMap((module) => module.declarations ?? [])
        .filter((declaration) => declaration.tagName)
        .map((declaration) => [declaration.tagName!, (declaration.events ?? []).map((event) => event.name).sort()]),
    );
    const wrapped = Object.fromEntries(Object.entries(elementEvents).map(([tag, events]) => [tag, [...events].sort()]));
    expect(wrapped).toEqual(documented);
    for (const tag of Object.keys(documented)) expect(existsSync(join(elementsDir, `src/react/${tag.replace(/^dodo-/, '')}.ts`)), tag).toBe(true);
  });
});
