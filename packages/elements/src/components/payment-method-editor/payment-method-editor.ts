/**
 * The public tag: loads the saved cards (and the subscription with its dues), keeps them current
 * when other sections write, and shows either the subscription's card or the saved cards. The
 * work is in its parts, each with one job: `card-form.ts` (the new-card form), `saved-cards.ts`
 * (the list, default, remove), `subscription-card.ts` (the subscription's card and the dues),
 * `shared.ts` (what the parts get from the portal; one write at a time, its problem, the notice,
 * focus), `card-view.ts` (how a card reads). The parts render into this element's shadow root
 * and fire its events; they are plain classes, not tags.
 */
import { html, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import { getSubscription, listPaymentMethods, subscriptionDues, type PortalClient } from '@dodo-portal/wire/client';
import { DataController } from '../../controllers/data.ts';
import { DownloadController } from '../../controllers/download.ts';
import { RefreshController } from '../../controllers/refresh.ts';
import { SessionController, isAbort } from '../../controllers/session.ts';
import { states } from '../../styles/states.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { ThemedElement } from '../themed-element.ts';
import { CardForm } from './card-form.ts';
import { Feedback, type Portal } from './shared.ts';
import { SavedCards } from './saved-cards.ts';
import { SubscriptionCard } from './subscription-card.ts';
import styles from './payment-method-editor.styles.ts';

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
export class DodoPaymentMethodEditor extends ThemedElement {
  static override get styles() {
    return [tokens, base, states, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      subscriptionId: { attribute: 'subscription-id' },
    };
  }

  private readonly portalSession = new SessionController(this);

  /** What the parts need from the portal, read through this element's session. */
  private readonly fromPortal: Portal = {
    client: () => this.portalSession.client,
    testMode: () => this.portalSession.session?.info?.mode === 'test',
    locale: () => this.portalSession.locale,
    sessionEnded: (error) => this.portalSession.noteFailure(error),
  };

  /** The problem's Refresh reads everything again, from the subscription's card. */
  private readonly feedback = new Feedback(this, this.fromPortal, () => {
    this.startOver();
    this.loader.retry();
  });
  private readonly savedCards = new SavedCards(this, this.feedback);
  private readonly cardForm: CardForm = new CardForm(this, this.fromPortal, this.feedback, {
    toggled: (open) => this.subscriptionCard.formToggled(open),
    added: (method) => {
      this.savedCards.add(method);
      this.subscriptionCard.selected = method.payment_method_id;
    },
  });
  private readonly subscriptionCard = new SubscriptionCard(
    this,
    this.fromPortal,
    this.feedback,
    this.savedCards,
    this.cardForm,
    // The editor's events never listed `dodo-invoice-download`: the dues invoice is saved directly.
    new DownloadController(this, this.portalSession, false),
  );

  /** Loads into the parts (the saved cards, the subscription and its dues); the value says only that it did. */
  private readonly loader = new DataController<true>(this, this.portalSession, {
    load: async (client, [subscriptionId], signal) => {
      const id = subscriptionId as string;
      try {
        const [list, subscription] = await Promise.all([listPaymentMethods(client, signal), id ? getSubscription(client, id, signal) : undefined]);
        const dues = subscription?.status === 'on_hold' ? await subscriptionDues(client, id, signal) : undefined;
        this.savedCards.items = list.items;
        this.subscriptionCard.load(subscription, dues);
        return true;
      } catch (error) {
        // Retry starts over from the subscription's card, as Refresh does (a rerun's abort is no failure).
        if (!isAbort(error)) this.startOver();
        throw error;
      }
    },
    args: () => [this.subscriptionId],
  });

  private readonly refresher = new RefreshController(this, ['payment-methods', 'subscriptions'], () => this.loader.run());

  /** The client the view was started for: a new session starts over. */
  private viewClient: PortalClient | undefined;

  /** The subscription whose card is edited; empty to manage the saved cards. */
  subscriptionId = '';

  protected override willUpdate(changed: PropertyValues): void {
    // Another subscription (or session) starts over from its current card.
    const client = this.portalSession.client;
    if (client !== this.viewClient || changed.has('subscriptionId')) {
      this.viewClient = client;
      this.portalSession.forgetFailure();
      this.startOver();
      this.cardForm.open = false;
    }
  }

  private startOver(): void {
    this.feedback.problem = undefined;
    this.subscriptionCard.view = 'show';
  }

  override render(): TemplateResult {
    const loading = this.loader.pending && !this.portalSession.expired;
    return html`<div part="base" class="base" tabindex="-1" aria-busy=${loading}>
      <p class="visually-hidden" role="status">
        ${loading ? msg('Loading payment methods…') : this.feedback.notice}
      </p>
      ${this.loader.render({
        loading: () => html`<div class="current" aria-hidden="true">
          <span class="skeleton"></span>
          <div class="row"><span class="skeleton skeleton--card"></span><span class="skeleton skeleton--button"></span></div>
        </div>`,
        complete: () => {
          const subscription = this.subscriptionCard.subscription;
          // No subscription: the saved cards, managed.
          return subscription ? this.subscriptionCard.render(subscription) : html`${this.feedback.render()} ${this.savedCards.render()} ${this.cardForm.render(this.feedback.busy, '.add')}`;
        },
        error: msg('We could not load your payment methods.'),
      })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-payment-method-editor': DodoPaymentMethodEditor;
  }
}
