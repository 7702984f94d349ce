import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { Invoice, InvoicePage, PortalClient } from '@dodo-portal/wire/client';
import type { InvoiceStatus } from '@dodo-portal/wire/schemas';
import type { InvoiceDownloadDetail } from '../../events.ts';
import { formatDate } from '../../format.ts';
import { states } from '../../styles/states.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { type PageQuery, PagedList } from '../paged-list.ts';
import { emit, saveInvoicePdf } from '../portal-consumer.ts';
import { RefreshController } from '../refresh.ts';
import styles from './invoice-list.styles.ts';

/**
 * @tagname dodo-invoice-list
 * @summary The customer's invoices: a paged table with a PDF download per invoice.
 *
 * Needs a `<dodo-portal>` ancestor, which provides the API client and the locale.
 *
 * @event {CustomEvent<InvoiceDownloadDetail>} dodo-invoice-download - Before a PDF is downloaded,
 *   on the customer's click. Cancelable: `preventDefault()` stops the download.
 * @event {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401. Fired
 *   by the enclosing `<dodo-portal>` (once per session token), or by this element when used alone.
 *
 * @csspart base - The wrapper around every state.
 * @csspart table - The `<table>` of invoices (also used for the loading skeleton).
 * @csspart caption - The table's caption ("Invoices"); the complete portal hides it visually under its own heading.
 * @csspart row - One invoice's `<tr>`.
 * @csspart actions - The cell holding a row's download button.
 * @csspart status-detail - Under a refunded invoice's status: "Refunded", or how much was refunded.
 * @csspart empty - The "No invoices yet" message.
 * @csspart error - The load-failure message with its Retry button, and the expired-session message.
 * @csspart pagination - The Previous / Next navigation.
 *
 * @cssproperty --dodo-color-primary - Primary buttons and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-surface-raised - Table header and skeleton background.
 * @cssproperty --dodo-color-text - Text.
 * @cssproperty --dodo-color-text-muted - Secondary text.
 * @cssproperty --dodo-color-border - Borders and rules.
 * @cssproperty --dodo-color-success - The "Paid" badge.
 * @cssproperty --dodo-color-warning - The "Open" badge.
 * @cssproperty --dodo-color-danger - The "Void" badge and error messages.
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoInvoiceList extends PagedList<InvoicePage> {
  static override styles = [tokens, base, states, styles];

  /** A plan change or a paid due adds an invoice: show it without a reload. */
  private readonly refresher = new RefreshController(this, ['invoices'], () => this.pages.run());

  protected fetchPage(client: PortalClient, query: PageQuery): Promise<InvoicePage> {
    return client.listInvoices(query);
  }

  private download(invoice: Invoice): Promise<void> {
    return this.trackDownload(invoice.invoice_id, async (client) => {
      if (!emit<InvoiceDownloadDetail>(this, 'dodo-invoice-download', { invoiceId: invoice.invoice_id, number: invoice.number }, true)) return;
      saveInvoicePdf(this.renderRoot, await client.invoicePdf(invoice.invoice_id), invoice.number);
    });
  }

  private statusLabel(status: InvoiceStatus): string {
    switch (status) {
      case 'paid':
        return msg('Paid', { id: 'invoice-status.paid' });
      case 'open':
        return msg('Open', { id: 'invoice-status.open' });
      case 'void':
        return msg('Void', { id: 'invoice-status.void' });
    }
  }

  private renderTable(page?: InvoicePage): TemplateResult {
    const loading = page === undefined;
    return html`
      <table part="table" class="table" aria-busy=${loading ? 'true' : 'false'}>
        <caption part="caption" class="caption">${msg('Invoices', { id: 'invoice-list.caption' })}</caption>
        <thead>
          <tr>
            <th scope="col">${msg('Number', { id: 'invoice-list.column.number' })}</th>
            <th scope="col">${msg('Date', { id: 'invoice-list.column.date' })}</th>
            <th scope="col">${msg('Status', { id: 'invoice-list.column.status' })}</th>
            <th scope="col" class="amount">${msg('Total', { id: 'invoice-list.column.total' })}</th>
            <th scope="col"><span class="visually-hidden">${msg('Download', { id: 'invoice-list.column.download' })}</span></th>
          </tr>
        </thead>
        <tbody>
          ${loading
            ? Array.from(
                { length: this.limit },
                () => html`
                  <tr class="skeleton-row" aria-hidden="true">
                    <td><span class="skeleton"></span></td>
                    <td><span class="skeleton"></span></td>
                    <td><span class="skeleton skeleton--short"></span></td>
                    <td class="amount"><span class="skeleton"></span></td>
                    <td><span class="skeleton skeleton--button"></span></td>
                  </tr>
                `,
              )
            : page.items.map((invoice) => this.renderRow(invoice))}
        </tbody>
      </table>
    `;
  }

  private renderRow(invoice: Invoice): TemplateResult {
    const downloading = this.downloading.has(invoice.invoice_id);
    return html`
      <tr part="row" data-invoice-id=${invoice.invoice_id}>
        <th scope="row" class="number">${invoice.number}</th>
        <td>
          <time datetime=${invoice.issued_at}>${formatDate(invoice.issued_at, this.locale)}</time>
        </td>
        <td><span class="badge badge--${invoice.status}">${this.statusLabel(invoice.status)}</span> ${this.renderRefund(invoice)}</td>
        <td class="amount">${this.money(invoice.total, invoice.currency)}</td>
        <td part="actions" class="actions">
          <button
            type="button"
            class="button"
            aria-disabled=${downloading ? 'true' : 'false'}
            @click=${() => this.download(invoice)}
          >
            ${downloading
              ? msg('Downloading…', { id: 'invoice-list.download.pending' })
              : msg('Download PDF', { id: 'invoice-list.download' })}<span class="visually-hidden">
              ${invoice.number}</span
            >
          </button>
        </td>
      </tr>
    `;
  }

  /** Under the status: "Refunded" when all of the total was given back, else how much was. */
  private renderRefund({ amount_refunded: refunded = 0, total, currency }: Invoice): TemplateResult | typeof nothing {
    if (refunded <= 0) return nothing;
    const amount = this.money(refunded, currency);
    // Not `payment-status.refunded`: languages inflect it for an invoice (fr "Remboursée").
    return html`<span part="status-detail" class="refund">${refunded >= total
      ? msg('Refunded', { id: 'invoice-list.refunded' })
      : msg(str`${amount} refunded`, { id: 'transaction-list.refunded-amount' })}</span>`;
  }

  private renderEmpty(): TemplateResult {
    return html`
      <div part="empty" class="message">
        <p class="message__title">${msg('No invoices yet', { id: 'invoice-list.empty' })}</p>
        <p class="message__body">
          ${msg('Your invoices will appear here once you have been billed.', { id: 'invoice-list.empty.body' })}
        </p>
      </div>
    `;
  }

  override render(): TemplateResult {
    return this.renderPaged({
      table: (page) => this.renderTable(page),
      empty: () => this.renderEmpty(),
      error: msg("We couldn't load your invoices.", { id: 'invoice-list.error' }),
      loading: msg('Loading invoices…', { id: 'invoice-list.loading' }),
      pages: msg('Invoice pages', { id: 'invoice-list.pagination' }),
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-invoice-list': DodoInvoiceList;
  }
}
