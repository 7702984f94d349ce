/**
 * The public events. Names are frozen: renaming one breaks merchants silently.
 * All bubble and are composed, so a listener on `document` hears them.
 */

/** Detail of `dodo-invoice-download`, fired (cancelable) before an invoice PDF is downloaded. */
export interface InvoiceDownloadDetail {
  invoiceId: string;
  /** The invoice number, e.g. `INV-000042`; the file is saved as `{number}.pdf`. */
  number: string;
}

/** Detail of `dodo-session-expired`: the server's error code (`session_expired`, `unauthorized`). */
export interface SessionExpiredDetail {
  code: string;
}

/** Detail of `dodo-login-link-requested`: the address the customer entered. */
export interface LoginLinkRequestedDetail {
  email: string;
}

export type InvoiceDownloadEvent = CustomEvent<InvoiceDownloadDetail>;
export type LoginLinkRequestedEvent = CustomEvent<LoginLinkRequestedDetail>;
export type SessionExpiredEvent = CustomEvent<SessionExpiredDetail>;

export function sessionExpiredEvent(code: string): SessionExpiredEvent {
  return new CustomEvent('dodo-session-expired', { bubbles: true, composed: true, detail: { code } });
}

export function loginLinkRequestedEvent(email: string): LoginLinkRequestedEvent {
  return new CustomEvent('dodo-login-link-requested', { bubbles: true, composed: true, detail: { email } });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'dodo-invoice-download': InvoiceDownloadEvent;
    'dodo-session-expired': SessionExpiredEvent;
    'dodo-login-link-requested': LoginLinkRequestedEvent;
  }
}
