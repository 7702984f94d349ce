import type { Mode } from '@dodo-portal/wire/schemas';
import type { Context } from 'hono';
import type { Mailer } from '../mail/mailer.ts';
import type { PaymentProcessor } from '../payments/processor.ts';
import type { BackgroundTasks } from '../services/background.ts';
import type { MailQueue } from '../services/mail-queue.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AuthenticatedSession } from '../services/sessions.ts';
import type { Scope } from '../store/scope.ts';

export interface Logger {
  error(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
}

/** Everything a request handler may use, resolved once per app. */
export interface AppContext extends ServiceContext {
  /** The SMTP mailer, or the refusing `disabledMailer` when SMTP_URL is not set. */
  mailer: Mailer;
  /** The mailer for mail of a mode: SMTP if configured, else the outbox (test) or the refusal (live). */
  mailerFor: (mode: Mode) => Mailer;
  paymentProcessor: PaymentProcessor;
  /** Live-mode charges; without one they fail with `processor_not_configured` (the sandbox is test-only). */
  livePaymentProcessor: PaymentProcessor | undefined;
  /** The server's public origin (links in sessions, e-mails). No trailing slash. */
  publicUrl: string;
  /** The built CDN bundle served at /dodo-portal.js, or undefined when it cannot be located. */
  cdnScriptPath: string | undefined;
  logger: Logger;
  rateLimiter: RateLimiter;
  background: BackgroundTasks;
  /** Outgoing mail: queued, sent after the commit by its drain (services/mail-queue.ts). */
  mailQueue: MailQueue;
  /** Read the client IP from X-Forwarded-For (rate limits). */
  trustProxy: boolean;
  /** How long an unanswered Idempotency-Key holds before a retry may recover it (real time). */
  idempotencyLeaseMs: number;
}

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
