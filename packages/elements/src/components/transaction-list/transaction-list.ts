import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { CardBrand, Payment, PaymentPage } from '@dodo-portal/wire/client';
import type { PaymentStatus } from '@dodo-portal/wire/schemas';
import type { InvoiceDownloadDetail } from '../../events.ts';
import { formatDate } from '../../format.ts';
import { states } from '../../styles/states.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { PortalConsumer, emit, isAbort } from '../portal-consumer.ts';
import tableStyles from '../invoice-list/invoice-list.styles.ts';
import styles from './transaction-list.styles.ts';

const DEFAULT_PAGE_SIZE = 10;
/** The API's `limit` bounds. */
const MAX_PAGE_SIZE = 100;
/** Long enough for every browser to have started reading the blob before it is released. */
const REVOKE_DELAY_MS = 1_000;

/**
 * @summary The customer's transactions: every charge attempt, newest first, with its date,
 * amount, status (failed ones with the reason in words, refunds with the amount given back), the
 * card charged, and the invoice PDF where the charge has one. Paged.
 *
 * Needs a `<dodo-portal>` ancestor, which provides the API client and the locale.
 *
 * @tagname dodo-transaction-list
 * @fires {CustomEvent<InvoiceDownloadDetail>} dodo-invoice-download - Before an invoice PDF is
 *   downloaded, on the customer's click. Cancelable: `preventDefault()` stops the download.
 * @fires {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401 (fired
 *   by the enclosing `<dodo-portal>`, or by this element when used alone).
 *
 * @csspart base - The wrapper around every state.
 * @csspart table - The `<table>` of transactions (also used for the loading skeleton).
 * @csspart row - One transaction's `<tr>`.
 * @csspart status - A transaction's status badge.
 * @csspart status-detail - Why a charge failed, or how much of it was refunded.
 * @csspart card - The card charged (brand and last four digits).
 * @csspart actions - The cell holding a row's invoice download button.
 * @csspart empty - The "No transactions yet" message.
 * @csspart error - The load-failure message with its Retry button, and the expired-session message.
 * @csspart pagination - The Previous / Next navigation.
 *
 * @cssproperty --dodo-color-primary - Primary buttons and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-surface-raised - Table header and skeleton background.
 * @cssproperty --dodo-color-text - Text.
 * @cssproperty --dodo-color-text-muted - Secondary text; the "Refunded" and "Partially refunded" badges.
 * @cssproperty --dodo-color-border - Borders and rules.
 * @cssproperty --dodo-color-success - The "Succeeded" badge.
 * @cssproperty --dodo-color-warning - The "Processing" badge and the expired-session message.
 * @cssproperty --dodo-color-danger - The "Failed" badge and error messages.
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoTransactionList extends PortalConsumer {
  // The invoice list's table, so both read as one billing view (and the CDN script carries it once).
  static override styles = [tokens, base, states, tableStyles, styles];

  /** Cursors of the pages before the current one; `null` is the first page. */
  private previousCursors: (string | null)[] = [];
  /** The last page shown, so pagination keeps its place (and focus) while the next one loads. */
  private lastPage: PaymentPage | undefined;

  private readonly payments = new Task(this, {
    task: async ([client, cursor, limit], { signal }) => {
      if (!client) return initialState;
      try {
        const page = await client.listPayments({ limit, cursor, signal });
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
  /** Invoice ids whose PDF is being fetched. */
  @state() private downloading: ReadonlySet<string> = new Set();
  @state() private downloadFailed = false;

  /** Transactions per page (1–100). */
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
    return this.payments.status === TaskStatus.PENDING || this.payments.status === TaskStatus.INITIAL;
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
    void this.payments.run();
  }

  /**
   * A payment knows its invoice's id, not its number: look the number up (for the event and the
   * file name), let the page veto, then hand the PDF to the browser's download manager.
   */
  private async download(invoiceId: string): Promise<void> {
    const client = this.client;
    if (!client || this.downloading.has(invoiceId)) return;
    this.downloadFailed = false;
    this.downloading = new Set(this.downloading).add(invoiceId);
    try {
      const { number } = await client.getInvoice(invoiceId);
      if (!emit<InvoiceDownloadDetail>(this, 'dodo-invoice-download', { invoiceId, number }, true)) return;
      const url = URL.createObjectURL(await client.invoicePdf(invoiceId));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${number.replace(/[^\w.-]+/g, '_')}.pdf`;
      link.hidden = true;
      this.renderRoot.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), REVOKE_DELAY_MS);
    } catch (error) {
      this.noteFailure(error);
      if (!this.expired && !isAbort(error)) this.downloadFailed = true;
    } finally {
      const downloading = new Set(this.downloading);
      downloading.delete(invoiceId);
      this.downloading = downloading;
    }
  }

  private statusLabel(status: PaymentStatus): string {
    switch (status) {
      case 'succeeded':
        return msg('Succeeded', { id: 'payment-status.succeeded' });
      case 'failed':
        return msg('Failed', { id: 'payment-status.failed' });
      case 'refunded':
        return msg('Refunded', { id: 'payment-status.refunded' });
      case 'partially_refunded':
        return msg('Partially refunded', { id: 'payment-status.partially-refunded' });
      case 'processing':
        return msg('Processing', { id: 'payment-status.processing' });
    }
  }

  /** The processor's decline code in words (the same words the plan switcher uses). */
  private declineText(code: string | null): string {
    switch (code) {
      case 'insufficient_funds':
        return msg('The card has insufficient funds.', { id: 'decline.insufficient-funds' });
      case 'expired_card':
        return msg('The card has expired.', { id: 'decline.expired-card' });
      case 'processing_error':
        return msg('The card could not be charged because of a processing error.', { id: 'decline.processing-error' });
      default:
        return msg('The card was declined.', { id: 'decline.card-declined' });
    }
  }

  private statusDetail(payment: Payment): string | undefined {
    if (payment.status === 'failed') return this.declineText(payment.decline_code);
    if (payment.status === 'partially_refunded') {
      const refunded = this.money(payment.amount_refunded, payment.currency);
      return msg(str`${refunded} refunded`, { id: 'transaction-list.refunded-amount' });
    }
    return undefined;
  }

  private renderCard(card: { brand: CardBrand; last4: string } | null): TemplateResult {
    if (!card) return html`<span class="muted">—</span>`;
    const brands: Record<CardBrand, string> = {
      visa: 'Visa',
      mastercard: 'Mastercard',
      amex: 'American Express',
      unknown: msg('Card', { id: 'pm.brand.unknown' }),
    };
    return html`<span part="card" class="card">${brands[card.brand]} <span aria-hidden="true">•••• </span
      ><span class="visually-hidden">${msg('ending in', { id: 'pm.ending-in' })} </span>${card.last4}</span>`;
  }

  // Templates are kept compact: the CDN script carries their whitespace.
  private renderTable(page: PaymentPage | undefined): TemplateResult {
    const skeleton = (modifier = '') => html`<td><span class="skeleton ${modifier}"></span></td>`;
    return html`<table part="table" class="table" aria-busy=${String(!page)}>
      <caption class="caption">${msg('Transactions', { id: 'transaction-list.caption' })}</caption>
      <thead><tr>
        <th scope="col">${msg('Date', { id: 'invoice-list.column.date' })}</th>
        <th scope="col">${msg('Card', { id: 'transaction-list.column.card' })}</th>
        <th scope="col">${msg('Status', { id: 'invoice-list.column.status' })}</th>
        <th scope="col" class="amount">${msg('Amount', { id: 'transaction-list.column.amount' })}</th>
        <th scope="col"><span class="visually-hidden">${msg('Invoice', { id: 'transaction-list.column.invoice' })}</span></th>
      </tr></thead>
      <tbody>${page
        ? page.items.map((payment) => this.renderRow(payment))
        : Array.from(
            { length: this.limit },
            () => html`<tr aria-hidden="true">${skeleton()}${skeleton()}${skeleton('skeleton--short')}${skeleton()}${skeleton('skeleton--button')}</tr>`,
          )}</tbody>
    </table>`;
  }

  private renderRow(payment: Payment): TemplateResult {
    const date = formatDate(payment.created_at, this.locale);
    const detail = this.statusDetail(payment);
    const invoiceId = payment.invoice_id;
    const downloading = invoiceId !== null && this.downloading.has(invoiceId);
    return html`<tr part="row" data-payment-id=${payment.payment_id}>
      <th scope="row"><time datetime=${payment.created_at}>${date}</time></th>
      <td>${this.renderCard(payment.card)}</td>
      <td><span part="status" class="badge badge--${payment.status}">${this.statusLabel(payment.status)}</span> ${detail
          ? html`<span part="status-detail" class="detail">${detail}</span>`
          : nothing}</td>
      <td class="amount">${this.money(payment.amount, payment.currency)}</td>
      <td part="actions" class="actions">${invoiceId
          ? html`<button type="button" class="button" aria-disabled=${String(downloading)} @click=${() => this.download(invoiceId)}>${downloading
                ? msg('Downloading…', { id: 'invoice-list.download.pending' })
                : msg('Download PDF', { id: 'invoice-list.download' })}<span class="visually-hidden"> ${date}</span></button>`
          : nothing}</td>
    </tr>`;
  }

  private renderPagination(): TemplateResult | typeof nothing {
    const hasPrevious = this.previousCursors.length > 0;
    const hasNext = Boolean(this.lastPage?.next_cursor);
    if (!hasPrevious && !hasNext) return nothing;
    const pending = this.isPending;
    return html`<nav part="pagination" class="pagination" aria-label=${msg('Transaction pages', { id: 'transaction-list.pagination' })}>
      <button type="button" class="button" aria-disabled=${String(!hasPrevious || pending)} @click=${this.goToPreviousPage}>${msg('Previous', { id: 'invoice-list.previous' })}</button>
      <span class="page-number">${msg(str`Page ${this.previousCursors.length + 1}`, { id: 'invoice-list.page' })}</span>
      <button type="button" class="button" aria-disabled=${String(!hasNext || pending)} @click=${this.goToNextPage}>${msg('Next', { id: 'invoice-list.next' })}</button>
    </nav>`;
  }

  private renderEmpty(): TemplateResult {
    return html`<div part="empty" class="message">
      <p class="message__title">${msg('No transactions yet', { id: 'transaction-list.empty' })}</p>
      <p class="message__body">${msg('Your payments and refunds will appear here once you have been charged.', { id: 'transaction-list.empty.body' })}</p>
    </div>`;
  }

  override render(): TemplateResult {
    const content = this.expired
      ? this.renderExpired()
      : this.payments.render({
          initial: () => this.renderTable(undefined),
          pending: () => this.renderTable(undefined),
          complete: (page) => (page.items.length === 0 && this.previousCursors.length === 0 ? this.renderEmpty() : this.renderTable(page)),
          error: () => this.renderLoadError(msg("We couldn't load your transactions.", { id: 'transaction-list.error' }), this.retry),
        });
    return html`<div part="base" class="base" tabindex="-1">
      <p class="visually-hidden" role="status">${this.isPending && !this.expired
          ? msg('Loading transactions…', { id: 'transaction-list.loading' })
          : nothing}</p>
      ${content} ${!this.expired && this.payments.status !== TaskStatus.ERROR ? this.renderPagination() : nothing}
      <p class="download-error" role="alert">${this.downloadFailed
          ? msg('The download failed. Please try again.', { id: 'invoice-list.download.error' })
          : nothing}</p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-transaction-list': DodoTransactionList;
  }
}
