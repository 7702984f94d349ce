/**
 * The new-card form: formats and checks the fields as the customer types, tokenizes the card with
 * the processor (the number and CVC go nowhere else) and saves it. What a saved card means — the
 * list, the subscription's choice — is the owner's, told through `added`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { createCardToken, type CardBrand, type PortalClient, type PortalPaymentMethod, addPaymentMethod } from '@dodo-portal/wire/client';
import { brandOf, cvcLength, digitsOf, expiryPast, formatExpiry, groupNumber, numberValid, parseExpiry } from './card.ts';
import { cardDeclineText, renderBrand } from './card-view.ts';
import { apiError, type EditorHost, type Feedback, type Portal } from './shared.ts';

type Field = 'number' | 'exp' | 'cvc' | 'name';
const FIELDS: Field[] = ['number', 'exp', 'cvc', 'name'];
/** The processor's decline codes on tokenization, and the field each one is about (else the number). */
const FIELD_OF_CODE: Record<string, Field> = { expired_card: 'exp', invalid_expiry_month: 'exp', invalid_expiry_year: 'exp', invalid_cvc: 'cvc', incorrect_cvc: 'cvc' };

export interface CardFormOwner {
  /** The form opened (`true`, from "Add a new card") or the customer cancelled it (`false`). */
  toggled(open: boolean): void;
  /** A card from the form was saved (the form has closed). */
  added(method: PortalPaymentMethod): void;
}

export class CardForm {
  open = false;
  #errors: Partial<Record<Field, string>> = {};
  #brand: CardBrand = 'unknown';

  constructor(
    private readonly host: EditorHost,
    private readonly fromPortal: Portal,
    private readonly feedback: Feedback,
    private readonly owner: CardFormOwner,
  ) {}

  /** Puts the form away without a word (another choice was made, or the view starts over). */
  hide(): void {
    this.open = false;
    this.host.requestUpdate();
  }

  #show(): void {
    this.open = true;
    this.#errors = {};
    this.#brand = 'unknown';
    this.owner.toggled(true);
    void this.feedback.focusOn('#number');
  }

  #cancel(): void {
    this.open = false;
    this.owner.toggled(false);
    void this.feedback.focusOn('.add');
  }

  #input(name: Field): HTMLInputElement {
    return this.host.renderRoot.querySelector<HTMLInputElement>(`#${name}`)!;
  }

  private setErrors(errors: Partial<Record<Field, string>>): void {
    this.#errors = errors;
    this.host.requestUpdate();
  }

  /** Reformat as typed, keeping the caret after the same number of digits. */
  private onInput(field: Field, event: Event): void {
    const input = event.target as HTMLInputElement;
    if (field !== 'name') {
      const caretDigits = digitsOf(input.value.slice(0, input.selectionStart ?? input.value.length)).length;
      const digits = digitsOf(input.value);
      const value = field === 'number' ? groupNumber(digits) : field === 'exp' ? formatExpiry(digits) : digits.slice(0, cvcLength(this.#brand));
      input.value = value;
      let caret = 0;
      for (let seen = 0; caret < value.length && seen < caretDigits; caret += 1) if (/\d/.test(value[caret]!)) seen += 1;
      input.setSelectionRange(caret, caret);
      if (field === 'number') {
        this.#brand = brandOf(digits);
        this.host.requestUpdate();
      }
    }
    // A shown error updates as the customer fixes it; a new one waits for blur or submit.
    if (this.#errors[field]) this.setErrors({ ...this.#errors, [field]: this.#check(field) });
  }

  /**
   * A new error appears when the customer leaves the field; one already shown (or the processor's
   * refusal) stays until the field is changed. Clearing it on blur would shift the buttons below
   * between mouse down and up, and the click on Cancel or Pay would be lost.
   */
  private onBlur(field: Field): void {
    if (this.#input(field).value && !this.#errors[field]) this.setErrors({ ...this.#errors, [field]: this.#check(field) });
  }

  #check(field: Field): string | undefined {
    const value = this.#input(field).value.trim();
    if (field === 'number') {
      if (!value) return msg('Enter the card number.');
      // The same words as the processor's refusal of the same mistake.
      return numberValid(digitsOf(value)) ? undefined : cardDeclineText('invalid_number');
    }
    if (field === 'exp') {
      const expiry = parseExpiry(value);
      if (!expiry) return msg('Enter the expiry date as MM / YY.');
      return expiryPast(expiry, new Date()) ? cardDeclineText('expired_card') : undefined;
    }
    if (field === 'cvc') {
      const length = cvcLength(this.#brand);
      return value.length === length ? undefined : msg(str`Enter the ${length}-digit security code.`);
    }
    return value ? undefined : msg('Enter the name on the card.');
  }

  /**
   * Checks the form, then tokenizes and saves its card. Undefined when a field is wrong (its
   * error shown, focus on it) or the save failed (said); nothing is sent while a field is wrong.
   * The caller holds the feedback's write.
   */
  async save(client: PortalClient): Promise<PortalPaymentMethod | undefined> {
    const errors: Partial<Record<Field, string>> = {};
    for (const field of FIELDS) errors[field] = this.#check(field);
    this.setErrors(errors);
    const invalid = FIELDS.find((field) => errors[field]);
    if (invalid) return void this.#input(invalid).focus();
    // Only the sandbox's tokenization is built in: a live card number is never sent anywhere.
    if (!this.fromPortal.testMode()) return undefined;

    const expiry = parseExpiry(this.#input('exp').value)!;
    this.feedback.problem = undefined;
    try {
      const token = await createCardToken(
        { apiBase: client.apiBase },
        {
          number: digitsOf(this.#input('number').value),
          exp_month: expiry.month,
          exp_year: expiry.year,
          cvc: this.#input('cvc').value,
          name: this.#input('name').value.trim(),
        },
      );
      const method = await addPaymentMethod(client, token.card_token);
      this.hide();
      this.owner.added(method);
      return method;
    } catch (error) {
      const failure = apiError(error);
      // 400: refused at tokenization; 402: the processor's check of the card declined it (nothing saved).
      const refused = failure?.code === 'payment_failed';
      const field = failure?.status === 400 || refused ? (FIELD_OF_CODE[failure.declineCode ?? ''] ?? 'number') : undefined;
      if (field) {
        this.setErrors({
          [field]: refused && failure!.declineCode === 'card_declined' ? msg('Your bank declined this card. Use another card.') : cardDeclineText(failure!.declineCode),
        });
        this.#input(field).focus();
      } else this.feedback.fail(error);
      return undefined;
    }
  }

  /** Save card: saves the form's card alone, then focus goes to `next`. */
  async #submit(event: SubmitEvent, next: string): Promise<void> {
    event.preventDefault();
    await this.feedback.write(async (client) => {
      if (await this.save(client)) void this.feedback.focusOn(next);
    });
  }

  private renderField(field: Field, label: string, autocomplete: string, extra?: TemplateResult): TemplateResult {
    const error = this.#errors[field];
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
          aria-invalid=${!!error}
          aria-describedby=${error ? `${field}-error` : nothing}
          @input=${(event: Event) => this.onInput(field, event)}
          @blur=${() => this.onBlur(field)}
        />${extra}
      </span>
      <p part="field-error" class="field-error" id="${field}-error">${error ?? nothing}</p>
    </div>`;
  }

  /**
   * The form when open, else its "Add a new card" button. `processing`: Save card shows the write
   * in flight; `next`: where focus goes once Save card has saved the card.
   */
  render(processing: boolean, next: string): TemplateResult {
    if (!this.open) {
      return html`<button type="button" class="button add" @click=${() => this.#show()}>${msg('Add a new card')}</button>`;
    }
    if (!this.fromPortal.testMode()) {
      return html`<div part="notice" class="message">
        <p class="message__body">
          ${msg('New cards cannot be entered here yet. Choose a saved card, or contact the business to update your card.')}
        </p>
      </div>`;
    }
    const brand = this.#brand;
    return html`<form part="card-form" class="card-form" novalidate @submit=${(event: SubmitEvent) => this.#submit(event, next)}>
      ${this.renderField('number', msg('Card number'), 'cc-number', brand === 'unknown' ? undefined : renderBrand(brand))}
      ${this.renderField('exp', msg('Expiry date (MM / YY)'), 'cc-exp')}
      ${this.renderField('cvc', msg('Security code (CVC)'), 'cc-csc')}
      ${this.renderField('name', msg('Name on card'), 'cc-name')}
      <div part="actions" class="actions">
        <button type="submit" class="button button--primary" aria-disabled=${this.feedback.busy}>
          ${processing ? msg('Processing…') : msg('Save card')}
        </button>
        <button type="button" class="button" @click=${() => this.#cancel()}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }
}
