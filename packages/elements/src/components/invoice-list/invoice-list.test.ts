import { expect, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import { formatDate } from '../../format.ts';
import { EXPIRED_SESSION_TOKEN, MOCK_SESSION_TOKEN, invoicePayApi, invoicePayScenarios, makeInvoices, payCards, portalApi, sampleInvoice, scenarios } from '../../mocks/handlers.ts';
import type { InvoiceDownloadEvent, InvoicePaidEvent, SessionExpiredEvent } from '../../events.ts';
import {
  apiRequests,
  axNode,
  axTree,
  button,
  click,
  expectNoOverflow,
  expiredText,
  invoiceNumbers,
  isDisabled,
  mountList,
  rows,
  shadow,
  startMocks,
  text,
  useHandlers,
  visibleText,
  waitForExpired,
  waitForRows,
  waitForText,
} from '../../test/harness.ts';

const numbers = (from: number, to: number): string[] => {
  const result: string[] = [];
  for (let n = from; n >= to; n -= 1) result.push(`INV-${String(n).padStart(6, '0')}`);
  return result;
};

describe('<dodo-invoice-list>', () => {
  before(startMocks);

  describe('with invoices', () => {
    it('shows number, date, localized status and the total formatted from minor units', async () => {
      useHandlers(scenarios.single());
      const { list } = await mountList();
      await waitForRows(list);

      expect(rows(list)).to.deep.equal([['INV-000042', formatDate(sampleInvoice.issued_at, 'en'), 'Paid', '$1,234.56', 'Download PDF INV-000042']]);
      // The table is semantic: a caption and column headers a screen reader announces.
      const table = shadow(list).querySelector('table')!;
      expect(table.caption?.textContent?.trim()).to.equal('Invoices');
      expect([...table.tHead!.rows[0]!.cells].map((cell) => cell.getAttribute('scope'))).to.deep.equal(['col', 'col', 'col', 'col', 'col']);
      expect(table.getAttribute('aria-busy')).to.equal('false');
      await expect(list).to.be.accessible();
    });

    it('uses the currency’s own fraction digits (JPY has none, BHD has three)', async () => {
      const yen = { ...sampleInvoice, invoice_id: 'inv_jpy', number: 'INV-JPY', currency: 'JPY', total: 123_456 };
      const dinar = { ...sampleInvoice, invoice_id: 'inv_bhd', number: 'INV-BHD', currency: 'BHD', total: 123_456 };
      useHandlers(portalApi({ invoices: [yen, dinar] }));
      const { list } = await mountList();
      await waitForRows(list);

      const totals = rows(list).map((cells) => cells[3]);
      const intl = (currency: string, amount: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount as `${number}`).replace(/\s+/g, ' ');
      expect(totals).to.deep.equal([intl('JPY', '123456'), intl('BHD', '123.456')]);
    });

    it('pages forward and back through the cursor', async () => {
      useHandlers(scenarios.manyPages()); // 23 invoices
      const { list } = await mountList({ pageSize: 10 });
      await waitForRows(list, 'INV-000023');
      expect(invoiceNumbers(list)).to.deep.equal(numbers(23, 14));
      expect(isDisabled(button(list, 'Previous'))).to.equal(true);
      expect(visibleText(list)).to.include('Page 1');

      click(button(list, 'Next'));
      await waitForRows(list, 'INV-000013');
      expect(invoiceNumbers(list)).to.deep.equal(numbers(13, 4));
      expect(visibleText(list)).to.include('Page 2');

      click(button(list, 'Next'));
      await waitForRows(list, 'INV-000003');
      expect(invoiceNumbers(list)).to.deep.equal(numbers(3, 1));
      expect(isDisabled(button(list, 'Next')), 'no page after the last').to.equal(true);

      click(button(list, 'Previous'));
      await waitForRows(list, 'INV-000013');
      click(button(list, 'Previous'));
      await waitForRows(list, 'INV-000023');
      expect(isDisabled(button(list, 'Previous'))).to.equal(true);

      const cursors = apiRequests('invoices').map((request) => request.url.searchParams.get('cursor'));
      expect(cursors).to.deep.equal([null, 'cur_10', 'cur_20', 'cur_10', null]);
      expect(apiRequests('invoices').every((request) => request.url.searchParams.get('limit') === '10')).to.equal(true);
      await expect(list).to.be.accessible();
    });

    it('ignores a click on a disabled pager button', async () => {
      useHandlers(scenarios.manyPages());
      const { list } = await mountList({ pageSize: 10 });
      await waitForRows(list, 'INV-000023');
      button(list, 'Previous').click(); // aria-disabled: the click must do nothing
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(apiRequests('invoices')).to.have.length(1);
      expect(invoiceNumbers(list)[0]).to.equal('INV-000023');
    });

    it('renders no pager when everything fits on one page', async () => {
      useHandlers(portalApi({ invoices: makeInvoices(3) }));
      const { list } = await mountList({ pageSize: 10 });
      await waitForRows(list);
      expect(shadow(list).querySelector('[part="pagination"]')).to.equal(null);
    });
  });

  describe('refunds', () => {
    const statusCells = (list: Parameters<typeof rows>[0]) => Object.fromEntries(rows(list).map((cells) => [cells[0], cells[2]]));

    it('shows "Refunded" under a fully refunded invoice and the amount under a partly refunded one', async () => {
      useHandlers(scenarios.refunded());
      const { list } = await mountList();
      await waitForRows(list, 'INV-000042');

      expect(statusCells(list)).to.deep.equal({
        'INV-000042': 'Paid',
        'INV-000041': 'Paid $15.00 refunded',
        'INV-000040': 'Paid Refunded',
        'INV-000039': 'Open',
      });
      // The total stays what was invoiced; only the refund line tells what came back.
      expect(rows(list).find((cells) => cells[0] === 'INV-000041')?.[3]).to.equal('$49.00');
      expect([...shadow(list).querySelectorAll('[part="status-detail"]')].map((line) => line.closest('tr')!.dataset.invoiceId)).to.deep.equal(['inv_partial', 'inv_refunded']);
      await expect(list).to.be.accessible();
    });

    it('shows refunds in Swedish, the amount in Swedish format', async () => {
      useHandlers(scenarios.refunded());
      const { list } = await mountList({ locale: 'sv' });
      await waitForText(list, 'Fakturor');
      await waitForRows(list, 'INV-000042');

      const amount = new Intl.NumberFormat('sv', { style: 'currency', currency: 'USD' }).format('15.00').replace(/\s+/g, ' ');
      expect(statusCells(list)).to.deep.include({ 'INV-000041': `Betald ${amount} har återbetalats`, 'INV-000040': 'Betald Återbetald' });
      expect(visibleText(list)).to.not.include('refunded');
      await expect(list).to.be.accessible();
    });

    it('agrees with "invoice" in French (Payée, Remboursée)', async () => {
      useHandlers(scenarios.refunded());
      const { list } = await mountList({ locale: 'fr' });
      await waitForText(list, 'Factures');
      await waitForRows(list, 'INV-000042');
      const amount = new Intl.NumberFormat('fr', { style: 'currency', currency: 'USD' }).format('15.00').replace(/\s+/g, ' ');
      expect(statusCells(list)).to.deep.include({ 'INV-000041': `Payée Remboursement de ${amount}`, 'INV-000040': 'Payée Remboursée' });
    });

    it('shows nothing extra when nothing was refunded, or the server sends no refund fields', async () => {
      const { refunds: _refunds, amount_refunded: _amount, ...withoutRefundFields } = sampleInvoice;
      useHandlers(portalApi({ invoices: [sampleInvoice, { ...withoutRefundFields, invoice_id: 'inv_old', number: 'INV-000001' }] }));
      const { list } = await mountList();
      await waitForRows(list, 'INV-000042');
      expect(Object.values(statusCells(list))).to.deep.equal(['Paid', 'Paid']);
      expect(shadow(list).querySelector('[part="status-detail"]')).to.equal(null);
    });
  });

  describe('loading', () => {
    it('shows skeleton rows, reserving the page, with aria-busy', async () => {
      useHandlers(scenarios.loading());
      const { list } = await mountList({ pageSize: 5 });
      await waitUntil(() => apiRequests('invoices').length === 1, 'the list was never requested');

      const table = shadow(list).querySelector('table[part="table"]')!;
      expect(table.getAttribute('aria-busy')).to.equal('true');
      expect(table.querySelectorAll('tbody tr')).to.have.length(5);
      expect(rows(list)).to.deep.equal([]);
      expect(shadow(list).querySelector('[role="status"]')!.textContent!.trim()).to.equal('Loading invoices…');
      await expect(list).to.be.accessible();
    });
  });

  describe('empty', () => {
    it('says there are no invoices yet', async () => {
      useHandlers(scenarios.empty());
      const { list } = await mountList();
      await waitForText(list, 'No invoices yet');
      expect(shadow(list).querySelector('[part="empty"]')).to.not.equal(null);
      expect(shadow(list).querySelector('table')).to.equal(null);
      await expect(list).to.be.accessible();
    });
  });

  describe('error', () => {
    it('shows what went wrong and recovers on Retry', async () => {
      useHandlers([http.get('*/portal/v1/invoices', () => HttpResponse.json({ error: { code: 'internal_error', message: 'boom' } }, { status: 500 }), { once: true }), ...portalApi()]);
      const { list } = await mountList();
      await waitForText(list, "We couldn't load your invoices.");
      const error = shadow(list).querySelector('[part="error"]')!;
      expect(error.getAttribute('role')).to.equal('alert');
      await expect(list).to.be.accessible();

      const retry = button(list, 'Retry');
      retry.focus();
      click(retry);
      await waitForRows(list, 'INV-000023');
      // Focus stays in the list (not lost to <body>) when the Retry button goes away.
      expect(shadow(list).activeElement?.getAttribute('part')).to.equal('base');
      expect(shadow(list).querySelector('[part="error"]')).to.equal(null);
      expect(apiRequests('invoices')).to.have.length(2);
    });
  });

  describe('expired session', () => {
    it('explains what to do, fires dodo-session-expired once, and recovers with a fresh token', async () => {
      useHandlers(portalApi());
      const expiredEvents: SessionExpiredEvent[] = [];
      const onExpired = (event: SessionExpiredEvent) => expiredEvents.push(event);
      document.addEventListener('dodo-session-expired', onExpired);
      try {
        const { portal, list } = await mountList({ token: EXPIRED_SESSION_TOKEN });
        // One face for the whole portal, in place of the list; embedded, it says to reload the page
        // (the merchant's page fetches a new token), not "go back to the site you came from".
        await waitForExpired(list, 'Reload the page to continue.');
        expect(expiredText(list)).to.not.include('site you came from');
        expect(button(portal, 'Reload page')).to.exist;
        expect(expiredEvents).to.have.length(1);
        expect(expiredEvents[0]!.detail).to.deep.equal({ code: 'session_expired' });
        expect(expiredEvents[0]!.bubbles && expiredEvents[0]!.composed).to.equal(true);
        await expect(portal).to.be.accessible();

        // The merchant fetches a new token and sets it: the list reloads without a page reload.
        portal.sessionToken = 'pst_test_fresh';
        await waitForRows(list, 'INV-000023');
        const last = apiRequests('invoices').at(-1)!;
        expect(last.authorization).to.equal('Bearer pst_test_fresh');
        expect(expiredEvents, 'no event for a programmatic token change').to.have.length(1);
      } finally {
        document.removeEventListener('dodo-session-expired', onExpired);
      }
    });
  });

  describe('session token', () => {
    it('re-fetches with the new token when session-token changes', async () => {
      useHandlers(scenarios.manyPages());
      const { portal, list } = await mountList({ token: MOCK_SESSION_TOKEN });
      await waitForRows(list, 'INV-000023');
      expect(apiRequests('invoices').map((request) => request.authorization)).to.deep.equal([`Bearer ${MOCK_SESSION_TOKEN}`]);

      portal.setAttribute('session-token', 'pst_test_rotated');
      await waitUntil(() => apiRequests('invoices').length === 2, 'no re-fetch after the token changed');
      expect(apiRequests('invoices')[1]!.authorization).to.equal('Bearer pst_test_rotated');
      await waitForRows(list, 'INV-000023');
    });
  });

  describe('download', () => {
    let saved: { href: string; download: string }[];
    let created: Blob[];
    let revoked: string[];
    const originals = {
      click: HTMLAnchorElement.prototype.click,
      create: URL.createObjectURL,
      revoke: URL.revokeObjectURL,
    };

    beforeEach(() => {
      saved = [];
      created = [];
      revoked = [];
      // Observe the hand-off to the browser's download manager instead of really downloading.
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        saved.push({ href: this.href, download: this.download });
      };
      URL.createObjectURL = (blob: Blob | MediaSource) => {
        created.push(blob as Blob);
        return originals.create.call(URL, blob);
      };
      URL.revokeObjectURL = (url: string) => {
        revoked.push(url);
        originals.revoke.call(URL, url);
      };
    });

    afterEach(() => {
      HTMLAnchorElement.prototype.click = originals.click;
      URL.createObjectURL = originals.create;
      URL.revokeObjectURL = originals.revoke;
    });

    it('fetches the PDF with the token in the Authorization header and saves {number}.pdf', async () => {
      useHandlers(scenarios.single());
      const { list } = await mountList();
      await waitForRows(list);
      const events: InvoiceDownloadEvent[] = [];
      list.addEventListener('dodo-invoice-download', (event) => events.push(event));

      click(button(list, 'Download PDF INV-000042'));
      await waitUntil(() => saved.length === 1, 'the PDF was never saved');

      expect(events).to.have.length(1);
      expect(events[0]!.detail).to.deep.equal({ invoiceId: 'inv_sample', number: 'INV-000042' });
      expect(events[0]!.cancelable && events[0]!.bubbles && events[0]!.composed).to.equal(true);

      const [pdfRequest] = apiRequests('invoices/inv_sample/pdf');
      expect(pdfRequest, 'the PDF endpoint was called').to.not.equal(undefined);
      expect(pdfRequest!.authorization).to.equal(`Bearer ${MOCK_SESSION_TOKEN}`);
      expect(pdfRequest!.url.href).to.not.include(MOCK_SESSION_TOKEN);
      expect(pdfRequest!.url.search).to.equal('');

      expect(created).to.have.length(1);
      expect(created[0]!.type).to.equal('application/pdf');
      expect(new TextDecoder().decode(await created[0]!.slice(0, 5).arrayBuffer())).to.equal('%PDF-');
      expect(saved[0]!.download).to.equal('INV-000042.pdf');
      expect(saved[0]!.href).to.match(/^blob:/);
      expect(saved[0]!.href).to.not.include(MOCK_SESSION_TOKEN);
      await waitUntil(() => revoked.length === 1, 'the object URL was never revoked', { timeout: 3_000 });
      expect(revoked[0]).to.equal(saved[0]!.href);
    });

    it('does nothing when the host page cancels dodo-invoice-download', async () => {
      useHandlers(scenarios.single());
      const { list } = await mountList();
      await waitForRows(list);
      document.addEventListener('dodo-invoice-download', (event) => event.preventDefault(), { once: true });

      click(button(list, 'Download PDF INV-000042'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(apiRequests('invoices/inv_sample/pdf')).to.have.length(0);
      expect(created).to.have.length(0);
      expect(saved).to.have.length(0);
    });

    it('ignores a late 401 for a token the page has already replaced', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      useHandlers([
        http.get('*/portal/v1/invoices/:id/pdf', async ({ request }) => {
          await held;
          if (request.headers.get('authorization') === `Bearer ${MOCK_SESSION_TOKEN}`) {
            return HttpResponse.json({ error: { code: 'session_expired', message: 'expired' } }, { status: 401 });
          }
          return HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 });
        }),
        ...scenarios.single(),
      ]);
      const expiredEvents: SessionExpiredEvent[] = [];
      const onExpired = (event: SessionExpiredEvent) => expiredEvents.push(event);
      document.addEventListener('dodo-session-expired', onExpired);
      try {
        const { portal, list } = await mountList();
        await waitForRows(list);
        click(button(list, 'Download PDF INV-000042'));
        await waitUntil(() => apiRequests('invoices/inv_sample/pdf').length === 1, 'no PDF request');
        // The merchant rotates the token while the old token's request is still out.
        portal.sessionToken = 'pst_test_rotated';
        await waitUntil(() => apiRequests('invoices').length === 2, 'no re-fetch after the token changed');
        await waitForRows(list);
        release();
        await waitForText(list, 'The download failed. Please try again.');
        expect(expiredEvents, 'the old token’s 401 expires nothing').to.have.length(0);
        expect(expiredText(list)).to.equal('');
      } finally {
        document.removeEventListener('dodo-session-expired', onExpired);
      }
    });

    it('tells the customer when the download fails', async () => {
      useHandlers([http.get('*/portal/v1/invoices/:id/pdf', () => HttpResponse.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 })), ...scenarios.single()]);
      const { list } = await mountList();
      await waitForRows(list);
      click(button(list, 'Download PDF INV-000042'));
      await waitForText(list, 'The download failed. Please try again.');
      expect(saved).to.have.length(0);
      expect(isDisabled(button(list, 'Download PDF INV-000042')), 'can try again').to.equal(false);
      await expect(list).to.be.accessible();
    });
  });

  describe('in Swedish', () => {
    it('renders Swedish text and Swedish number and date formats', async () => {
      const krona = { ...sampleInvoice, currency: 'SEK', status: 'open' as const };
      useHandlers(portalApi({ invoices: [krona, ...makeInvoices(12, 'SEK')] }));
      const { list } = await mountList({ locale: 'sv', pageSize: 10 });
      await waitForText(list, 'Fakturor');
      await waitForRows(list, 'INV-000042');

      const [first] = rows(list);
      // Intl separates with (narrow) no-break spaces; the harness reads all whitespace as ' '.
      const expectedTotal = new Intl.NumberFormat('sv', { style: 'currency', currency: 'SEK' }).format('1234.56').replace(/\s+/g, ' ');
      expect(expectedTotal).to.equal('1 234,56 kr');
      expect(first).to.deep.equal(['INV-000042', formatDate(krona.issued_at, 'sv'), 'Obetald', expectedTotal, 'Betala INV-000042 Ladda ned PDF INV-000042']);
      expect(formatDate(krona.issued_at, 'sv')).to.equal('14 mars 2025');
      const text = visibleText(list);
      for (const swedish of ['Fakturor', 'Nummer', 'Datum', 'Belopp', 'Föregående', 'Nästa', 'Sida 1']) {
        expect(text).to.include(swedish);
      }
      for (const english of ['Invoices', 'Previous', 'Next', 'Download', 'Page', 'Open']) {
        expect(text).to.not.include(english);
      }
      expect(button(list, 'Ladda ned PDF INV-000042')).to.exist;
      await expect(list).to.be.accessible();
    });

    it('shows the expired session in Swedish', async () => {
      useHandlers(scenarios.expired());
      const { list } = await mountList({ locale: 'sv-SE' });
      await waitForExpired(list, 'Din session har gått ut');
      await waitForExpired(list, 'Ladda om sidan för att fortsätta.');
      await expect(list.closest('dodo-portal')!).to.be.accessible();
    });
  });
  describe('paying an open invoice', () => {
    const dialogOf = (list: Element) => shadow(list).querySelector('dialog');
    const dialogButton = (list: Element, name: string) => {
      const found = [...dialogOf(list)!.querySelectorAll('button')].find((candidate) => text(candidate) === name);
      if (!found) throw new Error(`No button "${name}" in the pay dialog: ${text(dialogOf(list))}`);
      return found;
    };
    const cardChoices = (list: Element) => [...(dialogOf(list)?.querySelectorAll('label') ?? [])].map((label) => text(label));
    const openRow = (list: Element) => [...shadow(list).querySelectorAll('tr[part="row"]')].find((row) => row.getAttribute('data-invoice-id') === 'inv_000002')!;

    it('offers Pay only on open invoices; Pay opens a chooser of the saved cards and "Pay $X.XX" charges the one chosen, shows the outcome and updates the row', async () => {
      useHandlers(invoicePayScenarios.payable());
      const { list } = await mountList();
      await waitForRows(list);
      const [paid, open] = makeInvoices(3).slice(0, 2);
      expect(rows(list).map((cells) => cells[4])).to.deep.equal(['Download PDF INV-000003', 'Pay INV-000002 Download PDF INV-000002', 'Download PDF INV-000001']);
      expect(paid!.status).to.equal('paid');
      const amount = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(open!.total / 100);

      const pay = button(list, 'Pay INV-000002');
      click(pay);
      await waitUntil(() => dialogOf(list)?.open && cardChoices(list).length === 2, 'the cards never appeared');
      expect(text(dialogOf(list)!.querySelector('h2'))).to.equal('Pay invoice INV-000002');
      expect(cardChoices(list)).to.deep.equal(['Visa •••• ending in 4242', 'Visa •••• ending in 0002']);
      // The default card is chosen; the button says exactly what will be charged.
      expect(dialogOf(list)!.querySelector<HTMLInputElement>('input[type="radio"]')!.checked).to.equal(true);
      const confirm = dialogButton(list, `Pay ${amount}`);
      await expect(list).to.be.accessible();

      const paidEvents: InvoicePaidEvent[] = [];
      list.addEventListener('dodo-invoice-paid', (event) => paidEvents.push(event));
      click(confirm);
      await waitUntil(() => shadow(list).querySelector('[part="pay-success"]'), 'no outcome was shown');
      expect(text(shadow(list).querySelector('[part="pay-success"]'))).to.equal(`Paid. ${amount} was charged to Visa •••• 4242.`);
      const [request] = apiRequests('invoices/inv_000002/pay');
      expect(request!.method).to.equal('POST');
      expect(request!.idempotencyKey).to.match(/^[\w-]{16,}$/);
      expect(request!.body).to.deep.equal({ payment_method_id: payCards.works.payment_method_id });
      expect(paidEvents.map((event) => [event.detail.invoiceId, event.detail.invoice.status, event.detail.payment?.amount])).to.deep.equal([['inv_000002', 'paid', open!.total]]);
      expect(paidEvents[0]!.bubbles && paidEvents[0]!.composed).to.equal(true);
      // The row shows the invoice as the server has it now: paid, nothing more to pay.
      await waitUntil(() => text(openRow(list).querySelector('.badge')) === 'Paid');
      expect(rows(list)[1]![4]).to.equal('Download PDF INV-000002');
      await expect(list).to.be.accessible();

      click(dialogButton(list, 'Close'));
      await waitUntil(() => !dialogOf(list));
      // The Pay button is gone: focus lands on the row's download.
      expect(shadow(list).activeElement).to.equal(openRow(list).querySelector('button'));
    });

    it('a declined card: says why, leaves the invoice open; another card then pays it with a new key', async () => {
      useHandlers(invoicePayScenarios.payable());
      const { list } = await mountList();
      await waitForRows(list);
      click(button(list, 'Pay INV-000002'));
      await waitUntil(() => cardChoices(list).length === 2);
      const [works, declines] = [...dialogOf(list)!.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
      declines!.click();
      const confirm = [...dialogOf(list)!.querySelectorAll('button')].find((candidate) => text(candidate).startsWith('Pay '))!;
      click(confirm);
      await waitUntil(() => text(dialogOf(list)!.querySelector('[role="alert"]')) !== '', 'no failure was shown');
      expect(text(dialogOf(list)!.querySelector('[role="alert"]'))).to.equal('The card was declined.');
      expect(text(openRow(list).querySelector('.badge'))).to.equal('Open');
      await expect(list).to.be.accessible();

      works!.click();
      click(confirm);
      await waitUntil(() => shadow(list).querySelector('[part="pay-success"]'), 'the second card did not pay');
      const keys = apiRequests('invoices/inv_000002/pay').map((request) => request.idempotencyKey);
      expect(keys).to.have.length(2);
      expect(keys[0]).to.not.equal(keys[1]);
    });

    it('says "Paying…" while the charge runs, and Escape does not close it then', async () => {
      useHandlers(invoicePayScenarios.slowPay());
      const { list } = await mountList();
      await waitForRows(list);
      click(button(list, 'Pay INV-000002'));
      await waitUntil(() => cardChoices(list).length === 2);
      click([...dialogOf(list)!.querySelectorAll('button')].find((candidate) => text(candidate).startsWith('Pay '))!);
      await waitUntil(() => text(dialogOf(list)).includes('Paying…'));
      expect(isDisabled(dialogButton(list, 'Paying…'))).to.equal(true);
      dialogOf(list)!.dispatchEvent(new Event('cancel', { cancelable: true }));
      expect(dialogOf(list)!.open).to.equal(true);
      await expect(list).to.be.accessible();
    });

    it('without a saved card says so and offers nothing to charge; Cancel gives focus back to Pay', async () => {
      useHandlers(invoicePayScenarios.noCards());
      const { list } = await mountList();
      await waitForRows(list);
      const pay = button(list, 'Pay INV-000002');
      pay.focus();
      click(pay);
      await waitUntil(() => text(dialogOf(list)).includes('You have no saved card'));
      expect([...dialogOf(list)!.querySelectorAll('button')].map((candidate) => text(candidate))).to.deep.equal(['Cancel']);
      await expect(list).to.be.accessible();
      click(dialogButton(list, 'Cancel'));
      await waitUntil(() => !dialogOf(list));
      expect(shadow(list).activeElement).to.equal(pay);
    });

    it("an on-hold subscription's dues invoice: the row shows the paid invoice that replaced it, and the voided one", async () => {
      const invoices = makeInvoices(3);
      const replacement = { ...invoices[1]!, invoice_id: 'inv_000004', number: 'INV-000004', status: 'paid' as const, paid_at: '2025-06-01T10:00:00.000Z' };
      useHandlers([
        http.post('*/portal/v1/invoices/:id/pay', () => HttpResponse.json({ invoice: replacement, payment: null, replaced_invoice_id: 'inv_000002' })),
        ...invoicePayApi({ invoices }),
      ]);
      const { list } = await mountList();
      await waitForRows(list);
      const paidEvents: InvoicePaidEvent[] = [];
      list.addEventListener('dodo-invoice-paid', (event) => paidEvents.push(event));
      click(button(list, 'Pay INV-000002'));
      await waitUntil(() => cardChoices(list).length === 2);
      click([...dialogOf(list)!.querySelectorAll('button')].find((candidate) => text(candidate).startsWith('Pay '))!);
      await waitUntil(() => shadow(list).querySelector('[part="pay-success"]'));
      expect(rows(list).map((cells) => [cells[0], cells[2]])).to.deep.equal([
        ['INV-000003', 'Paid'],
        ['INV-000004', 'Paid'],
        ['INV-000002', 'Void'],
        ['INV-000001', 'Paid'],
      ]);
      expect(paidEvents.map((event) => [event.detail.invoiceId, event.detail.invoice.invoice_id])).to.deep.equal([['inv_000002', 'inv_000004']]);
    });

    it('says so while the cards load, and when they cannot be loaded', async () => {
      useHandlers(invoicePayScenarios.cardsLoading());
      let { list } = await mountList();
      await waitForRows(list);
      click(button(list, 'Pay INV-000002'));
      await waitUntil(() => text(dialogOf(list)).includes('Loading your cards…'));
      expect([...dialogOf(list)!.querySelectorAll('button')].map((candidate) => text(candidate))).to.deep.equal(['Cancel']);
      await expect(list).to.be.accessible();

      useHandlers(invoicePayScenarios.cardsError());
      ({ list } = await mountList());
      await waitForRows(list);
      click(button(list, 'Pay INV-000002'));
      await waitUntil(() => text(dialogOf(list)).includes("We couldn't load your cards."));
      expect([...dialogOf(list)!.querySelectorAll('button')].map((candidate) => text(candidate))).to.deep.equal(['Cancel']);
      await expect(list).to.be.accessible();
    });

    it('an invoice paid meanwhile (409 invoice_not_open) says so and shows the row as it is now', async () => {
      const invoices = makeInvoices(3);
      useHandlers([
        http.post('*/portal/v1/invoices/:id/pay', () => HttpResponse.json({ error: { code: 'invoice_not_open', message: 'Paid already.' } }, { status: 409 })),
        http.get('*/portal/v1/invoices/inv_000002', () => HttpResponse.json({ ...invoices[1]!, status: 'paid' })),
        ...invoicePayApi({ invoices }),
      ]);
      const { list } = await mountList();
      await waitForRows(list);
      click(button(list, 'Pay INV-000002'));
      await waitUntil(() => cardChoices(list).length === 2);
      click([...dialogOf(list)!.querySelectorAll('button')].find((candidate) => text(candidate).startsWith('Pay '))!);
      await waitUntil(() => text(dialogOf(list)!.querySelector('[role="alert"]')) !== '');
      expect(text(dialogOf(list)!.querySelector('[role="alert"]'))).to.equal('This invoice is no longer open: it has been paid or voided.');
      await waitUntil(() => text(openRow(list).querySelector('.badge')) === 'Paid', 'the row was not refreshed');
    });
  });

  describe('narrow and wide', () => {
    afterEach(() => setViewport({ width: 800, height: 600 }));
    const labelOf = (cell: Element) => getComputedStyle(cell, '::before').content;

    it('at 375 px each invoice is a card of labelled fields: all visible, nothing cut off or scrolling sideways', async () => {
      await setViewport({ width: 375, height: 800 });
      useHandlers(invoicePayScenarios.payable());
      const { list } = await mountList();
      await waitForRows(list);
      const table = shadow(list).querySelector('table')!;
      // The header row is there for screen readers only.
      expect(table.tHead!.getBoundingClientRect().height).to.be.at.most(1);
      const [row] = shadow(list).querySelectorAll('tr[part="row"]');
      const cells = [...row!.querySelectorAll<HTMLElement>('th, td')];
      expect(cells.map((cell) => labelOf(cell))).to.deep.equal(['"Number" / ""', '"Date" / ""', '"Status" / ""', '"Total" / ""', 'none']);
      // Every field shows, one under the other; the number keeps to one line.
      for (const cell of cells) expect(cell.getBoundingClientRect().height, text(cell)).to.be.greaterThan(0);
      expect(cells[1]!.getBoundingClientRect().top).to.be.greaterThan(cells[0]!.getBoundingClientRect().top);
      const number = cells[0]!;
      expect(number.getBoundingClientRect().height).to.be.below(2 * parseFloat(getComputedStyle(number).lineHeight) + 2 * parseFloat(getComputedStyle(number).paddingTop));
      expect(rows(list)[0]).to.deep.equal(['INV-000003', formatDate(makeInvoices(3)[0]!.issued_at, 'en'), 'Paid', text(cells[3]), 'Download PDF INV-000003']);
      expectNoOverflow(list);
      await expect(list).to.be.accessible();
      // Still a table to assistive technology (display: block does not take its roles away in Chromium).
      const tree = await axTree();
      const node = (role: string, name: string) => axNode(tree, role, name);
      expect(node('table', 'Invoices'), 'the table role').to.exist;
      expect(node('columnheader', 'Date'), 'the Date header').to.exist;
      expect(node('rowheader', 'INV-000003'), 'the row header').to.exist;
      expect(node('cell', 'Paid'), 'a cell').to.exist;
    });

    it('at 375 px in German (long words), still nothing sticks out', async () => {
      await setViewport({ width: 375, height: 800 });
      useHandlers(invoicePayScenarios.payable());
      const { list } = await mountList({ locale: 'de' });
      await waitForText(list, 'Rechnungen');
      await waitForRows(list);
      expectNoOverflow(list);
    });

    it('at 1280 px it is a table with its header row, one line per invoice', async () => {
      await setViewport({ width: 1280, height: 800 });
      useHandlers(invoicePayScenarios.payable());
      const { list } = await mountList();
      await waitForRows(list);
      const table = shadow(list).querySelector('table')!;
      expect(getComputedStyle(table).display).to.equal('table');
      expect([...table.tHead!.rows[0]!.cells].map((cell) => text(cell))).to.deep.equal(['Number', 'Date', 'Status', 'Total', 'Actions']);
      for (const row of shadow(list).querySelectorAll('tr[part="row"]')) {
        const tops = [...row.querySelectorAll('th, td')].map((cell) => cell.getBoundingClientRect().top);
        expect(new Set(tops).size, text(row)).to.equal(1);
        expect(labelOf(row.querySelector('td')!)).to.equal('none');
      }
      expectNoOverflow(list);
      expect(axNode(await axTree(), 'table', 'Invoices')).to.exist;
    });
  });
});
