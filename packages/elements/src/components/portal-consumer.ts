/**
 * What the portal elements share: the context they consume from
 * `<dodo-portal>`, the session's end (reported to the portal, which shows it), the load-error face, formatting of a price per
 * billing interval, events, and saving an invoice PDF. One base class keeps the CDN script small.
 */
import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { PortalApiError, type PortalClient } from '@dodo-portal/wire/client';
import type { BillingInterval } from '@dodo-portal/wire/schemas';
import { clientContext, localeContext, sessionContext, type SessionChannel } from '../context.ts';
import { sessionExpiredEvent, type PortalChangedDetail } from '../events.ts';
import { formatMoney } from '../format.ts';
import { applyLocale, defaultLocale } from '../localization/localization.ts';
import type { Theme } from '../styles/tokens.ts';
import { CHANGES } from './refresh.ts';

export const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/** The server's stable error code, or `network_error` for anything that is not an API answer. */
export const errorCode = (error: unknown): string => (error instanceof PortalApiError ? error.code : 'network_error');

const event = <T>(type: string, detail: T, cancelable = false) => new CustomEvent(type, { bubbles: true, composed: true, cancelable, detail });

/**
 * A bubbling, composed event; returns `false` when a listener called `preventDefault()`. A write's
 * event is followed by `dodo-portal-changed` naming what it changed, so other sections refetch.
 */
export function emit<T>(target: EventTarget, type: string, detail: T, cancelable = false): boolean {
  const allowed = target.dispatchEvent(event(type, detail, cancelable));
  const resources = CHANGES[type];
  if (resources) target.dispatchEvent(event<PortalChangedDetail>('dodo-portal-changed', { resources }));
  return allowed;
}

/** Long enough for every browser to have started reading the blob before it is released. */
const REVOKE_DELAY_MS = 1_000;

/**
 * Hand an invoice PDF to the browser's download manager as `{number}.pdf`, through a blob URL so
 * the session token never appears in a URL.
 */
export function saveInvoicePdf(root: ParentNode, pdf: Blob, number: string): void {
  const url = URL.createObjectURL(pdf);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${number.replace(/[^\w.-]+/g, '_')}.pdf`;
  link.hidden = true;
  root.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_DELAY_MS);
  }
}

export class PortalConsumer extends LitElement {
  /**
   * The palette: light by default (also `light`), `dark` always, `auto` follows the visitor's
   * `prefers-color-scheme` (as the hosted pages do). Without it, an element inside one that has it
   * takes that palette. Tokens set on the element by the page win over either.
   */
  @property({ reflect: true }) theme: Theme | undefined;

  /**
   * Set by a 401 from any call, or when the portal says the session ended (another section's 401);
   * cleared when a new client (session token) arrives.
   */
  @state() protected expired = false;

  @consume({ context: clientContext, subscribe: true })
  @state()
  protected client?: PortalClient;

  @consume({ context: localeContext, subscribe: true })
  @state()
  private providedLocale?: string;

  /** The portal's session: its info (mode, return and login links) and where a 401 is reported. */
  @consume({ context: sessionContext, subscribe: true })
  @state()
  protected session?: SessionChannel;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('client') && this.expired) this.expired = false;
    if (this.session?.status === 'expired') this.expired = true;
    if (!this.providedLocale && !this.hasUpdated) void applyLocale(this.locale);
  }

  protected get locale(): string {
    return this.providedLocale ?? defaultLocale();
  }

  /** Records a 401 (and tells the portal, or the page when used alone); rethrows nothing. */
  protected noteFailure(error: unknown): void {
    if (!(error instanceof PortalApiError) || !error.isSessionExpired) return;
    // A late 401 for a token the page has already replaced says nothing about the new session.
    if (error.source && error.source !== this.client) return;
    this.expired = true;
    if (this.session) this.session.reportExpired(error.code, error.loginUrl);
    else this.dispatchEvent(sessionExpiredEvent(error.code));
  }

  protected money(minor: number, currency: string): string {
    return formatMoney(minor, currency, this.locale);
  }

  /** "$20.00 per month", "$50.00 every 3 months" — the unit through `Intl` in the locale. */
  protected pricePer(minor: number, currency: string, interval: BillingInterval | null, count: number | null): string {
    const price = this.money(minor, currency);
    if (!interval) return price;
    if ((count ?? 1) === 1) {
      switch (interval) {
        case 'day':
          return msg(str`${price} per day`, { id: 'price.per-day' });
        case 'week':
          return msg(str`${price} per week`, { id: 'price.per-week' });
        case 'month':
          return msg(str`${price} per month`, { id: 'price.per-month' });
        case 'year':
          return msg(str`${price} per year`, { id: 'price.per-year' });
      }
    }
    const period = new Intl.NumberFormat(this.locale, { style: 'unit', unit: interval, unitDisplay: 'long' }).format(count ?? 1);
    return msg(str`${price} every ${period}`, { id: 'price.every' });
  }

  protected renderLoadError(title: string, retry: () => void): TemplateResult {
    return html`
      <div part="error" class="message message--error" role="alert">
        <p class="message__title">${title}</p>
        <p class="message__body">${msg('Check your connection and try again.', { id: 'invoice-list.error.body' })}</p>
        <button type="button" class="button button--primary" @click=${retry}>${msg('Retry', { id: 'invoice-list.retry' })}</button>
      </div>
    `;
  }

  /** Nothing: the portal replaces every section with one expired face (and says what to do). */
  protected renderExpired(): TemplateResult {
    return html``;
  }
}
