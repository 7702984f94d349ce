import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { PortalApiError, type Invoice, type InvoicePage, type PortalPaymentMethod, getInvoice, listInvoices, listPaymentMethods, payInvoice } from '@dodo-portal/wire/client';
import type { InvoicePaidDetail } from '../../events.ts';
import { DialogController } from '../../controllers/dialog.ts';
import { DownloadController } from '../../controllers/download.ts';
import { Formatter, cardLabel, invoiceStatusLabel } from '../../controllers/format.ts';
import { PagedListController } from '../../controllers/paged-list.ts';
import { RefreshController, emit } from '../../controllers/refresh.ts';
import { SessionController, errorCode } from '../../controllers/session.ts';
import { SubmitController } from '../../controllers/submit.ts';
import { dialog, states } from '../../styles/states.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { declineText } from '../decline.ts';
import { brandName } from '../payment-method-editor/card.ts';
import { ThemedElement } from '../themed-element.ts';
import styles from './invoice-list.styles.ts';

/** The pay dialog of one open invoice. */
interface Paying {
  invoice: Invoice;
  /** The customer's saved cards; `undefined` while loading, `null` when they could not be loaded. */
  cards?: PortalPaymentMethod[] | null;
  chosen?: string;
  /** What was charged, once paid. */
  paid?: string;
  error?: string | undefined;
}

/**
 * @tagname dodo-invoice-list
 * @summary The customer's invoices: a paged table with a PDF download per invoice, and a Pay
 * button on open ones that charges the invoice's total to a saved card the customer picks.
 * Below 45rem of its own width (a container query) the rows become stacked cards, each field
 * with its label.
 *
 * Needs a `<dodo-portal>` ancestor, which provides the API client and the locale.
 *
 * @event {CustomEvent<InvoiceDownloadDetail>} dodo-invoice-download - Before a PDF is downloaded,
 *   on the customer's click. Cancelable: `preventDefault()` stops the download.
 * @event {CustomEvent<InvoicePaidDetail>} dodo-invoice-paid - The customer paid an open invoice
 *   (after the charge succeeded): the invoice (for an on-hold subscription's dues, the paid one
 *   that replaced it) and the payment.
 * @event {CustomEvent<PortalChangedDetail>} dodo-portal-changed - After a paid invoice: `invoices`,
 *   `payments` and `subscriptions` changed, so the other sections refetch them.
 * @event {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401. Fired
 *   by the enclosing `<dodo-portal>` (once per session token), or by this element when used alone.
 *
 * @csspart base - The wrapper around every state.
 * @csspart table - The `<table>` of invoices (also used for the loading skeleton).
 * @csspart caption - The table's caption ("Invoices"); the complete portal hides it visually under its own heading.
 * @csspart row - One invoice's `<tr>`.
 * @csspart actions - The cell holding a row's Pay and download buttons.
 * @csspart dialog - The pay dialog: the saved cards to choose from and the "Pay $X.XX" button.
 * @csspart pay-success - In the pay dialog, what was charged to which card.
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
export class DodoInvoiceList extends ThemedElement {
  static override get styles() {
    return [tokens, base, states, dialog, styles];
  }

  static override get properties(): PropertyDeclarations {
    return { pageSize: { type: Number, attribute: 'page-size' } };
  }

  readonly #portalSession = new SessionController(this);
  readonly #formatter = new Formatter(() => this.#portalSession.locale);
  readonly #pagedList = new PagedListController<InvoicePage>(this, this.#portalSession, (client, query) => listInvoices(client, query));
  readonly #downloads = new DownloadController(this, this.#portalSession);
  /** Closed (Cancel, Close or Escape): focus goes back to the Pay button, or, once paid, to the row's download. */
  readonly #payDialog = new DialogController<Paying>(this, this.#portalSession, {
    fallback: ({ invoice }) => this.renderRoot.querySelector<HTMLElement>(`[data-invoice-id="${CSS.escape(invoice.invoice_id)}"] button`),
  });
  /** One key per confirmed payment, kept for its retries (the server charges a key once). */
  readonly #paySubmit = new SubmitController(this);

  /** A plan change or a paid due adds an invoice: show it without a reload. */
  private readonly refresher = new RefreshController(this, ['invoices'], () => this.#pagedList.data.run());

  /** Rows per page (1–100). */
  pageSize = 10;

  /** Updates the dialog, if it is still the one of `invoice`. */
  #patch(invoice: Invoice, change: Partial<Paying>): void {
    const paying = this.#payDialog.value;
    if (paying?.invoice === invoice) this.#payDialog.value = { ...paying, ...change };
  }

  async #openPay(invoice: Invoice, event: Event): Promise<void> {
    const client = this.#portalSession.client;
    if (!client) return;
    this.#paySubmit.reset();
    this.#payDialog.open({ invoice }, event.currentTarget);
    try {
      const cards = (await listPaymentMethods(client)).items;
      // The default card comes first.
      this.#patch(invoice, { cards, ...(cards[0] ? { chosen: cards[0].payment_method_id } : {}) });
    } catch (error) {
      this.#portalSession.noteFailure(error);
      this.#patch(invoice, { cards: null });
    }
  }

  #choose(invoice: Invoice, chosen: string): void {
    this.#paySubmit.reset();
    this.#patch(invoice, { chosen, error: undefined });
  }

  async #pay(): Promise<void> {
    const paying = this.#payDialog.value;
    const client = this.#portalSession.client;
    if (!paying?.chosen || !client || this.#paySubmit.busy) return;
    const { invoice, chosen } = paying;
    this.#patch(invoice, { error: undefined });
    try {
      const result = await this.#paySubmit.run((idempotencyKey) => payInvoice(client, invoice.invoice_id, { payment_method_id: chosen }, { idempotencyKey }));
      if (!result) return;
      const card = paying.cards?.find((item) => item.payment_method_id === chosen);
      const amount = this.#formatter.money(result.payment?.amount ?? invoice.total, invoice.currency);
      const cardName = card ? `${brandName(card.brand)} •••• ${card.last4}` : '';
      this.#patch(invoice, { paid: msg(str`Paid. ${amount} was charged to ${cardName}.`) });
      this.#replaceRow(invoice.invoice_id, result.replaced_invoice_id ? [result.invoice, { ...invoice, status: 'void' }] : [result.invoice]);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="pay-success"]')?.focus());
      emit<InvoicePaidDetail>(this, 'dodo-invoice-paid', { invoiceId: invoice.invoice_id, invoice: result.invoice, payment: result.payment });
    } catch (error) {
      this.#portalSession.noteFailure(error);
      const code = errorCode(error);
      this.#patch(invoice, { error: this.#payError(code, error) });
      if (code === 'invoice_not_open')
        void getInvoice(client, invoice.invoice_id).then(
          (now) => this.#replaceRow(invoice.invoice_id, [now]),
          () => undefined,
        );
    }
  }

  /** The row of `invoiceId` as the server has it now (a paid dues invoice also shows the voided one it replaced). */
  #replaceRow(invoiceId: string, now: Invoice[]): void {
    const items = this.#pagedList.data.value?.items;
    const index = items?.findIndex((item) => item.invoice_id === invoiceId) ?? -1;
    if (index >= 0) items!.splice(index, 1, ...now);
    this.requestUpdate();
  }

  #payError(code: string, error: unknown): string {
    switch (code) {
      case 'payment_failed':
        return declineText(error instanceof PortalApiError ? error.declineCode : null);
      case 'invoice_not_open':
        return msg('This invoice is no longer open: it has been paid or voided.');
      case 'charge_in_progress':
        return msg('A payment for this invoice is already in progress. Wait a moment and check again.');
      case 'subscription_on_hold':
        return msg('This invoice is one of several overdue payments of a subscription: pay them together under your subscriptions.');
      default:
        return msg('The payment did not go through. Please try again.');
    }
  }

  #closePay(): void {
    if (!this.#paySubmit.busy) void this.#payDialog.close();
  }

  // Templates are kept compact: the CDN script carries their whitespace.
  #renderPay(): TemplateResult | typeof nothing {
    const paying = this.#payDialog.value;
    if (!paying || this.#portalSession.expired) return nothing;
    const { invoice, cards } = paying;
    const busy = this.#paySubmit.busy;
    const amount = this.#formatter.money(invoice.total, invoice.currency);
    return html`<dialog part="dialog" class="dialog" aria-labelledby="pay-title" @close=${this.#payDialog.close} @cancel=${(event: Event) => busy && event.preventDefault()}>
      <h2 id="pay-title" class="dialog__title">${msg(str`Pay invoice ${invoice.number}`)}</h2>
      ${
        paying.paid
          ? html`<p part="pay-success" class="pay-success" role="status" tabindex="-1">${paying.paid}</p>`
          : cards === undefined
            ? html`<p role="status">${msg('Loading your cards…')}</p>`
            : cards === null
              ? html`<p class="pay-error">${msg("We couldn't load your cards.")}</p>`
              : cards.length === 0
                ? html`<p>${msg('You have no saved card. Add one to your payment methods, then pay here.')}</p>`
                : html`<fieldset class="pay-cards"><legend>${msg('Pay with')}</legend>${cards.map(
                    (card) => html`<label class="pay-card"><input type="radio" name="card" .checked=${card.payment_method_id === paying.chosen} ?disabled=${busy}
                    @change=${() => this.#choose(invoice, card.payment_method_id)}> ${cardLabel(card)}</label>`,
                  )}</fieldset>`
      }
      <p class="pay-error" role="alert">${paying.error ?? nothing}</p>
      <div class="pay-actions">
        <button type="button" class="button" aria-disabled=${String(busy)} @click=${this.#closePay}>${paying.paid ? msg('Close') : msg('Cancel')}</button>
        ${
          paying.paid || !cards?.length
            ? nothing
            : html`<button type="button" class="button button--primary" aria-disabled=${String(busy)} @click=${this.#pay}>${busy ? msg('Paying…') : msg(str`Pay ${amount}`)}</button>`
        }
      </div>
    </dialog>`;
  }

  #renderTable(page?: InvoicePage): TemplateResult {
    // Also each cell's label when the rows are stacked as cards (styles/table.ts).
    const labels = [msg('Number'), msg('Date'), msg('Status'), msg('Total')] as const;
    const skeleton = (modifier = '') => html`<td><span class="skeleton ${modifier}"></span></td>`;
    return html`<table part="table" class="table" aria-busy=${String(!page)}>
      <caption part="caption" class="caption">${msg('Invoices')}</caption>
      <thead><tr>${labels.map((label, index) => html`<th scope="col" class=${index === 3 ? 'amount' : ''}>${label}</th>`)}<th scope="col"><span class="visually-hidden">${msg('Actions')}</span></th></tr></thead>
      <tbody>${
        page
          ? page.items.map((invoice) => this.#renderRow(invoice, labels))
          : Array.from(
              { length: this.#pagedList.limit },
              () => html`<tr class="skeleton-row" aria-hidden="true">${skeleton()}${skeleton()}${skeleton('skeleton--short')}${skeleton()}${skeleton('skeleton--button')}</tr>`,
            )
      }</tbody>
    </table>`;
  }

  #renderRow(invoice: Invoice, [number, date, status, total]: readonly string[]): TemplateResult {
    return html`<tr part="row" data-invoice-id=${invoice.invoice_id}>
      <th scope="row" class="number" data-label=${number}>${invoice.number}</th>
      <td data-label=${date}><time datetime=${invoice.issued_at}>${this.#formatter.date(invoice.issued_at)}</time></td>
      <td data-label=${status}><span class="badge badge--${invoice.status}">${invoiceStatusLabel(invoice.status)}</span> ${this.#renderRefund(invoice)}</td>
      <td class="amount" data-label=${total}>${this.#formatter.money(invoice.total, invoice.currency)}</td>
      <td part="actions" class="actions">${
        invoice.status === 'open'
          ? html`<button type="button" class="button button--primary" @click=${(event: Event) => this.#openPay(invoice, event)}>${msg('Pay')}<span class="visually-hidden"> ${invoice.number}</span></button> `
          : nothing
      }${this.#downloads.renderButton(invoice.invoice_id, invoice.number, invoice.number)}</td>
    </tr>`;
  }

  /** Under the status: "Refunded" when all of the total was given back, else how much was. */
  #renderRefund({ amount_refunded: refunded = 0, total, currency }: Invoice): TemplateResult | typeof nothing {
    if (refunded <= 0) return nothing;
    const amount = this.#formatter.money(refunded, currency);
    // Not `payment-status.refunded`: languages inflect it for an invoice (fr "Remboursée").
    return html`<span part="status-detail" class="refund">${refunded >= total ? msg('Refunded') : msg(str`${amount} refunded`)}</span>`;
  }

  #renderEmpty(): TemplateResult {
    return html`
      <div part="empty" class="message">
        <p class="message__title">${msg('No invoices yet')}</p>
        <p class="message__body">
          ${msg('Your invoices will appear here once you have been billed.')}
        </p>
      </div>
    `;
  }

  override render(): TemplateResult {
    return html`${this.#pagedList.render({
      table: (page) => this.#renderTable(page),
      empty: () => this.#renderEmpty(),
      error: msg("We couldn't load your invoices."),
      loading: msg('Loading invoices…'),
      pages: msg('Invoice pages'),
      footer: this.#downloads.renderError(),
    })}${this.#renderPay()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-invoice-list': DodoInvoiceList;
  }
}
