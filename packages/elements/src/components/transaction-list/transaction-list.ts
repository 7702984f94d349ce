import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { listPayments, type Payment, type PaymentPage } from '@dodo-portal/wire/client';
import { DownloadController } from '../../controllers/download.ts';
import { Formatter, cardLabel, paymentStatusLabel } from '../../controllers/format.ts';
import { PagedListController } from '../../controllers/paged-list.ts';
import { RefreshController } from '../../controllers/refresh.ts';
import { SessionController } from '../../controllers/session.ts';
import { states } from '../../styles/states.ts';
import { table } from '../../styles/table.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { declineText } from '../decline.ts';
import { ThemedElement } from '../themed-element.ts';
import styles from './transaction-list.styles.ts';

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
 * @csspart caption - The table's caption ("Transactions"); the complete portal hides it visually under its own heading.
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
export class DodoTransactionList extends ThemedElement {
  // The invoice list's table, so both read as one billing view.
  static override get styles() {
    return [tokens, base, states, table, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      pageSize: { type: Number, attribute: 'page-size' },
    };
  }

  readonly #portalSession = new SessionController(this);
  readonly #formatter = new Formatter(() => this.#portalSession.locale);
  readonly #pagedList = new PagedListController<PaymentPage>(this, this.#portalSession, (client, query) => listPayments(client, query));
  /** A payment knows its invoice's id, not its number: the download looks the number up (for the event and the file name). */
  readonly #downloads = new DownloadController(this, this.#portalSession);

  /** A charge elsewhere in the portal (plan change, dues) adds a row: show it without a reload. */
  private readonly refresher = new RefreshController(this, ['payments'], () => this.#pagedList.data.run());

  /** Rows per page (1–100). */
  pageSize = 10;

  // Templates are kept compact: the CDN script carries their whitespace.
  #renderTable(page: PaymentPage | undefined): TemplateResult {
    // Also each cell's label when the rows are stacked as cards (styles/table.ts).
    const labels = [msg('Date'), msg('Card'), msg('Status'), msg('Amount')] as const;
    const skeleton = (modifier = '') => html`<td><span class="skeleton ${modifier}"></span></td>`;
    return html`<table part="table" class="table" aria-busy=${String(!page)}>
      <caption part="caption" class="caption">${msg('Transactions')}</caption>
      <thead><tr>${labels.map((label, index) => html`<th scope="col" class=${index === 3 ? 'amount' : ''}>${label}</th>`)}<th scope="col"><span class="visually-hidden">${msg('Invoice')}</span></th></tr></thead>
      <tbody>${
        page
          ? page.items.map((payment) => this.#renderRow(payment, labels))
          : Array.from(
              { length: this.#pagedList.limit },
              () => html`<tr aria-hidden="true">${skeleton()}${skeleton()}${skeleton('skeleton--short')}${skeleton()}${skeleton('skeleton--button')}</tr>`,
            )
      }</tbody>
    </table>`;
  }

  #renderRow(payment: Payment, [dateLabel, card, status, amount]: readonly string[]): TemplateResult {
    const date = this.#formatter.date(payment.created_at);
    const invoiceId = payment.invoice_id;
    // Why a charge failed, or how much of it was given back.
    const detail =
      payment.status === 'failed'
        ? declineText(payment.decline_code)
        : payment.status === 'partially_refunded'
          ? msg(str`${this.#formatter.money(payment.amount_refunded, payment.currency)} refunded`)
          : undefined;
    return html`<tr part="row" data-payment-id=${payment.payment_id}>
      <th scope="row" data-label=${dateLabel}><time datetime=${payment.created_at}>${date}</time></th>
      <td data-label=${card}>${payment.card ? html`<span part="card" class="card">${cardLabel(payment.card)}</span>` : html`<span class="muted">—</span>`}</td>
      <td data-label=${status}><span part="status" class="badge badge--${payment.status}">${paymentStatusLabel(payment.status)}</span> ${
        detail ? html`<span part="status-detail" class="detail">${detail}</span>` : nothing
      }</td>
      <td class="amount" data-label=${amount}>${this.#formatter.money(payment.amount, payment.currency)}</td>
      <td part="actions" class="actions">${invoiceId ? this.#downloads.renderButton(invoiceId, date) : nothing}</td>
    </tr>`;
  }

  override render(): TemplateResult {
    return this.#pagedList.render({
      table: (page) => this.#renderTable(page),
      empty: () => html`<div part="empty" class="message">
        <p class="message__title">${msg('No transactions yet')}</p>
        <p class="message__body">${msg('Your payments and refunds will appear here once you have been charged.')}</p>
      </div>`,
      error: msg("We couldn't load your transactions."),
      loading: msg('Loading transactions…'),
      pages: msg('Transaction pages'),
      footer: this.#downloads.renderError(),
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-transaction-list': DodoTransactionList;
  }
}
