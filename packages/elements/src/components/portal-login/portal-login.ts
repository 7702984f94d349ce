import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { PortalApiError, requestLoginLink, requestUnifiedLoginLink } from '@dodo-portal/wire/client';
import { LocaleController } from '../../controllers/locale.ts';
import { loginLinkRequestedEvent } from '../../events.ts';
import { fields } from '../../styles/fields.ts';
import { base, tokens } from '../../styles/tokens.ts';
import { ThemedElement } from '../themed-element.ts';
import styles from './portal-login.styles.ts';

type Phase = 'idle' | 'sending' | 'sent';

/** How long after a link was sent before the same address can ask again. */
const RESEND_COOLDOWN_SECONDS = 60;
type Problem = 'invalid' | 'failed' | 'rate-limited' | 'unavailable';

/**
 * @tagname dodo-portal-login
 * @summary Sign in to the billing portal by email: the customer enters their address and is
 * emailed a one-time sign-in link. The static login page (`/login/{business_id}`) shows it; with
 * `unified`, the unified login page (`/login`, `/test/login`) does: one link for every business
 * where the address is a customer, no `business-id` needed.
 *
 * The confirmation reads the same whether or not the address belongs to a customer (the server
 * answers every request alike), so the form never tells who is a customer.
 *
 * @event {CustomEvent<LoginLinkRequestedDetail>} dodo-login-link-requested - The server accepted
 *   the request (202). Fired whether or not the email belongs to a customer.
 *
 * @csspart base - The wrapper around every state.
 * @csspart title - The heading.
 * @csspart form - The email form.
 * @csspart label - The email field's label.
 * @csspart input - The email field.
 * @csspart submit - The submit button.
 * @csspart error - The message under the field (invalid email, failure, too many attempts).
 * @csspart sent - The "check your email" confirmation.
 * @csspart resend - "Send the link again" (waits a minute after each link).
 *
 * @cssproperty --dodo-color-primary - The submit button and the focus ring.
 * @cssproperty --dodo-color-on-primary - Text on the submit button.
 * @cssproperty --dodo-color-surface - Background.
 * @cssproperty --dodo-color-text - Text.
 * @cssproperty --dodo-color-text-muted - Secondary text.
 * @cssproperty --dodo-color-border - The field's border.
 * @cssproperty --dodo-color-success - The confirmation's accent.
 * @cssproperty --dodo-color-danger - Error messages and the invalid field.
 * @cssproperty --dodo-font-family - Font family.
 * @cssproperty --dodo-font-size - Base font size.
 * @cssproperty --dodo-radius - Corner radius.
 * @cssproperty --dodo-space - Base spacing unit.
 */
export class DodoPortalLogin extends ThemedElement {
  static override get styles() {
    return [tokens, base, fields, styles];
  }

  static override get properties(): PropertyDeclarations {
    return {
      phase: { state: true, attribute: false },
      problem: { state: true, attribute: false },
      resendIn: { state: true, attribute: false },
      apiBase: { attribute: 'api-base' },
      businessId: { attribute: 'business-id' },
      unified: { type: Boolean },
      mode: {},
      locale: {},
    };
  }

  private readonly language = new LocaleController(this, () => this.locale);

  #controller: AbortController | undefined;

  private get input(): HTMLInputElement | null | undefined {
    return this.renderRoot?.querySelector('input');
  }

  private phase: Phase = 'idle';
  private problem: Problem | undefined;
  // Not reactive: set only with `problem` or `phase`, whose change renders them.
  private retryAfterSeconds = 0;
  private email = '';
  /** Seconds until "Send the link again" works: a second email within a minute is one too many. */
  private resendIn = 0;

  /** The portal server's origin; defaults to this page's origin (the hosted login page). */
  apiBase = '';

  /** The business the customer signs in to (`biz_…`). Ignored with `unified`. */
  businessId = '';

  /** Sign in to the unified portal: every business where the email is a customer, in `mode`. */
  unified = false;

  /** `live` (default) or `test`: which customers the email is looked up among. */
  mode: 'test' | 'live' = 'live';

  /** BCP 47 tag for the text; defaults to `<html lang>`, then the browser's language. */
  locale = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#controller?.abort();
    clearInterval(this.#cooldownTimer);
  }

  /**
   * Emails a sign-in link to `email`, abandoning any earlier request still in flight: `true` once
   * sent. Otherwise `failed` hears the server's status (none without an answer) and, for a 429, how
   * long to wait; not when a later request took over.
   */
  async #request(email: string, failed: (status: number | undefined, retryAfterSeconds: number) => void): Promise<boolean> {
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    const options = { apiBase: this.apiBase.trim() || location.origin, signal: controller.signal };
    const mode = this.mode === 'test' ? 'test' : 'live';
    try {
      await (this.unified ? requestUnifiedLoginLink(options, { email, mode }) : requestLoginLink(options, { business_id: this.businessId.trim(), email, mode }));
      return true;
    } catch (error) {
      const answer = error instanceof PortalApiError ? error : undefined;
      if (!controller.signal.aborted) failed(answer?.status, answer?.retryAfterSeconds ?? 60);
      return false;
    }
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = this.input;
    if (this.phase === 'sending' || !input) return;
    const email = (input.value = input.value.trim());
    // `required`: an empty field is invalid too.
    if (!input.checkValidity()) {
      this.problem = 'invalid';
      input.focus();
      return;
    }
    this.email = email;
    if (!this.unified && !this.businessId.trim()) {
      // A page without `business-id` cannot sign anyone in: say so rather than blame the email.
      this.problem = 'unavailable';
      return;
    }
    this.problem = undefined;
    this.phase = 'sending';
    const sent = await this.#request(email, async (status, retryAfterSeconds) => {
      this.phase = 'idle';
      this.retryAfterSeconds = retryAfterSeconds;
      this.problem = status === 429 ? 'rate-limited' : status === 400 ? 'invalid' : status === 503 ? 'unavailable' : 'failed';
      await this.updateComplete;
      this.input?.focus();
    });
    if (!sent) return;
    this.phase = 'sent';
    this.#startCooldown();
    this.dispatchEvent(loginLinkRequestedEvent(email));
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part="sent"]')?.focus();
  }

  #cooldownTimer: ReturnType<typeof setInterval> | undefined;

  #startCooldown(seconds = RESEND_COOLDOWN_SECONDS): void {
    clearInterval(this.#cooldownTimer);
    this.resendIn = seconds;
    // Down to 0 (the button works again), then stops.
    this.#cooldownTimer = setInterval(() => (this.resendIn > 0 ? (this.resendIn -= 1) : clearInterval(this.#cooldownTimer)), 1_000);
  }

  /** The same address once more, after the cooldown; the confirmation stays and says it was sent. */
  async #resend(): Promise<void> {
    if (this.resendIn > 0 || this.phase !== 'sent') return;
    this.#startCooldown();
    // Refused for too many attempts: wait as long as the server says; any other failure: try again now.
    const sent = await this.#request(this.email, (status, retryAfterSeconds) => this.#startCooldown(status === 429 ? retryAfterSeconds : 0));
    if (sent) this.dispatchEvent(loginLinkRequestedEvent(this.email));
  }

  async #startOver(): Promise<void> {
    this.phase = 'idle';
    this.problem = undefined;
    await this.updateComplete;
    const input = this.input;
    if (input) {
      input.value = this.email;
      input.focus();
      input.select();
    }
  }

  #problemText(problem: Problem): string {
    const minutes = Math.max(1, Math.ceil(this.retryAfterSeconds / 60));
    return {
      invalid: msg('Enter a valid email address, like name@example.com.'),
      failed: msg("We couldn't send the link. Check your connection and try again."),
      'rate-limited': msg(str`Too many attempts. Try again in ${minutes} min.`),
      unavailable: msg('Sign-in by email is not available right now. Please try again later.'),
    }[problem];
  }

  #renderSent(): TemplateResult {
    return html`
      <div part="sent" class="sent" role="status" tabindex="-1">
        <h2 part="title" class="title">${msg('Check your email')}</h2>
        <p class="body">
          ${msg(str`If ${this.email} belongs to an account, a sign-in link is on its way. It works once and expires in 24 hours.`)}
        </p>
        <div class="actions">
          <button part="resend" type="button" class="button" aria-disabled=${this.resendIn > 0} @click=${this.#resend}>
            ${this.resendIn > 0 ? msg(str`Send the link again in ${this.resendIn} s`) : msg('Send the link again')}
          </button>
          <button type="button" class="button" @click=${this.#startOver}>${msg('Use a different email')}</button>
        </div>
      </div>
    `;
  }

  #renderForm(): TemplateResult {
    const sending = this.phase === 'sending';
    const problem = this.problem;
    return html`
      <h2 part="title" class="title">${msg('Sign in to billing')}</h2>
      <p class="body">
        ${
          this.unified
            ? msg("Enter your email address and we'll email you one link to the billing of every business you buy from.")
            : msg("Enter the email address you use with us and we'll email you a link to sign in.")
        }
      </p>
      <form part="form" class="form" novalidate @submit=${this.#submit}>
        <label part="label" class="label" for="email">${msg('Email address')}</label>
        <input
          part="input"
          class="input"
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          inputmode="email"
          spellcheck="false"
          required
          aria-invalid=${problem === 'invalid'}
          aria-describedby="problem"
        />
        <p part="error" id="problem" class="problem" role="alert">${problem ? this.#problemText(problem) : nothing}</p>
        <button part="submit" type="submit" class="button button--primary" aria-disabled=${sending}>
          ${sending ? msg('Sending…') : msg('Email me a sign-in link')}
        </button>
      </form>
    `;
  }

  override render(): TemplateResult {
    return html`<div part="base" class="base" aria-busy=${this.phase === 'sending'}>
      ${this.phase === 'sent' ? this.#renderSent() : this.#renderForm()}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dodo-portal-login': DodoPortalLogin;
  }
}
