/**
 * The card a subscription is charged to, and the way back from `on_hold`: the current card with
 * Edit, the choice among the saved cards or the new-card form, the dues and their Pay, and the
 * confirmation with the dues invoice. Composes the saved cards (the choices) and the form.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { setSubscriptionPaymentMethod, type Dues, type PortalSubscription, type SubscriptionPaymentMethodResult } from '@dodo-portal/wire/client';
import type { DownloadController } from '../../controllers/download.ts';
import { Formatter } from '../../controllers/format.ts';
import { emit } from '../../controllers/refresh.ts';
import { SubmitController } from '../../controllers/submit.ts';
import type { CardForm } from './card-form.ts';
import { renderCard } from './card-view.ts';
import { apiError, methodUpdated, type EditorHost, type Feedback, type Portal } from './shared.ts';
import type { SavedCards } from './saved-cards.ts';

export class SubscriptionCard {
  subscription: PortalSubscription | undefined;
  view: 'show' | 'edit' | 'done' = 'show';
  /** The checked saved card (none while the new-card form is the choice). */
  selected: string | undefined;
  #dues: Dues | undefined;
  /** The write in flight is Confirm (rather than Save card). */
  #confirming = false;
  /** One Idempotency-Key per card the customer confirms: retrying the same card reuses it. */
  readonly #charging: SubmitController;
  /** The card the key in `charging` is for. */
  #chargedMethod: string | undefined;
  #result: SubscriptionPaymentMethodResult | undefined;
  readonly #format = new Formatter(() => this.fromPortal.locale());

  constructor(
    private readonly host: EditorHost,
    private readonly fromPortal: Portal,
    private readonly feedback: Feedback,
    private readonly savedCards: SavedCards,
    private readonly cardForm: CardForm,
    /** The dues invoice's PDF, from the confirmation. */
    private readonly downloads: DownloadController,
  ) {
    this.#charging = new SubmitController(host);
  }

  /** What the loader read (its completion renders it): the subscription, if any, and on hold its dues. */
  load(subscription: PortalSubscription | undefined, dues: Dues | undefined): void {
    this.subscription = subscription;
    this.#dues = dues;
    this.selected = subscription?.payment_method?.payment_method_id;
  }

  /** The form opened (it is the choice: no saved card looks chosen beside it) or was cancelled. */
  formToggled(open: boolean): void {
    if (!this.subscription) return;
    if (open) {
      if (this.fromPortal.testMode()) this.selected = undefined;
    } else this.selected ??= this.subscription.payment_method?.payment_method_id;
  }

  #edit(): void {
    this.view = 'edit';
    this.feedback.problem = undefined;
    this.feedback.notice = '';
    void this.feedback.focusOn('input[type=radio]:checked, input[type=radio], .add');
  }

  #cancel(): void {
    this.view = 'show';
    this.cardForm.open = false;
    this.feedback.problem = undefined;
    this.selected = this.subscription?.payment_method?.payment_method_id;
    void this.feedback.focusOn('.edit');
  }

  /** The open new-card form is the customer's choice (its card is saved, then used); else the checked card. */
  async #confirm(): Promise<void> {
    const subscription = this.subscription;
    if (!subscription) return;
    const withForm = this.cardForm.open && this.fromPortal.testMode();
    if (!withForm && !this.selected) return;
    const subscriptionId = subscription.subscription_id;
    await this.feedback.write(async (client) => {
      this.#confirming = true;
      this.feedback.problem = undefined;
      let selected = this.selected!;
      try {
        const added = withForm ? await this.cardForm.save(client) : undefined;
        if (withForm && !added) return;
        selected = added?.payment_method_id ?? selected;
        if (subscription.status !== 'on_hold' && selected === subscription.payment_method?.payment_method_id) return this.#cancel();
        if (this.#chargedMethod !== selected) this.#charging.reset();
        this.#chargedMethod = selected;
        const result = await this.#charging.run((idempotencyKey) => setSubscriptionPaymentMethod(client, subscriptionId, selected, { idempotencyKey }));
        if (!result) return;
        const { payment } = result;
        this.subscription = result.subscription;
        this.#dues = undefined;
        methodUpdated(this.host, 'selected', selected, subscriptionId);
        if (payment) {
          this.#result = result;
          this.view = 'done';
          emit(this.host, 'dodo-subscription-reactivated', {
            subscriptionId,
            paymentId: payment.payment_id,
            invoiceId: result.invoice?.invoice_id ?? null,
            amount: payment.amount,
            currency: payment.currency,
          });
          void this.feedback.focusOn('.success');
        } else {
          this.view = 'show';
          this.feedback.notice = msg('Your payment method was updated.');
          void this.feedback.focusOn('.edit');
        }
      } catch (error) {
        const failure = apiError(error);
        if (failure?.code === 'payment_failed') emit(this.host, 'dodo-payment-failed', { subscriptionId, paymentMethodId: selected, declineCode: failure.declineCode ?? null });
        this.feedback.fail(error);
      } finally {
        this.#confirming = false;
      }
    });
  }

  private renderCurrent(subscription: PortalSubscription): TemplateResult {
    const current = subscription.payment_method;
    const saved = this.savedCards.items.find((m) => m.payment_method_id === current?.payment_method_id);
    return html`<div part="current" class="current">
      ${
        subscription.status === 'on_hold'
          ? html`<div part="notice" class="message message--expired">
            <p class="message__title">${msg('Your subscription is on hold')}</p>
            <p class="message__body">
              ${msg('The last payment failed. Update your card to pay what is due and reactivate it.')}
            </p>
          </div>`
          : nothing
      }
      <p class="label">${msg('Payment method')}</p>
      <div class="row">
        ${current ? renderCard(saved ?? current) : html`<span class="muted">${msg('No card on file')}</span>`}
        ${subscription.actions.includes('update_payment_method') ? html`<button type="button" class="button edit" @click=${() => this.#edit()}>${msg('Edit')}</button>` : nothing}
      </div>
    </div>`;
  }

  private renderEdit(): TemplateResult {
    const dues = this.#dues;
    // Dues are read only for an on-hold subscription, and dropped once its card is charged.
    const due = dues && dues.amount > 0 && this.#format.money(dues.amount, dues.currency);
    const busy = this.feedback.busy;
    return html`${this.feedback.render()}
      <fieldset part="methods" class="methods">
        <legend class="label">${msg('Choose a card')}</legend>
        ${this.savedCards.items.map(
          (method) => html`<label part="method" class="method">
            <input
              type="radio"
              name="method"
              .checked=${this.selected === method.payment_method_id}
              @change=${() => {
                // Choosing a saved card puts the form away: one choice on screen.
                this.selected = method.payment_method_id;
                this.cardForm.hide();
              }}
            />${renderCard(method)}
          </label>`,
        )}
      </fieldset>
      ${this.cardForm.render(busy && !this.#confirming, 'input[type=radio]:checked')}
      ${due ? html`<p part="dues" class="dues">${msg(str`You will be charged ${due} now.`)}</p>` : nothing}
      <div part="actions" class="actions">
        <button
          type="button"
          class="button button--primary confirm"
          aria-disabled=${busy || !(this.selected || this.cardForm.open)}
          @click=${() => this.#confirm()}
        >
          ${this.#confirming ? msg('Processing…') : due ? msg(str`Pay ${due}`) : msg('Confirm changes')}
        </button>
        <button type="button" class="button" @click=${() => this.#cancel()}>${msg('Cancel')}</button>
      </div>`;
  }

  private renderDone(): TemplateResult {
    const { payment, invoice, subscription } = this.#result!;
    return html`<div part="success" class="message message--success success" tabindex="-1">
      <p class="message__title">${msg('Payment received. Your subscription is active again.')}</p>
      <p>${msg(str`You paid ${this.#format.money(payment!.amount, payment!.currency)}.`)}</p>
      ${subscription.next_billing_date ? html`<p>${msg(str`Next billing date: ${this.#format.date(subscription.next_billing_date)}`)}</p>` : nothing}
      ${this.downloads.renderError()}
      <div part="actions" class="actions">
        ${
          invoice
            ? html`<button type="button" class="button button--primary" @click=${() => this.downloads.download(invoice.invoice_id, invoice.number)}>
              ${msg('Download invoice (PDF)')}
            </button>`
            : nothing
        }
        <button type="button" class="button" @click=${() => this.#cancel()}>${msg('Done')}</button>
      </div>
    </div>`;
  }

  render(subscription: PortalSubscription): TemplateResult {
    return this.view === 'done' ? this.renderDone() : this.view === 'edit' ? this.renderEdit() : this.renderCurrent(subscription);
  }
}
