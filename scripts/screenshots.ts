/**
 * `pnpm screenshots`: the complete hosted portal of the demo customer at 375 px and 1280 px, light
 * and dark, written to docs/images/ (the pictures the README shows). Runs the real CLI on a temp
 * database, seeds the demo and opens the hosted page in Debian Chromium — nothing is mocked, so
 * the pictures are what a customer sees. Needs a built elements package (`pnpm build`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { api, cli, launchBrowser, startPortalServer } from '../e2e/harness.ts';
import { repoRoot } from './lib/run.ts';

interface Demo {
  api_keys: { test: string };
  demo_customer_id: string;
}

const out = join(repoRoot, 'docs/images');
mkdirSync(out, { recursive: true });

const portal = await startPortalServer();
const browser = await launchBrowser();
try {
  const demo = JSON.parse(await cli(['seed', '--demo', '--db', portal.dbFile, '--json'])) as Demo;
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [375, 1280]) {
      // A fresh session per picture: the hosted page exchanges and clears the link's token.
      const session = await api<{ link: string }>(portal.url, demo.api_keys.test, 'POST', `/v1/customers/${demo.demo_customer_id}/customer-portal/session`, {});
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(session.link);
      // Every section has loaded when no element of the portal is busy any more.
      // No named inner functions: tsx would wrap them in a helper the page does not have.
      await page.waitForFunction(() => {
        const roots: ParentNode[] = [document];
        while (roots.length > 0) {
          for (const node of roots.pop()!.querySelectorAll('*')) {
            if (node.getAttribute('aria-busy') === 'true') return false;
            if (node.shadowRoot) roots.push(node.shadowRoot);
          }
        }
        return document.querySelector('dodo-portal') !== null;
      });
      await page.waitForTimeout(300);
      const file = join(out, `portal-${width}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${file}`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await portal.stop();
}
