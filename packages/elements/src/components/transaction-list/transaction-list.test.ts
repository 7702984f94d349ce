import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import '../../define/dodo-transaction-list.ts';
import type { DodoPortal } from '../portal/portal.ts';
import type { DodoTransactionList } from './transaction-list.ts';
import type { InvoiceDownloadEvent, SessionExpiredEvent } from '../../events.ts';
import { formatDate } from '../../format.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_API_BASE, MOCK_SESSION_TOKEN, makePayments, paymentScenarios, paymentsApi, samplePayments } from '../../mocks/handlers.ts';
import {
  apiRequests,
  axNode,
  axTree,
  button,
  click,
  expectNoOverflow,
  isDisabled,
  shadow,
  startMocks,
  text,
  useHandlers,
  visibleText,
  waitForText,
  expiredText,
  waitForExpired,
} from '../../test/harness.ts';

interface MountOptions {
  token?: string;
  locale?: string;
  pageSize?: number;
}

/** `<dodo-transaction-list>` inside a `<dodo-portal>`, as a merchant composes them. */
async function mountTransactions({ token = MOCK_SESSION_TOKEN, locale = 'en', pageSize = 10 }: MountOptions = {}) {
  const portal = await fixture<DodoPortal>(html`
    <dodo-portal api-base=${MOCK_API_BASE} session-token=${token} locale=${locale}>
      <dodo-transaction-list page-size=${pageSize}></dodo-transaction-list>
    </dodo-portal>
  `);
  return { portal, list: portal.querySelector('dodo-transaction-list')! };
}

/** The visible cells of each transaction row: [date, card, status, amount, invoice]. */
const rows = (list: DodoTransactionList): string[][] => [...shadow(list).querySelectorAll('tr[part="row"]')].map((row) => [...row.querySelectorAll('th, td')].map((cell) => text(cell)));

const paymentIds = (list: DodoTransactionList): string[] => [...shadow(list).querySelectorAll('tr[part="row"]')].map((row) => row.getAttribute('data-payment-id') ?? '');

async function waitForPayments(list: DodoTransactionList, first?: string): Promise<void> {
  await waitUntil(
    () => paymentIds(list).length > 0 && (first === undefined || paymentIds(list)[0] === first),
    `rows${first ? ` starting at ${first}` : ''} never appeared; saw ${paymentIds(list).join(', ')}`,
    { timeout: 5_000 },
  );
}

const ids = (from: number, to: number): string[] => {
  const result: string[] = [];
  for (let n = from; n >= to; n -= 1) result.push(`pay_${String(n).padStart(6, '0')}`);
  return result;
};

const day = (iso: string, locale = 'en') => formatDate(iso, locale);
const intl = (locale: string, currency: string, amount: string) => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount as `${number}`).replace(/\s+/g, ' ');

describe('<dodo-transaction-list>', () => {
  before(startMocks);

  describe('with transactions', () => {
    it('shows every kind of transaction: date, amount, status in words, refunds, card and invoice', async () => {
      useHandlers(paymentScenarios.list());
      const { list } = await mountTransactions();
      await waitForPayments(list);

      const [succeeded, partial, refunded, declined, noFunds] = samplePayments();
      expect(rows(list)).to.deep.equal([
        [day(succeeded!.created_at), 'Visa •••• ending in 4242', 'Succeeded', '$1,234.56', `Download PDF ${day(succeeded!.created_at)}`],
        [day(partial!.created_at), 'Mastercard •••• ending in 4444', 'Partially refunded $15.00 refunded', '$49.00', `Download PDF ${day(partial!.created_at)}`],
        [day(refunded!.created_at), 'American Express •••• ending in 0005', 'Refunded', '$20.00', `Download PDF ${day(refunded!.created_at)}`],
        [day(declined!.created_at), 'Visa •••• ending in 0341', 'Failed The card was declined.', '$20.00', `Download PDF ${day(declined!.created_at)}`],
        // A failed first charge has no invoice: no download.
        [day(noFunds!.created_at), 'Visa •••• ending in 9995', 'Failed The card has insufficient funds.', '$20.00', ''],
      ]);
      const table = shadow(list).querySelector('table')!;
      expect(table.caption?.textContent?.trim()).to.equal('Transactions');
      expect(table.getAttribute('aria-busy')).to.equal('false');
      expect([...table.tBodies[0]!.rows].map((row) => row.cells[0]!.getAttribute('scope'))).to.deep.equal(['row', 'row', 'row', 'row', 'row']);
      // Status badges are themable parts with a class per status.
      expect([...shadow(list).querySelectorAll('[part="status"]')].map((badge) => badge.className)).to.deep.equal([
        'badge badge--succeeded',
        'badge badge--partially_refunded',
        'badge badge--refunded',
        'badge badge--failed',
        'badge badge--failed',
      ]);
      expect(apiRequests('payments').map((request) => request.url.searchParams.get('limit'))).to.deep.equal(['10']);
      await expect(list).to.be.accessible();
    });

    it('formats amounts in the currency’s own minor units (JPY has none, BHD has three)', async () => {
      const [first] = samplePayments();
      const yen = { ...first!, payment_id: 'pay_jpy', currency: 'JPY', amount: 123_456, invoice_id: null };
      const dinar = { ...first!, payment_id: 'pay_bhd', currency: 'BHD', amount: 123_456, amount_refunded: 1_500, status: 'partially_refunded' as const, invoice_id: null };
      useHandlers(paymentsApi({ payments: [yen, dinar] }));
      const { list } = await mountTransactions();
      await waitForPayments(list);
      expect(rows(list).map((cells) => cells[3])).to.deep.equal([intl('en', 'JPY', '123456'), intl('en', 'BHD', '123.456')]);
      expect(rows(list)[1]![2]).to.equal(`Partially refunded ${intl('en', 'BHD', '1.500')} refunded`);
    });

    it('pages forward and back through the cursor', async () => {
      useHandlers(paymentScenarios.manyPages()); // 23 transactions
      const { list } = await mountTransactions({ pageSize: 10 });
      await waitForPayments(list, 'pay_000023');
      expect(paymentIds(list)).to.deep.equal(ids(23, 14));
      expect(isDisabled(button(list, 'Previous'))).to.equal(true);
      expect(visibleText(list)).to.include('Page 1');

      click(button(list, 'Next'));
      await waitForPayments(list, 'pay_000013');
      expect(paymentIds(list)).to.deep.equal(ids(13, 4));
      expect(visibleText(list)).to.include('Page 2');

      click(button(list, 'Next'));
      await waitForPayments(list, 'pay_000003');
      expect(paymentIds(list)).to.deep.equal(ids(3, 1));
      expect(isDisabled(button(list, 'Next')), 'no page after the last').to.equal(true);

      click(button(list, 'Previous'));
      await waitForPayments(list, 'pay_000013');
      click(button(list, 'Previous'));
      await waitForPayments(list, 'pay_000023');
      expect(isDisabled(button(list, 'Previous'))).to.equal(true);

      const cursors = apiRequests('payments').map((request) => request.url.searchParams.get('cursor'));
      expect(cursors).to.deep.equal([null, 'pcur_10', 'pcur_20', 'pcur_10', null]);
      await expect(list).to.be.accessible();
    });

    it('starts again from the first page when page-size changes', async () => {
      useHandlers(paymentScenarios.manyPages());
      const { list } = await mountTransactions({ pageSize: 10 });
      await waitForPayments(list, 'pay_000023');
      click(button(list, 'Next'));
      await waitForPayments(list, 'pay_000013');

      list.pageSize = 5;
      await waitUntil(() => paymentIds(list).length === 5 && paymentIds(list)[0] === 'pay_000023', 'did not restart at page 1 with 5 rows');
      expect(visibleText(list)).to.include('Page 1');
      expect(apiRequests('payments').at(-1)!.url.searchParams.get('cursor')).to.equal(null);
      expect(apiRequests('payments').at(-1)!.url.searchParams.get('limit')).to.equal('5');
    });

    it('in a 320px container keeps every field, the card included, as a labelled card per transaction', async () => {
      useHandlers(paymentScenarios.list());
      const { portal, list } = await mountTransactions();
      portal.style.display = 'block';
      portal.style.width = '320px';
      await waitForPayments(list);
      const [row] = shadow(list).querySelectorAll('tr[part="row"]');
      const cells = [...row!.querySelectorAll('th, td')];
      expect(cells.map((cell) => getComputedStyle(cell).display)).to.deep.equal(['block', 'block', 'block', 'block', 'flex']);
      expect(cells.map((cell) => getComputedStyle(cell, '::before').content)).to.deep.equal(['"Date" / ""', '"Card" / ""', '"Status" / ""', '"Amount" / ""', 'none']);
      expectNoOverflow(list);
      await expect(list).to.be.accessible();
    });

    it('renders no pager when everything fits on one page', async () => {
      useHandlers(paymentsApi({ payments: makePayments(3) }));
      const { list } = await mountTransactions();
      await waitForPayments(list);
      expect(shadow(list).querySelector('[part="pagination"]')).to.equal(null);
    });
  });

  describe('loading', () => {
    it('shows skeleton rows, reserving the page, with aria-busy', async () => {
      useHandlers(paymentScenarios.loading());
      const { list } = await mountTransactions({ pageSize: 5 });
      await waitUntil(() => apiRequests('payments').length === 1, 'the list was never requested');

      const table = shadow(list).querySelector('table[part="table"]')!;
      expect(table.getAttribute('aria-busy')).to.equal('true');
      expect(table.querySelectorAll('tbody tr')).to.have.length(5);
      expect(rows(list)).to.deep.equal([]);
      expect(shadow(list).querySelector('[role="status"]')!.textContent!.trim()).to.equal('Loading transactions…');
      await expect(list).to.be.accessible();
    });
  });

  describe('empty', () => {
    it('says there are no transactions yet', async () => {
      useHandlers(paymentScenarios.empty());
      const { list } = await mountTransactions();
      await waitForText(list, 'No transactions yet');
      expect(visibleText(list)).to.include('Your payments and refunds will appear here');
      expect(shadow(list).querySelector('[part="empty"]')).to.not.equal(null);
      expect(shadow(list).querySelector('table')).to.equal(null);
      expect(shadow(list).querySelector('[role="status"]')!.textContent!.trim()).to.equal('');
      await expect(list).to.be.accessible();
    });
  });

  describe('error', () => {
    it('shows what went wrong and recovers on Retry, keeping focus in the list', async () => {
      useHandlers([http.get('*/portal/v1/payments', () => HttpResponse.json({ error: { code: 'internal_error', message: 'boom' } }, { status: 500 }), { once: true }), ...paymentsApi()]);
      const { list } = await mountTransactions();
      await waitForText(list, "We couldn't load your transactions.");
      const error = shadow(list).querySelector('[part="error"]')!;
      expect(error.getAttribute('role')).to.equal('alert');
      expect(shadow(list).querySelector('[part="pagination"]')).to.equal(null);
      await expect(list).to.be.accessible();

      const retry = button(list, 'Retry');
      retry.focus();
      click(retry);
      await waitForPayments(list, 'pay_sample');
      expect(shadow(list).activeElement?.getAttribute('part')).to.equal('base');
      expect(shadow(list).querySelector('[part="error"]')).to.equal(null);
      expect(apiRequests('payments')).to.have.length(2);
    });
  });

  describe('expired session', () => {
    it('explains what to do, fires dodo-session-expired once, and recovers with a fresh token', async () => {
      useHandlers(paymentsApi());
      const expiredEvents: SessionExpiredEvent[] = [];
      const onExpired = (event: SessionExpiredEvent) => expiredEvents.push(event);
      document.addEventListener('dodo-session-expired', onExpired);
      try {
        const { portal, list } = await mountTransactions({ token: EXPIRED_SESSION_TOKEN });
        // Embedded on the merchant's page: the portal's one face says to reload (which gets a new token).
        await waitForExpired(list, 'Reload the page to continue.');
        expect(button(portal, 'Reload page')).to.exist;
        expect(expiredEvents).to.have.length(1);
        expect(expiredEvents[0]!.detail).to.deep.equal({ code: 'session_expired' });
        expect(shadow(list).querySelector('[role="status"]')!.textContent!.trim()).to.equal('');
        await expect(portal).to.be.accessible();

        portal.sessionToken = 'pst_test_fresh';
        await waitForPayments(list, 'pay_sample');
        expect(apiRequests('payments').at(-1)!.authorization).to.equal('Bearer pst_test_fresh');
        expect(expiredEvents, 'no event for a programmatic token change').to.have.length(1);
      } finally {
        document.removeEventListener('dodo-session-expired', onExpired);
      }
    });
  });

  describe('invoice download', () => {
    let saved: { href: string; download: string }[];
    let created: Blob[];
    const originals = { click: HTMLAnchorElement.prototype.click, create: URL.createObjectURL };

    beforeEach(() => {
      saved = [];
      created = [];
      // Observe the hand-off to the browser's download manager instead of really downloading.
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        saved.push({ href: this.href, download: this.download });
      };
      URL.createObjectURL = (blob: Blob | MediaSource) => {
        created.push(blob as Blob);
        return originals.create.call(URL, blob);
      };
    });

    afterEach(() => {
      HTMLAnchorElement.prototype.click = originals.click;
      URL.createObjectURL = originals.create;
    });

    it('announces the invoice (cancelable) and saves its PDF as {number}.pdf, token never in a URL', async () => {
      useHandlers(paymentScenarios.list());
      const { list } = await mountTransactions();
      await waitForPayments(list);
      const events: InvoiceDownloadEvent[] = [];
      list.addEventListener('dodo-invoice-download', (event) => events.push(event));

      click(button(list, `Download PDF ${day('2025-03-14T12:00:00.000Z')}`));
      await waitUntil(() => saved.length === 1, 'the PDF was never saved');

      expect(events).to.have.length(1);
      expect(events[0]!.detail).to.deep.equal({ invoiceId: 'inv_sample', number: 'INV-000042' });
      expect(events[0]!.cancelable && events[0]!.bubbles && events[0]!.composed).to.equal(true);
      const [pdfRequest] = apiRequests('invoices/inv_sample/pdf');
      expect(pdfRequest!.authorization).to.equal(`Bearer ${MOCK_SESSION_TOKEN}`);
      expect(pdfRequest!.url.search).to.equal('');
      expect(created[0]!.type).to.equal('application/pdf');
      expect(new TextDecoder().decode(await created[0]!.slice(0, 5).arrayBuffer())).to.equal('%PDF-');
      expect(saved[0]!.download).to.equal('INV-000042.pdf');
      expect(saved[0]!.href).to.match(/^blob:/);
      expect(isDisabled(button(list, `Download PDF ${day('2025-03-14T12:00:00.000Z')}`)), 'ready again').to.equal(false);
    });

    it('downloads nothing when the host page cancels dodo-invoice-download', async () => {
      useHandlers(paymentScenarios.list());
      const { list } = await mountTransactions();
      await waitForPayments(list);
      document.addEventListener('dodo-invoice-download', (event) => event.preventDefault(), { once: true });

      click(button(list, `Download PDF ${day('2025-02-14T12:00:00.000Z')}`));
      await waitUntil(() => apiRequests('invoices/inv_partial').length === 1, 'the invoice was never looked up');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(apiRequests('invoices/inv_partial/pdf')).to.have.length(0);
      expect(created).to.have.length(0);
      expect(saved).to.have.length(0);
    });

    it('ignores a late 401 for a token the page has already replaced', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      useHandlers([
        http.get('*/portal/v1/invoices/:id', async () => {
          await held;
          return HttpResponse.json({ error: { code: 'session_expired', message: 'expired' } }, { status: 401 });
        }),
        ...paymentScenarios.list(),
      ]);
      const expiredEvents: Event[] = [];
      const onExpired = (event: Event) => expiredEvents.push(event);
      document.addEventListener('dodo-session-expired', onExpired);
      try {
        const { portal, list } = await mountTransactions();
        await waitForPayments(list);
        click(button(list, `Download PDF ${day('2025-03-14T12:00:00.000Z')}`));
        await waitUntil(() => apiRequests('invoices/inv_sample').length === 1, 'the invoice was never looked up');
        portal.sessionToken = 'pst_test_rotated';
        await waitUntil(() => apiRequests('payments').length === 2, 'no re-fetch after the token changed');
        await waitForPayments(list);
        release();
        await waitForText(list, 'The download failed. Please try again.');
        expect(expiredEvents, 'the old token’s 401 expires nothing').to.have.length(0);
        expect(expiredText(list)).to.equal('');
      } finally {
        document.removeEventListener('dodo-session-expired', onExpired);
      }
    });

    it('tells the customer when the download fails', async () => {
      useHandlers([http.get('*/portal/v1/invoices/:id/pdf', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 })), ...paymentScenarios.list()]);
      const { list } = await mountTransactions();
      await waitForPayments(list);
      const name = `Download PDF ${day('2025-03-14T12:00:00.000Z')}`;
      click(button(list, name));
      await waitForText(list, 'The download failed. Please try again.');
      expect(saved).to.have.length(0);
      expect(isDisabled(button(list, name)), 'can try again').to.equal(false);
      await expect(list).to.be.accessible();
    });
  });

  describe('in other languages', () => {
    it('renders Swedish text, statuses, decline reasons and Swedish money and dates', async () => {
      const inKronor = samplePayments().map((payment) => ({ ...payment, currency: 'SEK' }));
      useHandlers(paymentsApi({ payments: inKronor }));
      const { list } = await mountTransactions({ locale: 'sv' });
      await waitForText(list, 'Transaktioner');
      await waitForPayments(list);

      const [first, partial, , declined, noFunds] = rows(list);
      expect(first).to.deep.equal([day(inKronor[0]!.created_at, 'sv'), 'Visa •••• som slutar på 4242', 'Genomförd', '1 234,56 kr', `Ladda ned PDF ${day(inKronor[0]!.created_at, 'sv')}`]);
      expect(partial![2]).to.equal(`Delvis återbetald ${intl('sv', 'SEK', '15.00')} har återbetalats`);
      expect(declined![2]).to.equal('Misslyckad Kortet nekades.');
      expect(noFunds![2]).to.equal('Misslyckad Det finns inte tillräckligt med pengar på kortet.');
      expect(day(inKronor[0]!.created_at, 'sv')).to.equal('14 mars 2025');
      const textNow = visibleText(list);
      for (const swedish of ['Datum', 'Status', 'Kort', 'Belopp', 'Återbetald']) expect(textNow).to.include(swedish);
      for (const english of ['Transactions', 'Succeeded', 'Failed', 'Refunded', 'Amount', 'Download']) expect(textNow).to.not.include(english);
      await expect(list).to.be.accessible();
    });

    it('shows German statuses and the empty state in German', async () => {
      useHandlers(paymentScenarios.list());
      const { list } = await mountTransactions({ locale: 'de' });
      await waitForText(list, 'Teilweise erstattet');
      expect(rows(list).map((cells) => cells[2])).to.deep.equal([
        'Erfolgreich',
        `Teilweise erstattet ${intl('de', 'USD', '15.00')} erstattet`,
        'Erstattet',
        'Fehlgeschlagen Die Karte wurde abgelehnt.',
        'Fehlgeschlagen Die Karte ist nicht ausreichend gedeckt.',
      ]);

      useHandlers(paymentScenarios.empty());
      const { list: empty } = await mountTransactions({ locale: 'de' });
      await waitForText(empty, 'Noch keine Transaktionen');
      await expect(empty).to.be.accessible();
    });

    it('shows the expired session in Swedish', async () => {
      useHandlers(paymentScenarios.expired());
      const { list } = await mountTransactions({ locale: 'sv-SE' });
      await waitForExpired(list, 'Din session har gått ut');
      await waitForExpired(list, 'Ladda om sidan för att fortsätta.');
      await expect(list.closest('dodo-portal')!).to.be.accessible();
    });
  });
  describe('narrow and wide', () => {
    afterEach(() => setViewport({ width: 800, height: 600 }));

    it('at 375 px each transaction is a card with every field visible; nothing clipped or scrolling sideways; still a table to assistive technology', async () => {
      await setViewport({ width: 375, height: 800 });
      useHandlers(paymentScenarios.list());
      const { list } = await mountTransactions();
      await waitForPayments(list);
      for (const row of shadow(list).querySelectorAll('tr[part="row"]')) {
        for (const cell of row.querySelectorAll<HTMLElement>('th, td')) {
          if (cell.classList.contains('actions') && !cell.querySelector('button')) continue;
          expect(cell.getBoundingClientRect().height, text(cell)).to.be.greaterThan(0);
        }
      }
      // Every labelled field has its value (the label is drawn by CSS, not in the text).
      for (const cell of shadow(list).querySelectorAll('[data-label]')) expect(text(cell), cell.getAttribute('data-label')!).to.not.equal('');
      expectNoOverflow(list);
      await expect(list).to.be.accessible();
      const tree = await axTree();
      expect(axNode(tree, 'table', 'Transactions')).to.exist;
      expect(axNode(tree, 'columnheader', 'Card')).to.exist;
    });

    it('at 1280 px it is a table, one line per transaction', async () => {
      await setViewport({ width: 1280, height: 800 });
      useHandlers(paymentScenarios.list());
      const { list } = await mountTransactions();
      await waitForPayments(list);
      expect(getComputedStyle(shadow(list).querySelector('table')!).display).to.equal('table');
      for (const row of shadow(list).querySelectorAll('tr[part="row"]')) {
        expect(new Set([...row.querySelectorAll('th, td')].map((cell) => cell.getBoundingClientRect().top)).size, text(row)).to.equal(1);
      }
      expectNoOverflow(list);
    });
  });
});
