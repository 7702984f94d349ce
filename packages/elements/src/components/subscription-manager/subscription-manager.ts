import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import {
  cancelSubscription,
  listSubscriptions,
  resumeSubscription,
  subscriptionDues,
  type CancellationReason,
  type Dues,
  type PortalClient,
  type PortalSubscription,
} from '@dodo-portal/wire/client';
import { CANCELLATION_REASONS as REASONS } from '@dodo-portal/wire/values';
import type { PaymentMethodRequestedDetail, PaymentMethodUpdatedEvent, PlanChangedEvent, SubscriptionChangedDetail, SubscriptionReactivatedEvent } from '../../events.ts';
import { ConfirmationController } from '../../controllers/confirmation.ts';
import { DataController, cardsSkeleton } from '../../controllers/data.ts';
import { DialogController } from '../../controllers/dialog.ts';
import { Formatter, pricePer, subscriptionStatusLabel } from '../../controllers/format.ts';
import { RefreshController, emit } from '../../controllers/refresh.ts';
import { SessionController, errorCode } from '../../controllers/session.ts';
import { cards } from '../../styles/cards.ts';
import { dialog, states } from '../../styles/states.ts';
import { fields } from '../../styles/fields.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { brandName } from '../payment-method-editor/card.ts';
import { DodoPlanSwitcher } from '../plan-switcher/plan-switcher.ts';
import { ThemedElement } from '../themed-element.ts';
import styles from './subscription-manager.styles.ts';

/** One fact of a subscription's details ("Renews", the date). */
const fact = (label: string, value: unknown): TemplateResult => html`<dt>${label}</dt>
  <dd>${value}</dd>`;

/** Pages of subscriptions fetched at most (100 each): nobody has more. */
const MAX_PAGES = 10;

interface Loaded {
  items: PortalSubscription[];
  /** Dues of on-hold subscriptions, by id (absent when they could not be loaded). */
  dues: Map<string, Dues>;
}

type DialogState = { kind: 'cancel' | 'plan' | 'payment'; subscription: PortalSubscription };

/**
 * @tagname dodo-subscription-manager
 * @summary The customer's subscriptions, active and past: plan, price, renewal date, status and
 * card, with the actions the business allows right now (cancel, undo a scheduled cancel, change
 * plan, update the card of an on-hold subscription).
 *
 * Needs a `<dodo-portal>` ancestor, which provides the API client and the locale. Actions the
 * server does not list in a subscription's `actions` are not shown. "Change plan" opens a
 * `<dodo-plan-switcher>` in a dialog; "Update payment method" opens `<dodo-payment-method-editor>`
 * in a dialog when that element is registered on the page.
 *
 * @fires {CustomEvent<SubscriptionChangedDetail>} dodo-subscription-cancelled - A subscription was
 *   cancelled (immediately, or scheduled for the period end).
 * @fires {CustomEvent<SubscriptionChangedDetail>} dodo-subscription-resumed - A scheduled
 *   cancellation was undone.
 * @fires {CustomEvent<PaymentMethodRequestedDetail>} dodo-payment-method-requested - The customer
 *   asked to update the card of a subscription (always fired, so a page can route it).
 * @fires {CustomEvent<PortalChangedDetail>} dodo-portal-changed - After each successful write: what
 *   changed (e.g. `subscriptions`, `invoices`), so the other sections refetch it.
 * @fires {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401 (fired
 *   by the enclosing `<dodo-portal>`, or by this element when used alone).
 *
 * @csspart base - The wrapper around every state.
 * @csspart list - A list of subscriptions (current, then past).
 * @csspart subscription - One subscription's card.
 * @csspart status - A status badge.
 * @csspart details - The facts of a subscription (renewal, card, quantity, add-ons).
 * @csspart dues - The overdue amount of an on-hold subscription.
 * @csspart actions - A subscription's buttons.
 * @csspart empty - The "No subscriptions yet" message.
 * @csspart error - A load failure (with Retry) or the expired session.
 * @csspart dialog - The modal dialog (cancel, change plan, update payment method).
 * @csspart confirmation - The visible, announced line once an action has ended (cancelled, plan
 *   changed, card changed, dues paid, renewal restored); its dialog has closed.
 *
 * @cssproperty --dodo-color-primary - Primary buttons and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-surface-raised - Skeletons.
 * @cssproperty --dodo-color-text - Text; also the dialog backdrop.
 * @cssproperty --dodo-color-text-muted - Secondary text.
 * @cssproperty --dodo-color-border - Borders.
 * @cssproperty --dodo-color-success - The "Active" badge and the confirmation's edge.
 * @cssproperty --dodo-color-warning - "On hold", "Cancels on …".
 * @cssproperty --dodo-color-danger - "Cancelled", errors.
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoSubscriptionManager extends ThemedElement {
  /** Elements this one renders; the define entry registers them after this one. */
  static get dependencies(): Readonly<Record<string, CustomElementConstructor>> {
    return { 'dodo-plan-switcher': DodoPlanSwitcher };
  }

  static override get styles() {
    return [tokens, base, states, cards, dialog, fields, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      busy: { state: true, attribute: false },
      actionError: { state: true, attribute: false },
    };
  }

  readonly #portalSession = new SessionController(this);
  readonly #formatter = new Formatter(() => this.#portalSession.locale);
  readonly #subscriptionList = new DataController<Loaded>(this, this.#portalSession, {
    load: async (client, _args, signal) => {
      const items: PortalSubscription[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const result = await listSubscriptions(client, { limit: 100, cursor, signal });
        items.push(...result.items);
        cursor = result.next_cursor;
        if (!cursor) break;
      }
      const dues = new Map<string, Dues>();
      await Promise.all(
        items
          .filter((item) => item.status === 'on_hold')
          .map(async (item) => {
            // Without its amount the subscription still shows, with the way out.
            const owed = await subscriptionDues(client, item.subscription_id, signal).catch(() => null);
            if (owed) dues.set(item.subscription_id, owed);
          }),
      );
      return { items, dues };
    },
  });

  /** Plan changes, card changes and paid dues elsewhere (its own dialogs included) show here at once. */
  private readonly refresher = new RefreshController(this, ['subscriptions'], () => this.#subscriptionList.run());

  /** "Pro will end on …", "You're now on …": shown once a flow has ended and its dialog closed. */
  readonly #confirmation = new ConfirmationController(this);

  /** Cancel, change plan, update card; on close focus returns to its button, or its subscription's card. */
  readonly #actionDialog = new DialogController<DialogState>(this, this.#portalSession, {
    fallback: ({ subscription }) => this.#focusTarget(subscription.subscription_id, null),
  });

  private busy = false;
  /** The error code of the last failed cancel/resume, shown in words. */
  private actionError: string | null = null;

  private open(kind: DialogState['kind'], subscription: PortalSubscription, event: Event): void {
    this.actionError = null;
    this.#confirmation.show('');
    this.#actionDialog.open({ kind, subscription }, event.currentTarget);
  }

  /** `trigger` if it is still on the page, else its subscription's card, else the list. */
  #focusTarget(subscriptionId: string, trigger: HTMLElement | null): HTMLElement | null {
    const card = this.renderRoot.querySelector<HTMLElement>(`[data-subscription-id="${CSS.escape(subscriptionId)}"]`);
    return trigger?.isConnected ? trigger : (card ?? this.renderRoot.querySelector<HTMLElement>('.base'));
  }

  #requestPaymentMethod(subscription: PortalSubscription, event: Event): void {
    const detail: PaymentMethodRequestedDetail = { subscriptionId: subscription.subscription_id };
    emit(this, 'dodo-payment-method-requested', detail);
    if (customElements.get('dodo-payment-method-editor')) this.open('payment', subscription, event);
  }

  /** A dialog's flow ended: close it and say what happened where the customer returns. */
  #finish(text: string): void {
    this.#confirmation.show(text);
    void this.#actionDialog.close();
  }

  #planChanged({ detail: { subscription, invoice } }: PlanChangedEvent): void {
    const name = subscription.product.name;
    this.#finish(invoice && invoice.total > 0 ? msg(str`You're now on ${name}. Charged now: ${this.#formatter.money(invoice.total, invoice.currency)}.`) : msg(str`You're now on ${name}.`));
  }

  #nameOf(id: string | null): string {
    return this.#subscriptionList.value?.items.find((item) => item.subscription_id === id)?.product.name ?? '';
  }

  #cardChanged({ detail: { change, subscriptionId } }: PaymentMethodUpdatedEvent): void {
    const name = this.#nameOf(subscriptionId);
    if (change === 'selected') this.#finish(msg(str`${name} will be charged to the new card.`));
  }

  #reactivated({ detail: { amount, currency, subscriptionId } }: SubscriptionReactivatedEvent): void {
    const name = this.#nameOf(subscriptionId);
    this.#finish(msg(str`Paid ${this.#formatter.money(amount, currency)}. ${name} is active again.`));
  }

  /** Cancel or resume: one write at a time, its failure shown in words (a 401 ends the session). */
  async #write(action: (client: PortalClient) => Promise<void>): Promise<void> {
    const client = this.#portalSession.client;
    if (!client || this.busy) return;
    this.busy = true;
    this.actionError = null;
    try {
      await action(client);
    } catch (error) {
      this.#portalSession.noteFailure(error);
      this.actionError = errorCode(error);
    } finally {
      this.busy = false;
    }
  }

  #cancel(event: SubmitEvent): void {
    event.preventDefault();
    const subscription = this.#actionDialog.value?.subscription;
    if (!subscription) return;
    const form = new FormData(event.target as HTMLFormElement);
    void this.#write(async (client) => {
      const cancelled = await cancelSubscription(client, subscription.subscription_id, {
        when: form.get('when') === 'immediately' ? 'immediately' : 'period_end',
        // Unset ones are left out of the request (JSON has no undefined).
        reason: (form.get('reason') as CancellationReason | '') || undefined,
        comment: String(form.get('comment') ?? '').trim() || undefined,
      });
      const name = cancelled.product.name;
      this.#confirmation.show(cancelled.status === 'active' ? msg(str`${name} will end on ${this.#formatter.date(cancelled.current_period_end)}.`) : msg(str`${name} has been cancelled.`));
      emit<SubscriptionChangedDetail>(this, 'dodo-subscription-cancelled', { subscription: cancelled });
      // Close once the list shows the result, so focus returns to a button that still exists.
      await this.#subscriptionList.run();
      await this.#actionDialog.close();
    });
  }

  #resume(subscription: PortalSubscription, event: Event): void {
    const trigger = event.currentTarget as HTMLElement;
    void this.#write(async (client) => {
      const resumed = await resumeSubscription(client, subscription.subscription_id);
      this.#confirmation.show(msg(str`${resumed.product.name} will renew as usual.`));
      emit<SubscriptionChangedDetail>(this, 'dodo-subscription-resumed', { subscription: resumed });
      await this.#subscriptionList.run();
      await this.updateComplete;
      this.#focusTarget(subscription.subscription_id, trigger)?.focus();
    });
  }

  #reasonLabel(reason: CancellationReason): string {
    return {
      too_expensive: msg("It's too expensive"),
      missing_features: msg("It's missing features I need"),
      switched_service: msg("I'm switching to another service"),
      unused: msg("I don't use it enough"),
      customer_service: msg('Customer service was not good enough'),
      low_quality: msg('Quality was lower than expected'),
      too_complex: msg("It's too complicated to use"),
      other: msg('Other reason'),
    }[reason];
  }

  #actionErrorText(code: string): string {
    switch (code) {
      case 'cancellation_disabled':
        return msg('Cancelling online is not available. Please contact the seller.');
      case 'subscription_ended':
        return msg('This subscription has already ended.');
      case 'not_scheduled_to_cancel':
        return msg('This subscription is no longer set to cancel.');
      default:
        return msg('Something went wrong. Please try again.');
    }
  }

  /** The last cancel or resume failure in words: in the cancel dialog, or under the list. */
  #renderError(): TemplateResult {
    return html`<p class="field__error" role="alert">${this.actionError ? this.#actionErrorText(this.actionError) : nothing}</p>`;
  }

  #renderSubscription(subscription: PortalSubscription, dues: Dues | undefined): TemplateResult {
    const { status, product } = subscription;
    const ended = status === 'cancelled' || status === 'expired';
    const scheduled = subscription.cancel_at_period_end && !ended;
    const card = subscription.payment_method;
    return html`
      <li part="subscription" class="card" data-subscription-id=${subscription.subscription_id} tabindex="-1">
        <div class="card__header">
          <h3 class="card__name">${product.name}</h3>
          <span part="status" class="badge badge--${status}">${subscriptionStatusLabel(status)}</span>
          ${
            scheduled
              ? html`<span part="status" class="badge badge--on_hold">
                ${msg(str`Cancels on ${this.#formatter.date(subscription.current_period_end)}`)}
              </span>`
              : nothing
          }
        </div>
        <p class="card__price">
          ${pricePer(this.#formatter, subscription.recurring_amount, subscription.currency, subscription.interval, subscription.interval_count)}
        </p>
        <dl part="details" class="details">
          ${
            ended
              ? fact(msg('Ended'), this.#formatter.date(subscription.cancelled_at ?? subscription.current_period_end))
              : subscription.next_billing_date && !scheduled
                ? fact(msg('Renews'), this.#formatter.date(subscription.next_billing_date))
                : nothing
          }
          ${subscription.quantity > 1 ? fact(msg('Quantity'), subscription.quantity) : nothing}
          ${subscription.addon_items.length > 0 ? fact(msg('Add-ons'), subscription.addon_items.map((addon) => `${addon.product.name} × ${addon.quantity}`).join(', ')) : nothing}
          ${card && !ended ? fact(msg('Payment method'), `${brandName(card.brand)} •••• ${card.last4}`) : nothing}
        </dl>
        ${
          status === 'on_hold'
            ? html`<p part="dues" class="message message--expired">
              ${
                dues
                  ? msg(str`The last payment failed: ${this.#formatter.money(dues.amount, dues.currency)} is due. Update your payment method to continue.`)
                  : msg('The last payment failed. Update your payment method to continue.')
              }
            </p>`
            : nothing
        }
        ${this.#renderActions(subscription, subscription.actions)}
      </li>
    `;
  }

  #renderActions(subscription: PortalSubscription, actions: PortalSubscription['actions']): TemplateResult | typeof nothing {
    const has = (action: PortalSubscription['actions'][number]) => actions.includes(action);
    const payment = has('update_payment_method') || has('pay_dues');
    if (!payment && !has('change_plan') && !has('cancel') && !has('resume')) return nothing;
    const name = html`<span class="visually-hidden"> ${subscription.product.name}</span>`;
    return html`
      <div part="actions" class="actions">
        ${
          payment
            ? html`<button
              type="button"
              class="button ${subscription.status === 'on_hold' ? 'button--primary' : ''}"
              @click=${(event: Event) => this.#requestPaymentMethod(subscription, event)}
            >
              ${msg('Update payment method')}${name}
            </button>`
            : nothing
        }
        ${
          has('change_plan')
            ? html`<button type="button" class="button" @click=${(event: Event) => this.open('plan', subscription, event)}>
              ${msg('Change plan')}${name}
            </button>`
            : nothing
        }
        ${
          has('resume')
            ? html`<button
              type="button"
              class="button button--primary"
              aria-disabled=${this.busy}
              @click=${(event: Event) => this.#resume(subscription, event)}
            >
              ${msg("Don't cancel")}${name}
            </button>`
            : nothing
        }
        ${
          has('cancel')
            ? html`<button type="button" class="button" @click=${(event: Event) => this.open('cancel', subscription, event)}>
              ${msg('Cancel subscription')}${name}
            </button>`
            : nothing
        }
      </div>
    `;
  }

  #renderList(items: PortalSubscription[], dues: Map<string, Dues>, label: string): TemplateResult | typeof nothing {
    if (items.length === 0) return nothing;
    return html`
      <section class="group" aria-label=${label}>
        <h3 class="group__title">${label}</h3>
        <ul part="list" class="list">
          ${items.map((item) => this.#renderSubscription(item, dues.get(item.subscription_id)))}
        </ul>
      </section>
    `;
  }

  #renderLoaded({ items, dues }: Loaded): TemplateResult {
    if (items.length === 0) {
      return html`
        <div part="empty" class="message">
          <p class="message__title">${msg('No subscriptions yet')}</p>
          <p class="message__body">${msg('Subscriptions you start will appear here.')}</p>
        </div>
      `;
    }
    const current = items.filter((item) => item.status === 'active' || item.status === 'on_hold');
    const past = items.filter((item) => item.status === 'cancelled' || item.status === 'expired');
    return html`
      ${this.#renderList(current, dues, msg('Current subscriptions'))}
      ${this.#renderList(past, dues, msg('Past subscriptions'))}
    `;
  }

  #renderCancelForm(subscription: PortalSubscription): TemplateResult {
    const end = this.#formatter.date(subscription.current_period_end);
    return html`
      <form class="form" @submit=${this.#cancel}>
        <fieldset>
          <legend>${msg('When should it end?')}</legend>
          <label class="choice">
            <input type="radio" name="when" value="period_end" checked aria-describedby="when-period-end" />
            ${msg(str`At the end of the billing period (${end})`)}
          </label>
          <p id="when-period-end" class="choice__hint">${msg(str`You keep access until ${end}.`)}</p>
          <label class="choice">
            <input type="radio" name="when" value="immediately" aria-describedby="when-immediately" />
            ${msg('Immediately')}
          </label>
          <p id="when-immediately" class="choice__hint">
            ${msg(str`You lose access now, and the unused time until ${end} is not refunded.`)}
          </p>
        </fieldset>
        <div class="field">
          <label for="reason">${msg('Reason (optional)')}</label>
          <select id="reason" name="reason" class="input">
            <option value="">${msg('Choose a reason')}</option>
            ${REASONS.map((reason) => html`<option value=${reason}>${this.#reasonLabel(reason)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="comment">${msg('Anything else you want to tell us? (optional)')}</label>
          <textarea id="comment" name="comment" class="input" rows="3" maxlength="2000"></textarea>
        </div>
        ${this.#renderError()}
        <div class="actions">
          <button type="button" class="button" @click=${() => this.#actionDialog.close()}>${msg('Keep subscription')}</button>
          <button type="submit" class="button button--primary" aria-disabled=${this.busy}>
            ${this.busy ? msg('Cancelling…') : msg('Cancel subscription')}
          </button>
        </div>
      </form>
    `;
  }

  #renderDialog(): TemplateResult | typeof nothing {
    const open = this.#actionDialog.value;
    if (!open) return nothing;
    const { kind, subscription } = open;
    const id = subscription.subscription_id;
    const name = subscription.product.name;
    const title = kind === 'cancel' ? msg(str`Cancel ${name}?`) : kind === 'plan' ? msg(str`Change plan: ${name}`) : msg(str`Payment method: ${name}`);
    return html`
      <dialog part="dialog" class="dialog" aria-labelledby="dialog-title" @close=${this.#actionDialog.close}>
        <div class="dialog__header">
          <h2 id="dialog-title" class="dialog__title">${title}</h2>
          ${kind === 'cancel' ? nothing : html`<button type="button" class="button" @click=${() => this.#actionDialog.close()}>${msg('Close')}</button>`}
        </div>
        ${
          kind === 'cancel'
            ? this.#renderCancelForm(subscription)
            : kind === 'plan'
              ? html`<dodo-plan-switcher subscription-id=${id} @dodo-plan-changed=${this.#planChanged}></dodo-plan-switcher>`
              : html`<dodo-payment-method-editor
                subscription-id=${id}
                @dodo-payment-method-updated=${this.#cardChanged}
                @dodo-subscription-reactivated=${this.#reactivated}
              ></dodo-payment-method-editor>`
        }
      </dialog>
    `;
  }

  override render(): TemplateResult {
    const content = this.#subscriptionList.render({
      loading: () => cardsSkeleton('list'),
      stale: true,
      complete: (loaded) => this.#renderLoaded(loaded),
      error: msg("We couldn't load your subscriptions."),
    });
    return html`
      <div part="base" class="base" tabindex="-1">
        ${this.#subscriptionList.renderStatus(msg('Loading subscriptions…'))}
        ${this.#confirmation.render()} ${content}
        ${this.actionError && !this.#actionDialog.value ? this.#renderError() : nothing}
        ${this.#portalSession.expired ? nothing : this.#renderDialog()}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-subscription-manager': DodoSubscriptionManager;
  }
}
