/**
 * Context keys shared by `<dodo-portal>` (the provider) and the elements inside it (consumers).
 * Keys are `Symbol.for(...)` so two copies of the package on one page still find each other.
 */
import { createContext } from '@lit/context';
import type { PortalClient } from '@dodo-portal/wire/client';
import type { PortalSessionInfo } from '@dodo-portal/wire/schemas';

/** The API client, or `undefined` while `api-base` or `session-token` is missing. */
export const clientContext = createContext<PortalClient | undefined>(Symbol.for('dodo-portal/client'));

/** The BCP 47 tag used for formatting dates and money, e.g. `sv-SE`. */
export const localeContext = createContext<string>(Symbol.for('dodo-portal/locale'));

export type SessionStatus = 'active' | 'expired';

/**
 * The session-state channel. The portal replaces the object whenever the state changes, so
 * subscribed consumers re-render; consumers report a 401 through `reportExpired()` and the
 * portal fires one `dodo-session-expired` per session token.
 */
export interface SessionChannel {
  readonly status: SessionStatus;
  /** `GET /portal/v1/session`, once the portal has loaded it. */
  readonly info: PortalSessionInfo | null;
  /**
   * Once expired: the business's login page, where the customer can request a new link by
   * email (from the session info, or from the 401 answer itself), or `null` when unknown.
   */
  readonly loginUrl: string | null;
  /** `code` is the server's error code, passed on in the event's detail; `loginUrl` its `login_url`. */
  reportExpired(code: string, loginUrl?: string): void;
}

export const sessionContext = createContext<SessionChannel | undefined>(Symbol.for('dodo-portal/session'));
