/**
 * The base class the payment-method editor still extends, until it is migrated to the controllers
 * (src/controllers/) every other section composes. Only a thin face over them: the session (client,
 * locale, expiry), formatting, and the load-error and expired faces, under the names it used.
 */
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { PortalClient } from '@dodo-portal/wire/client';
import type { SessionChannel } from '../context.ts';
import { loadErrorFace } from '../controllers/data.ts';
import { Formatter } from '../controllers/format.ts';
import { SessionController } from '../controllers/session.ts';
import { ThemedElement } from './themed-element.ts';

export { saveInvoicePdf } from '../controllers/download.ts';
export { emit } from '../controllers/refresh.ts';
export { errorCode, isAbort } from '../controllers/session.ts';

export class PortalConsumer extends ThemedElement {
  private readonly portalSession = new SessionController(this);
  private readonly formatter = new Formatter(() => this.portalSession.locale);

  /** Mirrors of the session's, as reactive state: a subclass's `willUpdate` sees `changed.has('client')`. */
  @state() protected client?: PortalClient;
  @state() protected session?: SessionChannel;

  protected override willUpdate(_changed: PropertyValues): void {
    this.client = this.portalSession.client;
    this.session = this.portalSession.session;
  }

  protected get expired(): boolean {
    return this.portalSession.expired;
  }

  /** `false`: start over (another subscription), forgetting a 401 this element saw. */
  protected set expired(value: boolean) {
    if (!value) this.portalSession.forgetFailure();
  }

  protected get locale(): string {
    return this.portalSession.locale;
  }

  protected noteFailure(error: unknown): void {
    this.portalSession.noteFailure(error);
  }

  protected money(minor: number, currency: string): string {
    return this.formatter.money(minor, currency);
  }

  protected renderLoadError(title: string, retry: () => void): TemplateResult {
    return loadErrorFace(title, retry);
  }

  /** Nothing: the portal replaces every section with one expired face (and says what to do). */
  protected renderExpired(): TemplateResult {
    return html``;
  }
}
