import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { HttpHandler } from 'msw';
import type { DodoPortal } from './portal.ts';
import { DodoUnifiedPortal } from '../unified-portal/unified-portal.ts';
import type { SessionExpiredEvent } from '../../events.ts';
import {
  EXPIRED_SESSION_TOKEN,
  MOCK_API_BASE,
  MOCK_LOGIN_URL,
  MOCK_SESSION_TOKEN,
  MOCK_UNIFIED_TOKEN,
  licenseKeyApi,
  paymentMethodsApi,
  portalApi,
  sampleProfile,
  scenarios,
  sessionInfo,
  subscriptionApi,
  unifiedScenarios,
} from '../../mocks/handlers.ts';
// The harness registers <dodo-portal> and <dodo-invoice-list>; these sections are registered too.
// <dodo-key-vault> is registered by a test below, to show a section appearing later.
import '../../define/dodo-subscription-manager.ts';
import '../../define/dodo-payment-method-editor.ts';
import '../../define/dodo-profile.ts';
import { http, HttpResponse } from 'msw';
import type { DodoSubscriptionManager } from '../subscription-manager/subscription-manager.ts';
import {
  apiRequests,
  button,
  click,
  expiredText,
  waitForExpired,
  invoiceNumbers,
  mountList,
  requests,
  shadow,
  startMocks,
  useHandlers,
  visibleText,
  waitForRows,
  waitForText,
} from '../../test/harness.ts';

/** `handlers` first (they win), then working APIs for every other section of the complete portal. */
const withSections = (handlers: HttpHandler[]): HttpHandler[] => [...handlers, ...subscriptionApi(), ...paymentMethodsApi(), ...licenseKeyApi()];

/** The sections the complete portal shows, in order, with their headings. */
const sections = (portal: DodoPortal): [string, string][] =>
  [...shadow(portal).querySelectorAll<HTMLElement>('section[part~="section"]')].map((section) => [
    section.getAttribute('part')!.replace('section section-', ''),
    section.querySelector('h3')!.textContent!.trim(),
  ]);

/** `<dodo-portal>` with no children: the complete portal. */
async function mountPortal({ token = MOCK_SESSION_TOKEN, locale = 'en' as string | null } = {}) {
  const portal = await fixture<DodoPortal>(html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${token} locale=${locale ?? undefined}></dodo-portal>
  `);
  if (locale === null) portal.removeAttribute('locale');
  await portal.updateComplete;
  const list = shadow(portal).querySelector('dodo-invoice-list');
  if (!list) throw new Error('the complete portal renders no <dodo-invoice-list>');
  return { portal, list };
}

describe('<dodo-portal>', () => {
  before(startMocks);

  describe('without children (the complete portal)', () => {
    it('shows the business from the session and the customer’s invoices', async () => {
      useHandlers(withSections(scenarios.manyPages()));
      const { portal, list } = await mountPortal();
      await waitForText(portal, sessionInfo.business.display_name);
      await waitForRows(list, 'INV-000023');

      // The brand's display name, as in the emails and the login page; never the legal name.
      expect(sessionInfo.business.display_name).to.not.equal(sessionInfo.business.name);
      expect(shadow(portal).querySelector('[part="business"]')!.textContent!.trim()).to.equal(sessionInfo.business.display_name);
      expect(visibleText(portal)).to.not.contain(sessionInfo.business.name);

      expect(shadow(portal).querySelector('h2')!.textContent!.trim()).to.equal('Billing');
      const back = shadow(portal).querySelector<HTMLAnchorElement>('a[part="return-link"]')!;
      expect(back.href).to.equal(sessionInfo.return_url);
      expect(back.textContent!.trim()).to.equal(`Return to ${sessionInfo.business.display_name}`);
      expect(apiRequests('session')).to.have.length(1);
      expect(apiRequests('session')[0]!.authorization).to.equal(`Bearer ${MOCK_SESSION_TOKEN}`);
      await expect(portal).to.be.accessible();
    });

    it('shows a headed section for each registered portal element, in order, each with its data', async () => {
      useHandlers(withSections(scenarios.manyPages()));
      const { portal, list } = await mountPortal();
      // <dodo-key-vault> and <dodo-transaction-list> are not registered here: no section, no request.
      expect(sections(portal)).to.deep.equal([
        ['subscriptions', 'Subscriptions'],
        ['payment-methods', 'Payment methods'],
        ['invoices', 'Invoices'],
        ['profile', 'Account'],
      ]);
      const root = shadow(portal);
      const manager = root.querySelector('section[part~="section-subscriptions"] dodo-subscription-manager')!;
      const editor = root.querySelector('section[part~="section-payment-methods"] dodo-payment-method-editor')!;
      const profile = root.querySelector('section[part~="section-profile"] dodo-profile')!;
      expect(root.querySelector('section[part~="section-invoices"] dodo-invoice-list')).to.equal(list);
      expect(editor.hasAttribute('subscription-id'), 'the saved cards, not one subscription').to.equal(false);
      await waitForText(manager, 'Current subscriptions');
      await waitForText(manager, 'Pro');
      await waitForText(editor, '4444');
      await waitForText(profile, sampleProfile.name!);
      await waitForRows(list, 'INV-000023');
      expect(apiRequests('license-keys')).to.have.length(0);
      expect(apiRequests('session'), 'one session call for the whole portal').to.have.length(1);
      await expect(portal).to.be.accessible();
    });

    it('opens the plan switcher from the subscription manager', async () => {
      useHandlers(withSections(scenarios.manyPages()));
      const { portal } = await mountPortal();
      const manager = shadow(portal).querySelector('dodo-subscription-manager')!;
      await waitForText(manager, 'Current subscriptions');
      button(manager, 'Change plan Pro').click();
      await waitUntil(() => shadow(manager).querySelector('dodo-plan-switcher'), 'no plan switcher opened');
      const switcher = shadow(manager).querySelector('dodo-plan-switcher')!;
      expect(switcher.getAttribute('subscription-id')).to.equal('sub_pro');
      await waitForText(switcher, 'Enterprise');
      expect(apiRequests('subscriptions/sub_pro/plan-options')).to.have.length(1);
      await expect(portal).to.be.accessible();
    });

    for (const [state, handlers, expected] of [
      ['empty', scenarios.empty, 'No invoices yet'],
      ['error', scenarios.serverError, "We couldn't load your invoices."],
    ] as const) {
      it(`is accessible in the ${state} state`, async () => {
        useHandlers(withSections(handlers()));
        const { portal, list } = await mountPortal();
        await waitForText(list, expected);
        await waitForText(portal, sessionInfo.business.display_name);
        await expect(portal).to.be.accessible();
      });
    }

    it('is accessible while loading', async () => {
      useHandlers(withSections(scenarios.loading()));
      const { portal, list } = await mountPortal();
      await waitUntil(() => apiRequests('invoices').length === 1);
      expect(shadow(list).querySelector('table')!.getAttribute('aria-busy')).to.equal('true');
      await expect(portal).to.be.accessible();
    });

    it('says once that the session ended (not in every section), fires dodo-session-expired once, and recovers', async () => {
      useHandlers(scenarios.expired());
      const events: SessionExpiredEvent[] = [];
      const record = (event: SessionExpiredEvent) => events.push(event);
      document.addEventListener('dodo-session-expired', record);
      try {
        const { portal } = await mountPortal({ token: EXPIRED_SESSION_TOKEN });
        await waitForExpired(portal);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(events).to.have.length(1);
        expect(events[0]!.target).to.equal(portal);
        expect(shadow(portal).querySelectorAll('.message--expired'), 'one expired message').to.have.length(1);
        expect(shadow(portal).querySelectorAll('section'), 'no sections while the session is over').to.have.length(0);
        // Embedded: reload the page (the merchant's page gets a new token), not "go back to the site".
        expect(expiredText(portal)).to.include('Reload the page to continue.').and.not.include('site you came from');
        expect(button(portal, 'Reload page')).to.exist;
        await expect(portal).to.be.accessible();

        // The merchant answers the event with a fresh token: the portal continues without a reload.
        useHandlers(withSections(scenarios.manyPages()));
        portal.sessionToken = MOCK_SESSION_TOKEN;
        await waitUntil(() => shadow(portal).querySelector('dodo-invoice-list'), 'the sections never came back');
        await waitForRows(shadow(portal).querySelector('dodo-invoice-list')!, 'INV-000023');
        await waitForText(portal, sessionInfo.business.display_name);
        expect(events, 'no second event for the new token').to.have.length(1);
        await expect(portal).to.be.accessible();
      } finally {
        document.removeEventListener('dodo-session-expired', record);
      }
    });

    it('switches language and formats when locale changes', async () => {
      useHandlers(withSections(scenarios.single()));
      const { portal, list } = await mountPortal();
      await waitForRows(list);
      expect(visibleText(list)).to.include('$1,234.56');

      portal.locale = 'sv-SE';
      await waitForText(portal, 'Fakturering');
      await waitForText(list, 'Betald');
      expect(sections(portal).map(([, heading]) => heading)).to.deep.equal(['Prenumerationer', 'Betalningsmetoder', 'Fakturor', 'Konto']);
      const swedishTotal = new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'USD' }).format('1234.56').replace(/\s+/g, ' ');
      expect(visibleText(list)).to.include(swedishTotal);
      portal.locale = 'en';
      await waitForText(portal, 'Billing');
    });
  });

  describe('with children', () => {
    it('only provides context: no header, one session call (mode and brand), the slotted list gets data', async () => {
      useHandlers(scenarios.manyPages());
      const { portal, list } = await mountList();
      await waitForRows(list, 'INV-000023');
      expect(shadow(portal).querySelector<HTMLElement>('[part="base"]')!.hidden).to.equal(true);
      expect(shadow(portal).querySelector('dodo-invoice-list')).to.equal(null);
      expect(shadow(portal).querySelector('slot')).to.not.equal(null);
      expect(apiRequests('session')).to.have.length(1);
      expect(invoiceNumbers(list)).to.have.length(10);
      await expect(portal).to.be.accessible();
    });
  });

  describe('test mode', () => {
    const testMode = (portal: DodoPortal) => shadow(portal).querySelector('[part="test-mode"]');

    it('says "Test mode" in the header of a test-mode session, and nothing in live mode', async () => {
      useHandlers(withSections(portalApi({ invoices: [], session: { ...sessionInfo, mode: 'test' } })));
      const { portal } = await mountPortal();
      await waitUntil(() => testMode(portal) !== null, 'no test-mode badge');
      expect(testMode(portal)!.textContent!.trim()).to.equal('Test mode');
      expect(shadow(portal).querySelector('[part="header"]')!.contains(testMode(portal))).to.equal(true);
      await expect(portal).to.be.accessible();

      useHandlers(withSections(portalApi({ invoices: [], session: { ...sessionInfo, mode: 'live' } })));
      const live = await mountPortal();
      await waitForText(live.portal, sessionInfo.business.display_name);
      expect(testMode(live.portal)).to.equal(null);
    });
  });

  describe('theming', () => {
    const withBrand = (primary_color: string | null) =>
      withSections(portalApi({ invoices: [], session: { ...sessionInfo, business: { ...sessionInfo.business, brand: { ...sessionInfo.business.brand, primary_color } } } }));
    /** The primary colour a button inside the invoice list is actually painted with. */
    const primaryOf = (list: Element) => getComputedStyle(list).getPropertyValue('--_dodo-color-primary').trim();

    it("uses the business's brand colour as the primary colour when it is readable", async () => {
      useHandlers(withBrand('#0f766e'));
      const { portal, list } = await mountPortal();
      await waitUntil(() => portal.style.getPropertyValue('--dodo-brand-primary') === '#0f766e', 'brand colour applied');
      expect(portal.style.getPropertyValue('--dodo-brand-on-primary')).to.equal('#ffffff');
      expect(primaryOf(list)).to.equal('#0f766e');
    });

    it('keeps the default primary when the brand colour is unreadable on the surface', async () => {
      useHandlers(withBrand('#fde047'));
      const { portal, list } = await mountPortal();
      await waitUntil(() => apiRequests('session').length === 1);
      await portal.updateComplete;
      expect(portal.style.getPropertyValue('--dodo-brand-primary')).to.equal('');
      expect(primaryOf(list)).to.equal('#1d4ed8');
    });

    it('lets the page\'s --dodo-color-primary win over the brand, and theme="dark" switch the palette', async () => {
      useHandlers(withBrand('#0f766e'));
      const { portal, list } = await mountPortal();
      await waitUntil(() => portal.style.getPropertyValue('--dodo-brand-primary') !== '');
      portal.style.setProperty('--dodo-color-primary', '#7c3aed');
      expect(primaryOf(list)).to.equal('#7c3aed');
      portal.style.removeProperty('--dodo-color-primary');
      portal.theme = 'dark';
      await portal.updateComplete;
      expect(portal.getAttribute('theme')).to.equal('dark');
      expect(getComputedStyle(list).getPropertyValue('--_dodo-color-surface').trim()).to.equal('#111827');
      expect(primaryOf(list)).to.equal('#93c5fd');
      await expect(portal).to.be.accessible();
      portal.theme = 'light';
      await portal.updateComplete;
      expect(getComputedStyle(list).getPropertyValue('--_dodo-color-surface').trim()).to.equal('#ffffff');
    });
  });

  describe('locale', () => {
    let lang: string;
    beforeEach(() => {
      lang = document.documentElement.lang;
    });
    afterEach(() => {
      document.documentElement.lang = lang;
    });

    it('defaults to the page’s <html lang>', async () => {
      useHandlers(withSections(scenarios.single()));
      document.documentElement.lang = 'sv';
      const { portal, list } = await mountPortal({ locale: null });
      await waitForText(portal, 'Fakturering');
      await waitForText(list, 'Betald');
      document.documentElement.lang = 'en';
      portal.locale = 'en';
      await waitForText(portal, 'Billing');
    });
  });

  describe('a section element registered later', () => {
    it('adds its section in place, keeping the others (no reload)', async () => {
      useHandlers(withSections(scenarios.single()));
      const { portal, list } = await mountPortal();
      await waitForRows(list);
      const manager = shadow(portal).querySelector('dodo-subscription-manager');
      const profile = shadow(portal).querySelector('dodo-profile');
      expect(sections(portal).map(([key]) => key)).to.not.include('license-keys');
      const invoicesBefore = apiRequests('invoices').length;

      await import('../../define/dodo-key-vault.ts');
      await waitUntil(() => shadow(portal).querySelector('section[part~="section-license-keys"] dodo-key-vault'), 'no license-keys section');
      expect(sections(portal)).to.deep.equal([
        ['subscriptions', 'Subscriptions'],
        ['payment-methods', 'Payment methods'],
        ['invoices', 'Invoices'],
        ['license-keys', 'License keys'],
        ['profile', 'Account'],
      ]);
      expect(shadow(portal).querySelector('dodo-subscription-manager')).to.equal(manager);
      expect(shadow(portal).querySelector('dodo-profile')).to.equal(profile);
      expect(shadow(portal).querySelector('dodo-invoice-list')).to.equal(list);
      expect(apiRequests('invoices')).to.have.length(invoicesBefore);
      const vault = shadow(portal).querySelector('dodo-key-vault')!;
      await waitUntil(() => apiRequests('license-keys').length === 1);
      await waitForText(vault, 'Acme Studio Pro');
      await expect(portal).to.be.accessible();
    });
  });

  describe('without a session token', () => {
    it('makes no request and shows the loading face until a token is set', async () => {
      useHandlers(withSections(scenarios.single()));
      const portal = await fixture<DodoPortal>(html`<dodo-portal api-base=${MOCK_API_BASE} locale="en"></dodo-portal>`);
      const list = shadow(portal).querySelector('dodo-invoice-list')!;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).to.have.length(0);
      expect(shadow(list).querySelector('table')!.getAttribute('aria-busy')).to.equal('true');

      portal.sessionToken = MOCK_SESSION_TOKEN;
      await waitForRows(list, 'INV-000042');
    });
  });

  describe('unified', () => {
    it('shows the overview across businesses with a unified token, and never calls the business API with it', async () => {
      // Registered here (not through define/dodo-unified-portal, which would also register the
      // key vault that the test above registers later).
      if (!customElements.get('dodo-unified-portal')) customElements.define('dodo-unified-portal', DodoUnifiedPortal);
      useHandlers(unifiedScenarios.overview());
      const portal = await fixture<DodoPortal>(html`<dodo-portal unified api-base=${MOCK_API_BASE} session-token=${MOCK_UNIFIED_TOKEN} locale="en"></dodo-portal>`);
      const unified = shadow(portal).querySelector('dodo-unified-portal')!;
      expect(unified, 'the unified portal is rendered').to.not.equal(null);
      await waitForText(unified, 'Nordic Tools');
      expect(apiRequests('unified/businesses')[0]!.authorization).to.equal(`Bearer ${MOCK_UNIFIED_TOKEN}`);
      expect(apiRequests('session'), 'no business-session call with a unified token').to.have.length(0);
      await expect(portal).to.be.accessible();
    });
  });
});

describe('<dodo-portal>: one expired face for the whole portal', function () {
  this.timeout(30_000);
  before(startMocks);

  const expire = () => HttpResponse.json({ error: { code: 'session_expired', message: 'x', login_url: MOCK_LOGIN_URL } }, { status: 401 });

  it('a 401 in one section’s dialog replaces every slotted section (dialog included) with one face', async () => {
    useHandlers([http.post('*/portal/v1/subscriptions/:id/cancel', expire), ...subscriptionApi()]);
    const portal = await fixture<DodoPortal>(html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale="en">
        <dodo-subscription-manager></dodo-subscription-manager>
        <dodo-invoice-list></dodo-invoice-list>
      </dodo-portal>
    `);
    const manager = portal.querySelector<DodoSubscriptionManager>('dodo-subscription-manager')!;
    const list = portal.querySelector('dodo-invoice-list')!;
    await waitForRows(list, 'INV-000023');
    await waitForText(manager, 'Pro');
    click(button(manager, 'Cancel subscription Pro'));
    await waitUntil(() => shadow(manager).querySelector('dialog[open]'), 'no dialog');
    click(button(manager, 'Cancel subscription'));
    await waitForExpired(list);
    await waitForExpired(manager);
    expect(visibleText(manager), 'the subscriptions give way to the face').to.equal('');
    expect(shadow(manager).querySelector('dialog'), 'the dialog closed').to.equal(null);
    expect(visibleText(list)).to.not.include('Your session has expired');
    await expect(portal).to.be.accessible();
  });

  it('says what the merchant sets: expired-message, or the expired slot', async () => {
    useHandlers(scenarios.expired());
    const portal = await fixture<DodoPortal>(html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${EXPIRED_SESSION_TOKEN} locale="en" expired-message="Log in again to see your billing.">
        <dodo-invoice-list></dodo-invoice-list>
      </dodo-portal>
    `);
    await waitForExpired(portal, 'Log in again to see your billing.');
    expect(expiredText(portal)).to.not.include('Reload the page');

    const slotted = await fixture<DodoPortal>(html`
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${EXPIRED_SESSION_TOKEN} locale="en">
        <dodo-invoice-list></dodo-invoice-list>
        <p slot="expired">Your billing session ended. <a href="/account/login">Log in</a></p>
      </dodo-portal>
    `);
    await waitUntil(() => shadow(slotted).querySelector<HTMLElement>('[part="expired"]')!.checkVisibility(), 'no expired face');
    const slot = shadow(slotted).querySelector<HTMLSlotElement>('slot[name="expired"]')!;
    expect(slot.assignedElements().map((element) => element.textContent!.trim())).to.deep.equal(['Your billing session ended. Log in']);
    expect(slotted.querySelector<HTMLElement>('[slot="expired"]')!.checkVisibility()).to.equal(true);
    await expect(slotted).to.be.accessible();
  });

  it('hosted: offers to email a new link to the session’s customer (POST /portal/v1/login) once the session ended', async () => {
    const logins: unknown[] = [];
    let ended = false;
    useHandlers([
      http.get('*/portal/v1/invoices', () => (ended ? expire() : undefined)),
      http.post('*/portal/v1/login', async ({ request }) => {
        logins.push(await request.json());
        return HttpResponse.json({ accepted: true }, { status: 202 });
      }),
      ...portalApi(),
    ]);
    const portal = await fixture<DodoPortal>(html`
      <dodo-portal hosted api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale="en">
        <dodo-invoice-list></dodo-invoice-list>
      </dodo-portal>
    `);
    const list = portal.querySelector('dodo-invoice-list')!;
    await waitForRows(list, 'INV-000023');
    await waitUntil(() => apiRequests('session').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    ended = true;
    click(button(list, 'Next'));
    await waitForExpired(list, 'Get a new one by email.');
    expect(expiredText(portal)).to.not.include('Reload').and.not.include('site you came from');
    click(button(portal, 'Email me a new link'));
    await waitForExpired(portal, 'We sent a new link to ada@example.com.');
    expect(logins).to.deep.equal([{ business_id: 'bus_acme', email: 'ada@example.com', mode: 'test' }]);
    expect(shadow(portal).querySelector<HTMLAnchorElement>('[part="expired"] a')!.href).to.equal('https://shop.example.com/account');
    await expect(portal).to.be.accessible();
  });

  it('hosted: a bogus token links to the business’s login page from the 401; a missing token to the sign-in page — never a dead end', async () => {
    useHandlers(scenarios.expired());
    const bogus = await fixture<DodoPortal>(html`<dodo-portal hosted api-base=${MOCK_API_BASE} session-token="pst_bogus" locale="en"></dodo-portal>`);
    await waitForExpired(bogus, 'Request a new link by email');
    expect(shadow(bogus).querySelector<HTMLAnchorElement>('[part="expired"] a')!.href).to.equal(MOCK_LOGIN_URL);
    expect(shadow(bogus).querySelectorAll('section'), 'no sections').to.have.length(0);
    bogus.remove(); // one portal (one banner) on the page for axe

    const missing = await fixture<DodoPortal>(html`<dodo-portal hosted api-base=${MOCK_API_BASE} locale="en"></dodo-portal>`);
    await waitForExpired(missing, 'Request a new link by email');
    expect(shadow(missing).querySelector<HTMLAnchorElement>('[part="expired"] a')!.href).to.equal(`${MOCK_API_BASE}/login`);
    await expect(missing).to.be.accessible();
  });
});
