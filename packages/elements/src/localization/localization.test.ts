import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { DodoPortal } from '../components/portal/portal.ts';
import { getSession, type PortalClient } from '@dodo-portal/wire/client';
import { MOCK_API_BASE, MOCK_SESSION_TOKEN, sampleInvoice, scenarios } from '../mocks/handlers.ts';
import { requests, rows, shadow, startMocks, text, useHandlers, visibleText, waitForRows, waitForText } from '../test/harness.ts';
import { defaultLocale, formattingLocale, messageLocaleFor, resolveLocale } from './localization.ts';

/** The complete portal (no children) inside `wrapper` markup, e.g. a `<div lang="fr">`. */
async function mountPortal(attributes: { locale?: string; lang?: string } = {}) {
  const wrapper = await fixture<HTMLDivElement>(html`
    <div lang=${attributes.lang ?? ''}>
      <dodo-portal api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN} locale=${attributes.locale ?? ''}></dodo-portal>
    </div>
  `);
  if (attributes.lang === undefined) wrapper.removeAttribute('lang');
  const portal = wrapper.querySelector<DodoPortal>('dodo-portal')!;
  if (attributes.locale === undefined) portal.removeAttribute('locale');
  await portal.updateComplete;
  const list = shadow(portal).querySelector('dodo-invoice-list')!;
  return { portal, list };
}

/** What `Intl` makes of the sample invoice in `locale`, as the customer should see it. */
const expected = (locale: string) => ({
  total: new Intl.NumberFormat(locale, { style: 'currency', currency: sampleInvoice.currency }).format(sampleInvoice.total / 100).replace(/\s+/g, ' '),
  date: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(sampleInvoice.issued_at)).replace(/\s+/g, ' '),
});

const columnHeaders = (list: Element) => [...shadow(list).querySelectorAll('thead th')].map((cell) => text(cell));

describe('localization', () => {
  before(startMocks);

  describe('choosing a locale', () => {
    it('maps a tag to the closest catalogue, falling back to English', () => {
      expect(messageLocaleFor('sv-SE')).to.equal('sv');
      expect(messageLocaleFor('de-AT')).to.equal('de');
      expect(messageLocaleFor('fr-CA')).to.equal('fr');
      expect(messageLocaleFor('es-419')).to.equal('es');
      expect(messageLocaleFor('pt-BR')).to.equal('en');
      // Formatting follows the tag when we speak its language, else English (no mixed pages).
      expect(formattingLocale('de-AT')).to.equal('de-AT');
      expect(formattingLocale('pt-BR')).to.equal('en');
      expect(resolveLocale('not a locale!', undefined)).to.equal(defaultLocale());
      expect(resolveLocale(' es-MX ')).to.equal('es-MX');
    });

    it('reads the closest lang attribute, across shadow roots, then <html lang>', async () => {
      const host = await fixture<HTMLDivElement>(html`<div lang="de-CH"><span></span></div>`);
      const inner = host.querySelector('span')!.attachShadow({ mode: 'open' });
      inner.innerHTML = '<p></p>';
      expect(defaultLocale(inner.querySelector('p')!)).to.equal('de-CH');
      const previous = document.documentElement.lang;
      try {
        document.documentElement.lang = 'es-ES';
        const bare = await fixture<HTMLParagraphElement>(html`<p></p>`);
        expect(defaultLocale(bare)).to.equal('es-ES');
      } finally {
        document.documentElement.lang = previous;
      }
    });

    it("falls back to the browser's first language we speak when the page names none", async () => {
      const previous = document.documentElement.lang;
      const languages = Object.getOwnPropertyDescriptor(Navigator.prototype, 'languages')!;
      try {
        document.documentElement.removeAttribute('lang');
        Object.defineProperty(navigator, 'languages', { configurable: true, get: () => ['pt-BR', 'fr-BE', 'en'] });
        const bare = await fixture<HTMLParagraphElement>(html`<p></p>`);
        expect(defaultLocale(bare)).to.equal('fr-BE');
        Object.defineProperty(navigator, 'languages', { configurable: true, get: () => ['ja-JP'] });
        expect(defaultLocale(bare)).to.equal('en');
      } finally {
        delete (navigator as { languages?: unknown }).languages;
        Object.defineProperty(Navigator.prototype, 'languages', languages);
        document.documentElement.lang = previous;
      }
    });
  });

  describe('<dodo-portal>', () => {
    it('locale="de" renders the invoice list in German with de-DE money and dates', async () => {
      useHandlers(scenarios.single());
      const { portal, list } = await mountPortal({ locale: 'de' });
      await waitForText(portal, 'Abrechnung');
      await waitForRows(list);
      await waitForText(list, 'Bezahlt');
      expect(columnHeaders(list)).to.deep.equal(['Nummer', 'Datum', 'Status', 'Betrag', 'Aktionen']);
      const [number, date, status, total] = rows(list)[0]!;
      const german = expected('de');
      expect(number).to.equal(sampleInvoice.number);
      expect(date).to.equal(german.date);
      expect(date).to.equal('14.03.2025');
      expect(status).to.equal('Bezahlt');
      expect(total).to.equal(german.total);
      expect(total).to.equal('1.234,56 $');
      expect(text(shadow(list).querySelector('caption'))).to.equal('Rechnungen');
      // Assistive technology reads the portal as German, whatever the page's language.
      expect(portal.getAttribute('lang')).to.equal('de');
      await expect(portal).to.be.accessible();
    });

    it('names its language to the portal API (Accept-Language), so the lines the server writes match', async () => {
      useHandlers(scenarios.single());
      const { portal, list } = await mountPortal({ locale: 'de-AT' });
      await waitForText(list, 'Bezahlt');
      expect(requests.length).to.be.greaterThan(0);
      expect(new Set(requests.map((request) => request.language))).to.deep.equal(new Set(['de-AT']));
      portal.setAttribute('locale', 'sv-SE');
      await waitForText(list, 'Betald');
      requests.length = 0;
      // The next request (here, the session check a later load makes) is in the new language.
      await getSession((portal as unknown as { client: PortalClient }).client);
      expect(requests.map((request) => request.language)).to.deep.equal(['sv-SE']);
    });

    it('without locale follows the closest lang (fr-CA), then switches live when the attribute is set', async () => {
      useHandlers(scenarios.single());
      const { portal, list } = await mountPortal({ lang: 'fr-CA' });
      await waitForText(portal, 'Facturation');
      await waitForText(list, 'Payée');
      expect(visibleText(list)).to.include(expected('fr-CA').total);
      expect(portal.getAttribute('lang')).to.equal('fr-CA');
      const apiCalls = requests.length;

      portal.setAttribute('locale', 'es-ES');
      await waitForText(portal, 'Facturación');
      await waitForText(list, 'Pagada');
      expect(visibleText(list)).to.include(expected('es-ES').total);
      expect(visibleText(list)).to.include(expected('es-ES').date);

      portal.setAttribute('locale', 'sv-SE');
      await waitForText(list, 'Betald');
      expect(visibleText(list)).to.include(expected('sv-SE').total);

      // A language without a catalogue: English words and English formats, never a mix.
      portal.setAttribute('locale', 'pt-BR');
      await waitForText(portal, 'Billing');
      await waitForText(list, 'Paid');
      expect(visibleText(list)).to.include('$1,234.56');
      expect(portal.getAttribute('lang')).to.equal('en');
      // Back to the page's language once the attribute goes (our own lang is not the page's).
      portal.removeAttribute('locale');
      await waitForText(list, 'Payée');
      expect(portal.getAttribute('lang')).to.equal('fr-CA');
      // Switching language re-renders; it does not reload anything from the portal API.
      expect(requests.length).to.equal(apiCalls);
      await expect(portal).to.be.accessible();
    });

    it('keeps a lang the page set on the portal itself, and takes it as the default', async () => {
      useHandlers(scenarios.single());
      const wrapper = await fixture<HTMLDivElement>(html`
        <div lang="en"><dodo-portal lang="sv-FI" api-base=${MOCK_API_BASE} session-token=${MOCK_SESSION_TOKEN}></dodo-portal></div>
      `);
      const portal = wrapper.querySelector<DodoPortal>('dodo-portal')!;
      const list = shadow(portal).querySelector('dodo-invoice-list')!;
      await waitForText(list, 'Betald');
      portal.locale = 'es';
      await waitForText(list, 'Pagada');
      expect(portal.getAttribute('lang')).to.equal('sv-FI');
    });

    it('lets the latest switch win when catalogues are still loading', async () => {
      useHandlers(scenarios.single());
      const { portal, list } = await mountPortal({ locale: 'en' });
      await waitForRows(list);
      portal.locale = 'de';
      portal.locale = 'fr';
      portal.locale = 'en';
      await portal.updateComplete;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(visibleText(portal)).to.include('Billing');
      expect(visibleText(list)).to.include('Paid');
      portal.locale = 'es';
      await waitUntil(() => visibleText(list).includes('Pagada'), 'Spanish after the race');
    });
  });
});
