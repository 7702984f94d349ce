import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import { Task, TaskStatus, initialState } from '@lit/task';
import {
  PortalApiError,
  createCardToken,
  type CardBrand,
  type Dues,
  type PortalClient,
  type PortalPaymentMethod,
  type PortalSubscription,
  type SubscriptionPaymentMethodResult,
} from '@dodo-portal/wire/client';
import { formatDate } from '../../format.ts';
import { states } from '../../styles/states.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { declineText } from '../decline.ts';
import { PortalConsumer, emit, isAbort, saveInvoicePdf } from '../portal-consumer.ts';
import { RefreshController } from '../refresh.ts';
import { brandName, brandOf, cvcLength, digitsOf, expiryPast, formatExpiry, groupNumber, numberValid, parseExpiry } from './card.ts';
import styles from './payment-method-editor.styles.ts';

type Field = 'number' | 'exp' | 'cvc' | 'name';
const FIELDS: Field[] = ['number', 'exp', 'cvc', 'name'];
/** The processor's decline codes on tokenization, and the field each one is about. */
const FIELD_OF_CODE: Record<string, Field> = { expired_card: 'exp', invalid_expiry_month: 'exp', invalid_expiry_year: 'exp', invalid_cvc: 'cvc', incorrect_cvc: 'cvc' };

type Problem =
  | { kind: 'declined'; code: string | undefined }
  | { kind: 'busy' | 'network' | 'failed' | 'in-use' };

const apiError = (error: unknown): PortalApiError | undefined => (error instanceof PortalApiError ? error : undefined);

/**
 * A decline on this card, in words. The codes a customer can fix in the form get the form's own
 * words; funds and processing errors read as everywhere else (`declineText`).
 */
function cardDeclineText(code: string | undefined): string {
  switch (code) {
    case 'expired_card':
      return msg('This card has expired.', { id: 'pm.error.expired' });
    case 'incorrect_cvc':
    case 'invalid_cvc':
      return msg('The security code (CVC) is incorrect.', { id: 'pm.decline.cvc' });
    case 'invalid_number':
    case 'incorrect_number':
      return msg('This card number is not valid. Check it and try again.', { id: 'pm.error.number' });
    case 'insufficient_funds':
    case 'processing_error':
      return declineText(code);
    case 'card_declined':
      return msg('Your bank declined the payment.', { id: 'pm.decline.declined' });
    default:
      return msg('The card was not accepted.', { id: 'pm.decline.generic' });
  }
}

/** Fresh per confirm. `randomUUID` needs a secure context; fall back to 128 random bits. */
const newKey = (): string =>
  crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * @summary The card a subscription is charged to, and the way back from `on_hold`: pick a saved
 * card or add one, see the dues, pay them and reactivate. An open new-card form is the choice:
 * Confirm ("Pay …" with the dues) saves and uses that card, or shows what the form lacks. Without `subscription-id`: the
 * customer's saved cards (add, remove).
 *
 * Needs a `<dodo-portal>` ancestor (API client, locale, session mode). Card numbers and CVCs go
 * only to the processor's tokenization endpoint (`/sandbox/v1/tokens` in test mode), never to the
 * portal API; in live mode new cards cannot be entered here.
 *
 * @tagname dodo-payment-method-editor
 * @attr subscription-id - The subscription whose card is edited. Omit to manage saved cards.
 *
 * @fires {CustomEvent<PaymentMethodUpdatedDetail>} dodo-payment-method-updated - A card was added or
 *   removed, or became the subscription's card.
 * @fires {CustomEvent<SubscriptionReactivatedDetail>} dodo-subscription-reactivated - The dues of an
 *   on-hold subscription were paid and it is active again.
 * @fires {CustomEvent<PaymentFailedDetail>} dodo-payment-failed - Paying the dues was declined.
 * @fires {CustomEvent<PortalChangedDetail>} dodo-portal-changed - After each successful write: what
 *   changed (`payment-methods`, `subscriptions`, …), so the other sections refetch it.
 * @fires {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401 (fired by
 *   `<dodo-portal>` when there is one).
 *
 * @csspart base - The wrapper around every state.
 * @csspart current - The current card with the Edit button.
 * @csspart card - One card's brand mark, last four digits and expiry.
 * @csspart brand - The brand mark (Visa, Mastercard, American Express, or a generic card).
 * @csspart methods - The saved cards (radio group when editing, list when managing).
 * @csspart method - One saved card.
 * @csspart card-form - The new-card form.
 * @csspart field - One label + input + error of the new-card form.
 * @csspart input - An input of the new-card form.
 * @csspart field-error - A field's validation message.
 * @csspart dues - "You will be charged … now".
 * @csspart actions - The row of buttons under a view.
 * @csspart notice - The on-hold explanation.
 * @csspart error - Declines, failures, the load error and the expired session.
 * @csspart success - The confirmation after the dues were paid.
 * @csspart badge - "Default" beside the customer's default card.
 * @csspart reassign - Removing a card that pays subscriptions: the card that pays each from now on.
 *
 * @cssproperty --dodo-color-primary - Primary buttons, the selected card and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-surface-raised - Card tiles and skeletons.
 * @cssproperty --dodo-color-text - Text.
 * @cssproperty --dodo-color-text-muted - Secondary text.
 * @cssproperty --dodo-color-border - Borders and inputs.
 * @cssproperty --dodo-color-success - The payment confirmation.
 * @cssproperty --dodo-color-warning - The on-hold notice.
 * @cssproperty --dodo-color-danger - Declines and field errors.
 * @cssproperty --dodo-color-card-visa - The Visa mark (default: primary).
 * @cssproperty --dodo-color-card-mastercard - The Mastercard mark (default: warning).
 * @cssproperty --dodo-color-card-amex - The American Express mark (default: success).
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoPaymentMethodEditor extends PortalConsumer {
  static override styles = [tokens, base, states, styles];

  /** The confirm in flight or last cut off by the network: retrying the same card reuses its key. */
  private attempt: { method: string; key: string } | undefined;

  private readonly loader = new Task(this, {
    task: async ([client, subscriptionId], { signal }) => {
      if (!client) return initialState;
      try {
        const [list, subscription] = await Promise.all([
          client.listPaymentMethods(signal),
          subscriptionId ? client.getSubscription(subscriptionId, signal) : undefined,
        ]);
        this.dues = subscription?.status === 'on_hold' ? await client.subscriptionDues(subscriptionId, signal) : undefined;
        this.methods = list.items;
        this.subscription = subscription;
        this.selected = subscription?.payment_method?.payment_method_id;
        return true;
      } catch (error) {
        this.noteFailure(error);
        throw error;
      }
    },
    args: () => [this.client, this.subscriptionId] as const,
  });

  private readonly refresher = new RefreshController(this, ['payment-methods', 'subscriptions'], () => this.loader.run());

  @state() private methods: PortalPaymentMethod[] = [];
  @state() private subscription: PortalSubscription | undefined;
  @state() private dues: Dues | undefined;
  @state() private view: 'show' | 'edit' | 'done' = 'show';
  @state() private selected: string | undefined;
  @state() private adding = false;
  @state() private busy = false;
  /** `busy` for Confirm (rather than Save card). */
  @state() private confirming = false;
  @state() private problem: Problem | undefined;
  @state() private errors: Partial<Record<Field, string>> = {};
  @state() private brand: CardBrand = 'unknown';
  @state() private removing: string | undefined;
  /** Removing a card that pays subscriptions: the customer picks the card that pays each from now on. */
  @state() private reassign: { method: PortalPaymentMethod; subscriptions: { id: string; product_name: string }[]; choice: Record<string, string>; missing: boolean } | undefined;
  @state() private result: SubscriptionPaymentMethodResult | undefined;
  /** Announced politely (card added, method updated). */
  @state() private notice = '';
  @state() private downloadFailed = false;

  /** The subscription whose card is edited; empty to manage the saved cards. */
  @property({ attribute: 'subscription-id' }) subscriptionId = '';

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    // Another subscription (or session) starts over from its current card.
    if (changed.has('client') || changed.has('subscriptionId')) {
      this.expired = false;
      this.view = 'show';
      this.adding = false;
      this.problem = undefined;
    }
  }

  /** After a view changes, put keyboard focus where the customer continues. */
  private async focusOn(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Any failed call: an expired session takes over the element; anything else becomes `problem`. */
  private fail(error: unknown, problem: Problem): void {
    const failure = apiError(error);
    if (failure?.isSessionExpired) return this.noteFailure(error);
    if (isAbort(error)) return;
    this.problem = failure?.status === 0 ? { kind: 'network' } : problem;
    void this.focusOn('.problem');
  }

  private edit(): void {
    this.view = 'edit';
    this.problem = undefined;
    this.notice = '';
    void this.focusOn('input[type=radio]:checked, input[type=radio], .add');
  }

  private cancel(): void {
    this.view = 'show';
    this.adding = false;
    this.problem = undefined;
    this.selected = this.subscription?.payment_method?.payment_method_id;
    void this.focusOn('.edit');
  }

  private openForm(): void {
    // While the form is open it is the choice: no saved card looks chosen beside it.
    if (this.subscription && this.session?.info?.mode === 'test') this.selected = undefined;
    this.adding = true;
    this.errors = {};
    this.brand = 'unknown';
    void this.focusOn('#number');
  }

  private closeForm(): void {
    this.adding = false;
    this.selected ??= this.subscription?.payment_method?.payment_method_id;
    void this.focusOn('.add');
  }

  // --- The new-card form --------------------------------------------------------------------

  private input(name: Field): HTMLInputElement {
    return this.renderRoot.querySelector<HTMLInputElement>(`#${name}`)!;
  }

  /** Reformat as typed, keeping the caret after the same number of digits. */
  private onInput(field: Field, event: Event): void {
    const input = event.target as HTMLInputElement;
    if (field !== 'name') {
      const caretDigits = digitsOf(input.value.slice(0, input.selectionStart ?? input.value.length)).length;
      const digits = digitsOf(input.value);
      const value =
        field === 'number' ? groupNumber(digits) : field === 'exp' ? formatExpiry(digits) : digits.slice(0, cvcLength(this.brand));
      input.value = value;
      let caret = 0;
      for (let seen = 0; caret < value.length && seen < caretDigits; caret += 1) if (/\d/.test(value[caret]!)) seen += 1;
      input.setSelectionRange(caret, caret);
      if (field === 'number') this.brand = brandOf(digits);
    }
    // A shown error updates as the customer fixes it; a new one waits for blur or submit.
    if (this.errors[field]) this.errors = { ...this.errors, [field]: this.check(field) };
  }

  /**
   * A new error appears when the customer leaves the field; one already shown (or the processor's
   * refusal) stays until the field is changed. Clearing it on blur would shift the buttons below
   * between mouse down and up, and the click on Cancel or Pay would be lost.
   */
  private onBlur(field: Field): void {
    if (this.input(field).value && !this.errors[field]) this.errors = { ...this.errors, [field]: this.check(field) };
  }

  private check(field: Field): string | undefined {
    const value = this.input(field).value.trim();
    if (field === 'number') {
      if (!value) return msg('Enter the card number.', { id: 'pm.error.number-missing' });
      return numberValid(digitsOf(value)) ? undefined : msg('This card number is not valid. Check it and try again.', { id: 'pm.error.number' });
    }
    if (field === 'exp') {
      const expiry = parseExpiry(value);
      if (!expiry) return msg('Enter the expiry date as MM / YY.', { id: 'pm.error.exp' });
      return expiryPast(expiry, new Date()) ? msg('This card has expired.', { id: 'pm.error.expired' }) : undefined;
    }
    if (field === 'cvc') {
      const length = cvcLength(this.brand);
      return value.length === length ? undefined : msg(str`Enter the ${length}-digit security code.`, { id: 'pm.error.cvc' });
    }
    return value ? undefined : msg('Enter the name on the card.', { id: 'pm.error.name' });
  }

  /**
   * Checks the form, then tokenizes and saves its card. Undefined when a field is wrong (its
   * error shown, focus on it) or the save failed (said); nothing is sent while a field is wrong.
   * The caller holds `busy`.
   */
  private async saveFormCard(): Promise<PortalPaymentMethod | undefined> {
    const client = this.client;
    if (!client) return undefined;
    const errors: Partial<Record<Field, string>> = {};
    for (const field of FIELDS) errors[field] = this.check(field);
    this.errors = errors;
    const invalid = FIELDS.find((field) => errors[field]);
    if (invalid) return void this.input(invalid).focus();
    // Only the sandbox's tokenization is built in: a live card number is never sent anywhere.
    if (this.session?.info?.mode !== 'test') return undefined;

    const expiry = parseExpiry(this.input('exp').value)!;
    this.problem = undefined;
    try {
      const token = await createCardToken(
        { apiBase: client.apiBase },
        {
          number: digitsOf(this.input('number').value),
          exp_month: expiry.month,
          exp_year: expiry.year,
          cvc: this.input('cvc').value,
          name: this.input('name').value.trim(),
        },
      );
      const method = await client.addPaymentMethod(token.card_token);
      this.methods = [...this.methods.filter((m) => m.payment_method_id !== method.payment_method_id), method];
      this.selected = method.payment_method_id;
      this.adding = false;
      this.notice = msg(str`Card ending in ${method.last4} saved.`, { id: 'pm.added' });
      emit(this, 'dodo-payment-method-updated', { change: 'added', paymentMethodId: method.payment_method_id, subscriptionId: null });
      return method;
    } catch (error) {
      const failure = apiError(error);
      // 400: refused at tokenization; 402: the processor's check of the card declined it (nothing saved).
      const refused = failure?.code === 'payment_failed';
      const field = failure?.status === 400 || refused ? (FIELD_OF_CODE[failure.declineCode ?? ''] ?? 'number') : undefined;
      if (field) {
        this.errors = {
          [field]:
            refused && failure!.declineCode === 'card_declined'
              ? msg('Your bank declined this card. Use another card.', { id: 'pm.decline.card' })
              : cardDeclineText(failure!.declineCode),
        };
        this.input(field).focus();
      } else this.fail(error, { kind: 'failed' });
      return undefined;
    }
  }

  private async addCard(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.client || this.busy) return;
    this.busy = true;
    try {
      if (await this.saveFormCard()) void this.focusOn(this.subscriptionId ? 'input[type=radio]:checked' : '.add');
    } finally {
      this.busy = false;
    }
  }

  // --- Confirm, remove, download ------------------------------------------------------------

  /** The open new-card form is the customer's choice (its card is saved, then used); else the checked card. */
  private async confirm(): Promise<void> {
    const { client, subscription } = this;
    if (!client || !subscription || this.busy) return;
    const withForm = this.adding && this.session?.info?.mode === 'test';
    if (!withForm && !this.selected) return;
    this.busy = true;
    this.confirming = true;
    this.problem = undefined;
    try {
      const added = withForm ? await this.saveFormCard() : undefined;
      if (withForm && !added) return;
      const selected = added?.payment_method_id ?? this.selected!;
      const onHold = subscription.status === 'on_hold';
      if (!onHold && selected === subscription.payment_method?.payment_method_id) return this.cancel();
      if (this.attempt?.method !== selected) this.attempt = { method: selected, key: newKey() };
      await this.charge(client, subscription, selected, this.attempt.key);
    } finally {
      this.busy = false;
      this.confirming = false;
    }
  }

  private async charge(client: PortalClient, subscription: PortalSubscription, selected: string, key: string): Promise<void> {
    try {
      const result = await client.setSubscriptionPaymentMethod(subscription.subscription_id, selected, { idempotencyKey: key });
      this.attempt = undefined;
      this.subscription = result.subscription;
      this.dues = undefined;
      emit(this, 'dodo-payment-method-updated', { change: 'selected', paymentMethodId: selected, subscriptionId: subscription.subscription_id });
      if (result.payment) {
        this.result = result;
        this.view = 'done';
        emit(this, 'dodo-subscription-reactivated', {
          subscriptionId: subscription.subscription_id,
          paymentId: result.payment.payment_id,
          invoiceId: result.invoice?.invoice_id ?? null,
          amount: result.payment.amount,
          currency: result.payment.currency,
        });
        void this.focusOn('.success');
      } else {
        this.view = 'show';
        this.notice = msg('Your payment method was updated.', { id: 'pm.updated' });
        void this.focusOn('.edit');
      }
    } catch (error) {
      const failure = apiError(error);
      // Only a request that may never have arrived is retried with the same key.
      if (failure?.status !== 0) this.attempt = undefined;
      if (failure?.code === 'payment_failed') {
        emit(this, 'dodo-payment-failed', {
          subscriptionId: subscription.subscription_id,
          paymentMethodId: selected,
          declineCode: failure.declineCode ?? null,
        });
      }
      this.fail(error, failure?.code === 'payment_failed' ? { kind: 'declined', code: failure.declineCode } : { kind: failure?.code === 'charge_in_progress' ? 'busy' : 'failed' });
    }
  }

  /**
   * Removes a card. One that pays subscriptions is removed only with the customer's choice of card
   * for each (`replacements`): the server's 409 lists them, the customer chooses, and the list is
   * read again afterwards so it shows where each subscription is now charged.
   */
  private async removeCard(method: PortalPaymentMethod, replacements?: Record<string, string>): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    this.busy = true;
    this.problem = undefined;
    try {
      await client.deletePaymentMethod(method.payment_method_id, undefined, replacements);
      this.removing = undefined;
      this.reassign = undefined;
      this.methods = this.methods.filter((m) => m !== method);
      this.notice = msg(str`Card ending in ${method.last4} removed.`, { id: 'pm.removed' });
      emit(this, 'dodo-payment-method-updated', { change: 'removed', paymentMethodId: method.payment_method_id, subscriptionId: null });
      for (const [subscriptionId, paymentMethodId] of Object.entries(replacements ?? {})) {
        emit(this, 'dodo-payment-method-updated', { change: 'selected', paymentMethodId, subscriptionId });
      }
      void this.focusOn('.add');
      // Read back where each subscription is charged now (a failed read leaves the removal done).
      if (replacements) this.methods = (await client.listPaymentMethods().catch(() => undefined))?.items ?? this.methods;
    } catch (error) {
      const failure = apiError(error);
      const subscriptions = failure?.code === 'payment_method_in_use' ? failure.details?.subscriptions : undefined;
      this.removing = undefined;
      if (subscriptions?.length && this.methods.some((m) => m !== method)) {
        const kept = this.reassign?.method === method ? this.reassign.choice : {};
        this.reassign = { method, subscriptions, choice: Object.fromEntries(subscriptions.flatMap(({ id }) => (kept[id] ? [[id, kept[id]]] : []))), missing: false };
        void this.focusOn('.reassign select');
      } else {
        this.reassign = undefined;
        // A choice that went stale (a card removed elsewhere): show what is true now.
        if (failure?.status === 400) void client.listPaymentMethods().then(({ items }) => (this.methods = items), () => undefined);
        this.fail(error, { kind: failure?.code === 'payment_method_in_use' ? 'in-use' : 'failed' });
      }
    } finally {
      this.busy = false;
    }
  }

  private async makeDefault(method: PortalPaymentMethod): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    this.busy = true;
    this.problem = undefined;
    try {
      const made = await client.setDefaultPaymentMethod(method.payment_method_id);
      // As the server lists them: the default first, the others in their order, none default.
      this.methods = [made, ...this.methods.filter((m) => m.payment_method_id !== made.payment_method_id).map((m) => ({ ...m, is_default: false }))];
      this.notice = msg(str`Card ending in ${method.last4} is now your default.`, { id: 'pm.default.done' });
      void this.focusOn('.methods .button');
    } catch (error) {
      this.fail(error, { kind: 'failed' });
    } finally {
      this.busy = false;
    }
  }

  private confirmReassign(event: SubmitEvent): void {
    event.preventDefault();
    const reassign = this.reassign;
    if (!reassign) return;
    if (reassign.subscriptions.some(({ id }) => !reassign.choice[id])) {
      this.reassign = { ...reassign, missing: true };
      return void this.focusOn('.reassign select[aria-invalid=true]');
    }
    void this.removeCard(reassign.method, reassign.choice);
  }

  private async download(): Promise<void> {
    const invoice = this.result?.invoice;
    if (!this.client || !invoice) return;
    this.downloadFailed = false;
    try {
      saveInvoicePdf(this.renderRoot, await this.client.invoicePdf(invoice.invoice_id), invoice.number);
    } catch (error) {
      if (apiError(error)?.isSessionExpired) this.noteFailure(error);
      else this.downloadFailed = true;
    }
  }

  private reload(): void {
    this.problem = undefined;
    this.view = 'show';
    (this.renderRoot.querySelector('.base') as HTMLElement | null)?.focus();
    void this.loader.run();
  }

  // --- Rendering ----------------------------------------------------------------------------

  private renderBrand(brand: CardBrand): TemplateResult {
    return html`<span part="brand" class="brand brand--${brand}">${brandName(brand)}</span>`;
  }

  private renderCard(method: { brand: CardBrand; last4: string; exp_month?: number; exp_year?: number }): TemplateResult {
    const expiry = `${String(method.exp_month).padStart(2, '0')}/${String(method.exp_year).slice(-2)}`;
    return html`<span part="card" class="card"
      >${this.renderBrand(method.brand)}
      <span><span aria-hidden="true">•••• </span><span class="visually-hidden">${msg('ending in', { id: 'pm.ending-in' })} </span>${method.last4}</span>
      ${method.exp_year
        ? html`<span class="muted">${msg(str`Expires ${expiry}`, { id: 'pm.expires' })}</span>`
        : nothing}</span
    >`;
  }

  private renderProblem(): TemplateResult | typeof nothing {
    const problem = this.problem;
    if (!problem) return nothing;
    let title = msg('Something went wrong. Please try again.', { id: 'pm.problem.failed' });
    let body: string | typeof nothing = nothing;
    let action: TemplateResult | typeof nothing = nothing;
    if (problem.kind === 'declined') {
      title = msg('The payment did not go through', { id: 'pm.problem.declined' });
      body = `${cardDeclineText(problem.code)} ${msg('Nothing was charged. Choose another card or add a new one.', { id: 'pm.problem.declined.body' })}`;
    } else if (problem.kind === 'busy') {
      title = msg('A payment is already being processed.', { id: 'pm.problem.busy' });
      body = msg('Refresh in a moment to see its result.', { id: 'pm.problem.busy.body' });
      action = html`<button type="button" class="button" @click=${this.reload}>${msg('Refresh', { id: 'pm.refresh' })}</button>`;
    } else if (problem.kind === 'network') {
      title = msg('We could not reach the server.', { id: 'pm.problem.network' });
      body = msg('Check your connection and try again. You will not be charged twice.', { id: 'pm.problem.network.body' });
    } else if (problem.kind === 'in-use') {
      title = msg('This card pays for an active subscription.', { id: 'pm.problem.in-use' });
      body = msg('Add another card and switch the subscription to it before removing this one.', { id: 'pm.problem.in-use.body' });
    }
    return html`<div part="error" class="message message--error problem" role="alert" tabindex="-1">
      <p class="message__title">${title}</p>
      ${body === nothing ? nothing : html`<p class="message__body">${body}</p>`} ${action}
    </div>`;
  }

  private renderAddButton(): TemplateResult {
    return html`<button type="button" class="button add" @click=${this.openForm}>${msg('Add a new card', { id: 'pm.add' })}</button>`;
  }

  private renderField(field: Field, label: string, autocomplete: string, extra?: TemplateResult): TemplateResult {
    const error = this.errors[field];
    return html`<div part="field" class="field field--${field}">
      <label for=${field}>${label}</label>
      <span class="control">
        <input
          part="input"
          id=${field}
          name=${autocomplete}
          autocomplete=${autocomplete}
          inputmode=${field === 'name' ? 'text' : 'numeric'}
          spellcheck="false"
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? `${field}-error` : nothing}
          @input=${(event: Event) => this.onInput(field, event)}
          @blur=${() => this.onBlur(field)}
        />${extra}
      </span>
      <p part="field-error" class="field-error" id="${field}-error">${error ?? nothing}</p>
    </div>`;
  }

  private renderForm(): TemplateResult {
    if (this.session?.info?.mode !== 'test') {
      return html`<div part="notice" class="message">
        <p class="message__body">
          ${msg('New cards cannot be entered here yet. Choose a saved card, or contact the business to update your card.', { id: 'pm.live' })}
        </p>
      </div>`;
    }
    const brand = this.brand;
    return html`<form part="card-form" class="card-form" novalidate @submit=${this.addCard}>
      ${this.renderField(
        'number',
        msg('Card number', { id: 'pm.number' }),
        'cc-number',
        brand === 'unknown' ? undefined : this.renderBrand(brand),
      )}
      ${this.renderField('exp', msg('Expiry date (MM / YY)', { id: 'pm.exp' }), 'cc-exp')}
      ${this.renderField('cvc', msg('Security code (CVC)', { id: 'pm.cvc' }), 'cc-csc')}
      ${this.renderField('name', msg('Name on card', { id: 'pm.name' }), 'cc-name')}
      <div part="actions" class="actions">
        <button type="submit" class="button button--primary" aria-disabled=${this.busy ? 'true' : 'false'}>
          ${this.busy && !this.confirming ? msg('Processing…', { id: 'pm.processing' }) : msg('Save card', { id: 'pm.save' })}
        </button>
        <button type="button" class="button" @click=${this.closeForm}>${msg('Cancel', { id: 'pm.cancel' })}</button>
      </div>
    </form>`;
  }

  private renderCurrent(subscription: PortalSubscription): TemplateResult {
    const current = subscription.payment_method;
    const saved = this.methods.find((m) => m.payment_method_id === current?.payment_method_id);
    return html`<div part="current" class="current">
      ${subscription.status === 'on_hold'
        ? html`<div part="notice" class="message message--expired">
            <p class="message__title">${msg('Your subscription is on hold', { id: 'pm.on-hold' })}</p>
            <p class="message__body">
              ${msg('The last payment failed. Update your card to pay what is due and reactivate it.', { id: 'pm.on-hold.body' })}
            </p>
          </div>`
        : nothing}
      <p class="label">${msg('Payment method', { id: 'pm.title' })}</p>
      <div class="row">
        ${current ? this.renderCard(saved ?? current) : html`<span class="muted">${msg('No card on file', { id: 'pm.none' })}</span>`}
        ${subscription.actions.includes('update_payment_method')
          ? html`<button type="button" class="button edit" @click=${this.edit}>${msg('Edit', { id: 'pm.edit' })}</button>`
          : nothing}
      </div>
    </div>`;
  }

  private renderEdit(subscription: PortalSubscription): TemplateResult {
    const dues = this.dues;
    const charge = subscription.status === 'on_hold' && dues && dues.amount > 0;
    return html`${this.renderProblem()}
      <fieldset part="methods" class="methods">
        <legend class="label">${msg('Choose a card', { id: 'pm.choose' })}</legend>
        ${this.methods.map(
          (method) => html`<label part="method" class="method">
            <input
              type="radio"
              name="method"
              .checked=${this.selected === method.payment_method_id}
              @change=${() => {
                // Choosing a saved card puts the form away: one choice on screen.
                this.selected = method.payment_method_id;
                this.adding = false;
              }}
            />${this.renderCard(method)}
          </label>`,
        )}
      </fieldset>
      ${this.adding ? this.renderForm() : this.renderAddButton()}
      ${charge
        ? html`<p part="dues" class="dues">${msg(str`You will be charged ${this.money(dues.amount, dues.currency)} now.`, { id: 'pm.dues' })}</p>`
        : nothing}
      <div part="actions" class="actions">
        <button
          type="button"
          class="button button--primary confirm"
          aria-disabled=${this.busy || !(this.selected || this.adding) ? 'true' : 'false'}
          @click=${this.confirm}
        >
          ${this.confirming
            ? msg('Processing…', { id: 'pm.processing' })
            : charge
              ? msg(str`Pay ${this.money(dues.amount, dues.currency)}`, { id: 'pm.pay' })
              : msg('Confirm changes', { id: 'pm.confirm' })}
        </button>
        <button type="button" class="button" @click=${this.cancel}>${msg('Cancel', { id: 'pm.cancel' })}</button>
      </div>`;
  }

  private renderDone(): TemplateResult {
    const { payment, invoice, subscription } = this.result!;
    return html`<div part="success" class="message message--success success" tabindex="-1">
      <p class="message__title">${msg('Payment received. Your subscription is active again.', { id: 'pm.done' })}</p>
      <p>${msg(str`You paid ${this.money(payment!.amount, payment!.currency)}.`, { id: 'pm.done.paid' })}</p>
      ${subscription.next_billing_date
        ? html`<p>${msg(str`Next billing date: ${formatDate(subscription.next_billing_date, this.locale)}`, { id: 'pm.done.next' })}</p>`
        : nothing}
      <p class="download-error" role="alert">${this.downloadFailed ? msg('The download failed. Please try again.', { id: 'invoice-list.download.error' }) : nothing}</p>
      <div part="actions" class="actions">
        ${invoice
          ? html`<button type="button" class="button button--primary" @click=${this.download}>
              ${msg('Download invoice (PDF)', { id: 'pm.done.invoice' })}
            </button>`
          : nothing}
        <button type="button" class="button" @click=${this.cancel}>${msg('Done', { id: 'pm.done.close' })}</button>
      </div>
    </div>`;
  }

  private renderManage(): TemplateResult {
    return html`${this.renderProblem()}
      <p class="label">${msg('Saved cards', { id: 'pm.saved' })}</p>
      ${this.methods.length
        ? html`<ul part="methods" class="methods">
            ${this.methods.map(
              (method) => html`<li part="method" class="method row">
                ${this.renderCard(method)}
                ${method.is_default ? html`<span part="badge" class="badge">${msg('Default', { id: 'pm.default' })}</span>` : nothing}
                ${this.removing === method.payment_method_id
                  ? html`<span class="actions">
                      <span>${msg('Remove this card?', { id: 'pm.remove.ask' })}</span>
                      <button type="button" class="button button--primary really" @click=${() => this.removeCard(method)}>
                        ${msg('Remove card', { id: 'pm.remove.yes' })}
                      </button>
                      <button type="button" class="button" @click=${() => {
                        this.removing = undefined;
                        void this.focusOn('.add');
                      }}>${msg('Keep', { id: 'pm.remove.no' })}</button>
                    </span>`
                  : html`<span class="actions">${method.is_default
                        ? nothing
                        : html`<button type="button" class="button" @click=${() => this.makeDefault(method)}>
                            ${msg('Make default', { id: 'pm.make-default' })}<span class="visually-hidden"> ${msg(str`card ending in ${method.last4}`, { id: 'pm.remove.what' })}</span>
                          </button>`}<button
                      type="button"
                      class="button"
                      @click=${() => {
                        this.removing = method.payment_method_id;
                        this.problem = undefined;
                        void this.focusOn('.really');
                      }}
                    >
                      ${msg('Remove', { id: 'pm.remove' })}<span class="visually-hidden"> ${msg(str`card ending in ${method.last4}`, { id: 'pm.remove.what' })}</span>
                    </button></span>`}
              </li>`,
            )}
          </ul>`
        : html`<p part="empty" class="muted">${msg('No saved cards yet.', { id: 'pm.empty' })}</p>`}
      ${this.renderReassign()} ${this.adding ? this.renderForm() : this.renderAddButton()}`;
  }

  private renderReassign(): TemplateResult | typeof nothing {
    const reassign = this.reassign;
    if (!reassign) return nothing;
    const others = this.methods.filter((m) => m !== reassign.method);
    return html`<form part="reassign" class="reassign card-form" novalidate @submit=${this.confirmReassign}>
      <p class="message__title">
        ${msg(str`The card ending in ${reassign.method.last4} pays for subscriptions. Choose the card that pays each from now on.`, { id: 'pm.reassign.title' })}
      </p>
      ${reassign.subscriptions.map(({ id, product_name }) => {
        const missing = reassign.missing && !reassign.choice[id];
        return html`<div part="field" class="field">
          <label for="reassign-${id}">${product_name}</label>
          <select
            id="reassign-${id}"
            aria-invalid=${missing ? 'true' : 'false'}
            aria-describedby=${missing ? `reassign-${id}-error` : nothing}
            @change=${(event: Event) => {
              const value = (event.target as HTMLSelectElement).value;
              this.reassign = { ...reassign, choice: { ...reassign.choice, [id]: value } };
            }}
          >
            <option value="" ?selected=${!reassign.choice[id]}>${msg('Choose a card', { id: 'pm.choose' })}</option>
            ${others.map(
              (m) =>
                html`<option value=${m.payment_method_id} ?selected=${reassign.choice[id] === m.payment_method_id}>
                  ${msg(str`${brandName(m.brand)} ending in ${m.last4}`, { id: 'pm.option' })}
                </option>`,
            )}
          </select>
          <p part="field-error" class="field-error" id="reassign-${id}-error">
            ${missing ? msg('Choose the card that pays this subscription.', { id: 'pm.reassign.missing' }) : nothing}
          </p>
        </div>`;
      })}
      <div part="actions" class="actions">
        <button type="submit" class="button button--primary" aria-disabled=${this.busy ? 'true' : 'false'}>
          ${msg('Remove card and switch', { id: 'pm.reassign.confirm' })}
        </button>
        <button type="button" class="button" @click=${() => {
          this.reassign = undefined;
          void this.focusOn('.add');
        }}>${msg('Keep', { id: 'pm.remove.no' })}</button>
      </div>
    </form>`;
  }

  private renderContent(): TemplateResult {
    if (this.expired) return this.renderExpired();
    const status = this.loader.status;
    if (status === TaskStatus.ERROR) {
      return this.renderLoadError(msg('We could not load your payment methods.', { id: 'pm.load-error' }), this.reload);
    }
    if (status !== TaskStatus.COMPLETE) {
      return html`<div class="current" aria-hidden="true">
        <span class="skeleton"></span>
        <div class="row"><span class="skeleton skeleton--card"></span><span class="skeleton skeleton--button"></span></div>
      </div>`;
    }
    const subscription = this.subscription;
    if (!subscription) return this.renderManage();
    return this.view === 'done' ? this.renderDone() : this.view === 'edit' ? this.renderEdit(subscription) : this.renderCurrent(subscription);
  }

  override render(): TemplateResult {
    const loading = !this.expired && this.loader.status !== TaskStatus.COMPLETE && this.loader.status !== TaskStatus.ERROR;
    return html`<div part="base" class="base" tabindex="-1" aria-busy=${loading ? 'true' : 'false'}>
      <p class="visually-hidden" role="status">
        ${loading ? msg('Loading payment methods…', { id: 'pm.loading' }) : this.notice}
      </p>
      ${this.renderContent()}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-payment-method-editor': DodoPaymentMethodEditor;
  }
}
