/**
 * The portal without a mouse, on real parts: `dodo-portal serve` on a temp SQLite file, the
 * server's CDN script on a merchant's page in Chromium, and nothing but the keyboard (Tab,
 * Shift+Tab, arrows, Enter, Space, Escape, typing). A customer cancels one subscription, changes
 * the plan of another, opens its card dialog and saves a new card; focus moves into each dialog
 * and comes back to what opened it, every control reached shows a visible focus ring, and with `prefers-reduced-motion:
 * reduce` nothing on the page animates.
 *
 * The page mounts the elements themselves inside `<dodo-portal>` (the slotted layout), so the
 * portal's own full layout is not under test here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cli, launchBrowser, startPortalServer, type PortalServer } from './harness.ts';

interface Subscription {
  subscription_id: string;
  status: string;
  product_id: string;
  cancel_at_period_end: boolean;
}
interface PaymentMethod {
  last4: string;
  brand: string;
}

/** What is focused, seen through every open shadow root, and what a sighted keyboard user sees of it. */
interface Focused {
  tag: string;
  name: string;
  type: string | null;
  value: string | null;
  checked: boolean;
  /** The id of the `<dialog>` (or its accessible title) the focus is in, through shadow roots; null outside. */
  dialog: string | null;
  /** Tag names of the custom elements the focused element sits in, outermost first. */
  hosts: string[];
  subscriptionId: string | null;
  focusVisible: boolean;
  outline: string;
  boxShadow: string;
}

let portal: PortalServer & { dir: string };
let browser: Browser;
let shop: Server;
let shopUrl: string;
let key: string;
let customerId: string;
let alpha: Subscription;
let beta: Subscription;
let basicId: string;
let proId: string;
let sessionToken: string;

const merchant = <T>(method: string, path: string, body?: unknown) => api<T>(portal.url, key, method, path, body);

/** The merchant's page: the CDN script and the three elements composed inside a portal. */
const page = (token: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your account</title><script src="${portal.url}/dodo-portal.js"></script></head>
<body><main><h1>Your account</h1>
<dodo-portal api-base="${portal.url}" session-token="${token.replace(/[^\w-]/g, '')}" locale="en-US">
  <dodo-subscription-manager></dodo-subscription-manager>
  <dodo-plan-switcher subscription-id="${beta.subscription_id}"></dodo-plan-switcher>
  <dodo-payment-method-editor></dodo-payment-method-editor>
</dodo-portal></main></body></html>`;

/** The deep active element, described. Reads focus only; never moves it. */
function focused(tab: Page): Promise<Focused> {
  return tab.evaluate(() => {
    let element: Element | null = document.activeElement;
    const hosts: string[] = [];
    while (element?.shadowRoot?.activeElement) {
      hosts.push(element.localName);
      element = element.shadowRoot.activeElement;
    }
    if (element?.shadowRoot) hosts.push(element.localName);
    const el = element as HTMLElement;
    let dialog: string | null = null;
    let subscriptionId: string | null = null;
    // Up the composed tree: parents, and from a shadow root to its host.
    for (let node: Node | null = el; node; node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null)) {
      if (node instanceof HTMLElement && node.dataset.subscriptionId && !subscriptionId) subscriptionId = node.dataset.subscriptionId;
      if (node instanceof HTMLDialogElement && node.open && !dialog) {
        const labelledBy = node.getAttribute('aria-labelledby');
        dialog = (labelledBy ? (node.getRootNode() as ShadowRoot).getElementById(labelledBy)?.textContent?.trim() : null) ?? 'dialog';
      }
    }
    const input = el as HTMLInputElement;
    const labels = 'labels' in input && input.labels ? [...input.labels].map((label) => label.textContent ?? '').join(' ') : '';
    const name = (el.getAttribute?.('aria-label') ?? (labels || el.textContent || '')).replace(/\s+/g, ' ').trim();
    const style = getComputedStyle(el);
    return {
      tag: el.localName,
      name,
      type: el.getAttribute?.('type') ?? null,
      value: 'value' in el ? String((el as HTMLInputElement).value) : null,
      checked: Boolean(input.checked),
      dialog,
      hosts,
      subscriptionId,
      focusVisible: el.matches(':focus-visible'),
      outline: style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0 ? 'none' : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      boxShadow: style.boxShadow,
    };
  });
}

/** A visible focus indicator: `:focus-visible` matches and draws an outline or a shadow. */
function expectVisibleFocus(state: Focused): void {
  expect(state.focusVisible, `:focus-visible on ${state.tag} "${state.name}"`).toBe(true);
  expect(state.outline !== 'none' || state.boxShadow !== 'none', `a focus ring on ${state.tag} "${state.name}"`).toBe(true);
}

/**
 * Presses Tab (or Shift+Tab) until the focused control matches, checking on the way that every
 * stop shows its focus. Returns the stops passed, the match last.
 */
async function tabTo(tab: Page, what: string, matches: (state: Focused) => boolean, options: { back?: boolean; max?: number } = {}): Promise<Focused[]> {
  const stops: Focused[] = [];
  for (let i = 0; i < (options.max ?? 60); i += 1) {
    await tab.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const state = await focused(tab);
    stops.push(state);
    if (state.tag !== 'body') expectVisibleFocus(state);
    if (matches(state)) return stops;
  }
  throw new Error(`Tab never reached ${what}; stops: ${stops.map((stop) => `${stop.tag} "${stop.name}"`).join(', ')}`);
}

/** Waits until the focused element matches (focus moves after an update or a server answer). */
async function focusSettles(tab: Page, what: string, matches: (state: Focused) => boolean): Promise<Focused> {
  let state = await focused(tab);
  const deadline = Date.now() + 10_000;
  while (!matches(state)) {
    if (Date.now() > deadline) throw new Error(`focus never moved to ${what}; it is on ${state.tag} "${state.name}" in ${state.hosts.join(' > ')}`);
    await tab.waitForTimeout(50);
    state = await focused(tab);
  }
  return state;
}

const named = (tag: string, name: RegExp | string) => (state: Focused) => state.tag === tag && (typeof name === 'string' ? state.name === name : name.test(state.name));

beforeAll(async () => {
  portal = await startPortalServer();
  let html = '';
  shop = createServer((request, response) => {
    if (request.url === '/favicon.ico') return void response.writeHead(204).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  const created = JSON.parse(await cli(['business', 'create', '--name', 'Keyboard Co', '--allowed-origin', shopUrl, '--db', portal.dbFile, '--json'])) as { api_keys: { test: string } };
  key = created.api_keys.test;
  await merchant('PATCH', '/v1/business', { allow_subscription_updates: true, allow_cancellation: true });

  const product = (body: Record<string, unknown>) => merchant<{ product_id: string }>('POST', '/v1/products', { billing_type: 'subscription', currency: 'USD', interval: 'month', ...body });
  const newsletter = await product({ name: 'Alpha Newsletter', price: 500 });
  basicId = (await product({ name: 'Basic', price: 1_000 })).product_id;
  proId = (await product({ name: 'Pro', price: 3_000 })).product_id;
  await merchant('POST', '/v1/product-collections', { name: 'Plans', product_ids: [basicId, proId] });

  customerId = (await merchant<{ customer_id: string }>('POST', '/v1/customers', { email: 'kim@example.com', name: 'Kim Keys', locale: 'en-US' })).customer_id;
  const token = async () =>
    (
      (await (
        await fetch(`${portal.url}/sandbox/v1/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
        })
      ).json()) as { card_token: string }
    ).card_token;
  alpha = await merchant<Subscription>('POST', '/v1/subscriptions', { customer_id: customerId, product_id: newsletter.product_id, card_token: await token() });
  beta = await merchant<Subscription>('POST', '/v1/subscriptions', { customer_id: customerId, product_id: basicId, card_token: await token() });
  sessionToken = (await merchant<{ session_token: string }>('POST', `/v1/customers/${customerId}/customer-portal/session`)).session_token;
  html = page(sessionToken);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (shop) await new Promise((resolve) => shop.close(resolve));
  await portal?.stop();
});

describe('the portal with the keyboard only', () => {
  it('cancels a subscription, changes a plan and saves a card; focus goes into each dialog and back', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const tab = await context.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    await tab.goto(shopUrl);
    // Loaded: the actions are there and the editor shows its add button.
    await tab.getByRole('button', { name: 'Cancel subscription Alpha Newsletter' }).waitFor({ timeout: 15_000 });
    await tab.getByRole('button', { name: 'Add a new card' }).waitFor();
    await tab.getByRole('radio', { name: /Pro/ }).first().waitFor();

    // --- 1. Cancel "Alpha Newsletter" ---------------------------------------------------------
    const cancelTrigger = named('button', 'Cancel subscription Alpha Newsletter');
    await tabTo(tab, 'Cancel subscription', cancelTrigger);
    // Enter opens the dialog, and focus is inside it.
    await tab.keyboard.press('Enter');
    const inCancel = await focusSettles(tab, 'the cancel dialog', (state) => state.dialog === 'Cancel Alpha Newsletter?');
    expectVisibleFocus(inCancel);
    // Escape closes it and focus is back on the button that opened it.
    await tab.keyboard.press('Escape');
    expectVisibleFocus(await focusSettles(tab, 'the Cancel subscription button', (state) => cancelTrigger(state) && state.dialog === null));
    expect(await tab.getByRole('dialog').count()).toBe(0);

    // Space opens it again; choose "Immediately" with the arrows, a reason, a comment.
    await tab.keyboard.press('Space');
    const first = await focusSettles(tab, 'the cancel dialog', (state) => state.dialog === 'Cancel Alpha Newsletter?');
    expect(first).toMatchObject({ tag: 'input', type: 'radio', checked: true });
    await tab.keyboard.press('ArrowDown');
    expect(await focused(tab)).toMatchObject({ type: 'radio', checked: true, name: 'Immediately' });
    await tabTo(tab, 'the reason', (state) => state.tag === 'select');
    await tab.keyboard.press('ArrowDown');
    expect((await focused(tab)).value).toBe('too_expensive');
    await tabTo(tab, 'the comment', (state) => state.tag === 'textarea');
    await tab.keyboard.type('Moving to a paper edition.');
    // Shift+Tab goes back within the dialog, Tab forward to the submit button.
    expect((await tabTo(tab, 'the reason again', (state) => state.tag === 'select', { back: true })).at(-1)!.dialog).toBe('Cancel Alpha Newsletter?');
    const submit = await tabTo(tab, 'the submit button', named('button', 'Cancel subscription'));
    expect(
      submit.every((stop) => stop.dialog === 'Cancel Alpha Newsletter?'),
      'Tab stays inside the modal dialog',
    ).toBe(true);
    await tab.keyboard.press('Enter');

    // Cancelled; the dialog closes and, its button gone, focus lands on the subscription's card.
    const onCard = await focusSettles(tab, 'the cancelled subscription', (state) => state.dialog === null && state.tag === 'li');
    expect(onCard.subscriptionId).toBe(alpha.subscription_id);
    expectVisibleFocus(onCard);
    await tab.getByRole('status').filter({ hasText: 'Alpha Newsletter has been cancelled.' }).waitFor();
    const cancelled = await merchant<Subscription & { cancellation_reason?: string }>('GET', `/v1/subscriptions/${alpha.subscription_id}`);
    expect(cancelled.status).toBe('cancelled');

    // --- 2. Change the plan of "Basic" to "Pro" in its dialog ----------------------------------
    const planTrigger = named('button', 'Change plan Basic');
    await tabTo(tab, 'Change plan', planTrigger, { back: true });
    await tab.keyboard.press('Enter');
    const inPlan = await focusSettles(tab, 'the plan dialog', (state) => state.dialog === 'Change plan: Basic');
    expectVisibleFocus(inPlan);
    // The switcher inside the dialog: Tab to the current plan's radio, ArrowDown to Pro.
    const current = (await tabTo(tab, 'the current plan', (state) => state.type === 'radio' && state.checked && state.hosts.includes('dodo-plan-switcher'))).at(-1)!;
    expect(current).toMatchObject({ dialog: 'Change plan: Basic' });
    expect(current.name).toMatch(/^Basic /);
    await tab.keyboard.press('ArrowDown');
    expect((await focused(tab)).name).toMatch(/^Pro /);
    await tab
      .getByRole('dialog')
      .getByRole('button', { name: /^Confirm and pay/ })
      .waitFor();
    const confirm = await tabTo(tab, 'the confirm button', named('button', /^Confirm and pay/));
    expect(confirm.every((stop) => stop.dialog === 'Change plan: Basic')).toBe(true);
    await tab.keyboard.press('Enter');
    // The flow has ended: the dialog closes, focus goes back to the button that opened it (not
    // lost to the page), and the manager says what happened in its confirmation line.
    const back = await focusSettles(tab, 'the Change plan button', (state) => state.dialog === null && named('button', 'Change plan Pro')(state));
    await tab.getByText("You're now on Pro.").first().waitFor();
    expect((await merchant<Subscription>('GET', `/v1/subscriptions/${beta.subscription_id}`)).product_id).toBe(proId);
    expectVisibleFocus(back);
    expect(back.subscriptionId).toBe(beta.subscription_id);

    // The card dialog too: in with Enter, the editor inside it reachable, out with Escape.
    const cardTrigger = named('button', 'Update payment method Pro');
    await tabTo(tab, 'Update payment method', cardTrigger, { back: true });
    await tab.keyboard.press('Enter');
    expectVisibleFocus(await focusSettles(tab, 'the card dialog', (state) => state.dialog === 'Payment method: Pro'));
    await tab.getByRole('dialog').getByRole('button', { name: 'Edit' }).waitFor();
    const edit = await tabTo(tab, 'Edit', (state) => named('button', 'Edit')(state) && state.hosts.includes('dodo-payment-method-editor'));
    expect(edit.every((stop) => stop.dialog === 'Payment method: Pro')).toBe(true);
    await tab.keyboard.press('Escape');
    expectVisibleFocus(await focusSettles(tab, 'the Update payment method button', (state) => state.dialog === null && cardTrigger(state)));

    // --- 3. Save a new card in the payment-method editor ---------------------------------------
    // Forward past the slotted plan switcher (every stop with a visible ring) to "Add a new card".
    const toAdd = await tabTo(tab, 'Add a new card', named('button', 'Add a new card'));
    expect(toAdd.some((stop) => stop.hosts.includes('dodo-plan-switcher'))).toBe(true);
    await tab.keyboard.press('Enter');
    const number = await focusSettles(tab, 'the card number', (state) => state.tag === 'input' && state.name === 'Card number');
    expectVisibleFocus(number);
    await tab.keyboard.type('5555555555554444');
    await tab.keyboard.press('Tab');
    expect((await focused(tab)).name).toBe('Expiry date (MM / YY)');
    await tab.keyboard.type('1234');
    await tab.keyboard.press('Tab');
    await tab.keyboard.type('123');
    await tab.keyboard.press('Tab');
    expect((await focused(tab)).name).toBe('Name on card');
    await tab.keyboard.type('Kim Keys');
    // Enter in a field submits the form.
    await tab.keyboard.press('Enter');
    await tab.getByRole('status').filter({ hasText: 'Card ending in 4444 saved.' }).waitFor({ timeout: 10_000 });
    expectVisibleFocus(await focusSettles(tab, 'Add a new card again', named('button', 'Add a new card')));
    const saved = await fetch(`${portal.url}/portal/v1/payment-methods`, { headers: { authorization: `Bearer ${sessionToken}` } });
    expect(((await saved.json()) as { items: PaymentMethod[] }).items.map((method) => method.last4)).toContain('4444');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('honours prefers-reduced-motion: the loading skeletons stand still, nothing transitions', async () => {
    /** Loads the page with the portal's data requests held, and reads the motion of every element. */
    async function motion(context: BrowserContext, reducedMotion: 'reduce' | 'no-preference') {
      const tab = await context.newPage();
      await tab.emulateMedia({ reducedMotion });
      const held: Route[] = [];
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      // The real server answers, later: long enough to look at the loading state.
      await tab.route(/\/portal\/v1\/(subscriptions|payment-methods)/, async (route) => {
        held.push(route);
        await released;
        await route.continue();
      });
      await tab.goto(shopUrl);
      await expect.poll(() => held.length, { timeout: 15_000 }).toBeGreaterThan(0);
      const seen = await tab.evaluate(() => {
        const all: Element[] = [];
        const walk = (root: Document | ShadowRoot) => {
          for (const element of root.querySelectorAll('*')) {
            all.push(element);
            if (element.shadowRoot) walk(element.shadowRoot);
          }
        };
        walk(document);
        const moving = all
          .map((element) => ({ element, style: getComputedStyle(element) }))
          .filter(({ style }) => style.animationName !== 'none' || style.transitionDuration.split(',').some((value) => parseFloat(value) > 0))
          .map(({ element, style }) => `${element.localName}.${element.className} ${style.animationName} ${style.transitionDuration}`);
        return { skeletons: all.filter((element) => element.classList.contains('skeleton')).length, moving };
      });
      release();
      await tab.getByRole('button', { name: 'Add a new card' }).waitFor({ timeout: 15_000 });
      await tab.close();
      return seen;
    }
    const context = await browser.newContext({ locale: 'en-US' });
    const moving = await motion(context, 'no-preference');
    const still = await motion(context, 'reduce');
    // Without the preference the skeletons pulse (so the check below looks at real motion)…
    expect(moving.skeletons).toBeGreaterThan(0);
    expect(moving.moving.length).toBeGreaterThan(0);
    expect(moving.moving.some((line) => line.includes('dodo-pulse'))).toBe(true);
    // …and with it, the same loading state has nothing moving at all.
    expect(still.skeletons).toBe(moving.skeletons);
    expect(still.moving).toEqual([]);
    await context.close();
  });
});
