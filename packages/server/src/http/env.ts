/** The Hono environments of the HTTP layer (what `c.get()` returns per route group). */
import type { Context } from 'hono';
import type { AppContext } from '../runtime.ts';
import type { AuthenticatedSession } from '../services/sessions.ts';
import type { Scope } from '../store/scope.ts';

export interface BaseVariables {
  requestId: string;
}

export type BaseEnv = { Variables: BaseVariables };
export type MerchantEnv = {
  Variables: BaseVariables & {
    scope: Scope;
    /** The app context on the scope's clock (the business's test clock in test mode). */
    ctx: AppContext;
  };
};
export type PortalEnv = {
  Variables: BaseVariables & {
    session: AuthenticatedSession;
    /** The business of the presented token even when it is expired or revoked (for CORS). */
    sessionBusinessId: string | undefined;
  };
};

export type AnyContext = Context<BaseEnv>;
