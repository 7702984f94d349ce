import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define/dodo-unified-portal.ts';
import type { SessionExpiredEvent } from '../../events.ts';
import { EXPIRED_UNIFIED_TOKEN, MOCK_API_BASE, MOCK_UNIFIED_LOGIN_URL, MOCK_UNIFIED_TOKEN, businessTokenFor, unifiedBusinesses, unifiedScenarios } from '../../mocks/handlers.ts';
import { apiRequests, button, click, shadow, startMocks, useHandlers, visibleText, waitForRows, waitForText } from '../../test/harness.ts';
import type { DodoPortal } from '../portal/portal.ts';
import type { DodoUnifiedPortal } from './unified-portal.ts';

async function mountUnified({ token = MOCK_UNIFIED_TOKEN, locale = 'en' } = {}) {
  const unified = await fixture<DodoUnifiedPortal>(html`
    <dodo-unified-portal api-base=${MOCK_API_BASE} session-token=${token} locale=${locale}></dodo-unified-portal>
  `);
  await unified.updateComplete;
  return unified;
}

const cards = (unified: DodoUnifiedPortal) => [...shadow(unified).querySelectorAll<HTMLElement>('[part="business"]')].map((card) => card.textContent!.replace(/\s+/g, ' ').trim());

const openButton = (unified: DodoUnifiedPortal, businessName: string) => button(unified, `Open billing ${businessName}`);

const innerPortal = (unified: DodoUnifiedPortal) => shadow(unified).querySelector<DodoPortal>('dodo-portal');

describe('<dodo-unified-portal>', () => {
  before(startMocks);

  it('lists every business with its active subscriptions and latest invoice, formatted for the locale', async () => {
    useHandlers(unifiedScenarios.overview());
    const unified = await mountUnified();
    await waitForText(unified, 'Signed in as ada@example.com');
    expect(shadow(unified).querySelector('h2')!.textContent!.trim()).to.equal('Your billing');
    const [acme, nordic] = cards(unified);
    const sek = new Intl.NumberFormat('en', { style: 'currency', currency: 'SEK' }).format('499.00').replace(/\s+/g, ' ');
    expect(acme).to.include('Acme Fjällräven AB');
    expect(acme).to.include('Active subscriptions 2');
    expect(acme).to.include(`Latest invoice INV-000042 Mar 14, 2025 ${sek} Open`);
    expect(nordic).to.include('Nordic Tools');
    expect(nordic).to.include('Active subscriptions 0');
    expect(nordic).to.include('Latest invoice None yet');
    expect(apiRequests('unified/businesses')[0]!.authorization).to.equal(`Bearer ${MOCK_UNIFIED_TOKEN}`);
    await expect(unified).to.be.accessible();
  });

  it('opens a business’s portal in place without another login, and goes back by keyboard', async () => {
    useHandlers(unifiedScenarios.overview());
    const unified = await mountUnified();
    await waitForText(unified, 'Nordic Tools');
    openButton(unified, 'Acme Fjällräven AB').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => innerPortal(unified) !== null, 'the business portal never opened');

    const portal = innerPortal(unified)!;
    expect(portal.sessionToken).to.equal(businessTokenFor('biz_acme'));
    expect(portal.apiBase).to.equal(MOCK_API_BASE);
    const list = shadow(portal).querySelector('dodo-invoice-list')!;
    await waitForRows(list, 'INV-000023');
    // The portal calls use the business token, never the unified one.
    expect(apiRequests('invoices')[0]!.authorization).to.equal(`Bearer ${businessTokenFor('biz_acme')}`);
    expect(apiRequests('unified/businesses/biz_acme/session')[0]!.authorization).to.equal(`Bearer ${MOCK_UNIFIED_TOKEN}`);
    const back = button(unified, '← All businesses');
    expect(shadow(unified).activeElement).to.equal(back);
    await expect(unified).to.be.accessible();

    await sendKeys({ press: 'Enter' });
    await waitForText(unified, 'Nordic Tools');
    expect(innerPortal(unified)).to.equal(null);
    expect(shadow(unified).activeElement).to.equal(openButton(unified, 'Acme Fjällräven AB'));
  });

  it('is accessible while loading, with a busy skeleton', async () => {
    useHandlers(unifiedScenarios.loading());
    const unified = await mountUnified();
    await waitUntil(() => apiRequests('unified/businesses').length === 1);
    expect(shadow(unified).querySelector('[part="list"]')!.getAttribute('aria-busy')).to.equal('true');
    expect(shadow(unified).querySelector('[role="status"]')!.textContent!.trim()).to.equal('Loading your billing…');
    await expect(unified).to.be.accessible();
  });

  it('says when no business knows the email, with a way to sign in with another one', async () => {
    useHandlers(unifiedScenarios.empty());
    const unified = await mountUnified();
    await waitForText(unified, 'No purchases found for this email');
    expect(visibleText(unified)).to.include('No business has ada@example.com as a customer.');
    const other = shadow(unified).querySelector<HTMLAnchorElement>('[part="empty"] a')!;
    expect(other.textContent!.trim()).to.equal('Sign in with another email');
    expect(other.href).to.equal(MOCK_UNIFIED_LOGIN_URL);
    await expect(unified).to.be.accessible();
  });

  it('shows a failure with Retry that keeps focus inside and recovers', async () => {
    useHandlers(unifiedScenarios.serverError());
    const unified = await mountUnified();
    await waitForText(unified, "We couldn't load your billing.");
    expect(shadow(unified).querySelector('[part="error"]')!.getAttribute('role')).to.equal('alert');
    await expect(unified).to.be.accessible();

    useHandlers(unifiedScenarios.overview());
    click(button(unified, 'Retry'));
    expect(shadow(unified).activeElement).to.equal(shadow(unified).querySelector('[part="base"]'));
    await waitForText(unified, 'Nordic Tools');
  });

  it('says so on the card when a business cannot be opened, and stays on the overview', async () => {
    useHandlers(unifiedScenarios.openFails());
    const unified = await mountUnified();
    await waitForText(unified, 'Nordic Tools');
    click(openButton(unified, 'Nordic Tools'));
    await waitForText(unified, "We couldn't open this billing portal. Please try again.");
    expect(innerPortal(unified)).to.equal(null);
    expect(openButton(unified, 'Nordic Tools').getAttribute('aria-disabled')).to.equal('false');
    await expect(unified).to.be.accessible();
  });

  it('shows the expired face with a link to the unified login page and fires dodo-session-expired once', async () => {
    useHandlers(unifiedScenarios.expired());
    const events: SessionExpiredEvent[] = [];
    const record = (event: SessionExpiredEvent) => events.push(event);
    document.addEventListener('dodo-session-expired', record);
    try {
      const unified = await mountUnified({ token: EXPIRED_UNIFIED_TOKEN });
      await waitForText(unified, 'Your session has expired');
      const again = shadow(unified).querySelector<HTMLAnchorElement>('[part="error"] a')!;
      expect(again.textContent!.trim()).to.equal('Sign in again');
      expect(again.href).to.equal(MOCK_UNIFIED_LOGIN_URL);
      expect(events).to.have.length(1);
      expect(events[0]!.detail.code).to.equal('session_expired');
      expect(events[0]!.target).to.equal(unified);
      await expect(unified).to.be.accessible();

      // A fresh token continues without a reload.
      useHandlers(unifiedScenarios.overview());
      unified.sessionToken = MOCK_UNIFIED_TOKEN;
      await waitForText(unified, 'Nordic Tools');
    } finally {
      document.removeEventListener('dodo-session-expired', record);
    }
  });

  it('expires when opening a business answers 401', async () => {
    useHandlers(unifiedScenarios.overview());
    const unified = await mountUnified();
    await waitForText(unified, 'Nordic Tools');
    useHandlers(unifiedScenarios.expired());
    click(openButton(unified, 'Nordic Tools'));
    await waitForText(unified, 'Your session has expired');
    expect(innerPortal(unified)).to.equal(null);
  });

  it('makes no request without a token', async () => {
    useHandlers(unifiedScenarios.overview());
    const unified = await fixture<DodoUnifiedPortal>(html`<dodo-unified-portal api-base=${MOCK_API_BASE} locale="en"></dodo-unified-portal>`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(apiRequests('unified/businesses')).to.have.length(0);
    expect(shadow(unified).querySelector('[part="list"]')!.getAttribute('aria-busy')).to.equal('true');
  });

  it('speaks Swedish, with Swedish money and dates, in the overview and the opened business', async () => {
    useHandlers(unifiedScenarios.overview());
    const unified = await mountUnified({ locale: 'sv-SE' });
    await waitForText(unified, 'Inloggad som ada@example.com');
    expect(shadow(unified).querySelector('h2')!.textContent!.trim()).to.equal('Din fakturering');
    const [acme, nordic] = cards(unified);
    const sek = new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK' }).format('499.00').replace(/\s+/g, ' ');
    const date = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(unifiedBusinesses[0]!.latest_invoice!.issued_at));
    expect(acme).to.include(`Aktiva prenumerationer 2`);
    expect(acme).to.include(`Senaste faktura INV-000042 ${date.replace(/\s+/g, ' ')} ${sek} Obetald`);
    expect(nordic).to.include('Senaste faktura Ingen än');
    await expect(unified).to.be.accessible();

    click(button(unified, 'Öppna fakturering Nordic Tools'));
    await waitUntil(() => innerPortal(unified) !== null);
    await waitForText(innerPortal(unified)!, 'Fakturering');
    expect(button(unified, '← Alla företag')).to.exist;
    unified.locale = 'en';
    await waitForText(unified, 'All businesses');
  });
});
