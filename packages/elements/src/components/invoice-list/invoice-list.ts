import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { Task, TaskStatus, initialState } from '@lit/task';
import { PortalApiError, type Invoice, type InvoicePage } from '@dodo-portal/wire/client';
import type { InvoiceStatus } from '@dodo-portal/wire/schemas';
import type { InvoiceDownloadDetail } from '../../events.ts';
import { formatDate } from '../../format.ts';
import { states } from '../../styles/states.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { PortalConsumer, isAbort } from '../portal-consumer.ts';
import styles from './invoice-list.styles.ts';

const DEFAULT_PAGE_SIZE = 10;
/** The API's `limit` bounds. */
const MAX_PAGE_SIZE = 100;
/** Long enough for every browser to have started reading the blob before it is released. */
const REVOKE_DELAY_MS = 1_000;

const isSessionExpired = (error: unknown): error is PortalApiError =>
  error instanceof PortalApiError && error.isSessionExpired;

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
 * @csspart row - One invoice's `<tr>`.
 * @csspart actions - The cell holding a row's download button.
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
export class DodoInvoiceList extends PortalConsumer {
  static override styles = [tokens, base, states, styles];

  /** Cursors of the pages before the current one; `null` is the first page. */
  private previousCursors: (string | null)[] = [];
  /** The last page shown, so pagination keeps its place (and focus) while the next one loads. */
  private lastPage: InvoicePage | undefined;

  private readonly invoices = new Task(this, {
    task: async ([client, cursor, limit], { signal }) => {
      if (!client) return initialState;
      try {
        const page = await client.listInvoices({ limit, cursor, signal });
        this.lastPage = page;
        return page;
      } catch (error) {
        this.noteFailure(error);
        throw error;
      }
    },
    args: () => [this.client, this.cursor, this.limit] as const,
  });

  @state() private cursor: string | null = null;
  @state() private downloading: ReadonlySet<string> = new Set();
  @state() private downloadFailed = false;

  /** Invoices per page (1–100). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = DEFAULT_PAGE_SIZE;

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('pageSize') && this.hasUpdated) {
      this.cursor = null;
      this.previousCursors = [];
      this.lastPage = undefined;
    }
  }

  private get limit(): number {
    const size = Math.trunc(this.pageSize);
    return Number.isFinite(size) && size > 0 ? Math.min(size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  }

  private get isPending(): boolean {
    return this.invoices.status === TaskStatus.PENDING || this.invoices.status === TaskStatus.INITIAL;
  }


  private goToNextPage(): void {
    const next = this.lastPage?.next_cursor;
    if (this.isPending || !next) return;
    this.previousCursors = [...this.previousCursors, this.cursor];
    this.cursor = next;
  }

  private goToPreviousPage(): void {
    if (this.isPending || this.previousCursors.length === 0) return;
    this.cursor = this.previousCursors.at(-1) ?? null;
    this.previousCursors = this.previousCursors.slice(0, -1);
  }

  private retry(): void {
    // The Retry button disappears with the error: keep keyboard focus inside the list, not on <body>.
    this.renderRoot.querySelector<HTMLElement>('.base')?.focus();
    void this.invoices.run();
  }

  private async download(invoice: Invoice): Promise<void> {
    const client = this.client;
    if (!client || this.downloading.has(invoice.invoice_id)) return;
    const detail: InvoiceDownloadDetail = { invoiceId: invoice.invoice_id, number: invoice.number };
    const proceed = this.dispatchEvent(
      new CustomEvent('dodo-invoice-download', { bubbles: true, composed: true, cancelable: true, detail }),
    );
    if (!proceed) return;

    this.downloadFailed = false;
    this.downloading = new Set(this.downloading).add(invoice.invoice_id);
    try {
      const pdf = await client.invoicePdf(invoice.invoice_id);
      this.saveFile(pdf, `${invoice.number.replace(/[^\w.-]+/g, '_')}.pdf`);
    } catch (error) {
      this.noteFailure(error);
      // Not when the session ended (the expired face says what to do), but a late 401 for a
      // token the page already replaced is just a failed download.
      if (!this.expired && !isAbort(error)) this.downloadFailed = true;
    } finally {
      const downloading = new Set(this.downloading);
      downloading.delete(invoice.invoice_id);
      this.downloading = downloading;
    }
  }

  /** Hand a blob to the browser's download manager without ever putting the token in a URL. */
  private saveFile(blob: Blob, filename: string): void {
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    link.hidden = true;
    this.renderRoot.append(link);
    try {
      link.click();
    } finally {
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), REVOKE_DELAY_MS);
    }
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

  private renderTable(page: InvoicePage | undefined): TemplateResult {
    const loading = page === undefined;
    return html`
      <table part="table" class="table" aria-busy=${loading ? 'true' : 'false'}>
        <caption class="caption">${msg('Invoices', { id: 'invoice-list.caption' })}</caption>
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
        <td><span class="badge badge--${invoice.status}">${this.statusLabel(invoice.status)}</span></td>
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

  private renderPagination(): TemplateResult | typeof nothing {
    const hasPrevious = this.previousCursors.length > 0;
    const hasNext = Boolean(this.lastPage?.next_cursor);
    if (!hasPrevious && !hasNext) return nothing;
    const pending = this.isPending;
    return html`
      <nav part="pagination" class="pagination" aria-label=${msg('Invoice pages', { id: 'invoice-list.pagination' })}>
        <button
          type="button"
          class="button"
          aria-disabled=${!hasPrevious || pending ? 'true' : 'false'}
          @click=${this.goToPreviousPage}
        >
          ${msg('Previous', { id: 'invoice-list.previous' })}
        </button>
        <span class="page-number">
          ${msg(str`Page ${this.previousCursors.length + 1}`, { id: 'invoice-list.page' })}
        </span>
        <button
          type="button"
          class="button"
          aria-disabled=${!hasNext || pending ? 'true' : 'false'}
          @click=${this.goToNextPage}
        >
          ${msg('Next', { id: 'invoice-list.next' })}
        </button>
      </nav>
    `;
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
    const pending = this.isPending && !this.expired;
    const content = this.expired
      ? this.renderExpired()
      : this.invoices.render({
          initial: () => this.renderTable(undefined),
          pending: () => this.renderTable(undefined),
          complete: (page) =>
            page.items.length === 0 && this.previousCursors.length === 0 ? this.renderEmpty() : this.renderTable(page),
          error: (error) =>
            isSessionExpired(error)
              ? this.renderExpired()
              : this.renderLoadError(msg("We couldn't load your invoices.", { id: 'invoice-list.error' }), () => this.retry()),
        });
    const showPagination = !this.expired && this.invoices.status !== TaskStatus.ERROR;
    return html`
      <div part="base" class="base" tabindex="-1">
        <p class="visually-hidden" role="status">
          ${pending ? msg('Loading invoices…', { id: 'invoice-list.loading' }) : nothing}
        </p>
        ${content} ${showPagination ? this.renderPagination() : nothing}
        <p class="download-error" role="alert">${this.downloadFailed
            ? msg('The download failed. Please try again.', { id: 'invoice-list.download.error' })
            : nothing}</p>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-invoice-list': DodoInvoiceList;
  }
}
