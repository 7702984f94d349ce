/**
 * What the editor's parts share: the element they render into, what they need from the portal
 * (passed in, never read off the element: the tag reads it from its SessionController, a
 * part's test from a bare host), and the feedback every write gives — one write at a time, the problem
 * it ran into, the polite notice when it worked, and where focus goes next.
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import { PortalApiError, type PortalClient } from '@dodo-portal/wire/client';
import { emit } from '../../controllers/refresh.ts';
import { isAbort } from '../../controllers/session.ts';
import { cardDeclineText } from './card-view.ts';

/** The element a part renders into and fires its events on. */
export type EditorHost = ReactiveControllerHost & HTMLElement & { readonly renderRoot: ParentNode };

/** What a part needs from `<dodo-portal>`, read when it is needed (the session can change). */
export interface Portal {
  /** The session's API client; undefined until the portal provides one. */
  client(): PortalClient | undefined;
  /** Test mode: the sandbox tokenizes new cards. In live mode no card number is taken here. */
  testMode(): boolean;
  /** The language money and dates are written in. */
  locale(): string;
  /** A 401 ended the session (the element gives way to the portal's expired face). */
  sessionEnded(error: unknown): void;
}

/** What a failed write ran into: the API's error (its `code`, `declineCode`, `status` 0 when the server was not reached), or `{}` for anything else. */
export type Problem = Partial<Pick<PortalApiError, 'code' | 'declineCode' | 'status'>>;

export const apiError = (error: unknown): PortalApiError | undefined => (error instanceof PortalApiError ? error : undefined);

/** `dodo-payment-method-updated`: a card was added, removed, or became a subscription's card. */
export const methodUpdated = (host: EditorHost, change: 'added' | 'removed' | 'selected', paymentMethodId: string, subscriptionId: string | null = null): void =>
  void emit(host, 'dodo-payment-method-updated', { change, paymentMethodId, subscriptionId });

export class Feedback {
  /** A write is in flight: every other write waits for it (a second click does nothing). */
  busy = false;
  problem: Problem | undefined;
  /** Announced politely (card added, method updated). */
  notice = '';

  constructor(
    private readonly host: EditorHost,
    private readonly fromPortal: Portal,
    /** The problem's Refresh: read everything again. */
    private readonly refresh: () => void,
  ) {}

  /** Renders what a part just changed, then puts keyboard focus where the customer continues. */
  async focusOn(selector: string): Promise<void> {
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Runs one write with the session's client unless there is none or another write is in flight; `busy` (and the element) show it meanwhile. */
  async write(work: (client: PortalClient) => Promise<unknown>): Promise<void> {
    const client = this.fromPortal.client();
    if (this.busy || !client) return;
    this.busy = true;
    this.host.requestUpdate();
    try {
      await work(client);
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  /**
   * Any failed call: an expired session takes over the element; anything else becomes `problem`,
   * said by its code (each is answered by one kind of write: `payment_failed` and
   * `charge_in_progress` by a charge, `payment_method_in_use` by a removal).
   */
  fail(error: unknown): void {
    const failure = apiError(error);
    if (failure?.isSessionExpired) return this.fromPortal.sessionEnded(error);
    if (isAbort(error)) return;
    this.problem = failure ?? {};
    void this.focusOn('.problem');
  }

  render(): TemplateResult | typeof nothing {
    const problem = this.problem;
    if (!problem) return nothing;
    const [title, body, action] =
      problem.status === 0
        ? [msg('We could not reach the server.'), msg('Check your connection and try again. You will not be charged twice.')]
        : problem.code === 'payment_failed'
          ? [msg('The payment did not go through'), `${cardDeclineText(problem.declineCode)} ${msg('Nothing was charged. Choose another card or add a new one.')}`]
          : problem.code === 'charge_in_progress'
            ? [
                msg('A payment is already being processed.'),
                msg('Refresh in a moment to see its result.'),
                html`<button type="button" class="button" @click=${this.refresh}>${msg('Refresh')}</button>`,
              ]
            : problem.code === 'payment_method_in_use'
              ? [msg('This card pays for an active subscription.'), msg('Add another card and switch the subscription to it before removing this one.')]
              : [msg('Something went wrong. Please try again.')];
    return html`<div part="error" class="message message--error problem" role="alert" tabindex="-1">
      <p class="message__title">${title}</p>
      ${body ? html`<p class="message__body">${body}</p>` : nothing} ${action}
    </div>`;
  }
}
