import { html, nothing, type LitElement, type PropertyDeclarations, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { TaskStatus } from '../../controllers/task.ts';
import {
  PortalApiError,
  type ChangePlanBody,
  type ChangePlanPreview,
  type ChangePlanResult,
  type PlanOptions,
  type PortalProduct,
  type PortalSubscription,
  changePlan,
  getSubscription,
  planOptions,
  previewPlanChange,
} from '@dodo-portal/wire/client';
import type { PaymentMethodRequestedDetail, PlanChangeRequestDetail, PlanChangedDetail } from '../../events.ts';
import { DataController, initialState } from '../../controllers/data.ts';
import { Formatter, pricePer } from '../../controllers/format.ts';
import { emit } from '../../controllers/refresh.ts';
import { SessionController, errorCode } from '../../controllers/session.ts';
import { SubmitController } from '../../controllers/submit.ts';
import { states } from '../../styles/states.ts';
import { fields } from '../../styles/fields.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { declineText } from '../decline.ts';
import { ThemedElement } from '../themed-element.ts';
import styles from './plan-switcher.styles.ts';

const MAX_QUANTITY = 10_000;

interface Loaded {
  subscription: PortalSubscription;
  /** `null` when the customer may not change this subscription's plan (no request made). */
  options: PlanOptions | null;
}

interface Failure {
  code: string;
  declineCode?: string;
}

type Addons = ChangePlanBody['addons'] & {};

/** The add-ons as a canonical string (`id:qty,…`, sorted, zeros dropped), so the preview Task sees a primitive. */
const addonsKey = (addons: Addons): string =>
  addons
    .filter(({ quantity }) => quantity > 0)
    .map(({ product_id, quantity }) => `${product_id}:${quantity}`)
    .sort()
    .join(',');

const parseAddons = (key: string): Addons =>
  key
    ? key.split(',').map((pair) => {
        const colon = pair.lastIndexOf(':');
        return { product_id: pair.slice(0, colon), quantity: Number(pair.slice(colon + 1)) };
      })
    : [];

/**
 * @tagname dodo-plan-switcher
 * @summary Change a subscription's plan within its product collection, and its add-ons: every
 * tier in order with the current one marked, the exact price of the change before a confirm,
 * then a success or a clear failure.
 *
 * Needs a `<dodo-portal>` ancestor. When the business does not allow plan changes, only a notice
 * is shown. A declined card leaves the plan unchanged and offers to update the card (opening
 * `<dodo-payment-method-editor>` when it is registered).
 *
 * @attr subscription-id - The subscription to change.
 *
 * @fires {CustomEvent<PlanChangeRequestDetail>} dodo-plan-change-request - The customer confirmed a
 *   previewed change; nothing is charged yet. Cancelable: `preventDefault()` stops the change.
 * @fires {CustomEvent<PlanChangedDetail>} dodo-plan-changed - The plan changed (and was charged).
 * @fires {CustomEvent<PaymentMethodRequestedDetail>} dodo-payment-method-requested - After a
 *   declined charge, the customer asked to update the card.
 * @fires {CustomEvent<PortalChangedDetail>} dodo-portal-changed - After each successful write: what
 *   changed (e.g. `subscriptions`, `invoices`), so the other sections refetch it.
 * @fires {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401.
 *
 * @csspart base - The wrapper around every state.
 * @csspart plans - The list of tiers.
 * @csspart plan - One tier (a radio with its name, label and price).
 * @csspart addons - The add-on quantities.
 * @csspart preview - The price of the change: line items, tax, credit, total and next billing date.
 * @csspart confirm - The confirm button.
 * @csspart success - The "plan changed" message.
 * @csspart error - A failure, the notice when changes are not allowed, or the expired session.
 *
 * @cssproperty --dodo-color-primary - Primary buttons, the selected tier and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-surface-raised - Skeletons and the preview.
 * @cssproperty --dodo-color-text - Text.
 * @cssproperty --dodo-color-text-muted - Secondary text.
 * @cssproperty --dodo-color-border - Borders.
 * @cssproperty --dodo-color-success - "Upgrade", success.
 * @cssproperty --dodo-color-warning - "Downgrade".
 * @cssproperty --dodo-color-danger - Failures.
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoPlanSwitcher extends ThemedElement {
  static override get styles() {
    return [tokens, base, states, fields, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      productId: { state: true, attribute: false },
      quantity: { state: true, attribute: false },
      addons: { state: true, attribute: false },
      result: { state: true, attribute: false },
      failure: { state: true, attribute: false },
      editingCard: { state: true, attribute: false },
      subscriptionId: { attribute: 'subscription-id' },
    };
  }

  readonly #portalSession = new SessionController(this);
  readonly #formatter = new Formatter(() => this.#portalSession.locale);

  readonly #planData = new DataController<Loaded>(this, this.#portalSession, {
    load: async (client, [id], signal) => {
      if (!id) return initialState;
      const subscription = await getSubscription(client, id as string, signal);
      const options = subscription.actions.includes('change_plan') ? await planOptions(client, id as string, signal) : null;
      this.productId = subscription.product_id;
      this.quantity = subscription.quantity;
      this.addons = addonsKey(subscription.addons);
      this.#reset();
      return { subscription, options };
    },
    args: () => [this.subscriptionId],
  });

  readonly #priceQuote = new DataController<ChangePlanPreview>(this, this.#portalSession, {
    load: (client, [id, productId, quantity, addons], signal) =>
      !this.loaded?.options || !this.#changed
        ? Promise.resolve(initialState)
        : previewPlanChange(client, id as string, { product_id: productId as string, quantity: quantity as number, addons: parseAddons(addons as string) }, signal),
    args: () => [this.subscriptionId, this.productId, this.quantity, this.addons],
  });

  /** One key per confirmed change, reused only to retry that same change. */
  readonly #changeSubmit = new SubmitController(this);

  private productId = '';
  private quantity = 1;
  /** `addonsKey()` of the chosen add-on quantities. */
  private addons = '';
  private result: ChangePlanResult | null = null;
  private failure: Failure | null = null;
  private editingCard = false;

  /** The subscription to change. */
  subscriptionId = '';

  private get loaded(): Loaded | undefined {
    return this.#planData.status === TaskStatus.COMPLETE ? this.#planData.value : undefined;
  }

  /** Whether the selection differs from the subscription as it is. */
  get #changed(): boolean {
    const subscription = this.loaded?.subscription;
    if (!subscription) return false;
    return this.productId !== subscription.product_id || this.quantity !== subscription.quantity || this.addons !== addonsKey(subscription.addons);
  }

  #reset(): void {
    this.result = null;
    this.failure = null;
    this.editingCard = false;
    this.#changeSubmit.reset();
  }

  #select(productId: string): void {
    this.productId = productId;
    this.#reset();
  }

  /** A number input's value as a whole number within bounds (and shown as such). */
  #readCount(event: Event, min: number): number {
    const input = event.target as HTMLInputElement;
    const value = Math.min(Math.max(Math.trunc(Number(input.value)) || min, min), MAX_QUANTITY);
    input.value = String(value);
    return value;
  }

  #setQuantity(event: Event): void {
    this.quantity = this.#readCount(event, 1);
    this.#reset();
  }

  #setAddon(productId: string, event: Event): void {
    this.addons = addonsKey([...parseAddons(this.addons).filter((addon) => addon.product_id !== productId), { product_id: productId, quantity: this.#readCount(event, 0) }]);
    this.#reset();
  }

  async #confirm(): Promise<void> {
    const client = this.#portalSession.client;
    const preview = this.#priceQuote.value;
    if (!client || !preview || this.#changeSubmit.busy || this.#priceQuote.status !== TaskStatus.COMPLETE) return;
    const addons = parseAddons(this.addons);
    const detail: PlanChangeRequestDetail = {
      subscriptionId: this.subscriptionId,
      productId: this.productId,
      quantity: this.quantity,
      addons,
      preview,
    };
    if (!emit(this, 'dodo-plan-change-request', detail, true)) return;
    this.failure = null;
    try {
      const result = await this.#changeSubmit.run((idempotencyKey) =>
        changePlan(client, this.subscriptionId, { product_id: this.productId, quantity: this.quantity, addons }, { idempotencyKey }),
      );
      if (!result) return;
      // The confirm button gives way to the result: keep keyboard focus on what replaced it.
      const hadFocus = this.matches(':focus-within');
      this.result = result;
      if (hadFocus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="success"]')?.focus());
      emit<PlanChangedDetail>(this, 'dodo-plan-changed', {
        subscription: result.subscription,
        invoice: result.invoice,
        payment: result.payment,
        creditToBalance: result.credit_to_balance,
      });
    } catch (error) {
      this.#portalSession.noteFailure(error);
      this.failure = { code: errorCode(error), declineCode: error instanceof PortalApiError ? error.declineCode : undefined };
    }
  }

  async #requestCard(): Promise<void> {
    emit<PaymentMethodRequestedDetail>(this, 'dodo-payment-method-requested', { subscriptionId: this.subscriptionId });
    this.editingCard = Boolean(customElements.get('dodo-payment-method-editor'));
    if (!this.editingCard) return;
    // The picker opens below the message, often below the fold: bring it into view and move focus
    // to its first control once it has loaded (its skeleton has none).
    await this.updateComplete;
    const editor = this.renderRoot.querySelector<LitElement>('dodo-payment-method-editor');
    if (!editor) return;
    for (let frame = 0; frame < 300 && editor.isConnected; frame += 1) {
      await editor.updateComplete;
      const control = editor.shadowRoot?.querySelector<HTMLElement>('input:not([disabled]), button:not([disabled]), [part="error"][tabindex]');
      if (control && !editor.shadowRoot!.querySelector('[aria-busy="true"]')) {
        editor.scrollIntoView({ block: 'nearest' });
        control.focus();
        return;
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  #failureText(code: string): string {
    switch (code) {
      case 'no_change':
        return msg('That is already your plan. Choose another plan or other quantities.');
      case 'subscription_updates_disabled':
        return msg('Plan changes are not available. Please contact the seller.');
      case 'subscription_on_hold':
        return msg('Pay the overdue amount before you change plans.');
      case 'subscription_ended':
        return msg('This subscription has ended and can no longer change.');
      case 'product_not_in_collection':
      case 'product_not_recurring':
        return msg('That plan is no longer available. Reload to see the current plans.');
      case 'idempotency_key_in_progress':
        return msg('Your change is still being processed. Try again in a moment.');
      default:
        return msg('Your plan could not be changed. Please try again.');
    }
  }

  #renderPlan(product: PortalProduct, label: string, current: boolean): TemplateResult {
    const checked = this.productId === product.product_id;
    return html`
      <li part="plan" class="plan ${checked ? 'plan--selected' : ''}">
        <label class="plan__label">
          <input type="radio" name="plan" value=${product.product_id} .checked=${checked} @change=${() => this.#select(product.product_id)} />
          <span class="plan__name">${product.name}</span>
          <span class="badge ${current ? 'badge--current' : ''}">${label}</span>
          <span class="plan__price">${pricePer(this.#formatter, product.price, product.currency, product.interval, product.interval_count)}</span>
        </label>
      </li>
    `;
  }

  #renderChooser({ options }: Loaded & { options: PlanOptions }): TemplateResult {
    const current = options.current;
    const tiers = [...options.items.map((item) => ({ item, tier: item.tier })), { item: null, tier: current.tier }].sort((a, b) => a.tier - b.tier);
    const chosen = parseAddons(this.addons);
    return html`
      <fieldset>
        <legend>${msg('Plan')}</legend>
        <ul part="plans" class="plans">
          ${tiers.map(({ item }) =>
            item ? this.#renderPlan(item, item.direction === 'upgrade' ? msg('Upgrade') : msg('Downgrade'), false) : this.#renderPlan(current, msg('Current plan'), true),
          )}
        </ul>
      </fieldset>
      <div part="addons" class="counts">
        <div class="field">
          <label for="quantity">${msg('Quantity')}</label>
          <input id="quantity" class="input" type="number" inputmode="numeric" min="1" max=${MAX_QUANTITY} step="1" .value=${String(this.quantity)} @change=${this.#setQuantity} />
        </div>
        ${options.addons.map(
          (addon) => html`
            <div class="field">
              <label for="addon-${addon.product_id}">
                ${addon.name}
                <span class="muted">${pricePer(this.#formatter, addon.price, addon.currency, addon.interval, addon.interval_count)}</span>
              </label>
              <input
                id="addon-${addon.product_id}"
                class="input"
                type="number"
                inputmode="numeric"
                min="0"
                max=${MAX_QUANTITY}
                step="1"
                .value=${String(chosen.find((item) => item.product_id === addon.product_id)?.quantity ?? 0)}
                @change=${(event: Event) => this.#setAddon(addon.product_id, event)}
              />
            </div>
          `,
        )}
      </div>
      ${this.#renderPreview()}
    `;
  }

  #renderPreview(): TemplateResult {
    if (!this.#changed) {
      return html`<p class="muted">${msg('Choose another plan or change a quantity to see the price.')}</p>`;
    }
    return this.#priceQuote.task.render({
      pending: () => html`<p class="muted" aria-busy="true">${msg('Calculating the price…')}</p>`,
      error: (error) =>
        html`<div part="error" class="message message--error" role="alert">
          <p class="message__title">${this.#failureText(errorCode(error))}</p>
          <button type="button" class="button" @click=${() => void this.#priceQuote.run()}>${msg('Retry')}</button>
        </div>`,
      complete: (preview) => this.#renderQuote(preview),
    }) as TemplateResult;
  }

  #renderQuote(preview: ChangePlanPreview): TemplateResult {
    const charge = preview.immediate_charge;
    const money = (minor: number) => this.#formatter.money(minor, charge.currency);
    const line = (label: string, amount: string, total = false) => html`<tr class=${total ? 'total' : ''}><th scope="row">${label}</th><td class="amount">${amount}</td></tr>`;
    return html`
      <section part="preview" class="preview" aria-labelledby="preview-title">
        <h3 id="preview-title" class="preview__title">${msg('Price of the change')}</h3>
        <table class="quote">
          <tbody>
            ${charge.line_items.map((item) => line(item.description, money(item.amount)))}
          </tbody>
          <tfoot>
            ${line(msg('Subtotal'), money(charge.subtotal))}
            ${line(msg('Tax'), money(charge.tax))}
            ${charge.credit_applied > 0 ? line(msg('Credit applied'), money(-charge.credit_applied)) : nothing}
            ${line(msg('Charged now'), money(charge.total), true)}
          </tfoot>
        </table>
        ${
          preview.credit_to_balance > 0
            ? html`<p>
              ${msg(str`${money(preview.credit_to_balance)} will be added to your credit balance and used for your next charges.`)}
            </p>`
            : nothing
        }
        <p>${msg(str`Next billing date: ${this.#formatter.date(preview.next_billing_date)}`)}</p>
        ${this.failure ? this.#renderFailure() : nothing}
        <button part="confirm" type="button" class="button button--primary" aria-disabled=${this.#changeSubmit.busy} @click=${this.#confirm}>
          ${this.#changeSubmit.busy ? msg('Changing plan…') : this.failure ? msg('Try again') : charge.total > 0 ? msg(str`Confirm and pay ${money(charge.total)}`) : msg('Confirm change')}
        </button>
      </section>
    `;
  }

  #renderFailure(): TemplateResult {
    const failure = this.failure!;
    const declined = failure.code === 'payment_failed';
    return html`
      <div part="error" class="message message--error" role="alert">
        <p class="message__title">
          ${declined ? msg(str`Payment failed: ${declineText(failure.declineCode)} Your plan has not changed.`) : this.#failureText(failure.code)}
        </p>
        ${
          declined
            ? html`<button type="button" class="button" @click=${this.#requestCard}>
              ${msg('Update payment method')}
            </button>`
            : nothing
        }
      </div>
      ${
        this.editingCard
          ? html`<dodo-payment-method-editor
            subscription-id=${this.subscriptionId}
            @dodo-payment-method-updated=${() => (this.editingCard = false)}
          ></dodo-payment-method-editor>`
          : nothing
      }
    `;
  }

  #renderSuccess(result: ChangePlanResult): TemplateResult {
    const subscription = result.subscription;
    const charged = result.invoice?.total ?? 0;
    return html`
      <div part="success" class="message message--success" role="status" tabindex="-1">
        <p class="message__title">${msg(str`You're now on ${subscription.product.name}.`)}</p>
        ${charged > 0 ? html`<p>${msg(str`Charged now: ${this.#formatter.money(charged, result.invoice!.currency)}`)}</p>` : nothing}
        ${
          result.credit_to_balance > 0
            ? html`<p>
              ${msg(str`Added to your credit balance: ${this.#formatter.money(result.credit_to_balance, subscription.currency)}`)}
            </p>`
            : nothing
        }
        ${subscription.next_billing_date ? html`<p>${msg(str`Next billing date: ${this.#formatter.date(subscription.next_billing_date)}`)}</p>` : nothing}
      </div>
    `;
  }

  #renderNotice({ subscription }: Loaded): TemplateResult {
    const text =
      subscription.status === 'on_hold'
        ? this.#failureText('subscription_on_hold')
        : subscription.status === 'active'
          ? msg('Plan changes are not available for this subscription. Please contact the seller to change your plan.')
          : this.#failureText('subscription_ended');
    return html`<div part="error" class="message"><p class="message__title">${text}</p></div>`;
  }

  #renderLoaded(loaded: Loaded): TemplateResult {
    if (this.result) return this.#renderSuccess(this.result);
    if (!loaded.options) return this.#renderNotice(loaded);
    return this.#renderChooser(loaded as Loaded & { options: PlanOptions });
  }

  override render(): TemplateResult {
    const content = this.#planData.render({
      initial: () => html`<span class="skeleton"></span>`,
      loading: () => html`<div aria-busy="true">
        <span class="visually-hidden" role="status">${msg('Loading plans…')}</span>
        <span class="skeleton"></span><span class="skeleton skeleton--wide"></span><span class="skeleton skeleton--wide"></span>
      </div>`,
      complete: (loaded) => this.#renderLoaded(loaded),
      error: msg("We couldn't load the plans."),
    });
    return html`<div part="base" class="base">${content}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-plan-switcher': DodoPlanSwitcher;
  }
}
