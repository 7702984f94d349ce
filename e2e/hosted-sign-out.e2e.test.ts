/**
 * Signing out of the hosted portal, on real parts: the button ends the session on the server (the
 * token no longer opens anything), the tab forgets it (a reload shows no portal), and the page
 * says what happened — in the customer's language.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

let portal: PortalServer & { dir: string };
let browser: Browser;
let testKey: string;

beforeAll(async () => {
  portal = await startPortalServer();
  const created = JSON.parse(await cli(['business', 'create', '--name', 'Nordlicht GmbH', '--db', portal.dbFile, '--json'])) as { api_keys: { test: string } };
  testKey = created.api_keys.test;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe('the hosted portal', () => {
  it('signs out: the session ends on the server, the tab forgets it, and the page says so', async () => {
    const customer = await api<{ customer_id: string }>(portal.url, testKey, 'POST', '/v1/customers', { email: 'lena@example.de', name: 'Lena Krüger', locale: 'de-DE' });
    const session = await api<{ link: string; session_token: string }>(portal.url, testKey, 'POST', `/v1/customers/${customer.customer_id}/customer-portal/session`, {});
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(session.link);
    await page.getByRole('heading', { name: 'Abrechnung' }).waitFor({ timeout: 10_000 });

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByRole('heading', { name: 'Sie sind abgemeldet' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('dodo-portal').count()).toBe(0);
    const after = await fetch(`${portal.url}/portal/v1/session`, { headers: { authorization: `Bearer ${session.session_token}` } });
    expect(after.status).toBe(401);

    // The tab forgot the token: a reload shows the portal's expired face with the way to a new link.
    await page.reload();
    await page.getByText('Your session has expired').waitFor({ timeout: 10_000 });
    expect(await page.getByRole('link', { name: 'Request a new link by email' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    await context.close();
  });
});
