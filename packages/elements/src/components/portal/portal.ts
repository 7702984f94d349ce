import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ContextProvider } from '@lit/context';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { Task, initialState } from '../../controllers/task.ts';
import { PortalApiError, createPortalClient, requestLoginLink, type PortalClient, getSession } from '@dodo-portal/wire/client';
import type { PortalSessionInfo } from '@dodo-portal/wire/schemas';
import { clientContext, localeContext, sessionContext, type SessionChannel, type SessionStatus } from '../../context.ts';
import { sessionExpiredEvent } from '../../events.ts';
import { applyLocale, resolveLocale } from '../../localization/localization.ts';
import { safeHttpUrl } from '../../safe-url.ts';
import { portalSections } from '../../catalogue.ts';
import { brandPrimary } from '../../styles/contrast.ts';
import { base, SURFACES, tokens } from '../../styles/tokens.ts';
import { states } from '../../styles/states.ts';
import { ThemedElement } from '../themed-element.ts';
import styles from './portal.styles.ts';

const UNIFIED_TAG = 'dodo-unified-portal';

/**
 * @tagname dodo-portal
 * @summary The root of the customer billing portal: provides the API client, the locale and the
 * session state to the elements inside it. Without children it renders the whole portal.
 *
 * The whole portal shows a section, under its own heading, for each portal element registered
 * on the page — subscriptions (with plan changes), payment methods, invoices, payment history,
 * license keys and the customer's account, in that order — and adds a section when its element is
 * registered later. Importing `<dodo-portal>` registers none of them: the CDN script registers
 * all, an npm page registers the ones it wants (e.g. `define/dodo-invoice-list`).
 *
 * With `unified` and a unified session token (`dpu_…`, from the `/login` and `/test/login` email
 * link) it shows `<dodo-unified-portal>` instead: every business where the customer's email is a
 * customer, opening any of their portals in place without another sign-in.
 *
 * Changing `session-token` (or `api-base`) rebuilds the client and every element reloads its
 * data: a merchant can hand over a fresh token without reloading the page.
 *
 * When the session ends (any section's request answers 401) every section gives way to one
 * "Your session has expired" face. Embedded on a merchant's page it says to reload the page
 * (`expired-message` or the `expired` slot put it in the merchant's words); on the server's hosted
 * page (`hosted`) it offers to email the customer a new link.
 *
 * @event {CustomEvent<SessionExpiredDetail>} dodo-session-expired - The server answered 401 for the
 *   current session token (fired once per token). Fetch a new token and set `session-token`.
 *
 * @slot - Portal elements (e.g. `<dodo-invoice-list>`) to compose your own layout. When the slot
 *   is empty the complete portal is rendered instead.
 * @slot expired - Replaces the text and buttons of the expired-session face (e.g. your own
 *   "Sign in again" link). Shown only once the session has ended.
 *
 * @csspart base - The complete portal (hidden when children are slotted).
 * @csspart header - The portal header.
 * @csspart business - The business's display name (its brand's) in the header.
 * @csspart test-mode - The "Test mode" badge beside it, for a test-mode session (no real charges).
 * @csspart title - The portal's heading.
 * @csspart return-link - The link back to the merchant's site (when the session has a return URL).
 * @csspart section - Each section of the complete portal (also `section-subscriptions`,
 *   `section-payment-methods`, `section-invoices`, `section-transactions`, `section-license-keys`,
 *   `section-profile`).
 * @csspart section-title - A section's heading.
 * @csspart expired - The one expired-session face that replaces every section.
 *
 * @cssproperty --dodo-color-primary - Primary buttons, links and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on primary buttons.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-surface-raised - Raised surfaces (table header, skeletons).
 * @cssproperty --dodo-color-text - Text.
 * @cssproperty --dodo-color-text-muted - Secondary text.
 * @cssproperty --dodo-color-border - Borders and rules.
 * @cssproperty --dodo-color-success - Success (e.g. "Paid").
 * @cssproperty --dodo-color-warning - Warnings (e.g. "Open", expired session).
 * @cssproperty --dodo-color-danger - Errors (e.g. "Void", load failures).
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoPortal extends ThemedElement {
  static override get styles() {
    return [tokens, base, states, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      slotted: { state: true, attribute: false },
      newLink: { state: true, attribute: false },
      apiBase: { attribute: 'api-base' },
      sessionToken: { attribute: 'session-token' },
      locale: {},
      unified: { type: Boolean, reflect: true },
      hosted: { type: Boolean },
      expiredMessage: { attribute: 'expired-message' },
    };
  }

  /** Bumped with every new client, so a late 401 from an old token cannot expire the new one. */
  #generation = 0;

  /** Whether the host's `lang` is ours (the language we render in) rather than the page's. */
  #ownsLang = false;

  /** Section tags whose later registration we already wait for. */
  readonly #awaitedTags = new Set<string>();

  /** Focus was inside the portal when the session ended: move it to the expired face. */
  #focusExpired = false;

  readonly #sessionInfo = new Task(this, {
    task: async ([client], { signal }) => {
      // Loaded in both layouts: the header uses it, and slotted elements read the mode (card
      // tokenization) and the brand colour from the session channel.
      if (!client) return initialState;
      const generation = this.#generation;
      try {
        const info = await getSession(client, signal);
        if (generation === this.#generation) {
          this.session = this.#sessionChannel(this.session.status, info);
          this.#applyBrand(info);
        }
        return info;
      } catch (error) {
        if (error instanceof PortalApiError && error.isSessionExpired) this.#expire(generation, error.code, error.loginUrl);
        throw error;
      }
    },
    args: () => [this.client] as const,
  });

  /** Whether elements are slotted; `undefined` until known (the parser may still be adding them). */
  private slotted: boolean | undefined;
  /** "Email me a new link" on the hosted page. */
  private newLink: 'sending' | 'sent' | 'failed' | undefined;

  // What the portal provides to the elements inside it (controllers, not decorators: issue 15).
  readonly #clientProvider = new ContextProvider(this, { context: clientContext });
  readonly #localeProvider = new ContextProvider(this, { context: localeContext, initialValue: 'en' });
  #session = this.#sessionChannel('active', null);
  readonly #sessionProvider = new ContextProvider(this, { context: sessionContext, initialValue: this.#session });

  private get client(): PortalClient | undefined {
    return this.#clientProvider.value;
  }
  private set client(client: PortalClient | undefined) {
    this.#clientProvider.setValue(client);
  }
  private get resolvedLocale(): string {
    return this.#localeProvider.value;
  }
  private set resolvedLocale(locale: string) {
    this.#localeProvider.setValue(locale);
  }
  private get session(): SessionChannel {
    return this.#session;
  }
  private set session(session: SessionChannel) {
    this.#session = session;
    this.#sessionProvider.setValue(session);
  }

  /** The portal server's origin, e.g. `https://portal.example.com`. */
  apiBase = '';

  /** The customer's portal session token, from your server's `POST /v1/customers/{id}/portal-sessions`. */
  sessionToken = '';

  /**
   * BCP 47 tag for text, dates and money (`en`, `sv-SE`, `de-AT`). Defaults to the closest `lang`
   * attribute around the portal (or `<html lang>`), then the browser's languages, then English.
   * Text comes in en, sv, de, fr or es (`de-AT` → German); an unsupported language falls back to
   * English, dates and money included. Changing it switches the language live. The portal sets
   * its own `lang` attribute to the language it renders in, unless the page set one on it.
   */
  locale = '';

  /**
   * The token is a unified session (`dpu_…`): show the overview across businesses
   * (`<dodo-unified-portal>`, which must be registered — the CDN script and
   * `define/dodo-unified-portal` do) instead of one business's portal.
   */
  unified = false;

  /**
   * The portal is the whole page (the server's hosted `/portal`): an ended session offers to email
   * the customer a new link instead of asking them to reload, and a missing token shows that face.
   */
  hosted = false;

  /**
   * Embedded: what the expired face says under its title (default: reload the page to continue).
   * For more than text, use the `expired` slot.
   */
  expiredMessage = '';

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A section appears once its element is registered, e.g. by a define entry loaded later.
    for (const tag of [...portalSections.map((section) => section.tag), UNIFIED_TAG]) {
      if (customElements.get(tag) || this.#awaitedTags.has(tag)) continue;
      this.#awaitedTags.add(tag);
      void customElements.whenDefined(tag).then(() => this.requestUpdate());
    }
    // Upgraded while the parser is still adding our children: wait for it before deciding
    // between "whole portal" and "context only", so no request is made for nothing.
    if (this.ownerDocument.readyState === 'loading') {
      this.ownerDocument.addEventListener('DOMContentLoaded', this.#updateSlotted, { once: true });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ownerDocument.removeEventListener('DOMContentLoaded', this.#updateSlotted);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated) this.#updateSlotted();
    if (changed.has('apiBase') || changed.has('sessionToken') || changed.has('unified')) {
      this.#generation += 1;
      const apiBase = this.apiBase.trim();
      const sessionToken = this.sessionToken.trim();
      // A unified token opens only the unified API: the unified portal makes its own calls. Each
      // request names our current language, so the server's own words (invoice lines) match it.
      this.client = apiBase && sessionToken && !this.unified ? createPortalClient({ apiBase, sessionToken, locale: () => this.resolvedLocale }) : undefined;
      this.session = this.#sessionChannel('active', null);
      this.newLink = undefined;
    }
    if (changed.has('locale') || !this.hasUpdated) {
      // Read on the first update after connecting (never at import), and on every change.
      this.resolvedLocale = resolveLocale(this.locale, this, this.#ownsLang);
      void applyLocale(this.resolvedLocale);
      // WCAG 3.1.2: assistive technology reads our text in its language, which may differ from
      // the page's. A `lang` the page put on the portal itself wins.
      if (this.#ownsLang || !this.hasAttribute('lang')) {
        this.#ownsLang = true;
        this.setAttribute('lang', this.resolvedLocale);
      }
    }
  }

  /**
   * The business's brand colour becomes the default primary colour when it is readable on the
   * light surface (a page's `--dodo-color-primary` still wins; the dark palette keeps its own).
   */
  #applyBrand(info: PortalSessionInfo): void {
    const brand = brandPrimary(info.business.brand.primary_color, SURFACES.light);
    if (brand) {
      this.style.setProperty('--dodo-brand-primary', brand.primary);
      this.style.setProperty('--dodo-brand-on-primary', brand.onPrimary);
    } else {
      this.style.removeProperty('--dodo-brand-primary');
      this.style.removeProperty('--dodo-brand-on-primary');
    }
  }

  get #rendersFullPortal(): boolean {
    return this.slotted === false;
  }

  readonly #updateSlotted = (): void => {
    // Before the first render there is no slot yet: every child without a `slot` attribute
    // is what the default slot will hold.
    const slotted = this.renderRoot?.querySelector<HTMLSlotElement>('slot:not([name])')?.assignedElements() ?? [...this.children].filter((child) => !child.slot);
    const hasChildren = slotted.length > 0;
    this.slotted = hasChildren || this.ownerDocument.readyState !== 'loading' ? hasChildren : undefined;
  };

  #sessionChannel(status: SessionStatus, info: PortalSessionInfo | null, loginUrl: string | null = null): SessionChannel {
    const generation = this.#generation;
    return { status, info, loginUrl, reportExpired: (code, url) => this.#expire(generation, code, url) };
  }

  #expire(generation: number, code: string, loginUrl?: string): void {
    if (generation !== this.#generation || this.session.status === 'expired') return;
    const old = this.session;
    // Now, before any section re-renders (and drops what had focus).
    this.#focusExpired = this.matches(':focus-within');
    this.session = this.#sessionChannel('expired', old.info, safeHttpUrl(loginUrl ?? old.info?.login_url) ?? null);
    // A section's 401 arrives through the channel: re-render the portal, with its one expired face.
    this.requestUpdate('session', old);
    this.dispatchEvent(sessionExpiredEvent(code));
  }

  protected override updated(): void {
    if (!this.#focusExpired) return;
    this.#focusExpired = false;
    // A turn later: the sections have closed their (modal) dialogs by then.
    setTimeout(() => this.renderRoot.querySelector<HTMLElement>('[part="expired"]')?.focus());
  }

  get #expired(): boolean {
    return this.session.status === 'expired' || (this.hosted && !this.client);
  }

  /** Hosted: POST /portal/v1/login for the session's customer; the email holds a new link. */
  async #emailNewLink(): Promise<void> {
    const info = this.session.info;
    if (!info || this.newLink === 'sending') return;
    this.newLink = 'sending';
    try {
      await requestLoginLink({ apiBase: this.apiBase.trim() }, { business_id: info.business.business_id, email: info.customer.email, mode: info.mode });
      this.newLink = 'sent';
    } catch {
      this.newLink = 'failed';
    }
  }

  /** What the expired face offers: reload (embedded), or a new link by email (hosted). */
  #renderExpiredActions(): TemplateResult {
    if (!this.hosted) {
      return html`<p class="message__body">${this.expiredMessage || msg('Reload the page to continue.')}</p>
        <button type="button" class="button button--primary" @click=${() => location.reload()}>${msg('Reload page')}</button>`;
    }
    const info = this.session.info;
    const returnUrl = safeHttpUrl(info?.return_url);
    // Without a session we know of no business: the sign-in page for every business finds the customer's.
    const loginUrl = safeHttpUrl(this.session.loginUrl ?? info?.login_url) ?? `${this.apiBase.trim().replace(/\/+$/, '')}/login`;
    const sent = this.newLink === 'sent';
    return html`<p class="message__body">${msg('For your security, billing links expire. Get a new one by email.')}</p>
      ${
        info
          ? html`<button type="button" class="button button--primary" aria-disabled=${String(this.newLink === 'sending' || sent)} @click=${this.#emailNewLink}>${msg('Email me a new link')}</button>`
          : html`<a class="button button--primary" href=${loginUrl}>${msg('Request a new link by email')}</a>`
      }
      <p class="message__body" role="status">${
        sent ? msg(str`We sent a new link to ${info!.customer.email}.`) : this.newLink === 'failed' ? msg('The email could not be sent. Please try again.') : nothing
      }</p>
      ${returnUrl ? html`<a class="button" href=${returnUrl}>${info?.business.display_name ? msg(str`Back to ${info.business.display_name}`) : msg('Go back')}</a>` : nothing}`;
  }

  #renderHeader(): TemplateResult {
    const info = this.#sessionInfo.value;
    const returnUrl = safeHttpUrl(info?.return_url);
    return html`
      <header part="header" class="header">
        <div class="heading">
          <p class="business">
            <span part="business">${info?.business.display_name ?? nothing}</span>
            ${
              info?.mode === 'test'
                ? html`<span part="test-mode" class="badge badge--open" title=${msg('No real charges: this portal is in test mode.')}
                  >${msg('Test mode')}</span
                >`
                : nothing
            }
          </p>
          <h2 part="title" class="title">${msg('Billing')}</h2>
        </div>
        ${
          returnUrl
            ? html`<a part="return-link" class="return-link" href=${returnUrl}>
              ${info?.business.display_name ? msg(str`Return to ${info.business.display_name}`) : msg('Return to site')}
            </a>`
            : nothing
        }
      </header>
    `;
  }

  #renderSections(): (TemplateResult | typeof nothing)[] {
    // One slot per section, always at its own index: a section registered later is inserted
    // without re-creating (and reloading) the ones after it.
    return portalSections.map(({ tag, key, heading, content }) =>
      customElements.get(tag)
        ? html`
            <section part="section section-${key}" class="section" aria-labelledby="section-${key}">
              <h3 part="section-title" id="section-${key}" class="section__title">${heading()}</h3>
              ${content()}
            </section>
          `
        : nothing,
    );
  }

  override render(): TemplateResult {
    if (this.unified) {
      return customElements.get(UNIFIED_TAG)
        ? html`<dodo-unified-portal api-base=${this.apiBase} session-token=${this.sessionToken} locale=${this.resolvedLocale}></dodo-unified-portal>`
        : html``;
    }
    const full = this.#rendersFullPortal;
    // An ended session is said once for the whole portal. Slotted sections stay (hiding a modal
    // dialog's host hangs Chromium) but show nothing once it ended: their content gives way to it.
    const expired = this.#expired;
    return html`
      <div part="base" class="portal" ?hidden=${!full && !expired}>
        ${full ? this.#renderHeader() : nothing} ${full && !expired ? this.#renderSections() : nothing}
        <div part="expired" class="message message--expired" role="alert" tabindex="-1" ?hidden=${!expired}>
          <slot name="expired"><p class="message__title">${msg('Your session has expired')}</p>${expired ? this.#renderExpiredActions() : nothing}</slot>
        </div>
      </div>
      <slot @slotchange=${this.#updateSlotted}></slot>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-portal': DodoPortal;
  }
}
