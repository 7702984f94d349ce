/**
 * The customer's saved cards: the list with the default's badge, Make default, and Remove — with
 * a confirmation, and for a card that pays subscriptions, the choice of the card that pays each
 * from now on.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { deletePaymentMethod, listPaymentMethods, setDefaultPaymentMethod, type PortalClient, type PortalPaymentMethod } from '@dodo-portal/wire/client';
import { brandName } from './card.ts';
import { renderCard } from './card-view.ts';
import { apiError, methodUpdated, type EditorHost, type Feedback } from './shared.ts';

/** Removing a card that pays subscriptions: the customer picks the card that pays each from now on. */
interface Reassign {
  method: PortalPaymentMethod;
  subscriptions: { id: string; product_name: string }[];
  choice: Record<string, string>;
  missing: boolean;
}

export class SavedCards {
  items: PortalPaymentMethod[] = [];
  /** The card whose Remove awaits "Remove card" or "Keep". */
  #removing: string | undefined;
  private reassign: Reassign | undefined;

  constructor(
    private readonly host: EditorHost,
    private readonly feedback: Feedback,
  ) {}

  /** A card the customer just saved joins the list (rendered with the closing form). */
  add(method: PortalPaymentMethod): void {
    this.items = [...this.items.filter((m) => m.payment_method_id !== method.payment_method_id), method];
    this.feedback.notice = msg(str`Card ending in ${method.last4} saved.`);
    methodUpdated(this.host, 'added', method.payment_method_id);
  }

  /** Reads the list again, to show what is true now (a failed read leaves it as it was). */
  async #reread(client: PortalClient): Promise<void> {
    this.items = (await listPaymentMethods(client).catch(() => undefined))?.items ?? this.items;
    this.host.requestUpdate();
  }

  /**
   * Removes a card. One that pays subscriptions is removed only with the customer's choice of card
   * for each (`replacements`): the server's 409 lists them, the customer chooses, and the list is
   * read again afterwards so it shows where each subscription is now charged.
   */
  #remove(method: PortalPaymentMethod, replacements?: Record<string, string>): Promise<void> {
    return this.feedback.write(async (client) => {
      this.feedback.problem = undefined;
      try {
        await deletePaymentMethod(client, method.payment_method_id, undefined, replacements);
        this.#removing = this.reassign = undefined;
        this.items = this.items.filter((m) => m !== method);
        this.feedback.notice = msg(str`Card ending in ${method.last4} removed.`);
        methodUpdated(this.host, 'removed', method.payment_method_id);
        for (const [subscriptionId, paymentMethodId] of Object.entries(replacements ?? {})) methodUpdated(this.host, 'selected', paymentMethodId, subscriptionId);
        void this.feedback.focusOn('.add');
        // Read back where each subscription is charged now.
        if (replacements) await this.#reread(client);
      } catch (error) {
        const failure = apiError(error);
        const subscriptions = failure?.code === 'payment_method_in_use' ? failure.details?.subscriptions : undefined;
        this.#removing = undefined;
        if (subscriptions?.length && this.items.some((m) => m !== method)) {
          const kept = this.reassign?.method === method ? this.reassign.choice : {};
          this.reassign = { method, subscriptions, choice: Object.fromEntries(subscriptions.flatMap(({ id }) => (kept[id] ? [[id, kept[id]]] : []))), missing: false };
          void this.feedback.focusOn('.reassign select');
        } else {
          this.reassign = undefined;
          // A choice that went stale (a card removed elsewhere): show what is true now.
          if (failure?.status === 400) void this.#reread(client);
          this.feedback.fail(error);
        }
      }
    });
  }

  private makeDefault(method: PortalPaymentMethod): Promise<void> {
    return this.feedback.write(async (client) => {
      this.feedback.problem = undefined;
      try {
        const made = await setDefaultPaymentMethod(client, method.payment_method_id);
        // As the server lists them: the default first, the others in their order, none default.
        this.items = [made, ...this.items.filter((m) => m.payment_method_id !== made.payment_method_id).map((m) => ({ ...m, is_default: false }))];
        this.feedback.notice = msg(str`Card ending in ${method.last4} is now your default.`);
        void this.feedback.focusOn('.methods .button');
      } catch (error) {
        this.feedback.fail(error);
      }
    });
  }

  private confirmReassign(event: SubmitEvent): void {
    event.preventDefault();
    const reassign = this.reassign;
    if (!reassign) return;
    if (reassign.subscriptions.some(({ id }) => !reassign.choice[id])) {
      this.reassign = { ...reassign, missing: true };
      return void this.feedback.focusOn('.reassign select[aria-invalid=true]');
    }
    void this.#remove(reassign.method, reassign.choice);
  }

  /** "Keep" (the confirmation's or the replacement choice's): the card stays. */
  #keep(reassign: boolean): void {
    if (reassign) this.reassign = undefined;
    else this.#removing = undefined;
    void this.feedback.focusOn('.add');
  }

  private renderMethod(method: PortalPaymentMethod): TemplateResult {
    const card = msg(str`card ending in ${method.last4}`);
    return html`<li part="method" class="method row">
      ${renderCard(method)}
      ${method.is_default ? html`<span part="badge" class="badge">${msg('Default')}</span>` : nothing}
      ${
        this.#removing === method.payment_method_id
          ? html`<span class="actions">
            <span>${msg('Remove this card?')}</span>
            <button type="button" class="button button--primary really" @click=${() => this.#remove(method)}>
              ${msg('Remove card')}
            </button>
            <button type="button" class="button" @click=${() => this.#keep(false)}>${msg('Keep')}</button>
          </span>`
          : html`<span class="actions">${
              method.is_default
                ? nothing
                : html`<button type="button" class="button" @click=${() => this.makeDefault(method)}>
                  ${msg('Make default')}<span class="visually-hidden"> ${card}</span>
                </button>`
            }<button
            type="button"
            class="button"
            @click=${() => {
              this.#removing = method.payment_method_id;
              this.feedback.problem = undefined;
              void this.feedback.focusOn('.really');
            }}
          >
            ${msg('Remove')}<span class="visually-hidden"> ${card}</span>
          </button></span>`
      }
    </li>`;
  }

  private renderReassign(): TemplateResult | typeof nothing {
    const reassign = this.reassign;
    if (!reassign) return nothing;
    const others = this.items.filter((m) => m !== reassign.method);
    return html`<form part="reassign" class="reassign card-form" novalidate @submit=${(event: SubmitEvent) => this.confirmReassign(event)}>
      <p class="message__title">
        ${msg(str`The card ending in ${reassign.method.last4} pays for subscriptions. Choose the card that pays each from now on.`)}
      </p>
      ${reassign.subscriptions.map(({ id, product_name }) => {
        const missing = reassign.missing && !reassign.choice[id];
        return html`<div part="field" class="field">
          <label for="reassign-${id}">${product_name}</label>
          <select
            id="reassign-${id}"
            aria-invalid=${missing}
            aria-describedby=${missing ? `reassign-${id}-error` : nothing}
            @change=${(event: Event) => {
              const value = (event.target as HTMLSelectElement).value;
              this.reassign = { ...reassign, choice: { ...reassign.choice, [id]: value } };
              this.host.requestUpdate();
            }}
          >
            <option value="" ?selected=${!reassign.choice[id]}>${msg('Choose a card')}</option>
            ${others.map(
              (m) =>
                html`<option value=${m.payment_method_id} ?selected=${reassign.choice[id] === m.payment_method_id}>
                  ${msg(str`${brandName(m.brand)} ending in ${m.last4}`)}
                </option>`,
            )}
          </select>
          <p part="field-error" class="field-error" id="reassign-${id}-error">
            ${missing ? msg('Choose the card that pays this subscription.') : nothing}
          </p>
        </div>`;
      })}
      <div part="actions" class="actions">
        <button type="submit" class="button button--primary" aria-disabled=${this.feedback.busy}>
          ${msg('Remove card and switch')}
        </button>
        <button type="button" class="button" @click=${() => this.#keep(true)}>${msg('Keep')}</button>
      </div>
    </form>`;
  }

  /** The list (or that there is none) and, while one is asked for, the replacement choice. */
  render(): TemplateResult {
    return html`<p class="label">${msg('Saved cards')}</p>
      ${
        this.items.length
          ? html`<ul part="methods" class="methods">
            ${this.items.map((method) => this.renderMethod(method))}
          </ul>`
          : html`<p part="empty" class="muted">${msg('No saved cards yet.')}</p>`
      }
      ${this.renderReassign()}`;
  }
}
