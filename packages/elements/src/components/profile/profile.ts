import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import { PortalApiError, postalCodeMatches, type BillingAddress, type Profile, type UpdateProfileBody, getProfile, updateProfile } from '@dodo-portal/wire/client';
import type { ProfileUpdatedDetail } from '../../events.ts';
import { states } from '../../styles/states.ts';
import { fields } from '../../styles/fields.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { ConfirmationController } from '../../controllers/confirmation.ts';
import { DataController } from '../../controllers/data.ts';
import { Formatter } from '../../controllers/format.ts';
import { RefreshController, emit } from '../../controllers/refresh.ts';
import { SessionController } from '../../controllers/session.ts';
import { ThemedElement } from '../themed-element.ts';
import { countries } from './countries.ts';
import styles from './profile.styles.ts';

type Field = 'name' | keyof BillingAddress;
type Errors = Partial<Record<Field, string>>;

const ADDRESS_FIELDS = ['street', 'city', 'state', 'zipcode', 'country'] as const;
/** In the form's order. */
const FIELDS = ['name', ...ADDRESS_FIELDS] as const;
/** Each text field's `maxlength` (the server's limit) and `autocomplete` token (the country is a `<select>`). */
const INPUTS: Record<Exclude<Field, 'country'>, [number, string]> = {
  name: [200, 'name'],
  street: [200, 'street-address'],
  city: [100, 'address-level2'],
  state: [100, 'address-level1'],
  zipcode: [20, 'postal-code'],
};

/** The address is all or nothing: once any part is given, it is saved (and its required parts must be there). */
const hasAddress = (values: Record<Field, string>): boolean => ADDRESS_FIELDS.some((field) => values[field]);

/**
 * @tagname dodo-profile
 * @summary The customer's name, email, phone and credit balance, and a form to correct the name
 * and billing address, with inline validation.
 *
 * Needs a `<dodo-portal>` ancestor. Email and phone are shown, not editable here.
 *
 * @fires {CustomEvent<ProfileUpdatedDetail>} dodo-profile-updated - The customer saved the form.
 * @fires {CustomEvent<PortalChangedDetail>} dodo-portal-changed - After each successful write: what
 *   changed (e.g. `subscriptions`, `invoices`), so the other sections refetch it.
 * @fires {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401.
 *
 * @csspart base - The wrapper around every state.
 * @csspart details - The profile as a list of facts.
 * @csspart credit - The credit balances (shown when there are any).
 * @csspart form - The edit form.
 * @csspart actions - The Edit, Save and Cancel buttons.
 * @csspart error - A load or save failure, or the expired session.
 * @csspart confirmation - The visible, announced line once the details are saved.
 *
 * @cssproperty --dodo-color-primary - Primary buttons and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background and inputs.
 * @cssproperty --dodo-color-surface-raised - Skeletons.
 * @cssproperty --dodo-color-text - Text.
 * @cssproperty --dodo-color-text-muted - Labels.
 * @cssproperty --dodo-color-border - Borders.
 * @cssproperty --dodo-color-success - The confirmation's edge.
 * @cssproperty --dodo-color-danger - Validation messages.
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoProfile extends ThemedElement {
  static override get styles() {
    return [tokens, base, states, fields, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      editing: { state: true, attribute: false },
      busy: { state: true, attribute: false },
      errors: { state: true, attribute: false },
      saveFailed: { state: true, attribute: false },
    };
  }

  readonly #portalSession = new SessionController(this);
  readonly #formatter = new Formatter(() => this.#portalSession.locale);
  readonly #profileData = new DataController<Profile>(this, this.#portalSession, {
    load: (client, _args, signal) => {
      this.saved = undefined;
      return getProfile(client, signal);
    },
  });

  /** A plan change can move money to the credit balance shown here. */
  private readonly refresher = new RefreshController(this, ['profile'], () => this.#profileData.run());

  /** "Your details have been saved." */
  readonly #confirmation = new ConfirmationController(this);

  private editing = false;
  private busy = false;
  private errors: Errors = {};
  /** A save failure that no field explains. */
  private saveFailed = false;
  /** The profile as last saved, which supersedes the loaded one (not reactive: leaving the form or a reload renders it). */
  private saved: Profile | undefined;

  #label(field: Field): string {
    return {
      name: msg('Name'),
      street: msg('Street address'),
      city: msg('City'),
      state: msg('State or region (optional)'),
      zipcode: msg('Postal code'),
      country: msg('Country'),
    }[field];
  }

  async #edit(editing: boolean): Promise<void> {
    this.editing = editing;
    this.errors = {};
    this.saveFailed = false;
    this.#confirmation.show('');
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(editing ? '#name' : '[part="actions"] button')?.focus();
  }

  /** The form's values, trimmed. */
  #read(form: HTMLFormElement): Record<Field, string> {
    const data = new FormData(form);
    return Object.fromEntries(FIELDS.map((field) => [field, String(data.get(field) ?? '').trim()])) as Record<Field, string>;
  }

  #validate(values: Record<Field, string>): Errors {
    const errors: Errors = {};
    const required = msg('Fill in this field.');
    if (!values.name) errors.name = required;
    if (hasAddress(values)) {
      for (const field of ['street', 'city', 'zipcode'] as const) if (!values[field]) errors[field] = required;
      if (!/^[A-Z]{2}$/.test(values.country)) errors.country = msg('Choose a country.');
      else if (values.zipcode && !postalCodeMatches(values.country, values.zipcode)) {
        errors.zipcode = msg('This is not a postal code of the country you chose: check it, or the country.');
      }
    }
    return errors;
  }

  /** Inline: once a field has been flagged, re-check as the customer types. */
  #revalidate(event: Event): void {
    if (Object.keys(this.errors).length === 0) return;
    this.errors = this.#validate(this.#read(event.currentTarget as HTMLFormElement));
  }

  async #save(event: SubmitEvent, profile: Profile): Promise<void> {
    event.preventDefault();
    const client = this.#portalSession.client;
    if (!client || this.busy) return;
    const values = this.#read(event.target as HTMLFormElement);
    this.saveFailed = false;
    if (await this.#flag(this.#validate(values))) return;
    const { name, ...address } = values;
    const body: UpdateProfileBody = { name };
    if (hasAddress(values)) body.billing_address = address;
    else if (profile.billing_address) body.billing_address = null;
    this.busy = true;
    try {
      const saved = await updateProfile(client, body);
      this.saved = saved;
      emit<ProfileUpdatedDetail>(this, 'dodo-profile-updated', { profile: saved });
      await this.#edit(false);
      this.#confirmation.show(msg('Your details have been saved.'));
    } catch (error) {
      this.#portalSession.noteFailure(error);
      // A failure no field explains is said under the form.
      this.saveFailed = !(await this.#flag(this.#serverErrors(error)));
    } finally {
      this.busy = false;
    }
  }

  /** The server's validation issues on the fields they name (`billing_address.zipcode` → zipcode). */
  #serverErrors(error: unknown): Errors {
    const errors: Errors = {};
    for (const issue of (error instanceof PortalApiError && error.issues) || []) {
      const field = issue.path.replace(/^billing_address\.?/, '') || 'street';
      if ((FIELDS as readonly string[]).includes(field)) errors[field as Field] = msg('Check this field: the value was not accepted.');
    }
    return errors;
  }

  /** Shows `errors` on their fields and focuses the first: whether there was one. */
  async #flag(errors: Errors): Promise<boolean> {
    this.errors = errors;
    const first = FIELDS.find((field) => errors[field]);
    if (!first) return false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#${first}`)?.focus();
    return true;
  }

  #renderField(field: Field, value: string, required: boolean): TemplateResult {
    const error = this.errors[field];
    const control =
      field === 'country'
        ? html`<select id=${field} name=${field} class="input" aria-invalid=${!!error} aria-describedby="${field}-error">
            <option value="" ?selected=${!value}>${msg('Choose a country')}</option>
            ${countries(this.#portalSession.locale).map(([code, name]) => html`<option value=${code} ?selected=${code === value}>${name}</option>`)}
          </select>`
        : html`<input
            id=${field}
            name=${field}
            class="input"
            .value=${value}
            maxlength=${INPUTS[field][0]}
            autocomplete=${INPUTS[field][1]}
            ?required=${required}
            aria-invalid=${!!error}
            aria-describedby="${field}-error"
          />`;
    return html`
      <div class="field">
        <label for=${field}>${this.#label(field)}</label>
        ${control}
        <p id="${field}-error" class="field__error">${error ?? nothing}</p>
      </div>
    `;
  }

  #renderForm(profile: Profile): TemplateResult {
    const address = profile.billing_address;
    return html`
      <form part="form" class="form" novalidate @submit=${(event: SubmitEvent) => this.#save(event, profile)} @input=${this.#revalidate}>
        ${this.#renderField('name', profile.name, true)}
        <fieldset>
          <legend>${msg('Billing address')}</legend>
          ${ADDRESS_FIELDS.map((field) => this.#renderField(field, address?.[field] ?? '', field !== 'state'))}
        </fieldset>
        <p part="error" class="field__error" role="alert">
          ${this.saveFailed ? msg('Your details could not be saved. Please try again.') : nothing}
        </p>
        <div part="actions" class="actions">
          <button type="submit" class="button button--primary" aria-disabled=${this.busy}>
            ${this.busy ? msg('Saving…') : msg('Save')}
          </button>
          <button type="button" class="button" @click=${() => this.#edit(false)}>${msg('Cancel')}</button>
        </div>
      </form>
    `;
  }

  #renderView(profile: Profile): TemplateResult {
    const address = profile.billing_address;
    const none = msg('Not given');
    return html`
      <dl part="details" class="details">
        <dt>${this.#label('name')}</dt>
        <dd>${profile.name}</dd>
        <dt>${msg('Email')}</dt>
        <dd>${profile.email}</dd>
        <dt>${msg('Phone')}</dt>
        <dd>${profile.phone_number ?? none}</dd>
        <dt>${msg('Billing address')}</dt>
        <dd>
          ${
            address
              ? html`<address>
                ${address.street}<br />${address.zipcode} ${address.city}${address.state ? html`<br />${address.state}` : nothing}<br />${countries(this.#portalSession.locale).find(([code]) => code === address.country)?.[1] ?? address.country}
              </address>`
              : none
          }
        </dd>
      </dl>
      ${
        profile.credit_balances.length
          ? html`<dl part="credit" class="details">
            <dt>${msg('Credit balance')}</dt>
            ${profile.credit_balances.map((balance) => html`<dd>${this.#formatter.money(balance.amount, balance.currency)}</dd>`)}
          </dl>`
          : nothing
      }
      <div part="actions" class="actions">
        <button type="button" class="button" @click=${() => this.#edit(true)}>${msg('Edit details')}</button>
      </div>
    `;
  }

  override render(): TemplateResult {
    const content = this.#profileData.render({
      initial: () => html`<span class="skeleton"></span>`,
      // A refresh (another section changed the profile) keeps what is shown, an open form and its typing included.
      stale: true,
      loading: () =>
        html`<div aria-busy="true">
          <span class="visually-hidden" role="status">${msg('Loading your details…')}</span>
          <span class="skeleton"></span><span class="skeleton skeleton--wide"></span><span class="skeleton skeleton--wide"></span>
        </div>`,
      complete: (loaded) => {
        const profile = this.saved ?? loaded;
        return this.editing ? this.#renderForm(profile) : this.#renderView(profile);
      },
      error: msg("We couldn't load your details."),
    });
    return html`
      <div part="base" class="base">
        ${this.#portalSession.expired ? nothing : html`<h3 class="title">${msg('Your details')}</h3>`}
        ${this.#confirmation.render()} ${content}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-profile': DodoProfile;
  }
}
