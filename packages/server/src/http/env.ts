import type { Context } from 'hono';
import type { Mailer } from '../mail/mailer.ts';
import type { PaymentProcessor } from '../payments/processor.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AuthenticatedSession } from '../services/sessions.ts';
import type { Scope } from '../store/scope.ts';

export interface Logger {
  error(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
}

/** Everything a request handler may use, resolved once per app. */
export interface AppContext extends ServiceContext {
  mailer: Mailer;
  paymentProcessor: PaymentProcessor;
  /** The server's public origin (links in sessions, e-mails). No trailing slash. */
  publicUrl: string;
  /** The built CDN bundle served at /dodo-portal.js, or undefined when it cannot be located. */
  cdnScriptPath: string | undefined;
  logger: Logger;
}

export interface BaseVariables {
  requestId: string;
}

export type BaseEnv = { Variables: BaseVariables };
export type MerchantEnv = { Variables: BaseVariables & { scope: Scope } };
export type PortalEnv = {
  Variables: BaseVariables & {
    session: AuthenticatedSession;
    /** The business of the presented token even when it is expired or revoked (for CORS). */
    sessionBusinessId: string | undefined;
  };
};

export type AnyContext = Context<BaseEnv>;
