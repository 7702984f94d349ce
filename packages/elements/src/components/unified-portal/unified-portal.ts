import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { Task, TaskStatus, initialState } from '../../controllers/task.ts';
import { PortalApiError, createUnifiedClient, type UnifiedBusiness, type UnifiedBusinessList, type UnifiedClient } from '@dodo-portal/wire/client';
import { loadErrorFace } from '../../controllers/data.ts';
import { Formatter, formatCount, invoiceStatusLabel } from '../../controllers/format.ts';
import { LocaleController } from '../../controllers/locale.ts';
import { sessionExpiredEvent } from '../../events.ts';
import { safeHttpUrl } from '../../safe-url.ts';
import { cards } from '../../styles/cards.ts';
import { states } from '../../styles/states.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { DodoPortal } from '../portal/portal.ts';
import { ThemedElement } from '../themed-element.ts';
import styles from './unified-portal.styles.ts';

interface OpenedBusiness {
  businessId: string;
  /** The business-scoped (`dps_…`) token; it ends when the unified session does. */
  sessionToken: string;
}

/**
 * @tagname dodo-unified-portal
 * @summary The unified billing portal: one sign-in shows every business where the customer's email
 * is a customer (active subscriptions, latest invoice), and opens any of their portals in place
 * without another login. The hosted overview page (`/portal/unified`) shows it.
 *
 * It takes a *unified* session token (`dpu_…`, from the `/login` or `/test/login` email link).
 * That token opens only the unified API, so unlike `<dodo-portal>` this element provides no
 * context to children: opening a business trades it for a business-scoped token and renders a
 * complete `<dodo-portal>` with it, with a control back to the overview.
 *
 * @event {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401 for
 *   the unified token (fired once per token). Also bubbles from the opened business's portal.
 *
 * @csspart base - The wrapper around every state.
 * @csspart title - The overview's heading.
 * @csspart list - The list of businesses (also the loading skeleton).
 * @csspart business - One business's card.
 * @csspart open - A business's "Open billing" button.
 * @csspart empty - The "no purchases found" message.
 * @csspart error - The load-failure message with its Retry button, and the expired-session message.
 * @csspart back - The "All businesses" button above an opened business's portal.
 *
 * @cssproperty --dodo-color-primary - Primary buttons, links and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-surface-raised - Skeletons.
 * @cssproperty --dodo-color-text - Text.
 * @cssproperty --dodo-color-text-muted - Secondary text.
 * @cssproperty --dodo-color-border - Borders and rules.
 * @cssproperty --dodo-color-success - The "Paid" badge.
 * @cssproperty --dodo-color-warning - The "Open" badge, the expired session.
 * @cssproperty --dodo-color-danger - The "Void" badge and error messages.
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoUnifiedPortal extends ThemedElement {
  /** Elements this one renders; the define entry registers them after this one. */
  static get dependencies(): Readonly<Record<string, CustomElementConstructor>> {
    return { 'dodo-portal': DodoPortal };
  }

  static override get styles() {
    return [tokens, base, states, cards, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      expired: { state: true, attribute: false },
      opened: { state: true, attribute: false },
      opening: { state: true, attribute: false },
      openFailed: { state: true, attribute: false },
      apiBase: { attribute: 'api-base' },
      sessionToken: { attribute: 'session-token' },
      locale: {},
    };
  }

  readonly #language = new LocaleController(this, () => this.locale);
  readonly #formatter = new Formatter(() => this.#language.locale);
  #openController: AbortController | undefined;

  readonly #overview = new Task(this, {
    task: async ([client], { signal }) => {
      if (!client) return initialState;
      try {
        return await client.businesses(signal);
      } catch (error) {
        this.#expire(client, error);
        throw error;
      }
    },
    args: () => [this.client] as const,
  });

  /**
   * Rebuilt when `api-base` or `session-token` changes; the overview reloads with it. Not reactive:
   * only `willUpdate` sets it, on the update that renders it.
   */
  private client: UnifiedClient | undefined;
  /** Set by a 401 on the unified token: where to sign in again (the 401's `login_url`). */
  private expired: { loginUrl: string | undefined } | undefined;
  private opened: OpenedBusiness | undefined;
  /** The business whose session is being opened. */
  private opening: string | undefined;
  /** The business whose portal could not be opened (the message shows on its card). */
  private openFailed: string | undefined;

  /** The portal server's origin, e.g. `https://portal.example.com`. */
  apiBase = '';

  /** The unified session token (`dpu_…`) from the unified sign-in link. */
  sessionToken = '';

  /** BCP 47 tag for text, dates and money; defaults to `<html lang>`, then the browser's language. */
  locale = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#openController?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('apiBase') || changed.has('sessionToken')) {
      const apiBase = this.apiBase.trim();
      const sessionToken = this.sessionToken.trim();
      this.#openController?.abort();
      this.client = apiBase && sessionToken ? createUnifiedClient({ apiBase, sessionToken }) : undefined;
      this.expired = this.opened = this.opening = this.openFailed = undefined;
    }
  }

  /**
   * Whether `error` is a 401 on the unified token, which ends the session: once per client (token),
   * so a late 401 from an old token cannot expire a new one.
   */
  #expire(client: UnifiedClient, error: unknown): boolean {
    if (!(error instanceof PortalApiError && error.isSessionExpired)) return false;
    if (client === this.client && !this.expired) {
      this.expired = { loginUrl: safeHttpUrl(error.loginUrl) };
      this.opened = undefined;
      this.dispatchEvent(sessionExpiredEvent(error.code));
    }
    return true;
  }

  async #open(business: UnifiedBusiness): Promise<void> {
    const client = this.client;
    // One at a time: while `opening` is unset, no open is in flight (a new token aborts it and unsets it).
    if (!client || this.opening) return;
    const controller = (this.#openController = new AbortController());
    this.opening = business.business_id;
    this.openFailed = undefined;
    try {
      const session = await client.openBusiness(business.business_id, controller.signal);
      if (client !== this.client) return;
      this.opened = { businessId: business.business_id, sessionToken: session.session_token };
      await this.updateComplete;
      // Keyboard and screen-reader users land at the top of the business's portal.
      this.renderRoot.querySelector<HTMLElement>('[part="back"]')?.focus();
    } catch (error) {
      // Aborted by a newer open, a new token or disconnecting: nothing to say.
      if (controller.signal.aborted || client !== this.client) return;
      if (!this.#expire(client, error)) this.openFailed = business.business_id;
    } finally {
      if (this.#openController === controller) this.opening = undefined;
    }
  }

  async #backToOverview(): Promise<void> {
    const businessId = this.opened?.businessId;
    this.opened = undefined;
    await this.updateComplete;
    (this.renderRoot.querySelector<HTMLElement>(`[data-business-id="${CSS.escape(businessId ?? '')}"] [part="open"]`) ?? this.renderRoot.querySelector<HTMLElement>('.base'))?.focus();
  }

  #retry(): void {
    // The Retry button disappears with the error: keep keyboard focus inside the element.
    this.renderRoot.querySelector<HTMLElement>('.base')?.focus();
    void this.#overview.run();
  }

  #renderSkeleton(): TemplateResult {
    return html`
      <div part="list" class="list" aria-busy="true">
        ${[0, 1].map(
          () => html`
            <div class="card card--skeleton" aria-hidden="true">
              <span class="skeleton skeleton--title"></span>
              <span class="skeleton"></span>
              <span class="skeleton skeleton--wide"></span>
              <span class="skeleton skeleton--button"></span>
            </div>
          `,
        )}
      </div>
    `;
  }

  #renderBusiness(business: UnifiedBusiness): TemplateResult {
    const name = business.brand.display_name.trim() || business.name;
    const invoice = business.latest_invoice;
    const opening = this.opening === business.business_id;
    return html`
      <li part="business" class="card" data-business-id=${business.business_id}>
        <h3 class="card__name">${name}</h3>
        <dl class="facts">
          <div class="fact">
            <dt>${msg('Active subscriptions')}</dt>
            <dd class="count">${formatCount(this.#formatter, business.active_subscriptions)}</dd>
          </div>
          <div class="fact">
            <dt>${msg('Latest invoice')}</dt>
            <dd>
              ${
                invoice
                  ? html`<span class="invoice">
                    <span class="invoice__number">${invoice.number}</span>
                    <time datetime=${invoice.issued_at}>${this.#formatter.date(invoice.issued_at)}</time>
                    <span class="amount">${this.#formatter.money(invoice.total, invoice.currency)}</span>
                    <span class="badge badge--${invoice.status}">${invoiceStatusLabel(invoice.status)}</span>
                  </span>`
                  : msg('None yet')
              }
            </dd>
          </div>
        </dl>
        <button
          part="open"
          type="button"
          class="button button--primary"
          aria-disabled=${!!this.opening}
          @click=${() => this.#open(business)}
        >
          ${opening ? msg('Opening…') : msg('Open billing')}<span
            class="visually-hidden"
          >
            ${name}</span
          >
        </button>
        <p class="card__problem" role="alert">${this.openFailed === business.business_id ? msg("We couldn't open this billing portal. Please try again.") : nothing}</p>
      </li>
    `;
  }

  #renderList(list: UnifiedBusinessList): TemplateResult {
    if (list.items.length === 0) {
      // The unified login page of the list's mode, on the portal server.
      const loginUrl = safeHttpUrl(`${this.apiBase.trim().replace(/\/+$/, '')}${list.mode === 'test' ? '/test' : ''}/login`);
      return html`
        <div part="empty" class="message">
          <p class="message__title">${msg('No purchases found for this email')}</p>
          <p class="message__body">
            ${msg(str`No business has ${list.email} as a customer. If you bought with another address, sign in with that one.`)}
          </p>
          ${loginUrl ? html`<a class="button" href=${loginUrl}>${msg('Sign in with another email')}</a>` : nothing}
        </div>
      `;
    }
    return html`
      <ul part="list" class="list" aria-labelledby="title">
        ${list.items.map((business) => this.#renderBusiness(business))}
      </ul>
    `;
  }

  #renderExpired(): TemplateResult {
    const loginUrl = this.expired?.loginUrl;
    return html`
      <div part="error" class="message message--expired" role="alert">
        <p class="message__title">${msg('Your session has expired')}</p>
        <p class="message__body">
          ${msg('For your security, sign-ins expire after a while. Sign in again and we will email you a new link.')}
        </p>
        ${loginUrl ? html`<a class="button button--primary" href=${loginUrl}>${msg('Sign in again')}</a>` : nothing}
      </div>
    `;
  }

  /** The heading, then the face of the overview's state. A 401 on the overview has set `expired` by the time it renders. */
  #renderOverview(): TemplateResult {
    const list = this.expired || this.#overview.status !== TaskStatus.COMPLETE ? undefined : this.#overview.value;
    return html`
      <header class="header">
        <h2 part="title" class="title" id="title">${msg('Your billing')}</h2>
        <p class="signed-in">${list ? msg(str`Signed in as ${list.email}`) : nothing}</p>
      </header>
      ${
        this.expired
          ? this.#renderExpired()
          : this.#overview.render({
              initial: this.#renderSkeleton,
              pending: this.#renderSkeleton,
              complete: (loaded) => this.#renderList(loaded),
              error: () => loadErrorFace(msg("We couldn't load your billing."), this.#retry),
            })
      }
    `;
  }

  #renderOpened(opened: OpenedBusiness): TemplateResult {
    return html`
      <div class="toolbar">
        <button part="back" type="button" class="button" @click=${this.#backToOverview}>
          <span aria-hidden="true">←</span> ${msg('All businesses')}
        </button>
      </div>
      <dodo-portal api-base=${this.apiBase.trim()} session-token=${opened.sessionToken} locale=${this.#language.locale}></dodo-portal>
    `;
  }

  override render(): TemplateResult {
    // INITIAL or PENDING.
    const loading = !this.opened && !this.expired && this.#overview.status < TaskStatus.COMPLETE;
    return html`
      <div part="base" class="base" tabindex="-1">
        <p class="visually-hidden" role="status">${loading ? msg('Loading your billing…') : nothing}</p>
        ${this.opened ? this.#renderOpened(this.opened) : this.#renderOverview()}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-unified-portal': DodoUnifiedPortal;
  }
}
