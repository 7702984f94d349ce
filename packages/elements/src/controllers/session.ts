/**
 * The portal session as an element inside `<dodo-portal>` sees it: the API client, the locale and
 * the session channel (consumed from the portal's contexts, re-rendering the host when they
 * change), and the session's end. A 401 marks the host expired and is reported to the portal (which
 * fires one `dodo-session-expired` and shows the expired face), or, used alone, fired by the host.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ContextConsumer } from '@lit/context';
import { updateWhenLocaleChanges } from '@lit/localize';
import { PortalApiError, type PortalClient } from '@dodo-portal/wire/client';
import { clientContext, localeContext, sessionContext, type SessionChannel } from '../context.ts';
import { sessionExpiredEvent } from '../events.ts';
import { applyLocale, defaultLocale } from '../localization/localization.ts';

export const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/** The server's stable error code, or `network_error` for anything that is not an API answer. */
export const errorCode = (error: unknown): string => (error instanceof PortalApiError ? error.code : 'network_error');

type Host = ReactiveControllerHost & HTMLElement;

export class SessionController implements ReactiveController {
  /** A 401 seen for the current client; forgotten when a new client (session token) arrives. */
  #sawExpiry = false;
  /** The client the 401 was seen for (the consumer has already stored the new one when it calls back). */
  #failedClient: PortalClient | undefined;
  #localeApplied = false;

  readonly #clientConsumer: ContextConsumer<typeof clientContext, Host>;
  readonly #localeConsumer: ContextConsumer<typeof localeContext, Host>;
  readonly #sessionConsumer: ContextConsumer<typeof sessionContext, Host>;

  constructor(private readonly host: Host) {
    host.addController(this);
    updateWhenLocaleChanges(host);
    this.#clientConsumer = new ContextConsumer(host, {
      context: clientContext,
      subscribe: true,
      callback: (client) => {
        if (client !== this.#failedClient) this.#sawExpiry = false;
      },
    });
    this.#localeConsumer = new ContextConsumer(host, { context: localeContext, subscribe: true });
    this.#sessionConsumer = new ContextConsumer(host, { context: sessionContext, subscribe: true });
  }

  // Before the first render: alone on a page, the element picks its language itself.
  hostUpdate(): void {
    if (this.#localeApplied) return;
    this.#localeApplied = true;
    if (!this.#localeConsumer.value) void applyLocale(this.locale);
  }

  get client(): PortalClient | undefined {
    return this.#clientConsumer.value;
  }

  /** The portal's session: its info (mode, return and login links) and where a 401 is reported. */
  get session(): SessionChannel | undefined {
    return this.#sessionConsumer.value;
  }

  get locale(): string {
    return this.#localeConsumer.value ?? defaultLocale();
  }

  /** Set by a 401 from any call, or when the portal says the session ended (another section's 401). */
  get expired(): boolean {
    return this.#sawExpiry || this.session?.status === 'expired';
  }

  /** Start over (the element now shows another subscription): forget a 401 it saw itself. */
  forgetFailure(): void {
    this.#sawExpiry = false;
  }

  /**
   * A failed call: a 401 (for the current token) ends the session; anything else is the caller's
   * to show. A late 401 for a token the page has already replaced says nothing about the new one.
   */
  noteFailure(error: unknown): void {
    if (!(error instanceof PortalApiError) || !error.isSessionExpired) return;
    if (error.source && error.source !== this.client) return;
    this.#sawExpiry = true;
    this.#failedClient = this.client;
    this.host.requestUpdate();
    if (this.session) this.session.reportExpired(error.code, error.loginUrl);
    else this.host.dispatchEvent(sessionExpiredEvent(error.code));
  }
}
